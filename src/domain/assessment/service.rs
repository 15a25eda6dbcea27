//! Assessment use cases: review a stored or unsaved report, refresh the stored computed score,
//! and maintain scoring profiles (ADMIN).

use super::finding::Finding;
use super::profile::{self, Profile, Rules, Severity};
use super::score::Assessment;
use crate::domain::report::snapshot::Snapshot;
use crate::domain::report::{ReportDocument, store};
use crate::domain::{Db, FieldError, Outcome, Role, UserErrorCode, Viewer};
use crate::error::AppError;
use chrono::Utc;
use entity::{Hundredths, department, report, scoring_profile};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

/// An unsaved document reviewed: its profile, its findings, and (when it has no field errors)
/// the document as it would be stored with its assessment.
pub type Unsaved = (Profile, Vec<Finding>, Option<(ReportDocument, Assessment)>);

/// Reviews an unsaved document: field errors become INVALID_INPUT findings.
pub async fn validate_unsaved(db: &Db, doc: ReportDocument) -> Result<Unsaved, AppError> {
    let profile = super::profile_for(db, &doc).await?;
    match doc.normalize() {
        Ok(doc) => {
            let (assessment, findings) = super::review(&doc, &profile.rules);
            Ok((profile, findings, Some((doc, assessment))))
        }
        Err(errors) => {
            let findings = errors
                .into_iter()
                .map(|e| Finding {
                    code: "INVALID_INPUT",
                    severity: Severity::Error,
                    path: e.field.join("."),
                    message: e.message,
                    expected: None,
                    actual: None,
                })
                .collect();
            Ok((profile, findings, None))
        }
    }
}

/// Loads a stored report's document and reviews it under its profile.
pub async fn review_stored(
    db: &Db,
    row: &report::Model,
) -> Result<(ReportDocument, Profile, Assessment, Vec<Finding>), AppError> {
    let dept = department::Entity::find_by_id(row.department_id)
        .one(&db.conn)
        .await?
        .ok_or_else(|| AppError::internal("report without department"))?;
    let doc = store::load(&db.conn, row, dept.code).await?;
    let profile = profile::for_report(db, dept.region.as_deref(), row.fiscal_year).await?;
    let (assessment, findings) = super::review(&doc, &profile.rules);
    Ok((doc, profile, assessment, findings))
}

/// [`review_stored`] of a report as a snapshot holds it: its document then, under the profile
/// its department's region and its year select now.
pub async fn review_snapshot(
    db: &Db,
    snapshot: &Snapshot,
) -> Result<(ReportDocument, Profile, Assessment, Vec<Finding>), AppError> {
    let region = department::Entity::find_by_id(snapshot.report.department_id)
        .one(&db.conn)
        .await?
        .and_then(|d| d.region);
    let doc = snapshot.document();
    let profile = profile::for_report(db, region.as_deref(), snapshot.report.fiscal_year).await?;
    let (assessment, findings) = super::review(&doc, &profile.rules);
    Ok((doc, profile, assessment, findings))
}

/// The ERROR findings of a document under its profile, as user errors (for the submission gate).
pub async fn blocking(db: &Db, doc: &ReportDocument) -> Result<Vec<FieldError>, AppError> {
    let profile = super::profile_for(db, doc).await?;
    let (_, findings) = super::review(doc, &profile.rules);
    Ok(findings
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| FieldError {
            field: f.path.split('.').map(str::to_owned).collect(),
            code: UserErrorCode::ValidationFailed,
            message: format!("{}（{}）", f.message, f.code),
        })
        .collect())
}

/// The computed score and grade of a document under `rules`, for the report row.
pub fn computed(doc: &ReportDocument, rules: &Rules) -> (Option<Hundredths>, Option<String>) {
    let a = super::score::assess(doc, rules);
    (
        a.total.and_then(|t| Hundredths::from_decimal(t).ok()),
        a.grade,
    )
}

/// Profile data to write.
#[derive(Debug, Clone)]
pub struct ProfileData {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Jurisdiction.
    pub jurisdiction: Option<String>,
    /// First year.
    pub year_from: Option<i32>,
    /// Last year.
    pub year_to: Option<i32>,
    /// Version check.
    pub expected_version: Option<i32>,
    /// Rules.
    pub rules: Rules,
}

/// Creates or replaces a profile (ADMIN), then refreshes the computed score of every report it
/// now applies to. Returns the profile and how many reports were refreshed.
pub async fn upsert_profile(
    db: &Db,
    viewer: &Viewer,
    data: ProfileData,
) -> Result<Outcome<(Profile, usize)>, AppError> {
    if viewer.is_anonymous() {
        return Err(AppError::Unauthenticated("需要登录".into()));
    }
    if !viewer.has_role(Role::Admin) {
        return Err(AppError::Forbidden("只有 ADMIN 可以维护评分规则".into()));
    }
    let mut errors: Vec<FieldError> = data
        .rules
        .problems()
        .into_iter()
        .map(|m| FieldError::new("rules", UserErrorCode::Invalid, m))
        .collect();
    if data.code.trim().is_empty() || data.code.chars().count() > 64 {
        errors.push(FieldError::new(
            "code",
            UserErrorCode::Required,
            "规则编码不能为空，最多 64 个字符",
        ));
    }
    if data.name.trim().is_empty() || data.name.chars().count() > 200 {
        errors.push(FieldError::new(
            "name",
            UserErrorCode::Required,
            "规则名称不能为空，最多 200 个字符",
        ));
    }
    if let (Some(a), Some(b)) = (data.year_from, data.year_to)
        && a > b
    {
        errors.push(FieldError::new(
            "yearTo",
            UserErrorCode::OutOfRange,
            "结束年度不能早于起始年度",
        ));
    }
    if !errors.is_empty() {
        return Ok(Err(errors));
    }
    let rules = serde_json::to_value(&data.rules).map_err(AppError::internal)?;
    let now = Utc::now();
    let txn = db.begin_write().await?;
    let existing = scoring_profile::Entity::find()
        .filter(scoring_profile::Column::Code.eq(data.code.as_str()))
        .one(&txn.txn)
        .await?;
    let id = match existing {
        Some(row) => {
            if let Some(v) = data.expected_version
                && v != row.version
            {
                return Ok(Err(vec![FieldError::new(
                    "expectedVersion",
                    UserErrorCode::StaleVersion,
                    format!("评分规则已被修改：当前为第 {} 版", row.version),
                )]));
            }
            let mut am: scoring_profile::ActiveModel = row.clone().into();
            am.name = Set(data.name);
            am.jurisdiction = Set(data.jurisdiction);
            am.year_from = Set(data.year_from);
            am.year_to = Set(data.year_to);
            am.rules = Set(rules);
            am.version = Set(row.version + 1);
            am.updated_at = Set(now);
            scoring_profile::Entity::update(am).exec(&txn.txn).await?;
            row.id
        }
        None => {
            let id = Uuid::now_v7();
            scoring_profile::Entity::insert(scoring_profile::ActiveModel {
                id: Set(id),
                code: Set(data.code),
                name: Set(data.name),
                jurisdiction: Set(data.jurisdiction),
                year_from: Set(data.year_from),
                year_to: Set(data.year_to),
                rules: Set(rules),
                version: Set(1),
                created_at: Set(now),
                updated_at: Set(now),
            })
            .exec_without_returning(&txn.txn)
            .await?;
            id
        }
    };
    txn.commit().await?;
    let refreshed = refresh_all(db).await?;
    // The refreshed scores were written outside the transaction: cached answers must go.
    db.bump_data_version().await?;
    let row = scoring_profile::Entity::find_by_id(id)
        .one(&db.conn)
        .await?
        .ok_or_else(|| AppError::internal("profile vanished"))?;
    Ok(Ok((Profile::from_row(row)?, refreshed)))
}

/// Recomputes the stored computed score of every live report under the profile that now
/// applies to it. Returns how many changed.
pub async fn refresh_all(db: &Db) -> Result<usize, AppError> {
    let profiles = profile::all(db).await?;
    let departments = department::Entity::find().all(&db.conn).await?;
    let reports = report::Entity::find()
        .filter(report::Column::DeletedAt.is_null())
        .all(&db.conn)
        .await?;
    let mut changed = 0;
    for row in reports {
        let Some(dept) = departments.iter().find(|d| d.id == row.department_id) else {
            continue;
        };
        let Some(p) = profile::select(&profiles, dept.region.as_deref(), row.fiscal_year) else {
            continue;
        };
        let doc = store::load(&db.conn, &row, dept.code.clone()).await?;
        let (score, grade) = computed(&doc, &p.rules);
        if score != row.computed_score || grade != row.computed_grade {
            let txn = db.begin_write().await?;
            store_computed(&txn.txn, row.id, score, grade).await?;
            txn.commit().await?;
            changed += 1;
        }
    }
    Ok(changed)
}

/// Writes the computed score and grade of a report (not a content change: no version bump).
pub async fn store_computed<C: ConnectionTrait>(
    db: &C,
    id: Uuid,
    score: Option<Hundredths>,
    grade: Option<String>,
) -> Result<(), AppError> {
    report::Entity::update_many()
        .col_expr(
            report::Column::ComputedScore,
            sea_orm::sea_query::Expr::value(score),
        )
        .col_expr(
            report::Column::ComputedGrade,
            sea_orm::sea_query::Expr::value(grade),
        )
        .filter(report::Column::Id.eq(id))
        .exec(db)
        .await?;
    Ok(())
}
