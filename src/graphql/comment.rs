//! Review comments: the `ReviewComment` type and the comment mutations.

use super::frozen::{Frozen, Source};
use super::ids::{self, Kind};
use super::indicator::Indicator;
use super::loaders::ByIdLoader;
use super::payload::{UserError, user_errors};
use super::report::Report;
use super::scalars::DateTime;
use super::{db, load, viewer};
use crate::domain::Outcome;
use crate::domain::comment::{self, Anchor, CommentFilter, Commented};
use crate::domain::pagination::PageRequest;
use crate::error::AppError;
use async_graphql::{Context, Enum, ID, InputObject, Object, Result, SimpleObject};
use entity::review_comment;

/// What a comment is anchored to.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
#[graphql(remote = "entity::CommentTargetKind")]
pub enum CommentTargetKind {
    /// The report as a whole.
    Report,
    /// A narrative section (path: the section key).
    Section,
    /// An indicator (indicator: its ID).
    Indicator,
    /// A finance table cell (path: `units.N.<table>.<column>` or `summary.<table>.<column>`).
    FinanceCell,
    /// Any field (path: e.g. `profile.actualHeadcount`).
    Field,
}

/// A review comment (批注) in a thread on a report.
#[derive(Clone)]
pub struct ReviewComment(pub review_comment::Model, pub Source);

impl ReviewComment {
    /// A comment as it is now.
    pub fn live(row: review_comment::Model) -> Self {
        ReviewComment(row, None)
    }

    /// Another comment of the same snapshot (or read as it is now).
    fn sibling(&self, row: review_comment::Model) -> Self {
        ReviewComment(row, self.1.clone())
    }
}

/// Where a comment is anchored.
#[derive(SimpleObject)]
pub struct CommentTarget {
    /// Kind of anchor.
    pub kind: CommentTargetKind,
    /// Section key, finance cell or field path.
    pub path: Option<String>,
    /// The anchored indicator.
    pub indicator: Option<Indicator>,
}

/// Who wrote a comment.
#[derive(SimpleObject)]
pub struct CommentAuthor {
    /// Identity-provider subject.
    pub subject: String,
    /// Name.
    pub name: String,
    /// Role in which they wrote.
    pub role: String,
}

/// A review comment (批注) in a thread on a report.
#[Object]
impl ReviewComment {
    /// Opaque global ID.
    pub async fn id(&self) -> ID {
        ids::encode(Kind::ReviewComment, self.0.id)
    }

    /// The report commented on.
    async fn report(&self, ctx: &Context<'_>) -> Result<Report> {
        if let Some(frozen) = &self.1 {
            return Ok(Report(frozen.snapshot.report.clone(), self.1.clone()));
        }
        load::<ByIdLoader<entity::report::Entity>>(ctx, self.0.report_id)
            .await?
            .map(Report::live)
            .ok_or_else(|| AppError::internal("comment without report").into())
    }

    /// What the comment is anchored to.
    async fn target(&self, ctx: &Context<'_>) -> Result<CommentTarget> {
        let indicator = match (self.0.indicator_id, &self.1) {
            (Some(id), Some(frozen)) => frozen
                .snapshot
                .content
                .indicators
                .iter()
                .find(|i| i.id == id)
                .map(|i| Indicator(i.clone(), self.1.clone())),
            (Some(id), None) => super::boxed(crate::domain::report::query::find_indicator(
                db(ctx),
                viewer(ctx),
                id,
            ))
            .await?
            .map(Indicator::live),
            (None, _) => None,
        };
        Ok(CommentTarget {
            kind: self.0.target_kind.into(),
            path: self.0.target_path.clone(),
            indicator,
        })
    }

    /// Who wrote it.
    async fn author(&self) -> CommentAuthor {
        CommentAuthor {
            subject: self.0.author_subject.clone(),
            name: self.0.author_name.clone(),
            role: self.0.author_role.clone(),
        }
    }

    /// Text.
    async fn body(&self) -> &str {
        &self.0.body
    }

    /// When it was written.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }

    /// The comment this one replies to (the thread's first comment).
    async fn parent(&self, ctx: &Context<'_>) -> Result<Option<ReviewComment>> {
        let Some(id) = self.0.parent_id else {
            return Ok(None);
        };
        Ok(match &self.1 {
            Some(frozen) => frozen
                .snapshot
                .comments
                .iter()
                .find(|c| c.id == id)
                .cloned(),
            None => super::boxed(comment::find(db(ctx), viewer(ctx), id)).await?,
        }
        .map(|c| self.sibling(c)))
    }

    /// Replies, oldest first (at most 100 in a thread).
    #[graphql(
        complexity = "super::limits::rows(crate::domain::comment::MAX_REPLIES, child_complexity)"
    )]
    async fn replies(&self, ctx: &Context<'_>) -> Result<Vec<ReviewComment>> {
        let replies = match &self.1 {
            // Snapshot comments are oldest first already.
            Some(frozen) => frozen
                .snapshot
                .comments
                .iter()
                .filter(|c| c.parent_id == Some(self.0.id))
                .cloned()
                .collect(),
            None => super::boxed(comment::replies(db(ctx), self.0.id)).await?,
        };
        Ok(replies.into_iter().map(|c| self.sibling(c)).collect())
    }

    /// Whether the thread is resolved.
    async fn resolved(&self) -> bool {
        self.0.resolved
    }

    /// Who resolved it.
    async fn resolved_by(&self) -> Option<&str> {
        self.0.resolved_by.as_deref()
    }

    /// When it was resolved.
    async fn resolved_at(&self) -> Option<DateTime> {
        self.0.resolved_at.map(DateTime)
    }
}

super::connection::connection!(
    ReviewCommentConnection,
    ReviewCommentEdge,
    ReviewComment,
    "review comments"
);

/// Lists a report's comments (none for anonymous callers).
pub(super) async fn list(
    ctx: &Context<'_>,
    report: &Report,
    filter: CommentFilter,
    request: PageRequest,
) -> Result<ReviewCommentConnection> {
    let wrap = |c| ReviewComment(c, report.1.clone());
    if viewer(ctx).is_anonymous() {
        let empty = comment::page_of(Vec::new(), &request)?;
        return Ok(ReviewCommentConnection::counted(empty, 0, wrap));
    }
    let first_page = request.after.is_none() && request.before.is_none() && request.last.is_none();
    if first_page || report.1.is_some() {
        // From the batched loader (one query for a whole page of reports), or the snapshot.
        let rows: Vec<review_comment::Model> = report
            .rows::<review_comment::Entity>(ctx)
            .await?
            .iter()
            .filter(|&c| comment::matches(c, &filter))
            .cloned()
            .collect();
        let total = rows.len() as u64;
        let page = comment::page_of(rows, &request)?;
        return Ok(ReviewCommentConnection::counted(page, total, wrap));
    }
    let select = comment::select(report.0.id, &filter);
    let page = comment::page(db(ctx), select.clone(), &request).await?;
    Ok(ReviewCommentConnection::new(
        page,
        move || select.clone(),
        wrap,
    ))
}

/// Where to anchor a comment.
#[derive(InputObject)]
pub struct CommentTargetInput {
    /// Kind of anchor.
    pub kind: CommentTargetKind,
    /// SECTION: the section key; FINANCE_CELL: `finance.units.N.<table>.<column>` or
    /// `finance.summary.<table>.<column>` (the older form without `finance.` is accepted and
    /// stored with it); FIELD: a field path. Every path is dotted, list positions as numbers.
    pub path: Option<String>,
    /// INDICATOR: the indicator's ID.
    pub indicator_id: Option<ID>,
}

impl CommentTargetInput {
    /// The anchor `target` names; the whole report when there is none.
    pub fn anchor(target: Option<Self>) -> Result<Anchor> {
        Ok(match target {
            None => Anchor {
                kind: entity::CommentTargetKind::Report,
                path: None,
                indicator: None,
            },
            Some(t) => Anchor {
                kind: t.kind.into(),
                path: t.path,
                indicator: t
                    .indicator_id
                    .as_ref()
                    .map(|id| ids::decode(Kind::Indicator, id))
                    .transpose()?,
            },
        })
    }
}

/// Input of `addReviewComment`.
#[derive(InputObject)]
pub struct AddReviewCommentInput {
    /// Retrying with the same key and input returns the first result and writes nothing.
    pub idempotency_key: Option<String>,
    /// The report.
    pub report_id: ID,
    /// Where the comment is anchored (default: the whole report).
    pub target: Option<CommentTargetInput>,
    /// Text.
    pub body: String,
}

/// Input of `replyToReviewComment`.
#[derive(InputObject)]
pub struct ReplyToReviewCommentInput {
    /// Retrying with the same key and input returns the first result and writes nothing.
    pub idempotency_key: Option<String>,
    /// The comment replied to.
    pub comment_id: ID,
    /// Text.
    pub body: String,
}

/// Input of `resolveReviewComment` and `reopenReviewComment`.
#[derive(InputObject)]
pub struct ResolveReviewCommentInput {
    /// The comment (thread).
    pub comment_id: ID,
}

/// Result of a comment mutation.
#[derive(SimpleObject)]
pub struct ReviewCommentPayload {
    /// The comment after the write; null when refused.
    pub comment: Option<ReviewComment>,
    /// Why the write was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

impl From<Outcome<review_comment::Model>> for ReviewCommentPayload {
    fn from(o: Outcome<review_comment::Model>) -> Self {
        o.map(|comment| Commented {
            comment,
            snapshot: None,
        })
        .into()
    }
}

impl From<Outcome<Commented>> for ReviewCommentPayload {
    fn from(o: Outcome<Commented>) -> Self {
        match o {
            Ok(c) => ReviewCommentPayload {
                comment: Some(ReviewComment(c.comment, Frozen::source(c.snapshot))),
                user_errors: Vec::new(),
            },
            Err(e) => ReviewCommentPayload {
                comment: None,
                user_errors: user_errors(e, &[]),
            },
        }
    }
}

/// Comment mutations.
#[derive(Default)]
pub struct CommentMutation;

#[Object]
impl CommentMutation {
    /// Writes a review comment on a report (FINANCE_REVIEWER, DEPARTMENT_HEAD, EVALUATOR or
    /// PREPARER of its department).
    async fn add_review_comment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The comment.")] input: AddReviewCommentInput,
    ) -> Result<ReviewCommentPayload> {
        let report = ids::decode(Kind::Report, &input.report_id)?;
        let anchor = CommentTargetInput::anchor(input.target)?;
        let call = super::idempotent::call(ctx, input.idempotency_key.as_deref())?;
        let (db, viewer) = (db(ctx), viewer(ctx));
        Ok(
            comment::add(db, viewer, call.as_ref(), report, anchor, &input.body)
                .await?
                .into(),
        )
    }

    /// Replies to a comment, in its thread.
    async fn reply_to_review_comment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The reply.")] input: ReplyToReviewCommentInput,
    ) -> Result<ReviewCommentPayload> {
        let parent = ids::decode(Kind::ReviewComment, &input.comment_id)?;
        let call = super::idempotent::call(ctx, input.idempotency_key.as_deref())?;
        let (db, viewer) = (db(ctx), viewer(ctx));
        Ok(
            comment::reply(db, viewer, call.as_ref(), parent, &input.body)
                .await?
                .into(),
        )
    }

    /// Marks a comment thread resolved.
    async fn resolve_review_comment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The comment.")] input: ResolveReviewCommentInput,
    ) -> Result<ReviewCommentPayload> {
        let id = ids::decode(Kind::ReviewComment, &input.comment_id)?;
        Ok(comment::set_resolved(db(ctx), viewer(ctx), id, true)
            .await?
            .into())
    }

    /// Reopens a resolved comment thread.
    async fn reopen_review_comment(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The comment.")] input: ResolveReviewCommentInput,
    ) -> Result<ReviewCommentPayload> {
        let id = ids::decode(Kind::ReviewComment, &input.comment_id)?;
        Ok(comment::set_resolved(db(ctx), viewer(ctx), id, false)
            .await?
            .into())
    }
}
