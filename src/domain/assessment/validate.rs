//! The reviewer's checks of docs/domain.md §6 that need no indicator reading: the arithmetic of the
//! finance tables and the funding block, completeness of the cover and the declared result, and
//! plausibility of headcounts and amounts. Exact `Decimal` arithmetic; the tolerance is the
//! profile's (0 by default).

use super::finding::{FindingCode, Findings};
use super::profile::{Rules, Severity};
use crate::domain::report::document::{FinanceRow, FundingLine, ReportDocument};
use entity::{FundingLineKind, ReportKind};
use rust_decimal::Decimal;

/// Amounts above this many 万元 in one cell look like 元 entered into a 万元 table.
const YUAN_SUSPECT: i64 = 1_000_000;

fn money(v: Decimal) -> String {
    format!("{}", v.round_dp(2))
}

/// Sum of the filled cells, or `None` if all are blank (or, impossibly for values below 10^12,
/// beyond the decimal range: then the check is skipped rather than the request failing).
fn sum(parts: &[Option<Decimal>]) -> Option<Decimal> {
    let mut cells = parts.iter().flatten().copied();
    let first = cells.next()?;
    cells.try_fold(first, Decimal::checked_add)
}

struct Identity<'r> {
    code: FindingCode,
    path: &'static str,
    total_label: &'static str,
    parts_label: &'static str,
    total: Option<Decimal>,
    parts: Vec<Option<Decimal>>,
    row: &'r str,
}

fn identities(row: &FinanceRow) -> Vec<Identity<'_>> {
    let (i, e, t, f) = (
        &row.income,
        &row.expenditure,
        &row.three_public,
        &row.fixed_assets,
    );
    vec![
        Identity {
            code: FindingCode::IncomeTotalMismatch,
            path: "income.total",
            total_label: "收入合计",
            parts_label: "上年结转、公共财政拨款、政府基金拨款、纳入专户管理的非税收入拨款与其他收入之和",
            total: i.total,
            parts: vec![
                i.carryover,
                i.public_finance,
                i.government_fund,
                i.special_account_non_tax,
                i.other,
            ],
            row: &row.name,
        },
        Identity {
            code: FindingCode::ExpenditureTotalMismatch,
            path: "expenditure.total",
            total_label: "支出合计",
            parts_label: "基本支出与项目支出之和",
            total: e.total,
            parts: vec![e.basic, e.project],
            row: &row.name,
        },
        Identity {
            code: FindingCode::BasicExpenditureMismatch,
            path: "expenditure.basic",
            total_label: "基本支出",
            parts_label: "人员支出与公用支出之和",
            total: e.basic,
            parts: vec![e.personnel, e.operating],
            row: &row.name,
        },
        Identity {
            code: FindingCode::ThreePublicTotalMismatch,
            path: "threePublic.total",
            total_label: "三公经费合计",
            parts_label: "公务接待费、公务用车运维费、公务用车购置费与因公出国（境）费之和",
            total: t.total,
            parts: vec![
                t.reception,
                t.vehicle_operation,
                t.vehicle_purchase,
                t.overseas_travel,
            ],
            row: &row.name,
        },
        Identity {
            code: FindingCode::FixedAssetsTotalMismatch,
            path: "fixedAssets.total",
            total_label: "固定资产合计",
            parts_label: "在用、出租与其他固定资产之和",
            total: f.total,
            parts: vec![f.in_use, f.leased, f.other],
            row: &row.name,
        },
    ]
}

fn check_row(out: &mut Findings<'_>, tolerance: Decimal, prefix: &str, row: &FinanceRow) {
    for id in identities(row) {
        let parts = sum(&id.parts);
        match (id.total, parts) {
            (Some(total), Some(parts)) if (total - parts).abs() > tolerance => {
                let diff = total - parts;
                out.add(
                    id.code,
                    Severity::Error,
                    format!("{prefix}.{}", id.path),
                    format!(
                        "{}：{}为 {} 万元，{}为 {} 万元，相差 {} 万元",
                        id.row,
                        id.total_label,
                        money(total),
                        id.parts_label,
                        money(parts),
                        money(diff)
                    ),
                    Some(money(parts)),
                    Some(money(total)),
                );
            }
            (None, Some(parts)) => out.add(
                FindingCode::TotalBlank,
                Severity::Warning,
                format!("{prefix}.{}", id.path),
                format!(
                    "{}：{}未填写，而分项之和为 {} 万元",
                    id.row,
                    id.total_label,
                    money(parts)
                ),
                Some(money(parts)),
                None,
            ),
            _ => {}
        }
    }
    let e = &row.expenditure;
    if let (Some(income), Some(spent), Some(balance)) =
        (row.income.total, e.total, e.current_balance)
    {
        let expected = income - spent;
        if (balance - expected).abs() > tolerance {
            out.add(
                FindingCode::CurrentBalanceMismatch,
                Severity::Error,
                format!("{prefix}.expenditure.currentBalance"),
                format!(
                    "{}：当年结余为 {} 万元，收入合计减支出合计为 {} 万元，相差 {} 万元",
                    row.name,
                    money(balance),
                    money(expected),
                    money(balance - expected)
                ),
                Some(money(expected)),
                Some(money(balance)),
            );
        }
    }
    let mut r = row.clone();
    let labels = CELL_LABELS;
    for ((path, label), value) in labels.iter().zip(cells(&mut r)) {
        let Some(v) = value else { continue };
        let balance = path.ends_with("Balance");
        if v < Decimal::ZERO && !balance {
            out.add(
                FindingCode::NegativeAmount,
                Severity::Warning,
                format!("{prefix}.{path}"),
                format!("{}：{}为负数 {} 万元", row.name, label, money(v)),
                None,
                Some(money(v)),
            );
        }
        if v.abs() >= Decimal::from(YUAN_SUSPECT) {
            out.add(
                FindingCode::AmountInYuan,
                Severity::Warning,
                format!("{prefix}.{path}"),
                format!(
                    "{}：{}为 {} 万元（即 {} 亿元），疑似按“元”填入了“万元”表",
                    row.name,
                    label,
                    money(v),
                    money(v / Decimal::from(10_000))
                ),
                None,
                Some(money(v)),
            );
        }
    }
}

const CELL_LABELS: [(&str, &str); 22] = [
    ("income.total", "收入合计"),
    ("income.carryover", "上年结转"),
    ("income.publicFinance", "公共财政拨款"),
    ("income.governmentFund", "政府基金拨款"),
    ("income.specialAccountNonTax", "纳入专户管理的非税收入拨款"),
    ("income.other", "其他收入"),
    ("expenditure.total", "支出合计"),
    ("expenditure.basic", "基本支出"),
    ("expenditure.personnel", "人员支出"),
    ("expenditure.operating", "公用支出"),
    ("expenditure.project", "项目支出"),
    ("expenditure.currentBalance", "当年结余"),
    ("expenditure.accumulatedBalance", "累计结余"),
    ("threePublic.total", "三公经费合计"),
    ("threePublic.reception", "公务接待费"),
    ("threePublic.vehicleOperation", "公务用车运维费"),
    ("threePublic.vehiclePurchase", "公务用车购置费"),
    ("threePublic.overseasTravel", "因公出国（境）费"),
    ("fixedAssets.total", "固定资产合计"),
    ("fixedAssets.inUse", "在用固定资产"),
    ("fixedAssets.leased", "出租固定资产"),
    ("fixedAssets.other", "其他固定资产"),
];

fn cells(r: &mut FinanceRow) -> [Option<Decimal>; 22] {
    let (i, e, t, f) = (&r.income, &r.expenditure, &r.three_public, &r.fixed_assets);
    [
        i.total,
        i.carryover,
        i.public_finance,
        i.government_fund,
        i.special_account_non_tax,
        i.other,
        e.total,
        e.basic,
        e.personnel,
        e.operating,
        e.project,
        e.current_balance,
        e.accumulated_balance,
        t.total,
        t.reception,
        t.vehicle_operation,
        t.vehicle_purchase,
        t.overseas_travel,
        f.total,
        f.in_use,
        f.leased,
        f.other,
    ]
}

fn check_summary(out: &mut Findings<'_>, doc: &ReportDocument) {
    let Some(filed) = &doc.finance.summary else {
        return;
    };
    let computed = FinanceRow::sum(&filed.name, &doc.finance.units);
    let (mut f, mut c) = (filed.clone(), computed);
    let filed_cells = cells(&mut f);
    let computed_cells = cells(&mut c);
    let mut blank_with_values = 0;
    for (((path, label), filed), computed) in
        CELL_LABELS.iter().zip(filed_cells).zip(computed_cells)
    {
        match (filed, computed) {
            (Some(f), Some(c)) if f != c => out.add(
                FindingCode::SummaryMismatch,
                Severity::Error,
                format!("finance.summary.{path}"),
                format!(
                    "汇总行{}为 {} 万元，各单位之和为 {} 万元，相差 {} 万元",
                    label,
                    money(f),
                    money(c),
                    money(f - c)
                ),
                Some(money(c)),
                Some(money(f)),
            ),
            (None, Some(_)) => blank_with_values += 1,
            _ => {}
        }
    }
    if blank_with_values > 0 {
        out.add(
            FindingCode::SummaryBlank,
            Severity::Warning,
            "finance.summary",
            format!("“{}”行有 {blank_with_values} 个单元格未填写，而各单位在这些栏目有数据（系统已按单位合计）", filed.name),
            None,
            None,
        );
    }
}

fn check_funding(out: &mut Findings<'_>, tolerance: Decimal, funding: &[FundingLine]) {
    let line = |k: FundingLineKind| {
        funding
            .iter()
            .position(|f| f.line == k)
            .map(|i| (i, &funding[i]))
    };
    let Some((ti, total)) = line(FundingLineKind::Total) else {
        if !funding.is_empty() {
            out.add(
                FindingCode::FundingTotalMissing,
                Severity::Error,
                "funding",
                "资金情况缺少“年度资金总额”行",
                None,
                None,
            );
        }
        return;
    };
    let parts: Vec<&FundingLine> = funding
        .iter()
        .filter(|f| f.line != FundingLineKind::Total)
        .collect();
    type Column = (
        &'static str,
        &'static str,
        fn(&FundingLine) -> Option<Decimal>,
    );
    let columns: [Column; 3] = [
        ("initialBudget", "年初预算数", |f| f.initial_budget),
        ("adjustedBudget", "全年预算数", |f| f.adjusted_budget),
        ("executed", "全年执行数", |f| f.executed),
    ];
    for (field, label, get) in columns {
        let parts_sum = sum(&parts.iter().map(|f| get(f)).collect::<Vec<_>>());
        if let (Some(t), Some(p)) = (get(total), parts_sum)
            && (t - p).abs() > tolerance
        {
            out.add(
                FindingCode::FundingTotalMismatch,
                Severity::Error,
                format!("funding.{ti}.{field}"),
                format!("年度资金总额的{label}为 {} 万元，本年财政拨款、上年结转资金与其他资金之和为 {} 万元，相差 {} 万元", money(t), money(p), money(t - p)),
                Some(money(p)),
                Some(money(t)),
            );
        }
    }
    for (i, f) in funding.iter().enumerate() {
        if let (Some(budget), Some(done)) = (f.adjusted_budget, f.executed)
            && done > budget
        {
            out.add(
                FindingCode::ExecutedOverBudget,
                Severity::Error,
                format!("funding.{i}.executed"),
                format!(
                    "全年执行数 {} 万元超过全年预算数 {} 万元",
                    money(done),
                    money(budget)
                ),
                Some(format!("≤ {}", money(budget))),
                Some(money(done)),
            );
        }
        if let (Some(w), Some(s)) = (f.weight, f.declared_score)
            && (s < Decimal::ZERO || s > w)
        {
            out.add(
                FindingCode::ScoreOverWeight,
                Severity::Error,
                format!("funding.{i}.declaredScore"),
                format!("得分 {s} 应在 0 到分值 {w} 之间"),
                Some(format!("0–{w}")),
                Some(s.to_string()),
            );
        }
    }
}

/// Runs the checks that need no indicator reading.
pub fn check(doc: &ReportDocument, rules: &Rules, out: &mut Findings<'_>) {
    // The profile states the tolerance in 万元; figures are compared in the unit they were
    // filed in.
    let tolerance = match doc.amount_unit {
        entity::AmountUnit::WanYuan => rules.arithmetic_tolerance,
        entity::AmountUnit::Yuan => rules.arithmetic_tolerance * Decimal::from(10_000),
    };
    for (i, unit) in doc.finance.units.iter().enumerate() {
        check_row(out, tolerance, &format!("finance.units.{i}"), unit);
    }
    if let Some(summary) = &doc.finance.summary {
        check_row(out, tolerance, "finance.summary", summary);
    }
    check_summary(out, doc);
    check_funding(out, tolerance, &doc.funding);
    if doc.kind.0 == ReportKind::Project && doc.funding.is_empty() {
        out.add(
            FindingCode::FundingMissing,
            Severity::Error,
            "funding",
            "项目支出绩效自评表应填写资金情况（年度资金总额等）",
            None,
            None,
        );
    }

    // Completeness of the cover and the declared result.
    if doc.unit_name.trim().is_empty() {
        out.add(
            FindingCode::UnitNameMissing,
            Severity::Error,
            "unitName",
            "封面“部门（单位）名称”未填写：可先保存草稿，提交前须补全",
            None,
            None,
        );
    }
    let blank = |v: &Option<String>| v.as_deref().is_none_or(|s| s.trim().is_empty());
    if blank(&doc.budget_code) {
        out.add(
            FindingCode::BudgetCodeMissing,
            Severity::Warning,
            "budgetCode",
            "封面“预算编码”未填写",
            None,
            None,
        );
    }
    if doc.report_date.is_none() {
        out.add(
            FindingCode::ReportDateMissing,
            Severity::Warning,
            "reportDate",
            "封面“报告日期”未填写",
            None,
            None,
        );
    }
    if doc.declared_score.is_none() {
        out.add(
            FindingCode::DeclaredScoreMissing,
            Severity::Warning,
            "declaredScore",
            "未填写绩效自评综合得分",
            None,
            None,
        );
    }
    if blank(&doc.declared_grade) {
        out.add(
            FindingCode::DeclaredGradeMissing,
            Severity::Warning,
            "declaredGrade",
            "未填写评价等次",
            None,
            None,
        );
    }
    if doc.sections.is_empty() {
        out.add(
            FindingCode::NarrativeMissing,
            Severity::Warning,
            "sections",
            "缺少评价报告综述（文字部分）",
            None,
            None,
        );
    }
    if doc.evaluators.is_empty() {
        out.add(
            FindingCode::EvaluatorsMissing,
            Severity::Warning,
            "evaluators",
            "未填写评价人员",
            None,
            None,
        );
    }
    if let (Some(score), Some(grade)) = (doc.declared_score, doc.declared_grade.as_deref()) {
        let by_score = rules.grade_of(score);
        let by_label = rules.band_of_label(grade);
        match (by_score, by_label) {
            (Some(s), Some(l)) if s.grade != l.grade => out.add(
                FindingCode::GradeMismatch,
                Severity::Error,
                "declaredGrade",
                format!(
                    "自评得分 {score} 对应等次“{}”，但填报的等次为“{grade}”",
                    s.grade
                ),
                Some(s.labels.join("/")),
                Some(grade.to_owned()),
            ),
            (_, None) => out.add(
                FindingCode::GradeUnknown,
                Severity::Warning,
                "declaredGrade",
                format!("等次“{grade}”不在本地评分规则的等次中"),
                Some(
                    rules
                        .grade_bands
                        .iter()
                        .flat_map(|b| b.labels.clone())
                        .collect::<Vec<_>>()
                        .join("/"),
                ),
                Some(grade.to_owned()),
            ),
            _ => {}
        }
    }

    // Plausibility of headcounts.
    if let (Some(authorised), Some(actual)) = (
        doc.profile.authorised_headcount,
        doc.profile.actual_headcount,
    ) && actual > authorised
        && authorised > 0
    {
        let rate =
            (Decimal::from(actual) * Decimal::ONE_HUNDRED / Decimal::from(authorised)).round_dp(2);
        out.add(
            FindingCode::HeadcountOverAuthorised,
            Severity::Warning,
            "profile.actualHeadcount",
            format!("实有人数 {actual} 人超过人员编制 {authorised} 人，在职人员控制率 {rate}%"),
            Some(format!("≤ {authorised}")),
            Some(actual.to_string()),
        );
    }
}
