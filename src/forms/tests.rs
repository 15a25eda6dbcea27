//! The workbook writer never fails or writes an unreadable file, whatever a stored document
//! holds: arbitrary text in every printed field (any Unicode the input rules let through, and
//! more), arbitrary figures, empty and long lists.

use super::*;
use crate::domain::report::document::{EvaluatorDoc, Section};
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::io::Read;

fn reference() -> ReportDocument {
    let input: serde_json::Value =
        serde_json::from_str(crate::reference::FIXTURE).unwrap_or_default();
    serde_json::from_value(input["document"].clone()).unwrap_or_default()
}

/// Characters XML 1.0 allows (a part holding any other is a file Excel must repair).
fn xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

fn parts(bytes: &[u8]) -> Vec<(String, String)> {
    let mut zip =
        zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap_or_else(|e| panic!("{e}"));
    (0..zip.len())
        .map(|i| {
            let mut file = zip.by_index(i).unwrap_or_else(|e| panic!("{e}"));
            let mut text = String::new();
            file.read_to_string(&mut text)
                .unwrap_or_else(|e| panic!("{e}"));
            (file.name().map(|n| n.to_string()).unwrap_or_default(), text)
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn any_document_makes_a_readable_workbook(
        text in prop_oneof![
            any::<String>(),
            "[\u{0}-\u{1f}\u{7f}\u{fffe}\u{ffff}<>&\"'=+@\\-]{1,40}",
        ],
        long in 0usize..40_000,
        figure in any::<i64>(),
        scale in 0u32..=6,
        evaluators in 0usize..4,
        project in any::<bool>(),
    ) {
        let mut d = reference();
        if project {
            d.kind = crate::domain::report::document::ReportKindDoc(entity::ReportKind::Project);
        }
        d.unit_name = text.clone();
        d.title = Some(format!("{text}{}", "题".repeat(long % 300)));
        d.profile.duties = Some(text.repeat(long / text.len().max(1) + 1));
        if let Some(ind) = d.indicators.first_mut() {
            ind.target.text = text.clone();
            ind.weight = Some(Decimal::new(figure, scale));
        }
        if let Some(unit) = d.finance.units.first_mut() {
            unit.name = text.clone();
            unit.income.total = Some(Decimal::new(figure, scale));
        }
        d.evaluators = (0..evaluators)
            .map(|i| EvaluatorDoc {
                id: None,
                name: format!("{text}{i}"),
                position: None,
                unit: Some(text.clone()),
                role: entity::EvaluatorRole::Member,
                subject: Some(text.clone()),
            })
            .collect();
        d.sections = vec![Section { id: None, key: "1".into(), title: text.clone(), body: Some("段".repeat(long)) }];
        let form = FormReport {
            document: &d,
            version: 1,
            content_digest: "0".repeat(64).leak(),
            signatures: vec![Signed { subject: text.clone(), at: chrono::Utc::now(), content_digest: String::new() }],
        };
        let bytes = workbook(&[form]).unwrap_or_else(|e| panic!("{e:?}"));
        for (name, xml) in parts(&bytes) {
            if let Some(bad) = xml.chars().find(|c| !xml_char(*c)) {
                panic!("{name} holds U+{:04X}, which XML does not allow", u32::from(bad));
            }
        }
    }
}
