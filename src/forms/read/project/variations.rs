//! Forms as cities and years fill them: each table is a small hand-built copy of a layout met
//! in practice, with a comment saying where it comes from.

use super::tests::{C, at, given, one, sheet};
use super::*;
use entity::{FundingLineKind, IndicatorCategory as Cat, IndicatorSubcategory as Sub};
use rust_decimal::Decimal;
use std::str::FromStr;

fn d(s: &str) -> Option<Decimal> {
    Decimal::from_str(s).ok()
}

fn targets(doc: &ReportDocument) -> Vec<(String, Option<String>)> {
    doc.indicators
        .iter()
        .map(|i| {
            (
                i.target.text.clone(),
                i.actual.as_ref().map(|a| a.text.clone()),
            )
        })
        .collect()
}

/// 财政部 2021 template (财预〔2021〕101号 附件): 绩效指标 merged down column A, 项目资金（万元）
/// merged across A–B and down, placeholders in the rows that have no 分值 / 得分, 执行率 with
/// its % sign, blank template rows under 数量指标 and 时效指标, 偏差原因 “无”.
#[test]
fn national_2021_template() {
    use C::{S, T, U, Us};
    let table = sheet(&[
        &[S("项目支出绩效自评表", 9)],
        &[S("（2023年度）", 9)],
        &[S("项目名称", 2), S("农村公路养护", 7)],
        &[
            S("主管部门", 2),
            S("某县交通运输局", 3),
            S("实施单位", 2),
            S("某县公路事务中心", 2),
        ],
        &[
            S("项目负责人", 2),
            S("李四", 3),
            S("联系电话", 2),
            S("0730-1234567", 2),
        ],
        &[
            S("项目资金（万元）", 2),
            T(""),
            T("年初预算数"),
            T("全年预算数"),
            T("全年执行数"),
            T("分值"),
            T("执行率"),
            T("得分"),
        ],
        &[
            Us(2),
            T("年度资金总额"),
            T("100"),
            T("100"),
            T("58.47"),
            T("10"),
            T("60%"),
            T("5.85"),
        ],
        &[
            Us(2),
            T("其中：当年财政拨款"),
            T("100"),
            T("100"),
            T("58.47"),
            T("——"),
            T("58.47%"),
            T("——"),
        ],
        &[
            Us(2),
            T("上年结转资金"),
            T("/"),
            T("/"),
            T("/"),
            T("——"),
            T(""),
            T("——"),
        ],
        &[
            Us(2),
            T("其他资金"),
            T(""),
            T(""),
            T(""),
            T("——"),
            T(""),
            T("——"),
        ],
        &[S("年度总体目标", 2), S("预期目标", 4), S("实际完成情况", 3)],
        &[
            Us(2),
            S("完成全县200公里农村公路养护", 4),
            S("完成185公里", 3),
        ],
        &[
            T("绩效指标"),
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
            U,
            T("产出指标"),
            T("数量指标"),
            T("养护里程"),
            T("≥200公里"),
            T("185公里"),
            T("20"),
            T("18.5"),
            T("部分路段汛期受损，延至次年"),
        ],
        &[U, U, U, T(""), T(""), T(""), T(""), T(""), T("")],
        &[
            U,
            U,
            T("质量指标"),
            T("路面优良率"),
            T("≥80%"),
            T("85%"),
            T("20"),
            T("20"),
            T("无"),
        ],
        &[
            U,
            U,
            T("时效指标"),
            T(""),
            T(""),
            T(""),
            T(""),
            T(""),
            T(""),
        ],
        &[
            U,
            T("效益指标"),
            T("社会效益指标"),
            T("群众出行条件"),
            T("明显改善"),
            T("达成年度指标"),
            T("30"),
            T("28"),
            T("/"),
        ],
        &[
            U,
            T("满意度指标"),
            T("服务对象满意度指标"),
            T("沿线群众满意度"),
            T("≥90%"),
            T("92%"),
            T("20"),
            T("20"),
        ],
        &[S("总分", 6), T("100"), T("92.35"), T("")],
        &[S("自评等级", 6), S("优", 3)],
    ]);
    let draft = one(&table);
    assert_eq!(draft.unplaced, vec![]);
    assert_eq!(draft.warnings, vec![]);
    let doc = draft.document;
    assert_eq!(doc.fiscal_year, 2023);
    assert_eq!(doc.title, None);
    assert_eq!(doc.department_code, "YX-KGJ");
    assert_eq!(doc.kind.0, entity::ReportKind::Project);
    assert_eq!(doc.project_name.as_deref(), Some("农村公路养护"));
    assert_eq!(doc.competent_department.as_deref(), Some("某县交通运输局"));
    assert_eq!(doc.unit_name, "某县公路事务中心");
    let p = doc.preparer.clone().unwrap_or_default();
    assert_eq!(
        (p.name.as_deref(), p.phone.as_deref()),
        (Some("李四"), Some("0730-1234567"))
    );
    // Lines without figures are no lines; a rate equal to 执行数 / 预算数 is not kept.
    let lines: Vec<_> = doc
        .funding
        .iter()
        .map(|l| (l.line, l.weight, l.declared_rate))
        .collect();
    assert_eq!(
        lines,
        [
            (FundingLineKind::Total, d("10"), d("60")),
            (FundingLineKind::CurrentAppropriation, None, None),
        ]
    );
    assert_eq!(doc.funding.first().and_then(|l| l.executed), d("58.47"));
    assert_eq!(doc.qualitative_goals.len(), 1);
    let groups: Vec<_> = doc
        .indicators
        .iter()
        .map(|i| (i.category, i.subcategory))
        .collect();
    assert_eq!(
        groups,
        [
            (Cat::Output, Sub::Quantity),
            (Cat::Output, Sub::Quality),
            (Cat::Outcome, Sub::Social),
            (Cat::Satisfaction, Sub::Satisfaction),
        ]
    );
    let reasons: Vec<_> = doc
        .indicators
        .iter()
        .map(|i| i.deviation_reason.as_deref())
        .collect();
    assert_eq!(
        reasons,
        [Some("部分路段汛期受损，延至次年"), None, None, None]
    );
    assert_eq!(doc.declared_score, d("92.35"));
    assert_eq!(doc.declared_grade.as_deref(), Some("优"));
}

/// 预算管理一体化系统 export: 年度指标值 over three columns and 实际完成值 over two, with a row
/// of parts below the header in the system's order (值 / 符号 / 单位), 百分比 for %, full-width
/// digits as the system's Chinese font types them, and an empty 成本指标 template row.
#[test]
fn target_split_over_symbol_value_unit() {
    use C::{S, T, U};
    let table = sheet(&[
        &[S("项目支出绩效自评表（2024年度）", 10)],
        &[T("项目名称"), S("职业技能培训", 9)],
        &[
            T("一级指标"),
            T("二级指标"),
            T("三级指标"),
            S("年度指标值", 3),
            S("实际完成值", 2),
            T("分值"),
            T("得分"),
        ],
        &[
            U,
            U,
            U,
            T("值"),
            T("符号"),
            T("单位"),
            T("值"),
            T("单位"),
            U,
            U,
        ],
        &[
            T("产出指标"),
            T("数量指标"),
            T("培训人次"),
            T("５００"),
            T("≥"),
            T("人次"),
            T("５２０"),
            T("人次"),
            T("１０"),
            T("１０"),
        ],
        &[
            U,
            T("质量指标"),
            T("合格率"),
            T("95"),
            T("≥"),
            T("百分比"),
            T("98"),
            T("百分比"),
            T("10"),
            T("9.5"),
        ],
        &[
            U,
            T("时效指标"),
            T("完成时间"),
            T("2024年12月底前"),
            T(""),
            T(""),
            T("按时完成"),
            T(""),
            T("10"),
            T("10"),
        ],
        &[
            U,
            T("成本指标"),
            T(""),
            T(""),
            T("≥"),
            T("%"),
            T(""),
            T(""),
            T(""),
            T(""),
        ],
    ]);
    let draft = one(&table);
    assert_eq!(draft.unplaced, vec![]);
    assert_eq!(draft.warnings, vec![]);
    let doc = draft.document;
    assert_eq!(doc.title.as_deref(), Some("项目支出绩效自评表（2024年度）"));
    assert_eq!(doc.fiscal_year, 2024);
    let some = |s: &str| Some(s.to_owned());
    assert_eq!(
        targets(&doc),
        [
            ("≥５００人次".to_owned(), some("５２０人次")),
            ("≥95%".to_owned(), some("98%")),
            ("2024年12月底前".to_owned(), some("按时完成")),
        ]
    );
    let weights: Vec<_> = doc
        .indicators
        .iter()
        .map(|i| (i.weight, i.declared_score))
        .collect();
    assert_eq!(
        weights,
        [(d("10"), d("10")), (d("10"), d("9.5")), (d("10"), d("10"))]
    );
}

/// Another city's wording of the same template (a 2022 county form): 项目名称 with its value in
/// the same cell, 主管部门及代码, 预算数 / 执行数 without 年初, full-width amounts, 执行率 as a
/// share, 指标性质 / 年度目标值 / 度量单位 / 全年实际值 / 权重, and 偏差原因 and 改进措施 apart.
#[test]
fn another_city_s_wording() {
    use C::{S, T, U};
    let table = sheet(&[
        &[S("2022年度项目支出绩效自评表", 11)],
        &[S("项目名称：城区公厕建设", 11)],
        &[S("主管部门及代码", 2), S("某区城管局（301）", 9)],
        &[
            S("项目资金（万元）", 2),
            T("预算数"),
            T("执行数"),
            T("分值"),
            T("执行率"),
            T("得分"),
        ],
        &[
            U,
            T("年度资金总额"),
            T("１００"),
            T("５８．４７"),
            T("10"),
            T("0.6"),
            T("6"),
        ],
        &[
            T("一级指标"),
            T("二级指标"),
            T("三级指标"),
            T("指标性质"),
            T("年度目标值"),
            T("度量单位"),
            T("全年实际值"),
            T("权重"),
            T("得分"),
            T("偏差原因"),
            T("改进措施"),
        ],
        &[
            T("产出指标"),
            T("数量指标"),
            T("新建公厕"),
            T("≥"),
            T("１５"),
            T("座"),
            T("16座"),
            T("２０"),
            T("２０"),
            T(""),
            T(""),
        ],
        &[
            U,
            T("时效指标"),
            T("完工及时率"),
            T("＝"),
            T("100"),
            T("百分比"),
            T("90%"),
            T("10"),
            T("9"),
            T("雨季停工"),
            T("合理安排工期"),
        ],
    ]);
    let draft = one(&table);
    assert_eq!(draft.unplaced, vec![]);
    assert_eq!(draft.warnings, vec![]);
    let doc = draft.document;
    assert_eq!(doc.fiscal_year, 2022);
    assert_eq!(doc.project_name.as_deref(), Some("城区公厕建设"));
    assert_eq!(doc.unit_name, "某区城管局（301）");
    let total = doc.funding.first();
    assert_eq!(total.and_then(|l| l.adjusted_budget), d("100"));
    assert_eq!(total.and_then(|l| l.executed), d("58.47"));
    assert_eq!(total.and_then(|l| l.declared_rate), d("60"));
    let some = |s: &str| Some(s.to_owned());
    assert_eq!(
        targets(&doc),
        [
            ("≥１５座".to_owned(), some("16座")),
            ("＝100%".to_owned(), some("90%"))
        ]
    );
    let second = doc.indicators.get(1);
    assert_eq!(
        second.and_then(|i| i.deviation_reason.as_deref()),
        Some("雨季停工")
    );
    assert_eq!(
        second.and_then(|i| i.improvement_measures.as_deref()),
        Some("合理安排工期")
    );
    assert_eq!(doc.indicators.first().and_then(|i| i.weight), d("20"));
}

/// A county's workbook with every project on one sheet: a note above the first form, the
/// second form without a title (it starts at its 项目名称 and names no year).
#[test]
fn two_forms_in_one_table() {
    use C::{S, T, U};
    let table = sheet(&[
        &[S("附件2", 4)],
        &[S("项目支出绩效自评表", 4)],
        &[S("（2024年度）", 4)],
        &[T("项目名称"), S("甲项目", 3)],
        &[T("实施单位"), S("甲单位", 3)],
        &[T("一级指标"), T("二级指标"), T("三级指标"), T("年度指标值")],
        &[T("产出指标"), T("数量指标"), T("甲指标"), T("≥1个")],
        &[T("项目名称"), S("乙项目", 3)],
        &[T("主管部门"), S("乙部门", 3)],
        &[T("一级指标"), T("二级指标"), T("三级指标"), T("年度指标值")],
        &[T("效益指标"), T("社会效益指标"), T("乙指标"), T("明显")],
        &[U, U, T("乙指标二"), T("提升")],
    ]);
    let drafts = projects(&table, &given());
    let names: Vec<_> = drafts
        .iter()
        .map(|d| {
            (
                d.document.project_name.clone(),
                d.document.unit_name.clone(),
                d.document.indicators.len(),
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            (Some("甲项目".to_owned()), "甲单位".to_owned(), 1),
            (Some("乙项目".to_owned()), "乙部门".to_owned(), 2),
        ]
    );
    let first = drafts
        .first()
        .map(|d| (d.unplaced.clone(), d.warnings.len(), d.document.fiscal_year));
    let note = Fragment {
        at: at("A1"),
        text: "附件2".to_owned(),
    };
    assert_eq!(first, Some((vec![note], 0, 2024)));
    let codes: Vec<_> = drafts
        .get(1)
        .map(|d| d.warnings.iter().map(|w| (w.code, w.at.clone())).collect())
        .unwrap_or_default();
    assert_eq!(codes, [("FISCAL_YEAR_MISSING", at("A8"))]);
}

/// A number cell with text (约50 in 全年执行数, 10分 in 分值) is left blank with a warning at its
/// cell; a remark the form has no place for is unplaced, with its cell.
#[test]
fn unreadable_numbers_are_left_blank_and_stray_text_is_unplaced() {
    use C::{S, T, U};
    let table = sheet(&[
        &[S("项目支出绩效自评表", 6)],
        &[S("（2024年度）", 6)],
        &[T("项目名称"), S("丙项目", 5)],
        &[
            T("项目资金（万元）"),
            T(""),
            T("年初预算数"),
            T("全年预算数"),
            T("全年执行数"),
            T("得分"),
        ],
        &[U, T("年度资金总额"), T("60"), T("60"), T("约50"), T("8")],
        &[
            T("一级指标"),
            T("二级指标"),
            T("三级指标"),
            T("年度指标值"),
            T("分值"),
            T("得分"),
        ],
        &[
            T("产出指标"),
            T("数量指标"),
            T("服务人数"),
            T("≥100人"),
            T("10分"),
            T("10"),
        ],
        &[S("备注：数据截至12月20日", 6)],
    ]);
    let draft = one(&table);
    let warnings: Vec<_> = draft
        .warnings
        .iter()
        .map(|w| (w.code, w.at.clone()))
        .collect();
    assert_eq!(
        warnings,
        [
            ("NUMBER_UNREADABLE", at("E5")),
            ("NUMBER_UNREADABLE", at("E7"))
        ]
    );
    let d0 = &draft.document;
    assert_eq!(
        d0.funding.first().map(|l| (l.adjusted_budget, l.executed)),
        Some((d("60"), None))
    );
    assert_eq!(
        d0.indicators.first().map(|i| (i.weight, i.declared_score)),
        Some((None, d("10")))
    );
    let remark = Fragment {
        at: at("A8"),
        text: "备注：数据截至12月20日".to_owned(),
    };
    assert_eq!(draft.unplaced, vec![remark]);
}
