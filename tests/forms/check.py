"""Reads jixiao's official forms with openpyxl and python-docx, independently of the service's writer, and
checks that every value sits in its row and column (against the report as GraphQL answers it),
that sums are formulas over the right cells, and the page set-up and footer.

    check.py BASE_URL ADMIN_TOKEN PROJECT_FIXTURE WORK_DIR
"""

import json
import sys
import urllib.request
from decimal import Decimal

import os
import shutil
import subprocess

import docx
import openpyxl
import pypdf

BASE, TOKEN, FIXTURE, WORK = sys.argv[1:5]

REPORT = """
query($id: ID!) { node(id: $id) { ... on Report {
  kind title seriesTitle unitName fiscalYear contentDigest version declaredScore declaredGrade amountUnit
  downloads { format url fileName mediaType }
  profile { contactName contactPhone duties }
  finance { units { name income { total carryover publicFinance governmentFund specialAccountNonTax other } expenditure { total } } }
  funding { line initialBudget adjustedBudget executed weight declaredScore }
  qualitativeGoals { expected actual }
  indicators { name target { text } actual { text } weight declaredScore }
  evaluators { name }
} } }"""


def gql(query, variables=None):
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    req = urllib.request.Request(
        BASE + "/graphql",
        data=body,
        headers={"content-type": "application/json", "authorization": "Bearer " + TOKEN},
    )
    with urllib.request.urlopen(req) as resp:
        answer = json.load(resp)
    assert not answer.get("errors"), answer
    return answer["data"]


def download(url, name):
    req = urllib.request.Request(BASE + url, headers={"authorization": "Bearer " + TOKEN})
    path = f"{WORK}/{name}"
    with urllib.request.urlopen(req) as resp, open(path, "wb") as out:
        out.write(resp.read())
    return openpyxl.load_workbook(path)


def number(value):
    return None if value is None else Decimal(value)


def same(cell, expected, where):
    """A figure cell: blank when not filed, else the filed amount (or a SUM formula)."""
    if expected is None:
        assert cell.value is None, f"{where}: {cell.coordinate} should be blank, is {cell.value!r}"
        return
    if isinstance(cell.value, str) and cell.value.startswith("="):
        return  # a sum: its cells are checked where they are written
    got = Decimal(repr(cell.value))
    assert abs(got - Decimal(expected)) < Decimal("0.000001"), (
        f"{where}: {cell.coordinate} is {cell.value!r}, expected {expected}"
    )


def row_where(ws, column, text):
    for row in ws.iter_rows():
        if row[column].value == text:
            return row
    raise AssertionError(f"no row with {text!r} in column {column}")


def common(ws, report):
    assert ws.page_setup.paperSize in (9, "9"), ws.page_setup.paperSize
    assert ws.page_setup.orientation == "portrait"
    # Fitted to one page wide (openpyxl leaves fitToWidth unset at its default, 1), any height.
    assert ws.sheet_properties.pageSetUpPr.fitToPage, "fit to page"
    assert ws.page_setup.fitToWidth in (None, 1, "1") and ws.page_setup.fitToHeight in (0, "0")
    footer = ws.oddFooter.left.text or ""
    assert report["contentDigest"] in footer and f"版本 {report['version']}" in footer, footer
    assert "A1:H1" in {str(r) for r in ws.merged_cells.ranges}, "title merged across the sheet"
    for ind in report["indicators"]:
        # 年度指标值 in D and 实际完成值 in E on both sheets; the project sheet also has 三级指标
        # in C and 分值, 得分 in F, G (the department sheet adds them only when filed).
        row = row_where(ws, 3, ind["target"]["text"])
        actual = (ind["actual"] or {}).get("text")
        assert row[4].value == actual or (row[4].value is None and not actual), row[4].value
        if report["kind"] == "PROJECT":
            assert row[2].value == ind["name"] or (row[2].value is None and ind["name"] is None)
            same(row[5], ind["weight"], "indicator weight")
            same(row[6], ind["declaredScore"], "indicator score")
    for e in report["evaluators"]:
        row_where(ws, 0, e["name"])


def overall(ws, report):
    """The department sheet has the Word form's table shapes: the income table's title row, two
    header rows, the summary row, then a numbered row per unit."""
    assert ws["A1"].value == report["seriesTitle"] or ws["A1"].value == report["title"], ws["A1"].value
    row = row_where(ws, 0, "联系人")
    assert row[3].value == report["profile"]["contactPhone"], row[3].value
    title = row_where(ws, 0, "年度收入情况（万元）")[0].row
    summary_row = title + 3
    formulas = 0
    for i, unit in enumerate(report["finance"]["units"], start=1):
        row = next(r for r in ws.iter_rows(min_row=title) if r[0].value == f"{i}、{unit['name']}")
        assert row[0].row == summary_row + i, (row[0].row, summary_row, i)
        income = unit["income"]
        for col, key in enumerate(
            ["total", "carryover", "publicFinance", "governmentFund", "specialAccountNonTax", "other"],
            start=1,
        ):
            same(row[col], income[key], f"{unit['name']} {key}")
        if isinstance(row[1].value, str):
            r = row[1].row
            assert row[1].value == f"=SUM(C{r},D{r},E{r},F{r},G{r})", row[1].value
            formulas += 1
    # 支出合计 = 基本支出 + 项目支出 where the filed figures agree (the reference's income total,
    # 680.54 against parts summing to 680.52, is kept as filed).
    spent = row_where(ws, 0, "部门（单位）年度支出和结余情况（万元）")[0].row
    for i, unit in enumerate(report["finance"]["units"], start=1):
        row = next(r for r in ws.iter_rows(min_row=spent) if r[0].value == f"{i}、{unit['name']}")
        e = unit["expenditure"]
        if isinstance(row[1].value, str):
            r = row[1].row
            assert row[1].value == f"=SUM(C{r},F{r})", row[1].value
            formulas += 1
        else:
            same(row[1], e["total"], f"{unit['name']} expenditure total")
    assert formulas > 0, "a unit whose total is its parts' sum has a formula"
    # The summary row: blank where nothing was filed, a SUM over the units where the filed
    # figure is their sum.
    summary = ws.cell(row=summary_row, column=2)
    if isinstance(summary.value, str):
        first, last = summary_row + 1, summary_row + len(report["finance"]["units"])
        assert summary.value == f"=SUM(B{first}:B{last})", summary.value
    print(f"  {len(report['finance']['units'])} units, {formulas} row totals as formulas")


def project(ws, report):
    row = row_where(ws, 0, "项目名称")
    total = row_where(ws, 1, "年度资金总额")
    lines = {f["line"]: f for f in report["funding"]}
    for label, kind in [
        ("其中：当年财政拨款", "CURRENT_APPROPRIATION"),
        ("上年结转资金", "PRIOR_CARRYOVER"),
        ("其他资金", "OTHER"),
    ]:
        row = row_where(ws, 1, label)
        for col, key in [(2, "initialBudget"), (3, "adjustedBudget"), (4, "executed")]:
            same(row[col], lines[kind][key], f"{kind} {key}")
    r = total[0].row
    for col, letter in [(2, "C"), (3, "D"), (4, "E")]:
        assert total[col].value == f"=SUM({letter}{r + 1}:{letter}{r + 3})", total[col].value
    assert total[6].value == f"=E{r}/D{r}", total[6].value
    same(total[5], lines["TOTAL"]["weight"], "funding weight")
    same(total[7], lines["TOTAL"]["declaredScore"], "funding score")
    for goal in report["qualitativeGoals"]:
        row = row_where(ws, 1, goal["expected"])
        assert row[5].value == goal["actual"]
    score = row_where(ws, 0, "总分")
    assert str(score[5].value).startswith("=SUM(F"), score[5].value
    grade = row_where(ws, 0, "自评等级")
    assert grade[5].value == report["declaredGrade"]


def word_rows(document):
    """Every table row of a Word document as its cells' texts (merged cells once per grid
    column, as python-docx gives them)."""
    for table in document.tables:
        for row in table.rows:
            yield [c.text for c in row.cells]


def word_row(document, text):
    for cells in word_rows(document):
        if text in cells:
            return cells
    raise AssertionError(f"no Word table row with a cell {text!r}")


def word(path, report):
    """The Word form, read with python-docx: page, footer, and every value in its row."""
    d = docx.Document(path)
    section = d.sections[0]
    assert (section.page_width.mm, section.page_height.mm) == (210, 297) or (
        abs(section.page_width.mm - 210) < 1 and abs(section.page_height.mm - 297) < 1
    ), (section.page_width.mm, section.page_height.mm)
    footer = "".join(p.text for p in section.footer.paragraphs)
    assert report["contentDigest"] in footer and f"版本 {report['version']}" in footer, footer
    props = {p: getattr(d.core_properties, p) for p in ["title"]}
    assert props["title"] == report["title"], props
    texts = [p.text for p in d.paragraphs]
    assert report["title"] in texts, texts[:5]
    for ind in report["indicators"]:
        row = word_row(d, ind["target"]["text"])
        actual = (ind["actual"] or {}).get("text") or ""
        at = row.index(ind["target"]["text"])
        assert row[at + 1] == actual, (row, actual)
        if ind["name"]:
            assert row[at - 1] == ind["name"], row
        if ind["weight"] is not None:
            assert row[at + 2] == ind["weight"] and row[at + 3] == ind["declaredScore"], row
    for e in report["evaluators"]:
        word_row(d, e["name"])
    if report["kind"] == "DEPARTMENT_OVERALL":
        row = word_row(d, "联络电话")
        assert row[row.index("联络电话") + 1] == report["profile"]["contactPhone"], row
        for i, unit in enumerate(report["finance"]["units"], start=1):
            row = word_row(d, f"{i}、{unit['name']}")
            income = unit["income"]
            keys = ["total", "carryover", "publicFinance", "governmentFund", "specialAccountNonTax", "other"]
            # The income table is the first with the unit's row.
            assert row[1:7] == [income[k] or "" for k in keys], (row, income)
    else:
        lines = {f["line"]: f for f in report["funding"]}
        for label, kind in [("年度资金总额", "TOTAL"), ("其中：当年财政拨款", "CURRENT_APPROPRIATION"),
                            ("上年结转资金", "PRIOR_CARRYOVER"), ("其他资金", "OTHER")]:
            row = word_row(d, label)
            want = [lines[kind][k] or "" for k in ["initialBudget", "adjustedBudget", "executed"]]
            assert row[2:5] == want, (row, want)
        for goal in report["qualitativeGoals"]:
            row = word_row(d, goal["expected"])
            assert goal["actual"] in row, row
        grade = word_row(d, "自评等级")
        assert grade[-1] == report["declaredGrade"], grade
    return len(d.tables)


def opens_in_libreoffice(path):
    """LibreOffice converts the file without complaint (it would refuse a corrupt one)."""
    soffice = shutil.which("soffice")
    if not soffice:
        return False
    out = os.path.join(WORK, "lo")
    profile = "file://" + os.path.join(WORK, "lo-profile")
    subprocess.run(
        [soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "pdf", "--outdir", out, path],
        check=True, capture_output=True, timeout=180,
    )
    pdf = os.path.join(out, os.path.splitext(os.path.basename(path))[0] + ".pdf")
    assert os.path.getsize(pdf) > 1000, pdf
    return True


def main():
    ids = [n["id"] for n in gql("{ reports(first: 5) { nodes { id } } }")["reports"]["nodes"]]
    fixture = json.load(open(FIXTURE, encoding="utf-8"))
    upsert = gql(
        "mutation($input: UpsertReportInput!) { upsertReport(input: $input) { report { id } userErrors { code message } } }",
        {"input": fixture},
    )["upsertReport"]
    assert not upsert["userErrors"], upsert
    ids.append(upsert["report"]["id"])
    kinds = set()
    for i, id in enumerate(ids):
        report = gql(REPORT, {"id": id})["node"]
        files = {f["format"]: f for f in report["downloads"]}
        file = files["XLSX"]
        book = download(file["url"], f"{i}.xlsx")
        assert len(book.worksheets) == 1
        ws = book.worksheets[0]
        common(ws, report)
        (overall if report["kind"] == "DEPARTMENT_OVERALL" else project)(ws, report)
        kinds.add(report["kind"])
        print(f"ok {file['fileName']}: {ws.max_row} rows, {len(ws.merged_cells.ranges)} merged ranges")
        file = files["DOCX"]
        path = f"{WORK}/{i}.docx"
        req = urllib.request.Request(BASE + file["url"], headers={"authorization": "Bearer " + TOKEN})
        with urllib.request.urlopen(req) as resp, open(path, "wb") as out:
            assert resp.headers["content-type"] == file.get("mediaType", resp.headers["content-type"])
            out.write(resp.read())
        tables = word(path, report)
        opened = opens_in_libreoffice(path)
        print(f"ok {file['fileName']}: {tables} tables" + (", opened by LibreOffice" if opened else ""))
        for pdf in [f for f in report["downloads"] if f["format"] == "PDF"]:
            assert pdf["format"] == "PDF", pdf
            path = f"{WORK}/{i}.pdf"
            req = urllib.request.Request(BASE + pdf["url"], headers={"authorization": "Bearer " + TOKEN})
            with urllib.request.urlopen(req, timeout=180) as resp, open(path, "wb") as out:
                assert resp.headers["content-type"] == "application/pdf"
                out.write(resp.read())
            reader = pypdf.PdfReader(path)
            text = "".join(page.extract_text() or "" for page in reader.pages)
            needle = report["unitName"] if report["kind"] == "DEPARTMENT_OVERALL" else "项目支出绩效自评表"
            assert needle in text, f"{needle} not in the PDF's text: {text[:300]!r}"
            print(f"ok {pdf['fileName']}: {len(reader.pages)} pages, converted by LibreOffice")
    assert kinds == {"DEPARTMENT_OVERALL", "PROJECT"}, kinds


main()
