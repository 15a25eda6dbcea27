//! Moves a [`ReportDocument`] in and out of the report's tables.

use super::document::*;
use crate::error::AppError;
use entity::row::SelectRows;
use entity::{
    AmountUnit, Hundredths, Millionths, evaluator, finance_unit, funding_line, indicator,
    narrative_section, opinion, qualitative_goal, report,
};
use rust_decimal::Decimal;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

fn h(v: Option<Decimal>) -> Option<Hundredths> {
    v.and_then(|d| Hundredths::from_decimal(d).ok())
}

fn m(v: Option<Decimal>) -> Option<Millionths> {
    v.and_then(|d| Millionths::from_decimal(d).ok())
}

fn d(v: Option<Hundredths>) -> Option<Decimal> {
    v.map(Hundredths::to_decimal)
}

fn dm(v: Option<Millionths>) -> Option<Decimal> {
    v.map(|x| x.to_decimal().normalize())
}

/// Copies the document's scalar content onto a report row.
pub fn apply(row: &mut report::ActiveModel, doc: &ReportDocument, department_id: Uuid) {
    row.department_id = Set(department_id);
    row.fiscal_year = Set(doc.fiscal_year);
    row.kind = Set(doc.kind.0);
    row.series_title = Set(doc.series_title.clone());
    row.title = Set(doc.title.clone());
    row.unit_name = Set(doc.unit_name.clone());
    row.project_name = Set(doc.project_name.clone());
    row.competent_department = Set(doc.competent_department.clone());
    row.implementing_unit = Set(doc.implementing_unit.clone());
    row.budget_code = Set(doc.budget_code.clone());
    row.evaluation_method = Set(doc.evaluation_method.clone());
    row.evaluating_body = Set(doc.evaluating_body.clone());
    row.report_date = Set(doc.report_date);
    row.issuer = Set(doc.issuer.clone());
    let p = &doc.profile;
    row.contact_name = Set(p.contact_name.clone());
    row.contact_phone = Set(p.contact_phone.clone());
    row.authorised_headcount = Set(p.authorised_headcount);
    row.actual_headcount = Set(p.actual_headcount);
    row.duties = Set(p.duties.clone());
    row.annual_tasks = Set(serde_json::Value::from(p.annual_tasks.clone()));
    row.achievements = Set(p.achievements.clone());
    row.declared_score = Set(h(doc.declared_score));
    row.declared_grade = Set(doc.declared_grade.clone());
    row.amount_unit = Set(doc.amount_unit);
    row.level1_weights = Set(doc
        .level1_weights
        .as_ref()
        .and_then(|w| serde_json::to_value(w).ok()));
    row.preparer_name = Set(doc.preparer.as_ref().and_then(|p| p.name.clone()));
    row.preparer_phone = Set(doc.preparer.as_ref().and_then(|p| p.phone.clone()));
    row.content_digest = Set(doc.digest());
}

fn finance_row(
    report_id: Uuid,
    ordinal: i32,
    is_summary: bool,
    r: &FinanceRow,
    unit: AmountUnit,
) -> finance_unit::ActiveModel {
    let mut w = FigureWriter::new(unit);
    finance_unit::ActiveModel {
        id: Set(r.id.unwrap_or_else(Uuid::now_v7)),
        report_id: Set(report_id),
        ordinal: Set(ordinal),
        is_summary: Set(is_summary),
        name: Set(r.name.clone()),
        income_total: Set(w.put("income.total", r.income.total)),
        income_carryover: Set(w.put("income.carryover", r.income.carryover)),
        income_public_finance: Set(w.put("income.publicFinance", r.income.public_finance)),
        income_government_fund: Set(w.put("income.governmentFund", r.income.government_fund)),
        income_special_account_non_tax: Set(w.put(
            "income.specialAccountNonTax",
            r.income.special_account_non_tax,
        )),
        income_other: Set(w.put("income.other", r.income.other)),
        expenditure_total: Set(w.put("expenditure.total", r.expenditure.total)),
        expenditure_basic: Set(w.put("expenditure.basic", r.expenditure.basic)),
        expenditure_personnel: Set(w.put("expenditure.personnel", r.expenditure.personnel)),
        expenditure_operating: Set(w.put("expenditure.operating", r.expenditure.operating)),
        expenditure_project: Set(w.put("expenditure.project", r.expenditure.project)),
        balance_current: Set(w.put("expenditure.currentBalance", r.expenditure.current_balance)),
        balance_accumulated: Set(w.put(
            "expenditure.accumulatedBalance",
            r.expenditure.accumulated_balance,
        )),
        three_public_total: Set(w.put("threePublic.total", r.three_public.total)),
        three_public_reception: Set(w.put("threePublic.reception", r.three_public.reception)),
        three_public_vehicle_operation: Set(w.put(
            "threePublic.vehicleOperation",
            r.three_public.vehicle_operation,
        )),
        three_public_vehicle_purchase: Set(w.put(
            "threePublic.vehiclePurchase",
            r.three_public.vehicle_purchase,
        )),
        three_public_overseas_travel: Set(
            w.put("threePublic.overseasTravel", r.three_public.overseas_travel)
        ),
        fixed_assets_total: Set(w.put("fixedAssets.total", r.fixed_assets.total)),
        fixed_assets_in_use: Set(w.put("fixedAssets.inUse", r.fixed_assets.in_use)),
        fixed_assets_leased: Set(w.put("fixedAssets.leased", r.fixed_assets.leased)),
        fixed_assets_other: Set(w.put("fixedAssets.other", r.fixed_assets.other)),
        amount_format: Set(w.finish()),
    }
}

/// Reads a stored finance row back as a document row.
pub fn finance_doc(r: &finance_unit::Model) -> FinanceRow {
    let f = FigureReader::of(r.amount_format.as_ref());
    FinanceRow {
        id: Some(r.id),
        name: r.name.clone(),
        income: Income {
            total: f.get("income.total", r.income_total),
            carryover: f.get("income.carryover", r.income_carryover),
            public_finance: f.get("income.publicFinance", r.income_public_finance),
            government_fund: f.get("income.governmentFund", r.income_government_fund),
            special_account_non_tax: f.get(
                "income.specialAccountNonTax",
                r.income_special_account_non_tax,
            ),
            other: f.get("income.other", r.income_other),
        },
        expenditure: Expenditure {
            total: f.get("expenditure.total", r.expenditure_total),
            basic: f.get("expenditure.basic", r.expenditure_basic),
            personnel: f.get("expenditure.personnel", r.expenditure_personnel),
            operating: f.get("expenditure.operating", r.expenditure_operating),
            project: f.get("expenditure.project", r.expenditure_project),
            current_balance: f.get("expenditure.currentBalance", r.balance_current),
            accumulated_balance: f.get("expenditure.accumulatedBalance", r.balance_accumulated),
        },
        three_public: ThreePublic {
            total: f.get("threePublic.total", r.three_public_total),
            reception: f.get("threePublic.reception", r.three_public_reception),
            vehicle_operation: f.get(
                "threePublic.vehicleOperation",
                r.three_public_vehicle_operation,
            ),
            vehicle_purchase: f.get(
                "threePublic.vehiclePurchase",
                r.three_public_vehicle_purchase,
            ),
            overseas_travel: f.get("threePublic.overseasTravel", r.three_public_overseas_travel),
        },
        fixed_assets: FixedAssets {
            total: f.get("fixedAssets.total", r.fixed_assets_total),
            in_use: f.get("fixedAssets.inUse", r.fixed_assets_in_use),
            leased: f.get("fixedAssets.leased", r.fixed_assets_leased),
            other: f.get("fixedAssets.other", r.fixed_assets_other),
        },
    }
}

/// The level-1 weights a stored report's form states for itself, if any.
pub fn form_weights(row: &report::Model) -> Option<FormWeights> {
    row.level1_weights
        .as_ref()
        .and_then(|w| serde_json::from_value(w.clone()).ok())
}

/// Reads a stored funding row back as a document row.
pub fn funding_doc(f: &funding_line::Model) -> FundingLine {
    let r = FigureReader::of(f.amount_format.as_ref());
    FundingLine {
        id: Some(f.id),
        line: f.line,
        initial_budget: r.get("initialBudget", f.initial_budget),
        adjusted_budget: r.get("adjustedBudget", f.adjusted_budget),
        executed: r.get("executed", f.executed),
        weight: d(f.weight),
        declared_score: d(f.declared_score),
        declared_rate: d(f.declared_rate),
    }
}

/// How a money row's figures were written (its `amount_format` column): the unit, and the
/// decimals of each figure written with other than two. Null in the column for 万元 at two
/// decimals throughout, as every figure was stored before amounts were kept to the fen.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct AmountFormat {
    #[serde(default)]
    unit: AmountUnit,
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    decimals: std::collections::BTreeMap<String, u32>,
}

/// Writes a row's figures: each as fen, its written decimals noted where not two.
struct FigureWriter(AmountFormat);

impl FigureWriter {
    fn new(unit: AmountUnit) -> Self {
        Self(AmountFormat {
            unit,
            decimals: Default::default(),
        })
    }

    /// The figure `key` as stored (the document was normalized: it fits).
    fn put(&mut self, key: &str, value: Option<Decimal>) -> Option<Millionths> {
        let value = value?;
        if value.scale() != 2 {
            self.0.decimals.insert(key.to_owned(), value.scale());
        }
        crate::domain::money::to_fen(value, self.0.unit).ok()
    }

    /// The row's `amount_format`.
    fn finish(self) -> Option<serde_json::Value> {
        (self.0.unit != AmountUnit::WanYuan || !self.0.decimals.is_empty())
            .then(|| serde_json::to_value(&self.0).unwrap_or_default())
    }
}

/// Reads a row's figures back as written.
struct FigureReader(AmountFormat);

impl FigureReader {
    fn of(format: Option<&serde_json::Value>) -> Self {
        Self(
            format
                .and_then(|f| serde_json::from_value(f.clone()).ok())
                .unwrap_or_default(),
        )
    }

    fn get(&self, key: &str, fen: Option<Millionths>) -> Option<Decimal> {
        let decimals = self.0.decimals.get(key).copied().unwrap_or(2);
        fen.map(|f| crate::domain::money::from_fen(f, self.0.unit, decimals))
    }
}

fn value_doc(
    text: String,
    comparator: Option<entity::Comparator>,
    value: Option<Millionths>,
    unit: Option<String>,
) -> ValueDoc {
    ValueDoc {
        text,
        comparator,
        value: dm(value),
        unit,
    }
}

/// The rows of a report's content (everything of its document that lives in child tables),
/// each list in filed order.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Content {
    /// Finance rows: the filed summary (if any) and the units.
    pub finance_units: Vec<finance_unit::Model>,
    /// The funding block (PROJECT reports).
    pub funding_lines: Vec<funding_line::Model>,
    /// Qualitative goals.
    pub qualitative_goals: Vec<qualitative_goal::Model>,
    /// Indicators.
    pub indicators: Vec<indicator::Model>,
    /// Evaluators.
    pub evaluators: Vec<evaluator::Model>,
    /// Opinions.
    pub opinions: Vec<opinion::Model>,
    /// Narrative sections.
    pub sections: Vec<narrative_section::Model>,
    /// Evidence attached (not detached), in attaching order.
    #[serde(default)]
    pub attachments: Vec<entity::attachment::Model>,
}

impl Content {
    /// Reads the content rows of report `id`.
    pub async fn load<C: ConnectionTrait>(db: &C, id: Uuid) -> Result<Self, AppError> {
        macro_rules! rows {
            ($module:ident) => {
                $module::Entity::find()
                    .filter($module::Column::ReportId.eq(id))
                    .order_by_asc($module::Column::Ordinal)
                    .all_rows(db)
                    .await?
            };
        }
        Ok(Content {
            finance_units: rows!(finance_unit),
            funding_lines: rows!(funding_line),
            qualitative_goals: rows!(qualitative_goal),
            indicators: rows!(indicator),
            evaluators: rows!(evaluator),
            opinions: rows!(opinion),
            sections: rows!(narrative_section),
            attachments: entity::attachment::Entity::find()
                .filter(entity::attachment::Column::ReportId.eq(id))
                .filter(entity::attachment::Column::DetachedAt.is_null())
                .order_by_asc(entity::attachment::Column::Id)
                .all_rows(db)
                .await?,
        })
    }

    /// The document of the report `row` with this content, filed under `department_code`.
    pub fn document(&self, row: &report::Model, department_code: String) -> ReportDocument {
        let units = &self.finance_units;
        let summary = units.iter().find(|u| u.is_summary).map(finance_doc);
        let units = units
            .iter()
            .filter(|u| !u.is_summary)
            .map(finance_doc)
            .collect();
        let funding = self.funding_lines.iter().map(funding_doc).collect();
        let qualitative_goals = self
            .qualitative_goals
            .iter()
            .map(|g| Goal {
                id: Some(g.id),
                expected: g.expected.clone(),
                actual: g.actual.clone(),
                initial: g.initial.clone(),
            })
            .collect();
        let indicators = self.indicators.iter().cloned().map(indicator_doc).collect();
        let evaluators = self
            .evaluators
            .iter()
            .map(|e| EvaluatorDoc {
                id: Some(e.id),
                name: e.name.clone(),
                position: e.position.clone(),
                unit: e.unit.clone(),
                role: e.role,
                subject: e.subject.clone(),
            })
            .collect();
        let opinions = self
            .opinions
            .iter()
            .map(|o| OpinionDoc {
                id: Some(o.id),
                kind: o.kind,
                text: o.text.clone(),
                person: o.person.clone(),
                date: o.date,
            })
            .collect();
        let sections = self
            .sections
            .iter()
            .map(|s| Section {
                id: Some(s.id),
                key: s.key.clone(),
                title: s.title.clone(),
                body: s.body.clone(),
            })
            .collect();
        let preparer =
            (row.preparer_name.is_some() || row.preparer_phone.is_some()).then(|| Person {
                name: row.preparer_name.clone(),
                phone: row.preparer_phone.clone(),
            });
        ReportDocument {
            department_code,
            fiscal_year: row.fiscal_year,
            kind: ReportKindDoc(row.kind),
            series_title: row.series_title.clone(),
            title: row.title.clone(),
            unit_name: row.unit_name.clone(),
            project_name: row.project_name.clone(),
            competent_department: row.competent_department.clone(),
            implementing_unit: row.implementing_unit.clone(),
            budget_code: row.budget_code.clone(),
            evaluation_method: row.evaluation_method.clone(),
            evaluating_body: row.evaluating_body.clone(),
            report_date: row.report_date,
            issuer: row.issuer.clone(),
            profile: Profile {
                contact_name: row.contact_name.clone(),
                contact_phone: row.contact_phone.clone(),
                authorised_headcount: row.authorised_headcount,
                actual_headcount: row.actual_headcount,
                duties: row.duties.clone(),
                annual_tasks: serde_json::from_value(row.annual_tasks.clone()).unwrap_or_default(),
                achievements: row.achievements.clone(),
            },
            amount_unit: row.amount_unit,
            level1_weights: form_weights(row),
            finance: Finance { summary, units },
            funding,
            qualitative_goals,
            indicators,
            declared_score: d(row.declared_score),
            declared_grade: row.declared_grade.clone(),
            evaluators,
            opinions,
            preparer,
            sections,
            evidence: self.evidence(),
        }
    }

    /// The evidence as content: indicator anchors named by the indicator's position.
    fn evidence(&self) -> Vec<EvidenceDoc> {
        self.attachments
            .iter()
            .map(|a| {
                let target = a.target_kind.unwrap_or(entity::CommentTargetKind::Report);
                let path = match target {
                    entity::CommentTargetKind::Indicator => self
                        .indicators
                        .iter()
                        .position(|i| Some(i.id) == a.indicator_id)
                        .map(|n| format!("indicators.{n}")),
                    entity::CommentTargetKind::Report => None,
                    _ => a.target_path.clone(),
                };
                EvidenceDoc {
                    id: Some(a.id),
                    indicator_id: a.indicator_id,
                    target,
                    path,
                    file_name: a.file_name.clone(),
                    media_type: a.media_type.clone(),
                    size: a.size,
                    sha256: a.sha256.clone(),
                    description: a.description.clone(),
                }
            })
            .collect()
    }
}

/// Loads the whole document of a stored report.
pub async fn load<C: ConnectionTrait>(
    db: &C,
    row: &report::Model,
    department_code: String,
) -> Result<ReportDocument, AppError> {
    Ok(Content::load(db, row.id)
        .await?
        .document(row, department_code))
}

/// Reads a stored indicator back as a document row.
pub fn indicator_doc(i: indicator::Model) -> IndicatorDoc {
    IndicatorDoc {
        id: Some(i.id),
        category: i.category,
        subcategory: i.subcategory,
        name: i.name,
        target: value_doc(
            i.target_text,
            i.target_comparator,
            i.target_value,
            i.target_unit,
        ),
        actual: i
            .actual_text
            .map(|t| value_doc(t, i.actual_comparator, i.actual_value, i.actual_unit)),
        weight: d(i.weight),
        declared_score: d(i.declared_score),
        deviation_reason: i.deviation_reason,
        improvement_measures: i.improvement_measures,
        core: i.is_core,
        score_coefficient: dm(i.score_coefficient),
    }
}

/// Replaces every child row of the report with the document's (ids kept): one DELETE and one
/// multi-row INSERT per table.
pub async fn replace_children<C: ConnectionTrait>(
    db: &C,
    report_id: Uuid,
    doc: &ReportDocument,
) -> Result<(), AppError> {
    macro_rules! replace {
        ($module:ident, $rows:expr) => {{
            $module::Entity::delete_many()
                .filter($module::Column::ReportId.eq(report_id))
                .exec(db)
                .await?;
            let rows: Vec<$module::ActiveModel> = $rows;
            if !rows.is_empty() {
                $module::Entity::insert_many(rows)
                    .exec_without_returning(db)
                    .await?;
            }
        }};
    }
    let ord = |i: usize| i as i32 + 1;
    let new_id = |id: Option<Uuid>| id.unwrap_or_else(Uuid::now_v7);
    replace!(finance_unit, {
        let mut rows: Vec<_> = doc
            .finance
            .summary
            .iter()
            .map(|s| finance_row(report_id, 0, true, s, doc.amount_unit))
            .collect();
        rows.extend(
            doc.finance
                .units
                .iter()
                .enumerate()
                .map(|(i, u)| finance_row(report_id, ord(i), false, u, doc.amount_unit)),
        );
        rows
    });
    replace!(
        funding_line,
        doc.funding
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let mut w = FigureWriter::new(doc.amount_unit);
                funding_line::ActiveModel {
                    id: Set(new_id(f.id)),
                    report_id: Set(report_id),
                    ordinal: Set(ord(i)),
                    line: Set(f.line),
                    initial_budget: Set(w.put("initialBudget", f.initial_budget)),
                    adjusted_budget: Set(w.put("adjustedBudget", f.adjusted_budget)),
                    executed: Set(w.put("executed", f.executed)),
                    weight: Set(h(f.weight)),
                    declared_score: Set(h(f.declared_score)),
                    declared_rate: Set(h(f.declared_rate)),
                    amount_format: Set(w.finish()),
                }
            })
            .collect()
    );
    replace!(
        qualitative_goal,
        doc.qualitative_goals
            .iter()
            .enumerate()
            .map(|(i, g)| qualitative_goal::ActiveModel {
                id: Set(new_id(g.id)),
                report_id: Set(report_id),
                ordinal: Set(ord(i)),
                expected: Set(g.expected.clone()),
                actual: Set(g.actual.clone()),
                initial: Set(g.initial.clone()),
            })
            .collect()
    );
    replace!(
        indicator,
        doc.indicators
            .iter()
            .enumerate()
            .map(|(i, x)| indicator_row(report_id, ord(i), x))
            .collect()
    );
    replace!(
        evaluator,
        doc.evaluators
            .iter()
            .enumerate()
            .map(|(i, e)| evaluator::ActiveModel {
                id: Set(new_id(e.id)),
                report_id: Set(report_id),
                ordinal: Set(ord(i)),
                name: Set(e.name.clone()),
                position: Set(e.position.clone()),
                unit: Set(e.unit.clone()),
                role: Set(e.role),
                subject: Set(e.subject.clone()),
            })
            .collect()
    );
    replace!(
        opinion,
        doc.opinions
            .iter()
            .enumerate()
            .map(|(i, o)| opinion::ActiveModel {
                id: Set(new_id(o.id)),
                report_id: Set(report_id),
                ordinal: Set(ord(i)),
                kind: Set(o.kind),
                text: Set(o.text.clone()),
                person: Set(o.person.clone()),
                date: Set(o.date),
            })
            .collect()
    );
    replace!(
        narrative_section,
        doc.sections
            .iter()
            .enumerate()
            .map(|(i, s)| narrative_section::ActiveModel {
                id: Set(new_id(s.id)),
                report_id: Set(report_id),
                ordinal: Set(ord(i)),
                key: Set(s.key.clone()),
                title: Set(s.title.clone()),
                body: Set(s.body.clone()),
            })
            .collect()
    );
    Ok(())
}

fn indicator_row(report_id: Uuid, ordinal: i32, x: &IndicatorDoc) -> indicator::ActiveModel {
    let actual = x.actual.as_ref();
    indicator::ActiveModel {
        id: Set(x.id.unwrap_or_else(Uuid::now_v7)),
        report_id: Set(report_id),
        ordinal: Set(ordinal),
        category: Set(x.category),
        subcategory: Set(x.subcategory),
        name: Set(x.name.clone()),
        target_text: Set(x.target.text.clone()),
        target_comparator: Set(x.target.comparator),
        target_value: Set(m(x.target.value)),
        target_unit: Set(x.target.unit.clone()),
        actual_text: Set(actual.map(|a| a.text.clone())),
        actual_comparator: Set(actual.and_then(|a| a.comparator)),
        actual_value: Set(actual.and_then(|a| m(a.value))),
        actual_unit: Set(actual.and_then(|a| a.unit.clone())),
        weight: Set(h(x.weight)),
        declared_score: Set(h(x.declared_score)),
        deviation_reason: Set(x.deviation_reason.clone()),
        improvement_measures: Set(x.improvement_measures.clone()),
        is_core: Set(x.core),
        score_coefficient: Set(m(x.score_coefficient)),
    }
}
