//! 部门整体支出绩效自评报告 in the order and table shapes of the reference report
//! (docs/domain.md): the cover, 一、基本概况, 二、收支情况 (income, expenditure, 三公经费 and
//! fixed assets, the summary row first, then a numbered row per unit), 三、绩效自评情况 (goals,
//! indicators, score and grade), 四、评价人员 with the opinions, the preparer, and
//! 五、评价报告综述 with the narrative sections in order.

use super::{Grid, GridCell as C, Item, Sum, amount_label, date, figure, signature_of, title};
use crate::domain::report::document::{FinanceRow, IndicatorDoc, ReportDocument};
use crate::domain::report::labels;
use crate::forms::FormReport;
use entity::{EvaluatorRole, OpinionKind};
use rust_decimal::Decimal;

type Figure = fn(&FinanceRow) -> Option<Decimal>;

pub(super) fn page(report: &FormReport<'_>) -> Vec<Item> {
    let d = report.document;
    let mut page = Vec::new();
    if let Some(series) = &d.series_title {
        page.push(Item::Title(series.clone()));
    }
    page.push(Item::Title(title(d)));
    let line = |label: &str, v: Option<&str>| Item::Text(format!("{label}{}", v.unwrap_or("")));
    page.push(line("部门(单位)名称：", Some(&d.unit_name)));
    page.push(line("预 算 编 码：", d.budget_code.as_deref()));
    page.push(line("评价方式：", d.evaluation_method.as_deref()));
    page.push(line("评价机构：", d.evaluating_body.as_deref()));
    page.push(line("报告日期：", date(d.report_date).as_deref()));
    if let Some(issuer) = &d.issuer {
        page.push(Item::Subtitle(issuer.clone()));
    }
    page.push(Item::Table(profile(d)));
    page.push(Item::Table(Grid {
        widths: vec![1],
        rows: vec![vec![C::label("二、部门（单位）收支情况")]],
    }));
    let unit = amount_label(d.amount_unit);
    page.push(Item::Table(income(d, unit)));
    page.push(Item::Table(expenditure(d, unit)));
    page.push(Item::Table(three_public(d)));
    page.push(Item::Table(fixed_assets(d)));
    page.push(Item::Table(performance(d)));
    page.push(Item::Table(evaluators(report)));
    let preparer = d.preparer.as_ref();
    page.push(Item::Text(format!(
        "填报人（签名）：{}　　　　联系电话：{}",
        preparer.and_then(|p| p.name.as_deref()).unwrap_or(""),
        preparer.and_then(|p| p.phone.as_deref()).unwrap_or("")
    )));
    // 五、评价报告综述: the narrative in the one cell under its heading, as the reference holds it
    // (each section's heading on its line, its body's lines as written, blank lines kept).
    let mut narrative = vec!["五、评价报告综述（文字部分）".to_owned()];
    for s in &d.sections {
        narrative.push(s.title.clone());
        if let Some(body) = s.body.as_deref().filter(|b| !b.is_empty()) {
            narrative.push(body.to_owned());
        }
    }
    page.push(Item::Table(Grid {
        widths: vec![1],
        rows: vec![vec![C::value(narrative.join("\n"))]],
    }));
    page
}

fn profile(d: &ReportDocument) -> Grid {
    let p = &d.profile;
    let n = |v: Option<i32>| v.map(|n| n.to_string()).unwrap_or_default();
    let text = |v: Option<&String>| v.cloned().unwrap_or_default();
    Grid {
        widths: vec![3, 4, 3, 4],
        rows: vec![
            vec![C::label("一、部门（单位）基本概况").across(4)],
            vec![
                C::label("联系人"),
                C::value(text(p.contact_name.as_ref())),
                C::label("联络电话"),
                C::value(text(p.contact_phone.as_ref())),
            ],
            vec![
                C::label("人员编制"),
                C::value(n(p.authorised_headcount)),
                C::label("实有人数"),
                C::value(n(p.actual_headcount)),
            ],
            vec![
                C::label("职能职责概述"),
                C::value(text(p.duties.as_ref())).across(3),
            ],
            vec![
                C::label("年度主要工作内容"),
                C::value(p.annual_tasks.join("\n")).across(3),
            ],
            vec![
                C::label("年度部门（单位）总体运行情况及取得的成绩"),
                C::value(text(p.achievements.as_ref())).across(3),
            ],
        ],
    }
}

/// The summary row, then a numbered row per unit, each with `figures`; `parts` are the
/// figures (by index) the first one, the table's 合计, adds up; `header` the rows above. Where
/// the form sums (a row's 合计, the summary row) and the filed figure is that sum, the cell
/// says so (a workbook writes a formula).
fn unit_rows(
    d: &ReportDocument,
    header: usize,
    figures: &[Figure],
    parts: &[usize],
) -> Vec<Vec<C>> {
    let units = &d.finance.units;
    let first = header + 1 + usize::from(d.finance.summary.is_some() || !units.is_empty());
    let last = first + units.len().saturating_sub(1);
    let row = |name: String, r: Option<&FinanceRow>, summary: bool| {
        let mut cells = vec![C::value(name)];
        for (i, f) in figures.iter().enumerate() {
            let mut cell = C::figure(r.and_then(f));
            if summary && !units.is_empty() {
                let column: Vec<_> = units.iter().map(f).collect();
                cell = cell.summing(&column, Sum::Column(first, last));
            } else if i == 0 {
                let row: Vec<_> = parts
                    .iter()
                    .filter_map(|p| figures.get(*p))
                    .map(|g| r.and_then(g))
                    .collect();
                cell = cell.summing(&row, Sum::Row(parts.iter().map(|p| p + 1).collect()));
            }
            cells.push(cell);
        }
        cells
    };
    let mut rows = Vec::new();
    if let Some(s) = &d.finance.summary {
        rows.push(row(s.name.clone(), Some(s), true));
    } else if !units.is_empty() {
        rows.push(row("合计".to_owned(), None, true));
    }
    for (i, u) in units.iter().enumerate() {
        rows.push(row(format!("{}、{}", i + 1, u.name), Some(u), false));
    }
    rows
}

fn income(d: &ReportDocument, unit: &str) -> Grid {
    let mut rows = vec![
        vec![C::label(format!("年度收入情况（{unit}）")).across(7)],
        vec![
            C::label("机构名称").down(2),
            C::label("收入合计").down(2),
            C::label("其中：").across(5),
        ],
        vec![
            C::below(),
            C::below(),
            C::label("上年结转"),
            C::label("公共财政拨款"),
            C::label("政府基金拨款"),
            C::label("纳入专户管理的非税收入拨款"),
            C::label("其他收入"),
        ],
    ];
    rows.extend(unit_rows(
        d,
        rows.len() - 1,
        &[
            |r| r.income.total,
            |r| r.income.carryover,
            |r| r.income.public_finance,
            |r| r.income.government_fund,
            |r| r.income.special_account_non_tax,
            |r| r.income.other,
        ],
        &[1, 2, 3, 4, 5],
    ));
    Grid {
        widths: vec![4, 2, 2, 2, 2, 3, 2],
        rows,
    }
}

fn expenditure(d: &ReportDocument, unit: &str) -> Grid {
    let mut rows = vec![
        vec![C::label(format!("部门（单位）年度支出和结余情况（{unit}）")).across(8)],
        vec![
            C::label("机构名称").down(3),
            C::label("支出合计").down(3),
            C::label("其中：").across(4),
            C::label("结余").across(2),
        ],
        vec![
            C::below(),
            C::below(),
            C::label("基本支出").down(2),
            C::label("其中：").across(2),
            C::label("项目支出").down(2),
            C::label("当年结余").down(2),
            C::label("累计结余").down(2),
        ],
        vec![
            C::below(),
            C::below(),
            C::below(),
            C::label("人员支出"),
            C::label("公用支出"),
            C::below(),
            C::below(),
            C::below(),
        ],
    ];
    rows.extend(unit_rows(
        d,
        rows.len() - 1,
        &[
            |r| r.expenditure.total,
            |r| r.expenditure.basic,
            |r| r.expenditure.personnel,
            |r| r.expenditure.operating,
            |r| r.expenditure.project,
            |r| r.expenditure.current_balance,
            |r| r.expenditure.accumulated_balance,
        ],
        &[1, 4],
    ));
    Grid {
        widths: vec![4, 2, 2, 2, 2, 2, 2, 2],
        rows,
    }
}

fn three_public(d: &ReportDocument) -> Grid {
    let mut rows = vec![
        vec![
            C::label("机构名称").down(2),
            C::label("三公经费\n合计").down(2),
            C::label("其中：").across(4),
        ],
        vec![
            C::below(),
            C::below(),
            C::label("公务接待费"),
            C::label("公务用车运维费"),
            C::label("公务用车购置费"),
            C::label("因公出国费"),
        ],
    ];
    rows.extend(unit_rows(
        d,
        rows.len() - 1,
        &[
            |r| r.three_public.total,
            |r| r.three_public.reception,
            |r| r.three_public.vehicle_operation,
            |r| r.three_public.vehicle_purchase,
            |r| r.three_public.overseas_travel,
        ],
        &[1, 2, 3, 4],
    ));
    Grid {
        widths: vec![4, 2, 2, 2, 2, 2],
        rows,
    }
}

fn fixed_assets(d: &ReportDocument) -> Grid {
    let mut rows = vec![
        vec![
            C::label("机构名称").down(2),
            C::label("固定资产\n合计").down(2),
            C::label("其中：").across(2),
            C::label("其他").down(2),
        ],
        vec![
            C::below(),
            C::below(),
            C::label("在用固定资产"),
            C::label("出租固定资产"),
            C::below(),
        ],
    ];
    rows.extend(unit_rows(
        d,
        rows.len() - 1,
        &[
            |r| r.fixed_assets.total,
            |r| r.fixed_assets.in_use,
            |r| r.fixed_assets.leased,
            |r| r.fixed_assets.other,
        ],
        &[1, 2, 3],
    ));
    Grid {
        widths: vec![4, 2, 2, 2, 2],
        rows,
    }
}

/// Which of the indicator table's optional columns any indicator fills: 三级指标, 分值, 得分,
/// 得分系数, 偏差原因分析, 改进措施. The reference report's table has none of them.
struct Extra {
    name: bool,
    weight: bool,
    score: bool,
    coefficient: bool,
    reason: bool,
    measures: bool,
}

impl Extra {
    fn of(indicators: &[IndicatorDoc]) -> Self {
        Self {
            name: indicators.iter().any(|i| i.name.is_some()),
            weight: indicators.iter().any(|i| i.weight.is_some()),
            score: indicators.iter().any(|i| i.declared_score.is_some()),
            coefficient: indicators.iter().any(|i| i.score_coefficient.is_some()),
            reason: indicators.iter().any(|i| i.deviation_reason.is_some()),
            measures: indicators.iter().any(|i| i.improvement_measures.is_some()),
        }
    }

    fn columns(&self) -> usize {
        [
            self.name,
            self.weight,
            self.score,
            self.coefficient,
            self.reason,
            self.measures,
        ]
        .iter()
        .filter(|x| **x)
        .count()
    }
}

/// 三、绩效自评情况: qualitative goals, the indicators (一级 and 二级 merged over their runs),
/// the score and the grade.
fn performance(d: &ReportDocument) -> Grid {
    let extra = Extra::of(&d.indicators);
    let columns = 5 + extra.columns();
    let mut rows = vec![vec![
        C::label("三、部门（单位）整体支出绩效自评情况").across(columns),
    ]];
    let goals = d.qualitative_goals.len().max(1);
    rows.push(vec![
        C::label("整体支出绩效定性目标及实施计划完成情况").down(goals + 1),
        C::label("预期目标").across(3),
        C::label("实际完成").across(columns - 4),
    ]);
    if d.qualitative_goals.is_empty() {
        rows.push(vec![
            C::below(),
            C::value("").across(3),
            C::value("").across(columns - 4),
        ]);
    }
    for g in &d.qualitative_goals {
        rows.push(vec![
            C::below(),
            C::value(g.expected.clone().unwrap_or_default()).across(3),
            C::value(g.actual.clone().unwrap_or_default()).across(columns - 4),
        ]);
    }
    let mut head = vec![
        C::label("整体支出绩效定量目标及实施计划完成情况").down(d.indicators.len() + 1),
        C::label("评价内容").across(2),
    ];
    if extra.name {
        head.push(C::label("三级指标"));
    }
    head.push(C::label("绩效目标"));
    head.push(C::label("完成情况"));
    for (on, label) in [
        (extra.weight, "分值"),
        (extra.score, "得分"),
        (extra.coefficient, "得分系数"),
        (extra.reason, "偏差原因分析"),
        (extra.measures, "改进措施"),
    ] {
        if on {
            head.push(C::label(label));
        }
    }
    rows.push(head);
    let inds = &d.indicators;
    for (i, ind) in inds.iter().enumerate() {
        let run_from = |same: &dyn Fn(&IndicatorDoc) -> bool| {
            inds.get(i..)
                .map_or(1, |r| r.iter().take_while(|x| same(x)).count())
        };
        let first_of = |same: &dyn Fn(&IndicatorDoc, &IndicatorDoc) -> bool| {
            i == 0 || inds.get(i - 1).is_none_or(|p| !same(p, ind))
        };
        let mut row = vec![C::below()];
        if first_of(&|a, b| a.category == b.category) {
            let n = run_from(&|x| x.category == ind.category);
            row.push(C::value(labels::category(ind.category)).down(n));
        } else {
            row.push(C::below());
        }
        let same_sub = |a: &IndicatorDoc, b: &IndicatorDoc| {
            a.category == b.category && a.subcategory == b.subcategory
        };
        if first_of(&same_sub) {
            let n = run_from(&|x| same_sub(x, ind));
            row.push(C::value(labels::subcategory(ind.subcategory)).down(n));
        } else {
            row.push(C::below());
        }
        if extra.name {
            row.push(C::value(ind.name.clone().unwrap_or_default()));
        }
        row.push(C::value(ind.target.text.clone()));
        row.push(C::value(
            ind.actual
                .as_ref()
                .map(|a| a.text.clone())
                .unwrap_or_default(),
        ));
        for (on, v) in [
            (extra.weight, ind.weight),
            (extra.score, ind.declared_score),
            (extra.coefficient, ind.score_coefficient),
        ] {
            if on {
                row.push(C::figure(v));
            }
        }
        for (on, v) in [
            (extra.reason, &ind.deviation_reason),
            (extra.measures, &ind.improvement_measures),
        ] {
            if on {
                row.push(C::value(v.clone().unwrap_or_default()));
            }
        }
        rows.push(row);
    }
    rows.push(vec![
        C::label("绩效自评综合得分").across(3),
        C::value(figure(d.declared_score)).across(columns - 3),
    ]);
    rows.push(vec![
        C::label("评价等次").across(3),
        C::value(d.declared_grade.clone().unwrap_or_default()).across(columns - 3),
    ]);
    let mut widths = vec![3, 2, 2];
    if extra.name {
        widths.push(3);
    }
    widths.extend([5, 5]);
    widths.extend(std::iter::repeat_n(2, columns - widths.len()));
    Grid { widths, rows }
}

/// 四、评价人员 with each signature's status, the group leader's line and the opinions.
fn evaluators(report: &FormReport<'_>) -> Grid {
    let d = report.document;
    let mut rows = vec![
        vec![C::label("四、评价人员").across(4)],
        vec![
            C::label("姓  名"),
            C::label("职务/职称"),
            C::label("单  位"),
            C::label("签  字"),
        ],
    ];
    for e in &d.evaluators {
        rows.push(vec![
            C::value(e.name.clone()),
            C::value(e.position.clone().unwrap_or_default()),
            C::value(e.unit.clone().unwrap_or_default()),
            C::value(signature_of(report, e.subject.as_deref())),
        ]);
    }
    let leader = d
        .evaluators
        .iter()
        .find(|e| e.role == EvaluatorRole::GroupLeader)
        .map_or("", |e| e.name.as_str());
    // Each opinion block as the reference prints it: the label with the opinion, the signer's
    // line, the date (blank date lines when none was filed).
    let block = |kind: OpinionKind, first: String, signer: Option<&str>| {
        let o = d.opinions.iter().find(|o| o.kind == kind);
        let text = o.and_then(|o| o.text.as_deref()).unwrap_or("");
        let mut lines = vec![first];
        if kind == OpinionKind::GroupLeader {
            if !text.is_empty() {
                lines.push(format!("{}：{text}", labels::opinion(kind)));
            }
        } else if let Some(l) = lines.first_mut() {
            l.push_str(text);
        }
        if let Some(signer) = signer {
            let person = o.and_then(|o| o.person.as_deref()).unwrap_or("");
            lines.push(format!("{signer}{person}"));
        }
        lines.push(date(o.and_then(|o| o.date)).unwrap_or_else(|| "年    月    日".to_owned()));
        vec![C::value(lines.join("\n")).across(4)]
    };
    rows.push(block(
        OpinionKind::GroupLeader,
        format!("评价组组长（签字）：{leader}"),
        None,
    ));
    rows.push(block(
        OpinionKind::Department,
        "部门（单位）意见：".to_owned(),
        Some("部门（单位）负责人（签章）："),
    ));
    rows.push(block(
        OpinionKind::Finance,
        "财政部门归口业务股室意见：".to_owned(),
        Some("财政部门归口业务股室负责人（签章）："),
    ));
    Grid {
        widths: vec![3, 3, 3, 3],
        rows,
    }
}
