//! The sheet `forms::xlsx` writes for a PROJECT report reads back to the same document.

use super::*;
use crate::forms::read::{Cell, Location};

/// A cell of a hand-built sheet.
pub(super) enum C<'a> {
    /// Text in one column.
    T(&'a str),
    /// Text merged across columns.
    S(&'a str, usize),
    /// Continues the cell above (vertically merged).
    U,
    /// Continues the cell above, merged across columns too.
    Us(usize),
}

/// A worksheet `Sheet1` built row by row, with A1 references as a workbook reader gives them.
pub(super) fn sheet(rows: &[&[C<'_>]]) -> Table {
    let rows = rows
        .iter()
        .enumerate()
        .map(|(r, cells)| {
            let mut col = 0usize;
            cells
                .iter()
                .map(|c| {
                    let (text, span, continued) = match c {
                        C::T(t) => (*t, 1, false),
                        C::S(t, n) => (*t, *n, false),
                        C::U => ("", 1, true),
                        C::Us(n) => ("", *n, true),
                    };
                    let letter = char::from(b'A' + u8::try_from(col).unwrap_or(25));
                    col += span;
                    Cell {
                        at: at(&format!("{letter}{}", r + 1)),
                        text: text.to_owned(),
                        span,
                        continued,
                    }
                })
                .collect()
        })
        .collect();
    Table { rows }
}

/// A cell of `Sheet1`.
pub(super) fn at(cell: &str) -> Location {
    Location::SheetCell {
        sheet: "Sheet1".to_owned(),
        cell: cell.to_owned(),
    }
}

/// The department the tests file under.
pub(super) fn given() -> Given {
    Given {
        department_code: "YX-KGJ".to_owned(),
    }
}

/// The only draft of a table.
pub(super) fn one(table: &Table) -> Draft {
    let mut drafts = projects(table, &given());
    assert_eq!(drafts.len(), 1, "{drafts:#?}");
    drafts.remove(0)
}

/// `tests/fixtures/project-report.json`'s document, less what the project sheet does not
/// print (budget code, evaluation method, report date, issuer, preparer, narrative).
fn printed_fixture() -> ReportDocument {
    let line: serde_json::Value = serde_json::from_str(include_str!(
        "../../../../tests/fixtures/project-report.json"
    ))
    .unwrap_or_else(|e| panic!("{e}"));
    let mut d: ReportDocument =
        serde_json::from_value(line["document"].clone()).unwrap_or_else(|e| panic!("{e}"));
    d.budget_code = None;
    d.evaluation_method = None;
    d.report_date = None;
    d.issuer = None;
    d.preparer = None;
    d.sections.clear();
    d
}

/// The fixture as `forms::xlsx` lays it out (`Sheet::project`): title and year across A–H;
/// 项目名称; 主管部门 B–D, 实施单位 F–H; the funding block with 项目资金（万元） merged down A5:A9
/// and 执行率 as the formula's value (a share); 年度总体目标 merged down A10:A11 with the goal
/// over B–E and F–H; the indicators with 一级 and 二级 merged down over their runs and the
/// reason and measures in one cell on two lines; 总分 (分值 sum, declared score), 自评等级; the
/// evaluators' table and the (empty) opinions.
#[test]
fn the_service_s_own_project_sheet_reads_back_to_its_document() {
    use C::{S, T, U};
    let table = sheet(&[
        &[S("2024年度科技创新专项资金项目支出绩效自评表", 8)],
        &[S("（2024年度）", 8)],
        &[T("项目名称"), S("2024年度科技创新专项资金", 7)],
        &[
            T("主管部门"),
            S("岳阳市云溪区科技和工业信息化局", 3),
            T("实施单位"),
            S("岳阳市云溪区科技和工业信息化局", 3),
        ],
        &[
            T("项目资金（万元）"),
            T(""),
            T("年初预算数"),
            T("全年预算数"),
            T("全年执行数"),
            T("分值"),
            T("执行率"),
            T("得分"),
        ],
        &[
            U,
            T("年度资金总额"),
            T("500"),
            T("480"),
            T("456"),
            T("10"),
            T("0.95"),
            T("9.5"),
        ],
        &[
            U,
            T("其中：当年财政拨款"),
            T("400"),
            T("400"),
            T("380"),
            T(""),
            T("0.95"),
            T(""),
        ],
        &[
            U,
            T("上年结转资金"),
            T("80"),
            T("60"),
            T("56"),
            T(""),
            T("0.933333"),
            T(""),
        ],
        &[
            U,
            T("其他资金"),
            T("20"),
            T("20"),
            T("20"),
            T(""),
            T("1"),
            T(""),
        ],
        &[T("年度总体目标"), S("预期目标", 4), S("实际完成情况", 3)],
        &[
            U,
            S("支持企业开展技术创新，提升区域创新能力", 4),
            S("支持52家企业开展研发，新增专利授权16件", 3),
        ],
        &[
            T("一级指标"),
            T("二级指标"),
            T("三级指标"),
            T("年度指标值"),
            T("实际完成值"),
            T("分值"),
            T("得分"),
            T("偏差原因分析及改进措施"),
        ],
        &[
            T("产出指标"),
            T("数量指标"),
            T("支持企业数量"),
            T("≥50家"),
            T("52家"),
            T("15"),
            T("15"),
            T(""),
        ],
        &[
            U,
            U,
            T("新增专利授权"),
            T("≥20件"),
            T("16件"),
            T("10"),
            T("8"),
            T("部分专利审查周期延长至次年\n提前申报，跟踪审查进度"),
        ],
        &[
            U,
            T("质量指标"),
            T("项目验收合格率"),
            T("=100%"),
            T("100%"),
            T("10"),
            T("10"),
            T(""),
        ],
        &[
            U,
            T("时效指标"),
            T("项目完成及时率"),
            T("≥95%"),
            T("98%"),
            T("5"),
            T("5"),
            T(""),
        ],
        &[
            U,
            T("成本指标"),
            T("单个项目平均成本"),
            T("≤90万元"),
            T("99万元"),
            T("10"),
            T("9"),
            T("设备价格上涨\n加强采购比价"),
        ],
        &[
            T("效益指标"),
            T("经济效益指标"),
            T("带动企业研发投入"),
            T("≥1.5亿元"),
            T("2.1亿元"),
            T("10"),
            T("10"),
            T(""),
        ],
        &[
            U,
            T("社会效益指标"),
            T("安全生产事故"),
            T("=0起"),
            T("0起"),
            T("5"),
            T("5"),
            T(""),
        ],
        &[
            U,
            T("可持续影响指标"),
            T("长效机制建设"),
            T("建立科技项目长效管理机制"),
            T("达成年度指标"),
            T("15"),
            T("14"),
            T(""),
        ],
        &[
            T("满意度指标"),
            T("服务对象满意度指标"),
            T("企业满意度"),
            T("≥90%"),
            T("93%"),
            T("10"),
            T("10"),
            T(""),
        ],
        &[S("总分", 5), T("100"), T("95.5"), T("")],
        &[S("自评等级", 5), S("优秀", 3)],
        &[S("评价人员", 8)],
        &[
            T("姓名"),
            T("职务/职称"),
            S("单位", 3),
            T("角色"),
            S("签署", 2),
        ],
        &[
            T("姚骄阳"),
            T("局长"),
            S("科工局", 3),
            T("组长"),
            S("未签署", 2),
        ],
        &[S("意见", 8)],
    ]);
    let draft = one(&table);
    assert_eq!(draft.unplaced, vec![]);
    assert_eq!(draft.warnings, vec![]);
    let read = serde_json::to_value(&draft.document).unwrap_or_default();
    let expected = serde_json::to_value(printed_fixture()).unwrap_or_default();
    assert_eq!(read, expected);
}

/// A sheet of the service's layout where the document had no title (the sheet prints one made
/// of unit, year and form), an opinion (its last line 负责人 and 日期, its text cut over two
/// rows with （续）) and a 执行率 that is not 执行数 / 预算数.
#[test]
fn no_title_an_opinion_and_a_declared_rate_read_back() {
    use C::{S, T, U};
    let table = sheet(&[
        &[S("某单位2023年度项目支出绩效自评表", 8)],
        &[S("（2023年度）", 8)],
        &[T("项目名称"), S("某项目", 7)],
        &[T("主管部门"), S("", 3), T("实施单位"), S("某单位", 3)],
        &[
            T("项目资金（万元）"),
            T(""),
            T("年初预算数"),
            T("全年预算数"),
            T("全年执行数"),
            T("分值"),
            T("执行率"),
            T("得分"),
        ],
        &[
            U,
            T("年度资金总额"),
            T("100"),
            T("100"),
            T("80"),
            T("10"),
            T("0.9"),
            T("8"),
        ],
        &[S("意见", 8)],
        &[S("部门（单位）意见", 2), S("同意。", 6)],
        &[
            S("（续）", 2),
            S("继续跟踪。\n负责人：张三　日期：2024年3月5日", 6),
        ],
    ]);
    let draft = one(&table);
    assert_eq!(draft.unplaced, vec![]);
    assert_eq!(draft.warnings, vec![]);
    let d = draft.document;
    assert_eq!(d.fiscal_year, 2023);
    assert_eq!(d.unit_name, "某单位");
    assert_eq!(d.competent_department, None);
    // The title the service prints for a report without one.
    assert_eq!(d.title, None);
    let line = d.funding.first().map(|l| l.declared_rate);
    assert_eq!(line, Some(Some(rust_decimal::Decimal::from(90))));
    let o = d.opinions.first();
    assert_eq!(o.map(|o| o.kind), Some(entity::OpinionKind::Department));
    assert_eq!(o.and_then(|o| o.text.as_deref()), Some("同意。继续跟踪。"));
    assert_eq!(o.and_then(|o| o.person.as_deref()), Some("张三"));
    assert_eq!(
        o.and_then(|o| o.date),
        chrono::NaiveDate::from_ymd_opt(2024, 3, 5)
    );
}
