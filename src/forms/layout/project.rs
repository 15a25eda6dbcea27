//! 项目支出绩效自评表 in the national table layout, on the eight columns of the workbook's sheet
//! (`forms::xlsx`): project, departments, the funding block, 年度总体目标, the indicator table
//! (一级 and 二级 merged over their runs), 总分 and 自评等级, the evaluators and opinions, the
//! preparer and date; the narrative sections follow the table.

use super::{Grid, GridCell as C, Item, amount_label, date, figure, signature_of, title};
use crate::domain::report::document::{FundingLine, IndicatorDoc, ReportDocument};
use crate::domain::report::labels;
use crate::forms::FormReport;
use entity::FundingLineKind;
use rust_decimal::Decimal;

pub(super) fn page(report: &FormReport<'_>) -> Vec<Item> {
    let d = report.document;
    let mut page = vec![
        Item::Title(title(d)),
        Item::Subtitle(format!("（{}年度）", d.fiscal_year)),
    ];
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let mut rows = vec![
        vec![
            C::label("项目名称"),
            C::value(text(&d.project_name)).across(7),
        ],
        vec![
            C::label("主管部门"),
            C::value(text(&d.competent_department)).across(3),
            C::label("实施单位"),
            C::value(text(&d.implementing_unit)).across(3),
        ],
        vec![
            C::label("预算编码"),
            C::value(text(&d.budget_code)).across(3),
            C::label("评价方式"),
            C::value(text(&d.evaluation_method)).across(3),
        ],
    ];
    funding(d, &mut rows);
    goals(d, &mut rows);
    indicators(d, &mut rows);
    let funding_total = d.funding.iter().find(|l| l.line == FundingLineKind::Total);
    let weights: Option<Decimal> = d
        .indicators
        .iter()
        .map(|i| i.weight)
        .chain([funding_total.and_then(|l| l.weight)])
        .flatten()
        .try_fold(Decimal::ZERO, |a, b| a.checked_add(b))
        .filter(|_| d.indicators.iter().any(|i| i.weight.is_some()) || funding_total.is_some());
    rows.push(vec![
        C::label("总分").across(5),
        C::value(figure(weights)),
        C::value(figure(d.declared_score)),
        C::value(""),
    ]);
    rows.push(vec![
        C::label("自评等级").across(5),
        C::value(text(&d.declared_grade)).across(3),
    ]);
    rows.push(vec![C::label("评价人员").across(8)]);
    rows.push(vec![
        C::label("姓名"),
        C::label("职务/职称"),
        C::label("单位").across(3),
        C::label("角色"),
        C::label("签署").across(2),
    ]);
    for e in &d.evaluators {
        rows.push(vec![
            C::value(e.name.clone()),
            C::value(text(&e.position)),
            C::value(text(&e.unit)).across(3),
            C::value(labels::evaluator_role(e.role)),
            C::value(signature_of(report, e.subject.as_deref())).across(2),
        ]);
    }
    for o in &d.opinions {
        let mut lines = vec![text(&o.text)];
        if let Some(p) = &o.person {
            lines.push(format!("负责人：{p}"));
        }
        if let Some(x) = date(o.date) {
            lines.push(format!("日期：{x}"));
        }
        rows.push(vec![
            C::label(labels::opinion(o.kind)).across(2),
            C::value(lines.join("\n")).across(6),
        ]);
    }
    let preparer = d.preparer.clone().unwrap_or_default();
    rows.push(vec![
        C::label("填报人"),
        C::value(preparer.name.unwrap_or_default()).across(3),
        C::label("联系电话"),
        C::value(preparer.phone.unwrap_or_default()).across(3),
    ]);
    rows.push(vec![
        C::label("报告日期"),
        C::value(date(d.report_date).unwrap_or_default()).across(3),
        C::label("制表"),
        C::value(text(&d.issuer)).across(3),
    ]);
    page.push(Item::Table(Grid {
        widths: vec![14, 14, 16, 16, 16, 10, 10, 18],
        rows,
    }));
    for s in &d.sections {
        page.push(Item::Heading(s.title.clone()));
        if let Some(body) = s.body.as_deref().filter(|b| !b.is_empty()) {
            page.push(Item::Text(body.to_owned()));
        }
    }
    page
}

/// The funding block.
fn funding(d: &ReportDocument, rows: &mut Vec<Vec<C>>) {
    let kinds = super::funding_kinds(d);
    let label = format!("项目资金（{}）", amount_label(d.amount_unit));
    let mut head = vec![C::label(label).down(kinds.len() + 1), C::label("")];
    head.extend(
        [
            "年初预算数",
            "全年预算数",
            "全年执行数",
            "分值",
            "执行率",
            "得分",
        ]
        .map(C::label),
    );
    rows.push(head);
    for kind in kinds {
        let l = d.funding.iter().find(|l| l.line == kind);
        let get = |f: fn(&FundingLine) -> Option<Decimal>| C::value(figure(l.and_then(f)));
        rows.push(vec![
            C::below(),
            C::label(labels::funding_line(kind)),
            get(|l| l.initial_budget),
            get(|l| l.adjusted_budget),
            get(|l| l.executed),
            get(|l| l.weight),
            get(|l| l.declared_rate).map_text(|t| if t.is_empty() { t } else { format!("{t}%") }),
            get(|l| l.declared_score),
        ]);
    }
}

/// 年度总体目标: 预期目标 and 实际完成情况.
fn goals(d: &ReportDocument, rows: &mut Vec<Vec<C>>) {
    let n = d.qualitative_goals.len().max(1);
    rows.push(vec![
        C::label("年度总体目标").down(n + 1),
        C::label("预期目标").across(4),
        C::label("实际完成情况").across(3),
    ]);
    if d.qualitative_goals.is_empty() {
        rows.push(vec![
            C::below(),
            C::value("").across(4),
            C::value("").across(3),
        ]);
    }
    for g in &d.qualitative_goals {
        rows.push(vec![
            C::below(),
            C::value(g.expected.clone().unwrap_or_default()).across(4),
            C::value(g.actual.clone().unwrap_or_default()).across(3),
        ]);
    }
}

/// The indicator table, 一级 and 二级 merged over their runs as on the paper form.
fn indicators(d: &ReportDocument, rows: &mut Vec<Vec<C>>) {
    rows.push(super::PROJECT_INDICATOR_HEADER.map(C::label).to_vec());
    let inds = &d.indicators;
    for (i, ind) in inds.iter().enumerate() {
        let previous = i.checked_sub(1).and_then(|p| inds.get(p));
        let run = |same: &dyn Fn(&IndicatorDoc) -> bool| {
            inds.get(i..)
                .map_or(1, |r| r.iter().take_while(|x| same(x)).count())
        };
        let mut row = Vec::with_capacity(8);
        if previous.is_some_and(|p| p.category == ind.category) {
            row.push(C::below());
        } else {
            let n = run(&|x| x.category == ind.category);
            row.push(C::value(labels::category(ind.category)).down(n));
        }
        let same_sub =
            |x: &IndicatorDoc| x.category == ind.category && x.subcategory == ind.subcategory;
        if previous.is_some_and(same_sub) {
            row.push(C::below());
        } else {
            row.push(C::value(labels::subcategory(ind.subcategory)).down(run(&same_sub)));
        }
        row.extend([
            C::value(ind.name.clone().unwrap_or_default()),
            C::value(ind.target.text.clone()),
            C::value(
                ind.actual
                    .as_ref()
                    .map(|a| a.text.clone())
                    .unwrap_or_default(),
            ),
            C::value(figure(ind.weight)),
            C::value(figure(ind.declared_score)),
            C::value(super::reason_and_measures(ind)),
        ]);
        rows.push(row);
    }
}

impl C {
    /// The same cell with its text changed.
    fn map_text(mut self, f: impl FnOnce(String) -> String) -> Self {
        self.text = f(std::mem::take(&mut self.text));
        self
    }
}
