//! Review comments: threaded, anchored to the report, a narrative section, an indicator, a
//! finance cell or a field path; replied to, resolved and reopened.

use crate::domain::change::Operation;
use crate::domain::idempotency::{self, Answer, Call, Replay};
use crate::domain::pagination::{self, KeyValue, Page, PageRequest, SortKey};
use crate::domain::report::aggregate::{self, OpenReport};
use crate::domain::report::snapshot::{Keep, Snapshot};
use crate::domain::{Db, FieldError, Outcome, Role, UserErrorCode, Viewer};
use crate::error::AppError;
use chrono::Utc;
use entity::{CommentTargetKind, finance_unit, indicator, narrative_section, review_comment};
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, Select};
use std::sync::Arc;
use uuid::Uuid;

/// Roles that may comment (ADMIN too).
pub const COMMENTERS: [Role; 4] = [
    Role::FinanceReviewer,
    Role::DepartmentHead,
    Role::Evaluator,
    Role::Preparer,
];
/// Longest comment, in characters.
pub const MAX_BODY: usize = 10_000;

/// A FINANCE_CELL path as stored and shown: rooted at the document like every other field path
/// (`finance.units.0.income.total`, `finance.summary.income.total`). The form relative to the
/// finance tables (`units.0.income.total`), which earlier releases used, is still accepted.
pub fn canonical_path(kind: CommentTargetKind, path: &str) -> String {
    if kind == CommentTargetKind::FinanceCell && !path.starts_with("finance.") {
        format!("finance.{path}")
    } else {
        path.to_owned()
    }
}

/// A FINANCE_CELL path relative to the finance tables, for reading its row and column.
fn finance_relative(path: &str) -> &str {
    path.strip_prefix("finance.").unwrap_or(path)
}

/// A filter's path as stored: a finance cell given in the older relative form finds its comments.
fn filter_path(path: &str) -> String {
    if path.starts_with("units.") || path.starts_with("summary.") {
        format!("finance.{path}")
    } else {
        path.to_owned()
    }
}

/// Finance columns a FINANCE_CELL anchor may name.
const FINANCE_COLUMNS: [&str; 22] = [
    "income.total",
    "income.carryover",
    "income.publicFinance",
    "income.governmentFund",
    "income.specialAccountNonTax",
    "income.other",
    "expenditure.total",
    "expenditure.basic",
    "expenditure.personnel",
    "expenditure.operating",
    "expenditure.project",
    "expenditure.currentBalance",
    "expenditure.accumulatedBalance",
    "threePublic.total",
    "threePublic.reception",
    "threePublic.vehicleOperation",
    "threePublic.vehiclePurchase",
    "threePublic.overseasTravel",
    "fixedAssets.total",
    "fixedAssets.inUse",
    "fixedAssets.leased",
    "fixedAssets.other",
];

/// What a comment is anchored to.
#[derive(Debug, Clone)]
pub struct Anchor {
    /// Kind.
    pub kind: CommentTargetKind,
    /// SECTION: the section key; FINANCE_CELL: `finance.units.N.<table>.<column>` or `finance.summary.<table>.<column>`;
    /// FIELD: a field path such as `profile.actualHeadcount`.
    pub path: Option<String>,
    /// INDICATOR: the indicator.
    pub indicator: Option<Uuid>,
}

fn invalid(field: &str, message: impl Into<String>) -> Vec<FieldError> {
    vec![FieldError::new(field, UserErrorCode::Invalid, message)]
}

pub(crate) async fn check_anchor(
    open: &OpenReport,
    anchor: &Anchor,
) -> Result<Result<(), Vec<FieldError>>, AppError> {
    let id = open.row.id;
    let path = anchor
        .path
        .as_deref()
        .map(str::trim)
        .filter(|p| !p.is_empty());
    Ok(match anchor.kind {
        CommentTargetKind::Report => Ok(()),
        CommentTargetKind::Field => match path {
            Some(p) if p.chars().count() <= 200 => Ok(()),
            _ => Err(invalid(
                "target.path",
                "FIELD 批注需要字段路径（最多 200 个字符），如 profile.actualHeadcount",
            )),
        },
        CommentTargetKind::Section => {
            let Some(key) = path else {
                return Ok(Err(invalid(
                    "target.path",
                    "SECTION 批注需要章节键，如 1.2",
                )));
            };
            let found = narrative_section::Entity::find()
                .filter(narrative_section::Column::ReportId.eq(id))
                .filter(narrative_section::Column::Key.eq(key))
                .count(&open.txn.txn)
                .await?;
            if found == 0 {
                Err(invalid("target.path", format!("本报告没有章节“{key}”")))
            } else {
                Ok(())
            }
        }
        CommentTargetKind::Indicator => {
            let Some(ind) = anchor.indicator else {
                return Ok(Err(invalid(
                    "target.indicatorId",
                    "INDICATOR 批注需要指标编号",
                )));
            };
            let found = indicator::Entity::find_by_id(ind)
                .filter(indicator::Column::ReportId.eq(id))
                .count(&open.txn.txn)
                .await?;
            if found == 0 {
                Err(invalid("target.indicatorId", "该指标不属于本报告"))
            } else {
                Ok(())
            }
        }
        CommentTargetKind::FinanceCell => {
            let Some(p) = path else {
                return Ok(Err(invalid(
                    "target.path",
                    "FINANCE_CELL 批注需要单元格路径，如 finance.units.0.income.total",
                )));
            };
            let units = finance_unit::Entity::find()
                .filter(finance_unit::Column::ReportId.eq(id))
                .filter(finance_unit::Column::IsSummary.eq(false))
                .count(&open.txn.txn)
                .await?;
            let (row, column) = match finance_relative(p).split_once('.') {
                Some(("units", rest)) => match rest.split_once('.') {
                    Some((n, col)) => (
                        n.parse::<u64>().ok().filter(|n| *n < units).map(|_| ()),
                        col,
                    ),
                    None => (None, ""),
                },
                Some(("summary", col)) => (Some(()), col),
                _ => (None, ""),
            };
            if row.is_some() && FINANCE_COLUMNS.contains(&column) {
                Ok(())
            } else {
                Err(invalid(
                    "target.path",
                    format!(
                        "“{p}”不是本报告的收支表单元格（如 finance.units.0.income.total，共 {units} 个单位）"
                    ),
                ))
            }
        }
    })
}

fn check_body(body: &str) -> Result<String, Vec<FieldError>> {
    let body = body.trim();
    if body.is_empty() {
        Err(vec![FieldError::new(
            "body",
            UserErrorCode::Required,
            "批注内容不能为空",
        )])
    } else if body.chars().count() > MAX_BODY {
        Err(vec![FieldError::new(
            "body",
            UserErrorCode::TooLong,
            format!("批注最多 {MAX_BODY} 个字符"),
        )])
    } else {
        Ok(body.to_owned())
    }
}

fn ensure_commenter(viewer: &Viewer, code: &str) -> Result<Role, AppError> {
    if viewer.is_anonymous() {
        return Err(AppError::Unauthenticated("批注需要登录".into()));
    }
    if viewer.has_role(Role::Admin) && viewer.covers(code) {
        return Ok(Role::Admin);
    }
    COMMENTERS
        .into_iter()
        .find(|r| viewer.acts_as(*r, code))
        .ok_or_else(|| {
            AppError::Forbidden(format!(
                "批注需要部门 {code} 的财政复核、部门负责人、评价人员或填报人角色"
            ))
        })
}

/// A review comment written, and the report as writing it left it.
#[derive(Debug, Clone)]
pub struct Commented {
    /// The comment.
    pub comment: review_comment::Model,
    /// The report as the comment left it, for a comment written under an idempotency key (see
    /// [`Written::snapshot`](crate::domain::report::service::Written::snapshot)).
    pub snapshot: Option<Arc<Snapshot>>,
}

impl Answer for Commented {
    fn replayed(replay: Replay) -> Option<Self> {
        match replay {
            Replay::Comment { comment, snapshot } => Some(Commented {
                comment,
                snapshot: Some(Arc::new(*snapshot)),
            }),
            _ => None,
        }
    }
}

/// Refuses unless the viewer may comment on the report `report_id` now: NOT_FOUND if they may
/// not see it, FORBIDDEN if they may not comment in its department.
async fn may_comment(db: &Db, viewer: &Viewer, report_id: Uuid) -> Result<(), AppError> {
    let (_, code) = aggregate::visible(db, viewer, report_id).await?;
    ensure_commenter(viewer, &code).map(|_| ())
}

/// Writes a comment on a report, under the call's idempotency key if it has one. A replay is
/// refused as a fresh comment would refuse the caller now.
pub async fn add(
    db: &Db,
    viewer: &Viewer,
    call: Option<&Call>,
    report_id: Uuid,
    anchor: Anchor,
    body: &str,
) -> Result<Outcome<Commented>, AppError> {
    idempotency::run(
        db,
        viewer,
        call,
        |c| async move { may_comment(db, viewer, report_id).await.map(|()| c) },
        |claim| async move {
            let keep = Keep::key(claim.as_ref());
            write(db, viewer, report_id, anchor, None, body, keep).await
        },
    )
    .await
}

/// Replies to a comment, in its thread and on its anchor, under the call's idempotency key if
/// it has one. A replay is refused as a fresh reply would refuse the caller now.
pub async fn reply(
    db: &Db,
    viewer: &Viewer,
    call: Option<&Call>,
    parent: Uuid,
    body: &str,
) -> Result<Outcome<Commented>, AppError> {
    idempotency::run(
        db,
        viewer,
        call,
        |c| async move {
            let p = visible(db, viewer, parent).await?;
            may_comment(db, viewer, p.report_id).await.map(|()| c)
        },
        |claim| async move {
            let p = visible(db, viewer, parent).await?;
            let root = p.parent_id.unwrap_or(p.id);
            let anchor = Anchor {
                kind: p.target_kind,
                path: p.target_path,
                indicator: p.indicator_id,
            };
            let keep = Keep::key(claim.as_ref());
            write(db, viewer, p.report_id, anchor, Some(root), body, keep).await
        },
    )
    .await
}

/// Most replies in one comment thread.
pub const MAX_REPLIES: usize = 100;

/// Writes a comment (a reply when `parent` is given) on a report.
async fn write(
    db: &Db,
    viewer: &Viewer,
    report_id: Uuid,
    anchor: Anchor,
    parent: Option<Uuid>,
    body: &str,
    keep: Keep<'_>,
) -> Result<Outcome<Commented>, AppError> {
    let open = aggregate::open(db, viewer, report_id).await?;
    let role = ensure_commenter(viewer, &open.department_code)?;
    let body = match check_body(body) {
        Ok(b) => b,
        Err(e) => return Ok(Err(e)),
    };
    if let Err(e) = check_anchor(&open, &anchor).await? {
        return Ok(Err(e));
    }
    // A thread holds at most MAX_REPLIES replies, so `replies` (a list without paging) is
    // costed by a real bound.
    if let Some(root) = parent {
        use sea_orm::PaginatorTrait;
        let replies = review_comment::Entity::find()
            .filter(review_comment::Column::ParentId.eq(root))
            .count(&open.txn.txn)
            .await?;
        if replies >= MAX_REPLIES as u64 {
            return Ok(Err(vec![FieldError::new(
                "parentId",
                UserErrorCode::OutOfRange,
                format!("一条批注最多 {MAX_REPLIES} 条回复；请新建批注继续讨论"),
            )]));
        }
    }
    let now = Utc::now();
    let row = review_comment::Model {
        id: Uuid::now_v7(),
        report_id,
        parent_id: parent,
        target_kind: anchor.kind,
        target_path: anchor
            .path
            .map(|p| canonical_path(anchor.kind, p.trim()))
            .filter(|p| !p.is_empty()),
        indicator_id: anchor.indicator,
        author_subject: viewer.actor().unwrap_or_default(),
        author_name: viewer.name.clone().unwrap_or_default(),
        author_role: role.as_str().to_owned(),
        body,
        resolved: false,
        resolved_by: None,
        resolved_at: None,
        created_at: now,
        updated_at: now,
    };
    review_comment::Entity::insert(review_comment::ActiveModel::from(row.clone()).reset_all())
        .exec_without_returning(&open.txn.txn)
        .await?;
    aggregate::record(
        &open,
        viewer,
        ("ReviewComment", row.id),
        Operation::Comment,
        open.row.version,
    )
    .await?;
    let snapshot = keep
        .keep(&open.txn.txn, report_id, |snapshot| Replay::Comment {
            comment: row.clone(),
            snapshot,
        })
        .await?;
    open.txn.commit().await?;
    Ok(Ok(Commented {
        comment: row,
        snapshot,
    }))
}

/// A visible comment by id, or NOT_FOUND.
async fn visible(db: &Db, viewer: &Viewer, id: Uuid) -> Result<review_comment::Model, AppError> {
    find(db, viewer, id)
        .await?
        .ok_or_else(|| AppError::NotFound(format!("批注 {id} 不存在或您无权查看")))
}

/// A visible comment by id (with its report's visibility).
pub async fn find(
    db: &Db,
    viewer: &Viewer,
    id: Uuid,
) -> Result<Option<review_comment::Model>, AppError> {
    if viewer.is_anonymous() {
        return Ok(None);
    }
    let Some(comment) = review_comment::Entity::find_by_id(id).one(&db.conn).await? else {
        return Ok(None);
    };
    let visible = crate::domain::report::query::find(db, viewer, comment.report_id)
        .await?
        .is_some();
    Ok(visible.then_some(comment))
}

/// The replies of a comment, oldest first.
pub async fn replies(db: &Db, id: Uuid) -> Result<Vec<review_comment::Model>, AppError> {
    use sea_orm::QueryOrder;
    Ok(review_comment::Entity::find()
        .filter(review_comment::Column::ParentId.eq(id))
        .order_by_asc(review_comment::Column::CreatedAt)
        .order_by_asc(review_comment::Column::Id)
        .all(&db.conn)
        .await?)
}

/// Resolves (or reopens) a comment thread.
pub async fn set_resolved(
    db: &Db,
    viewer: &Viewer,
    id: Uuid,
    resolved: bool,
) -> Result<Outcome<review_comment::Model>, AppError> {
    let comment = visible(db, viewer, id).await?;
    let open = aggregate::open(db, viewer, comment.report_id).await?;
    ensure_commenter(viewer, &open.department_code)?;
    if comment.resolved == resolved {
        let state = if resolved { "已解决" } else { "未解决" };
        return Ok(Err(vec![FieldError::new(
            "",
            UserErrorCode::InvalidState,
            format!("批注已是“{state}”状态"),
        )]));
    }
    let now = Utc::now();
    let mut row: review_comment::ActiveModel = comment.into();
    row.resolved = sea_orm::ActiveValue::Set(resolved);
    row.resolved_by = sea_orm::ActiveValue::Set(if resolved { viewer.actor() } else { None });
    row.resolved_at = sea_orm::ActiveValue::Set(if resolved { Some(now) } else { None });
    row.updated_at = sea_orm::ActiveValue::Set(now);
    let updated = row.update(&open.txn.txn).await?;
    let operation = if resolved {
        Operation::Resolve
    } else {
        Operation::Reopen
    };
    aggregate::record(
        &open,
        viewer,
        ("ReviewComment", id),
        operation,
        open.row.version,
    )
    .await?;
    open.txn.commit().await?;
    Ok(Ok(updated))
}

/// Which comments of a report.
#[derive(Debug, Clone, Default)]
pub struct CommentFilter {
    /// Resolved state.
    pub resolved: Option<bool>,
    /// Anchor kind.
    pub kind: Option<CommentTargetKind>,
    /// Anchored indicator.
    pub indicator: Option<Uuid>,
    /// Anchor path.
    pub path: Option<String>,
    /// Only thread starters (not replies).
    pub threads_only: bool,
}

/// Whether a loaded comment matches the filter (the same rules as [`select`]).
pub fn matches(c: &review_comment::Model, filter: &CommentFilter) -> bool {
    filter.resolved.is_none_or(|r| c.resolved == r)
        && filter.kind.is_none_or(|k| c.target_kind == k)
        && filter.indicator.is_none_or(|i| c.indicator_id == Some(i))
        && filter
            .path
            .as_ref()
            .is_none_or(|p| c.target_path.as_deref() == Some(filter_path(p).as_str()))
        && (!filter.threads_only || c.parent_id.is_none())
}

/// Comments of a report matching the filter (the report was authorized by the caller).
pub fn select(report_id: Uuid, filter: &CommentFilter) -> Select<review_comment::Entity> {
    let mut s =
        review_comment::Entity::find().filter(review_comment::Column::ReportId.eq(report_id));
    if let Some(r) = filter.resolved {
        s = s.filter(review_comment::Column::Resolved.eq(r));
    }
    if let Some(k) = filter.kind {
        s = s.filter(review_comment::Column::TargetKind.eq(k));
    }
    if let Some(i) = filter.indicator {
        s = s.filter(review_comment::Column::IndicatorId.eq(i));
    }
    if let Some(p) = &filter.path {
        s = s.filter(review_comment::Column::TargetPath.eq(filter_path(p)));
    }
    if filter.threads_only {
        s = s.filter(review_comment::Column::ParentId.is_null());
    }
    s
}

/// The order of comments: oldest first (then by id).
fn order() -> [SortKey<review_comment::Model>; 1] {
    [SortKey::<review_comment::Model> {
        expr: Expr::col(review_comment::Column::CreatedAt),
        kind: pagination::KeyKind::Time,
        descending: false,
        value: |m| KeyValue::T(m.created_at),
    }]
}

/// A page of comments already loaded (all of a report's, or a snapshot's), oldest first.
pub fn page_of(
    rows: Vec<review_comment::Model>,
    request: &PageRequest,
) -> Result<Page<review_comment::Model>, AppError> {
    pagination::slice(rows, &order(), |m| m.id, request)
}

/// A page of comments, oldest first.
pub async fn page(
    db: &Db,
    select: Select<review_comment::Entity>,
    request: &PageRequest,
) -> Result<Page<review_comment::Model>, AppError> {
    let keys = order();
    pagination::fetch(
        &db.conn,
        select,
        &keys,
        Expr::col((review_comment::Entity, review_comment::Column::Id)),
        |m| m.id,
        request,
    )
    .await
}
