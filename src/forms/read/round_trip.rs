//! The forms both ways: what the service writes (Word, Excel) reads back to the same content
//! digest, and the reference report's text reads to the reference document.

use super::{Given, read};
use crate::domain::report::ReportDocument;
use crate::forms::{FormReport, Signed};

fn fixture(json: &str) -> ReportDocument {
    let input: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
    serde_json::from_value(input["document"].clone()).unwrap_or_else(|e| panic!("{e}"))
}

pub(super) fn reference() -> ReportDocument {
    fixture(crate::reference::FIXTURE)
}

pub(super) fn project() -> ReportDocument {
    fixture(include_str!("../../../tests/fixtures/project-report.json"))
}

fn given() -> Given {
    Given {
        department_code: "YX-KGJ".into(),
    }
}

pub(super) fn form(d: &ReportDocument) -> FormReport<'_> {
    FormReport {
        document: d,
        version: 1,
        content_digest: "0",
        signatures: Vec::<Signed>::new(),
    }
}

/// `read` of `bytes` is one draft with the content of `want`: the same digest once both are
/// normalized as `upsertReport` would (the first differing field shown otherwise).
fn same_content(bytes: &[u8], want: &ReportDocument, what: &str) {
    let drafts = read(bytes, &given()).unwrap_or_else(|e| panic!("{what}: {e:?}"));
    assert_eq!(drafts.len(), 1, "{what}");
    let draft = &drafts[0];
    assert!(
        draft.unplaced.is_empty(),
        "{what}: unplaced {:?}",
        draft.unplaced
    );
    assert!(
        draft.warnings.is_empty(),
        "{what}: warnings {:?}",
        draft.warnings
    );
    let norm = |d: &ReportDocument| {
        d.clone()
            .normalize()
            .unwrap_or_else(|e| panic!("{what}: {e:?}"))
    };
    let (got, want) = (norm(&draft.document), norm(want));
    if got.digest() != want.digest() {
        let (g, w) = (
            serde_json::to_value(&got).unwrap_or_default(),
            serde_json::to_value(&want).unwrap_or_default(),
        );
        let keys = w.as_object().map(|o| o.keys().cloned().collect::<Vec<_>>());
        for k in keys.unwrap_or_default() {
            assert_eq!(g[&k], w[&k], "{what}: field {k} differs");
        }
        panic!("{what}: digests differ");
    }
}

#[test]
fn the_reference_text_reads_as_the_reference_document() {
    let text = include_str!("../../../data/reference/yunxi-2019-report.txt");
    let drafts = read(text.as_bytes(), &given()).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(drafts.len(), 1);
    assert_eq!(drafts[0].document, reference());
    assert!(drafts[0].unplaced.is_empty() && drafts[0].warnings.is_empty());
    // Saved by a Chinese Word as GBK text: the same draft.
    let (gbk, _, lossy) = encoding_rs::GBK.encode(text);
    assert!(!lossy);
    let again = read(&gbk, &given()).unwrap_or_else(|e| panic!("{e:?}"));
    assert_eq!(again, drafts);
}

#[test]
fn the_reference_report_goes_out_as_word_and_comes_back() {
    let d = reference();
    let bytes = crate::forms::docx::document(&form(&d)).unwrap_or_else(|e| panic!("{e}"));
    same_content(&bytes, &d, "reference .docx");
}

#[test]
fn the_project_report_goes_out_as_word_and_comes_back() {
    let d = project();
    let bytes = crate::forms::docx::document(&form(&d)).unwrap_or_else(|e| panic!("{e}"));
    same_content(&bytes, &d, "project .docx");
}

#[test]
fn the_project_report_goes_out_as_excel_and_comes_back() {
    let d = project();
    let bytes = crate::forms::workbook(&[form(&d)]).unwrap_or_else(|e| panic!("{e:?}"));
    same_content(&bytes, &d, "project .xlsx");
}

#[test]
fn the_project_report_saved_as_excel_97_comes_back() {
    // tests/fixtures/forms/project.xls: the service's project workbook for the project fixture,
    // saved by LibreOffice 7.4 as Excel 97–2003 (the format many units still file in).
    let bytes = include_bytes!("../../../tests/fixtures/forms/project.xls");
    same_content(bytes, &project(), "project .xls");
}

#[test]
fn the_reference_report_goes_out_as_excel_and_comes_back() {
    let d = reference();
    let bytes = crate::forms::workbook(&[form(&d)]).unwrap_or_else(|e| panic!("{e:?}"));
    same_content(&bytes, &d, "reference .xlsx");
}

/// What the fixtures do not hold comes back too: a filed 执行率 that differs from the figures,
/// 改进措施 without a reason, a reason over two lines, no declared 总分; 三级指标, 分值, 得分,
/// 得分系数 and both texts in the department's indicator table.
#[test]
fn fields_beyond_the_fixtures_come_back() {
    use rust_decimal::Decimal;
    let mut p = project();
    p.funding[0].declared_rate = Some(Decimal::new(9600, 2));
    p.indicators[0].improvement_measures = Some("加强调度".into());
    p.indicators[1].deviation_reason = Some("审查周期延长\n跨年授权".into());
    p.declared_score = None;
    let bytes = crate::forms::docx::document(&form(&p)).unwrap_or_else(|e| panic!("{e}"));
    same_content(&bytes, &p, "varied project .docx");
    let bytes = crate::forms::workbook(&[form(&p)]).unwrap_or_else(|e| panic!("{e:?}"));
    same_content(&bytes, &p, "varied project .xlsx");

    let mut r = reference();
    let first = &mut r.indicators[0];
    first.name = Some("技工贸收入".into());
    first.weight = Some(Decimal::new(10, 0));
    first.declared_score = Some(Decimal::new(95, 1));
    first.score_coefficient = Some(Decimal::new(95, 2));
    first.deviation_reason = Some("统计口径调整".into());
    first.improvement_measures = Some("按月调度".into());
    let bytes = crate::forms::docx::document(&form(&r)).unwrap_or_else(|e| panic!("{e}"));
    same_content(&bytes, &r, "varied reference .docx");
    let bytes = crate::forms::workbook(&[form(&r)]).unwrap_or_else(|e| panic!("{e:?}"));
    same_content(&bytes, &r, "varied reference .xlsx");
}
