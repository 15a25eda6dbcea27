//! Bulk exchange: import many documents (each all-or-nothing, a bad one stopping none of the
//! others), export every report as JSON Lines that import reads back, and generate documents
//! for tests and benchmarks.

use super::document::*;
use super::policy;
use super::service::{self, WriteKind, Written};
use super::snapshot::Keep;
use super::store;
use crate::domain::idempotency::{self, Answer, Call, ImportedItem, Replay};
use crate::domain::{Db, FieldError, Outcome, UserErrorCode, Viewer};
use crate::error::AppError;
use entity::{IndicatorCategory, IndicatorSubcategory, ReportStatus, department, report};
use rust_decimal::Decimal;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};

/// Most documents in one `importReports` call.
pub const MAX_BATCH: usize = 500;

/// One line of an export, one document of an import: the `upsertReport` input shape, plus the
/// workflow state for exports of published reports.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Line {
    /// The integrator's key.
    pub external_id: String,
    /// Workflow state to restore (exports only; imports by ADMIN).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ReportStatus>,
    /// The report.
    pub document: ReportDocument,
}

/// A document of a batch that could not be read as one (a value that does not fit its type):
/// it is refused on its own, with its errors, and the others are written.
#[derive(Debug, Clone)]
pub struct Unreadable {
    /// Its external ID, where it could be read.
    pub external_id: String,
    /// Why it could not be read.
    pub errors: Vec<FieldError>,
}

/// What happened to one document.
#[derive(Debug, Clone)]
pub enum ItemResult {
    /// Written (created, updated or unchanged).
    Written(Box<Written>),
    /// Refused, with the reasons.
    Refused(Vec<FieldError>),
}

/// An item's refusal, or the error that ends the batch (an unexpected internal one).
fn refusal(e: AppError) -> Result<Vec<FieldError>, AppError> {
    let (code, message) = match e {
        AppError::Forbidden(m) | AppError::Unauthenticated(m) => (UserErrorCode::Forbidden, m),
        AppError::NotFound(m) => (UserErrorCode::NotFound, m),
        AppError::BadUserInput(m) => (UserErrorCode::Invalid, m),
        AppError::Conflict(m) => (UserErrorCode::Duplicate, m),
        AppError::Unavailable(cause) => {
            // A passing database failure does not end the batch: the item's transaction rolled
            // back (or its status restore did not run), and the caller retries the item.
            tracing::warn!(error.cause = %cause, "import item failed for now");
            (
                UserErrorCode::Unavailable,
                "写入本份报告时数据库暂时不可用，请重试本份（按 externalId 覆盖写入，重试是安全的；其他各份不受影响）".into(),
            )
        }
        internal @ AppError::Internal(_) => return Err(internal),
    };
    Ok(vec![FieldError::new("", code, message)])
}

/// The results of an import, one per document, in order.
#[derive(Debug, Clone)]
pub struct Imported(pub Vec<ItemResult>);

impl Answer for Imported {
    fn replayed(replay: Replay) -> Option<Self> {
        let Replay::Import { items } = replay else {
            return None;
        };
        Some(Imported(
            items
                .into_iter()
                .map(|item| match item {
                    ImportedItem::Written { kind, snapshot, .. } => {
                        ItemResult::Written(Box::new(Written::recorded(kind, snapshot)))
                    }
                    ImportedItem::Refused { errors, .. } => ItemResult::Refused(errors),
                })
                .collect(),
        ))
    }
}

/// Imports up to [`MAX_BATCH`] documents one by one, each in its own transaction, under the
/// call's idempotency key if it has one (then each document's answer is made from the snapshot
/// its write kept, and the batch's answers are recorded together after the last document).
pub async fn import(
    db: &Db,
    viewer: &Viewer,
    call: Option<&Call>,
    lines: Vec<Result<Line, Unreadable>>,
) -> Result<Outcome<Imported>, AppError> {
    if lines.len() > MAX_BATCH {
        return Ok(Err(vec![FieldError::new(
            "documents",
            UserErrorCode::OutOfRange,
            format!("一次最多导入 {MAX_BATCH} 份报告，收到 {} 份", lines.len()),
        )]));
    }
    let departments: Vec<String> = lines
        .iter()
        .map(|l| match l {
            Ok(l) => l.document.department_code.clone(),
            Err(_) => String::new(),
        })
        .collect();
    idempotency::run(
        db,
        viewer,
        call,
        |imported| async move { admit(viewer, imported, &departments) },
        |claim| async move {
            let keep = if claim.is_some() {
                Keep::Snapshot
            } else {
                Keep::Nothing
            };
            let mut ids = Vec::with_capacity(lines.len());
            let mut items = Vec::with_capacity(lines.len());
            for line in lines {
                let line = match line {
                    Ok(line) => line,
                    Err(unreadable) => {
                        ids.push(unreadable.external_id);
                        items.push(ItemResult::Refused(unreadable.errors));
                        continue;
                    }
                };
                ids.push(line.external_id.clone());
                items.push(match import_with(db, viewer, line, keep).await {
                    Ok(item) => item,
                    Err(e) => ItemResult::Refused(refusal(e)?),
                });
            }
            // A batch with items to retry is not recorded, so that retrying it under the same
            // key writes those items (the others come back unchanged).
            let retry = items.iter().any(|item| {
                matches!(item, ItemResult::Refused(errors)
                    if errors.iter().any(|e| e.code == UserErrorCode::Unavailable))
            });
            if let Some(claim) = claim.filter(|_| !retry) {
                let record = Replay::Import {
                    items: ids
                        .into_iter()
                        .zip(&items)
                        .map(|(external_id, item)| recorded(external_id, item))
                        .collect::<Result<_, _>>()?,
                };
                let txn = db.begin_write().await?;
                idempotency::remember(&txn.txn, &claim, &record).await?;
                txn.commit().await?;
            }
            Ok(Ok(Imported(items)))
        },
    )
    .await
}

/// An item's answer as recorded under the batch's key.
fn recorded(external_id: String, item: &ItemResult) -> Result<ImportedItem, AppError> {
    Ok(match item {
        ItemResult::Written(w) => ImportedItem::Written {
            external_id,
            kind: w.kind,
            snapshot: Box::new(
                w.snapshot
                    .as_deref()
                    .cloned()
                    .ok_or_else(|| AppError::internal("keyed import item without snapshot"))?,
            ),
        },
        ItemResult::Refused(errors) => ImportedItem::Refused {
            external_id,
            errors: errors.clone(),
        },
    })
}

/// A replayed import as the caller may have it now: a document of a department they may no
/// longer write is refused as a fresh import would refuse it, the others answered as at first.
fn admit(
    viewer: &Viewer,
    imported: Imported,
    departments: &[String],
) -> Result<Imported, AppError> {
    let items = imported
        .0
        .into_iter()
        .zip(departments)
        .map(
            |(item, code)| match (item, policy::ensure_writer(viewer, code)) {
                (ItemResult::Written(_), Err(e)) => refusal(e).map(ItemResult::Refused),
                (item, _) => Ok(item),
            },
        )
        .collect::<Result<_, _>>()?;
    Ok(Imported(items))
}

/// Imports one document (and its workflow state, for ADMIN).
pub async fn import_one(db: &Db, viewer: &Viewer, line: Line) -> Result<ItemResult, AppError> {
    import_with(db, viewer, line, Keep::Nothing).await
}

async fn import_with(
    db: &Db,
    viewer: &Viewer,
    line: Line,
    keep: Keep<'_>,
) -> Result<ItemResult, AppError> {
    let evidence = line.document.evidence.clone();
    let upserted =
        service::upsert_with(db, viewer, line.external_id, None, line.document, keep).await;
    let mut written = match upserted {
        Ok(Ok(w)) => w,
        Ok(Err(errors)) => return Ok(ItemResult::Refused(errors)),
        Err(e) => return refusal(e).map(ItemResult::Refused),
    };
    // An exported report lists its evidence; its files are in the store (the importer put them
    // there). GraphQL documents carry none.
    if !evidence.is_empty() {
        let id = written.report.id;
        match crate::domain::evidence::restore(db, viewer, id, &evidence).await {
            Ok(Ok(true)) => {
                let kind = if written.kind == WriteKind::Unchanged {
                    WriteKind::Updated
                } else {
                    written.kind
                };
                let snapshot = keep.snapshot(&db.conn, id).await?;
                written = Written::of(db, id, kind, snapshot.map(std::sync::Arc::new)).await?;
            }
            Ok(Ok(false)) => {}
            Ok(Err(errors)) => return Ok(ItemResult::Refused(errors)),
            Err(e) => return refusal(e).map(ItemResult::Refused),
        }
    }
    match line.status {
        Some(status) if status != written.report.status => {
            if !viewer.has_role(crate::domain::Role::Admin) {
                return Ok(ItemResult::Refused(vec![FieldError::new(
                    "status",
                    UserErrorCode::Forbidden,
                    "只有 ADMIN 导入时可以恢复报告状态",
                )]));
            }
            let id = written.report.id;
            let snapshot = service::set_status(db, viewer, id, status, keep).await?;
            let kind = if written.kind == WriteKind::Unchanged {
                WriteKind::Updated
            } else {
                written.kind
            };
            let written = Written::of(db, id, kind, snapshot).await?;
            Ok(ItemResult::Written(Box::new(written)))
        }
        _ => Ok(ItemResult::Written(Box::new(written))),
    }
}

/// Every live report as export lines, ordered by external id then department (external ids
/// are per department; reports without one get `jixiao:<id>`). Import reads them back into
/// the same reports: each line is upserted by its external id within its document's
/// department.
pub async fn export(db: &Db) -> Result<Vec<Line>, AppError> {
    let departments = department::Entity::find().all(&db.conn).await?;
    let rows = report::Entity::find()
        .filter(report::Column::DeletedAt.is_null())
        .order_by_asc(report::Column::Id)
        .all(&db.conn)
        .await?;
    let mut lines = Vec::with_capacity(rows.len());
    for row in rows {
        let code = departments
            .iter()
            .find(|d| d.id == row.department_id)
            .map(|d| d.code.clone())
            .unwrap_or_default();
        let document = store::load(&db.conn, &row, code).await?;
        let external_id = row
            .external_id
            .clone()
            .unwrap_or_else(|| format!("jixiao:{}", row.id));
        let status = (row.status != ReportStatus::Draft).then_some(row.status);
        lines.push(Line {
            external_id,
            status,
            document,
        });
    }
    lines.sort_by(|a, b| {
        (&a.external_id, &a.document.department_code)
            .cmp(&(&b.external_id, &b.document.department_code))
    });
    Ok(lines)
}

/// A deterministic pseudo-random sequence (for generated data only).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % n.max(1)
    }
}

/// Codes of the generated departments.
pub fn generated_department(i: usize) -> String {
    format!("GEN-{:03}", i + 1)
}

/// Generates `n` documents of both kinds over `departments` departments, with `indicators`
/// indicators each; the same arguments give the same documents.
pub fn generate(n: usize, indicators: usize, departments: usize, seed: u64) -> Vec<Line> {
    let mut r = Lcg(seed);
    let subcategories = [
        (
            IndicatorCategory::Output,
            IndicatorSubcategory::Quantity,
            "≥{}个",
            "{}个",
        ),
        (
            IndicatorCategory::Output,
            IndicatorSubcategory::Quality,
            "≥{}%",
            "{}%",
        ),
        (
            IndicatorCategory::Output,
            IndicatorSubcategory::Timeliness,
            "≥{}%",
            "{}%",
        ),
        (
            IndicatorCategory::Output,
            IndicatorSubcategory::Cost,
            "≤{}万元",
            "{}万元",
        ),
        (
            IndicatorCategory::Outcome,
            IndicatorSubcategory::Social,
            "≥{}家",
            "{}家",
        ),
        (
            IndicatorCategory::Outcome,
            IndicatorSubcategory::Economic,
            "≥{}万元",
            "{}万元",
        ),
        (
            IndicatorCategory::Satisfaction,
            IndicatorSubcategory::Satisfaction,
            "≥{}%",
            "{}%",
        ),
    ];
    (0..n)
        .map(|i| {
            let project = i % 4 == 3;
            let dept = generated_department(i % departments.max(1));
            let money = |r: &mut Lcg| Decimal::new(10_000 + r.next(5_000_000) as i64, 2);
            let public = money(&mut r);
            let other = money(&mut r);
            let personnel = money(&mut r);
            let operating = money(&mut r);
            let projectx = money(&mut r);
            let unit = FinanceRow {
                id: None,
                name: "局机关".into(),
                income: Income {
                    total: Some(public + other),
                    public_finance: Some(public),
                    other: Some(other),
                    ..Default::default()
                },
                expenditure: Expenditure {
                    total: Some(personnel + operating + projectx),
                    basic: Some(personnel + operating),
                    personnel: Some(personnel),
                    operating: Some(operating),
                    project: Some(projectx),
                    current_balance: Some(public + other - personnel - operating - projectx),
                    ..Default::default()
                },
                ..Default::default()
            };
            let inds = (0..indicators)
                .map(|k| {
                    let (category, subcategory, t, a) = subcategories[k % subcategories.len()];
                    let target = 50 + r.next(50);
                    let actual = target - 10 + r.next(20);
                    IndicatorDoc {
                        id: None,
                        category,
                        subcategory,
                        name: Some(format!("指标{}", k + 1)),
                        target: ValueDoc {
                            text: t.replace("{}", &target.to_string()),
                            ..Default::default()
                        },
                        actual: Some(ValueDoc {
                            text: a.replace("{}", &actual.to_string()),
                            ..Default::default()
                        }),
                        weight: None,
                        declared_score: None,
                        deviation_reason: (actual < target).then(|| "受外部因素影响".into()),
                        improvement_measures: None,
                        core: false,
                        score_coefficient: None,
                    }
                })
                .collect();
            let doc = ReportDocument {
                department_code: dept.clone(),
                fiscal_year: 2019 + (i % 6) as i32,
                kind: ReportKindDoc(if project {
                    entity::ReportKind::Project
                } else {
                    entity::ReportKind::DepartmentOverall
                }),
                title: Some(format!("生成的绩效自评报告 {i}")),
                unit_name: format!("生成单位{}", i % departments.max(1) + 1),
                project_name: project.then(|| format!("项目{i}")),
                budget_code: Some(format!("GEN-{i:06}")),
                report_date: chrono::NaiveDate::from_ymd_opt(2020 + (i % 6) as i32, 3, 1),
                profile: Profile {
                    contact_name: Some("联系人".into()),
                    authorised_headcount: Some(20),
                    actual_headcount: Some(18),
                    annual_tasks: vec!["任务1：完成年度工作".into()],
                    ..Default::default()
                },
                finance: Finance {
                    summary: None,
                    units: vec![unit],
                },
                funding: if project {
                    vec![FundingLine {
                        id: None,
                        line: entity::FundingLineKind::Total,
                        initial_budget: Some(Decimal::new(50_000, 2)),
                        adjusted_budget: Some(Decimal::new(48_000, 2)),
                        executed: Some(Decimal::new(45_600, 2)),
                        weight: Some(Decimal::TEN),
                        declared_score: Some(Decimal::new(95, 1)),
                        declared_rate: None,
                    }]
                } else {
                    Vec::new()
                },
                qualitative_goals: vec![Goal {
                    id: None,
                    expected: Some("目标1：完成年度任务".into()),
                    actual: Some("完成".into()),
                    initial: None,
                }],
                indicators: inds,
                declared_score: Some(Decimal::from(80 + r.next(20))),
                declared_grade: None,
                evaluators: vec![EvaluatorDoc {
                    id: None,
                    name: "评价人".into(),
                    position: None,
                    unit: None,
                    role: entity::EvaluatorRole::GroupLeader,
                    subject: None,
                }],
                opinions: Vec::new(),
                preparer: Some(Person {
                    name: Some("填报人".into()),
                    phone: Some("0730-0000000".into()),
                }),
                sections: vec![Section {
                    id: None,
                    key: "1".into(),
                    title: "一、部门概况".into(),
                    body: Some("生成的文字。".into()),
                }],
                ..Default::default()
            };
            Line {
                external_id: format!("gen-{seed}-{i:06}"),
                status: None,
                document: doc,
            }
        })
        .collect()
}
