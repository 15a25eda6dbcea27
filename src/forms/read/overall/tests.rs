//! The reader against the reference report, against the variations other templates and
//! fillers make, and against arbitrary input.

use super::*;
use crate::domain::report::document::FinanceRow;
use crate::forms::read::text::blocks;
use crate::forms::read::{Cell, Fragment, Table, Warning};
use entity::{EvaluatorRole, IndicatorCategory, IndicatorSubcategory};
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::str::FromStr;

const REFERENCE: &str = include_str!("../../../../data/reference/yunxi-2019-report.txt");

fn read(text: &str) -> Draft {
    overall(
        &blocks(text),
        &Given {
            department_code: "YX-KGJ".into(),
        },
    )
}

/// A part of the form after a cover in the reference layout (whose 15 lines shift the part's).
fn read_part(part: &str) -> Draft {
    let cover = cover(
        YUEYANG,
        "岳阳市云溪区2019年度部门整体支出绩效评价自评报告",
        "岳阳市云溪财政局（制）",
    );
    read(&(cover + part))
}

fn dec(s: &str) -> Option<Decimal> {
    Some(Decimal::from_str(s).unwrap())
}

/// The reference report reads as the fixture, field group by field group, then as a whole,
/// with nothing unplaced and no warning.
#[test]
fn the_reference_report_reads_as_the_fixture() {
    let draft = read(REFERENCE);
    let expected = crate::reference::fixture().unwrap().document;
    let d = &draft.document;
    assert_eq!(draft.unplaced, Vec::<Fragment>::new());
    assert_eq!(draft.warnings, Vec::<Warning>::new());
    let cover = |d: &ReportDocument| {
        (
            d.department_code.clone(),
            d.fiscal_year,
            d.kind,
            d.series_title.clone(),
            d.title.clone(),
            d.unit_name.clone(),
            d.budget_code.clone(),
            d.evaluation_method.clone(),
            d.evaluating_body.clone(),
            d.report_date,
            d.issuer.clone(),
        )
    };
    assert_eq!(cover(d), cover(&expected));
    assert_eq!(d.profile, expected.profile);
    assert_eq!(d.amount_unit, expected.amount_unit);
    assert_eq!(d.finance.summary, expected.finance.summary);
    assert_eq!(d.finance.units, expected.finance.units);
    assert_eq!(d.funding, expected.funding);
    assert_eq!(d.qualitative_goals, expected.qualitative_goals);
    assert_eq!(d.indicators.len(), expected.indicators.len());
    for (i, (a, b)) in d.indicators.iter().zip(&expected.indicators).enumerate() {
        assert_eq!(a, b, "indicator {i}");
    }
    assert_eq!(d.level1_weights, expected.level1_weights);
    assert_eq!(
        (d.declared_score, &d.declared_grade),
        (expected.declared_score, &expected.declared_grade)
    );
    assert_eq!(d.evaluators, expected.evaluators);
    assert_eq!(d.opinions, expected.opinions);
    assert_eq!(d.preparer, expected.preparer);
    assert_eq!(d.sections.len(), expected.sections.len());
    for (a, b) in d.sections.iter().zip(&expected.sections) {
        assert_eq!(a, b, "section {}", b.key);
    }
    assert_eq!(*d, expected);
    let crlf = read(&REFERENCE.replace('\n', "\r\n"));
    assert_eq!(crlf, draft, "the same report saved with \\r\\n line ends");
}

/// The narrative as paragraphs after the form's table instead of lines of its last cell (as a
/// `.docx` may hold it) reads the same, but for the blank lines between paragraphs that a
/// `.docx` does not have.
#[test]
fn the_narrative_as_paragraphs_reads_the_same() {
    let mut blocks = blocks(REFERENCE);
    let Some(Block::Table(last)) = blocks.pop() else {
        panic!("the reference ends with the narrative's table");
    };
    let cell = last.rows.concat().pop().unwrap();
    let Location::Line(first) = cell.at else {
        panic!("{:?}", cell.at);
    };
    let paragraphs = cell.text.split('\n').enumerate();
    blocks.extend(
        paragraphs
            .filter(|(_, t)| !t.trim().is_empty())
            .map(|(k, text)| Block::Paragraph {
                at: Location::Line(first + k),
                text: text.to_owned(),
            }),
    );
    let given = Given {
        department_code: "YX-KGJ".into(),
    };
    let mut draft = overall(&blocks, &given);
    let mut expected = read(REFERENCE);
    for d in [&mut draft, &mut expected] {
        for section in &mut d.document.sections {
            section.body = section.body.as_ref().map(|b| b.replace("\n\n", "\n"));
        }
    }
    assert!(draft == expected, "{:?}", draft.document.sections);
}

/// A cover in the reference layout, with a series title, a title and an issuer.
fn cover(series: &str, title: &str, issuer: &str) -> String {
    format!(
        "{series}\n\n{title}\n\n部门(单位)名称：  某局\n\n预 算 编 码：  \n评价方式：部门（单位）绩效自评\n\n\
         评价机构：部门（单位）评价组\n\n报告日期：2021年3月5日\n\n{issuer}\n\n"
    )
}

const YUEYANG: &str = "岳阳市云溪区财政支出绩效评价自评报告";

/// As 岳阳市华容县 files the same template: another series title and issuer, the title on one
/// line, a year other than 2019.
#[test]
fn the_same_template_from_another_county() {
    let text = cover(
        "岳阳市华容县财政支出绩效评价自评报告",
        "华容县2020年度部门整体支出绩效评价自评报告",
        "岳阳市华容县财政局（制）",
    );
    let draft = read(&text);
    let d = &draft.document;
    assert_eq!(
        d.series_title.as_deref(),
        Some("岳阳市华容县财政支出绩效评价自评报告")
    );
    assert_eq!(
        d.title.as_deref(),
        Some("华容县2020年度部门整体支出绩效评价自评报告")
    );
    assert_eq!(d.fiscal_year, 2020);
    assert_eq!(d.issuer.as_deref(), Some("岳阳市华容县财政局（制）"));
    assert_eq!(d.unit_name, "某局");
    assert_eq!(d.report_date, chrono::NaiveDate::from_ymd_opt(2021, 3, 5));
    assert_eq!(d.department_code, "YX-KGJ");
    assert!(
        draft.unplaced.is_empty() && draft.warnings.is_empty(),
        "{draft:?}"
    );
}

/// A paragraph the form does not print (a note after the issuer) is unplaced with its line.
#[test]
fn an_unknown_paragraph_is_unplaced_with_its_line() {
    let text = cover(
        YUEYANG,
        "云溪区2019年度部门整体支出绩效评价自评报告",
        "岳阳市云溪财政局（制）",
    ) + "本报告数据未经审计\n\n\t一、部门（单位）基本概况\n\n\t联系人\n\t张三\n\n";
    let draft = read(&text);
    assert_eq!(
        draft.unplaced,
        [Fragment {
            at: Location::Line(16),
            text: "本报告数据未经审计".into()
        }]
    );
    assert_eq!(draft.document.profile.contact_name.as_deref(), Some("张三"));
    assert!(draft.warnings.is_empty());
}

/// One finance table in the reference layout: title, two header rows, then `rows` (each a
/// list of cells).
fn income_table(rows: &[&[&str]]) -> String {
    let mut text = String::from(
        "\t二、部门（单位）收支情况\n\n\t年度收入情况（万元）\n\n\t机构名称\n\t收入合计\n\t其中：\n\n\
         \t\n\t\n\t上年结转\n\t公共财\n\n政拨款\n\t政府基金拨款\n\t纳入专户管理的非税收入拨款\n\t其他\n\n收入\n\n",
    );
    for row in rows {
        for cell in *row {
            text.push('\t');
            text.push_str(cell);
            text.push('\n');
        }
        text.push('\n');
    }
    text
}

/// As a filler writes figures: full-width digits, thousands separators, placeholders (——, /,
/// 无) for nothing, the summary row (合计) last instead of first, template rows left blank.
#[test]
fn finance_figures_as_fillers_write_them() {
    let text = income_table(&[
        &[
            "1、局机关",
            "１，２３４．５",
            "——",
            "1,000",
            "/",
            "无",
            "234.5",
        ],
        &["2、二级机构1", "", "", "", "", "", ""],
        &["合计", "1234.5", "", "1000", "", "", "234.5"],
    ]);
    let draft = read_part(&text);
    assert!(draft.warnings.is_empty(), "{:?}", draft.warnings);
    assert!(draft.unplaced.is_empty(), "{:?}", draft.unplaced);
    let f = &draft.document.finance;
    let unit = f.units.first().unwrap();
    assert_eq!(unit.name, "局机关");
    assert_eq!(unit.income.total, dec("1234.5"));
    assert_eq!(unit.income.carryover, None);
    assert_eq!(unit.income.public_finance, dec("1000"));
    assert_eq!(
        (
            unit.income.government_fund,
            unit.income.special_account_non_tax
        ),
        (None, None)
    );
    assert_eq!(unit.income.other, dec("234.5"));
    assert_eq!(f.units.get(1).map(|u| u.name.as_str()), Some("二级机构1"));
    let summary = f.summary.as_ref().unwrap();
    assert_eq!(summary.name, "合计");
    assert_eq!(summary.income.total, dec("1234.5"));
    assert_eq!(draft.document.amount_unit, AmountUnit::WanYuan);
}

/// A figure with words in it (约50) is left blank and warned about, at its cell's line.
#[test]
fn an_unreadable_figure_is_blank_with_a_warning() {
    let text = income_table(&[&["1、局机关", "约50", "", "", "", "", ""]]);
    let draft = read_part(&text);
    let unit: &FinanceRow = draft.document.finance.units.first().unwrap();
    assert_eq!(unit.income.total, None);
    let warning = draft.warnings.first().unwrap();
    assert_eq!(draft.warnings.len(), 1);
    assert_eq!(warning.code, NUMBER_UNREADABLE);
    assert_eq!(warning.at, Location::Line(15 + 22));
    assert!(warning.message.contains("约50"), "{}", warning.message);
}

/// As 岳阳市 templates that number the narrative 一、 / 1. / (1) instead of 一、 / （一） / 1、:
/// the levels follow the numberings as they nest, whatever they are.
#[test]
fn narrative_headings_in_another_mix() {
    let text = "\t五、评价报告综述（文字部分）\n\n一、部门（单位）概况\n\n1.职责职能\n\n\
                (1)贯彻落实有关法律法规。\n\n2.机构设置\n\n二、整体支出管理及使用情况\n\n1.基本支出\n\n\
                2.专项支出\n\n(1)专项资金安排落实情况分析\n\n(2)专项资金实际使用情况分析\n\n三、存在的主要问题\n\n无\n";
    let draft = read_part(text);
    let keys: Vec<(&str, &str)> = draft
        .document
        .sections
        .iter()
        .map(|s| (s.key.as_str(), s.title.as_str()))
        .collect();
    assert_eq!(
        keys,
        [
            ("1", "一、部门（单位）概况"),
            ("1.1", "1.职责职能"),
            ("1.2", "2.机构设置"),
            ("2", "二、整体支出管理及使用情况"),
            ("2.1", "1.基本支出"),
            ("2.2", "2.专项支出"),
            ("2.2.1", "(1)专项资金安排落实情况分析"),
            ("2.2.2", "(2)专项资金实际使用情况分析"),
            ("3", "三、存在的主要问题"),
        ]
    );
    let body = |k: &str| {
        draft
            .document
            .sections
            .iter()
            .find(|s| s.key == k)
            .and_then(|s| s.body.clone())
    };
    assert_eq!(body("1.1").as_deref(), Some("(1)贯彻落实有关法律法规。"));
    assert_eq!(body("3").as_deref(), Some("无"));
    assert!(draft.unplaced.is_empty() && draft.warnings.is_empty());
}

/// As the national project-style indicator table some 部门整体 forms use: 一级 | 二级 | 三级 |
/// 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施, and a 组长 among the evaluators.
#[test]
fn an_indicator_table_with_weights_and_scores() {
    let text = "\t一级指标\n\t二级指标\n\t三级指标\n\t年度指标值\n\t实际完成值\n\t分值\n\t得分\n\
                \t偏差原因分析及改进措施\n\n\t产出指标\n\t数量指标\n\t培训人次\n\t≥500人次\n\t520人次\n\
                \t20\n\t20\n\t\n\n\t\n\t时效指标\n\t完成时间\n\t12月底前\n\t11月\n\t１０\n\t约9\n\t提前完成\n\n\
                \t满意度指标\n\t\n\t群众满意度\n\t≥90%\n\t95%\n\t10\n\t10\n\t\n\n\
                \t姓  名\n\t职务/职称\n\t单  位\n\t签  字\n\n\t李四\n\t评价组组长\n\t财政局\n\t\n\n";
    let draft = read_part(text);
    let ind = &draft.document.indicators;
    assert_eq!(ind.len(), 3);
    let first = ind.first().unwrap();
    assert_eq!(
        (first.category, first.subcategory, first.name.as_deref()),
        (
            IndicatorCategory::Output,
            IndicatorSubcategory::Quantity,
            Some("培训人次")
        )
    );
    assert_eq!(first.target.text, "≥500人次");
    assert_eq!(
        first.actual.as_ref().map(|a| a.text.as_str()),
        Some("520人次")
    );
    assert_eq!((first.weight, first.declared_score), (dec("20"), dec("20")));
    let second = ind.get(1).unwrap();
    assert_eq!(second.subcategory, IndicatorSubcategory::Timeliness);
    assert_eq!((second.weight, second.declared_score), (dec("10"), None));
    assert_eq!(second.deviation_reason.as_deref(), Some("提前完成"));
    let third = ind.get(2).unwrap();
    assert_eq!(
        (third.category, third.subcategory),
        (
            IndicatorCategory::Satisfaction,
            IndicatorSubcategory::Satisfaction
        )
    );
    assert_eq!(draft.warnings.len(), 1, "{:?}", draft.warnings);
    assert_eq!(
        draft.warnings.first().map(|w| w.code),
        Some(NUMBER_UNREADABLE)
    );
    let leader = draft.document.evaluators.first().unwrap();
    assert_eq!(
        (leader.name.as_str(), leader.role),
        ("李四", EvaluatorRole::GroupLeader)
    );
    assert!(draft.unplaced.is_empty(), "{:?}", draft.unplaced);
}

/// Signed opinions and a filled date are read; the printed blanks are not opinions.
#[test]
fn signed_opinions() {
    let text = "\t评价组组长（签字）：王五\n\n        2020年7月12日\n\n\t部门（单位）意见：\n\n同意。\n\n\
                部门（单位）负责人（签章）：赵六\n\n   2020年7月13日\n\n\t财政部门归口业务股室意见：\n\n\
                负责人（签章）：\n\n   年  月  日\n\n";
    let draft = read_part(text);
    let o = &draft.document.opinions;
    assert_eq!(o.len(), 2, "{o:?}");
    assert_eq!(o[0].person.as_deref(), Some("王五"));
    assert_eq!(o[0].date, chrono::NaiveDate::from_ymd_opt(2020, 7, 12));
    assert_eq!(o[1].text.as_deref(), Some("同意。"));
    assert_eq!(o[1].person.as_deref(), Some("赵六"));
    assert!(
        draft.unplaced.is_empty() && draft.warnings.is_empty(),
        "{draft:?}"
    );
}

/// Text tokens that steer the reader: labels, numberings, separators.
fn token() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec![
            "\t",
            "\n",
            "\r\n",
            "\r",
            "\n\n",
            "：",
            "联系人",
            "人员编制",
            "年度主要工作内容",
            "机构名称",
            "收入合计",
            "支出合计",
            "三公经费",
            "固定资产",
            "（万元）",
            "汇总",
            "预期目标",
            "实际完成",
            "评价内容",
            "绩效目标",
            "完成情况",
            "一级指标",
            "二级指标",
            "分值",
            "得分",
            "质量指标",
            "满意度",
            "姓  名",
            "职务",
            "评价组组长（签字）",
            "部门（单位）意见",
            "填报人",
            "联系电话",
            "年  月  日",
            "2019年度",
            "报告",
            "（制）",
            "评价报告综述",
            "一、",
            "（一）",
            "1、",
            "1.",
            "(1)",
            "①",
            "。",
            "——",
            "约",
            "１，２３４",
        ])
        .prop_map(str::to_owned),
        "[0-9a-z.,/ ]{0,6}",
        any::<String>().prop_map(|s| s.chars().take(6).collect()),
    ]
}

fn location() -> impl Strategy<Value = Location> {
    prop_oneof![
        any::<usize>().prop_map(Location::Line),
        (0usize..9, 0usize..9, 0usize..9).prop_map(|(table, row, column)| Location::TableCell {
            table,
            row,
            column
        }),
        Just(Location::File),
    ]
}

fn block() -> impl Strategy<Value = Block> {
    let text = || prop::collection::vec(token(), 0..6).prop_map(|t| t.concat());
    let span = prop_oneof![0usize..4, Just(usize::MAX)];
    let cell =
        (location(), text(), span, any::<bool>()).prop_map(|(at, text, span, continued)| Cell {
            at,
            text,
            span,
            continued,
        });
    prop_oneof![
        (location(), text()).prop_map(|(at, text)| Block::Paragraph { at, text }),
        prop::collection::vec(prop::collection::vec(cell, 0..9), 0..6)
            .prop_map(|rows| Block::Table(Table { rows })),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn any_text_is_read_without_panic(
        text in prop_oneof![
            any::<String>(),
            prop::collection::vec(token(), 0..300).prop_map(|t| t.concat()),
        ]
    ) {
        let _ = read(&text);
    }

    #[test]
    fn any_blocks_are_read_without_panic(blocks in prop::collection::vec(block(), 0..30)) {
        let _ = overall(&blocks, &Given::default());
    }

    #[test]
    fn the_reference_with_lines_dropped_is_read_without_panic(
        keep in prop::collection::vec(any::<bool>(), 518),
        cut in 0usize..518,
    ) {
        let text: Vec<&str> = REFERENCE
            .split('\n')
            .zip(keep.iter().cycle())
            .filter(|(_, k)| **k)
            .map(|(l, _)| l)
            .chain(REFERENCE.split('\n').skip(cut).take(20))
            .collect();
        let _ = read(&text.join("\n"));
    }
}
