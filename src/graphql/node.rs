//! The Relay `Node` interface and `node`/`nodes` look-ups.

use super::comment::ReviewComment;
use super::department::Department;
use super::evidence::Attachment;
use super::ids::{self, Kind};
use super::indicator::Indicator;
use super::keys::SignerKey;
use super::report::Report;
use crate::domain::{comment, department, report::query};
use async_graphql::{Context, ID, Interface, Object, Result};

/// An object with a global ID.
#[derive(Interface)]
#[expect(
    clippy::large_enum_variant,
    reason = "a short-lived resolver value; boxing buys nothing"
)]
#[graphql(field(name = "id", ty = "ID", desc = "Opaque global ID."))]
pub enum Node {
    /// A report.
    Report(Report),
    /// An indicator.
    Indicator(Indicator),
    /// A department.
    Department(Department),
    /// A review comment.
    ReviewComment(ReviewComment),
    /// An evidence file (佐证材料).
    Attachment(Attachment),
    /// A signer's registered key.
    SignerKey(SignerKey),
}

/// Root fields of `Node`.
#[derive(Default)]
pub struct NodeQuery;

#[Object]
impl NodeQuery {
    /// Fetches any object by its global ID; null if it does not exist or is not visible.
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ID.")] id: ID,
    ) -> Result<Option<Node>> {
        fetch(ctx, &id).await
    }

    /// Fetches objects by global ID, in the order asked; null where one is missing or hidden.
    #[graphql(complexity = "ids.len().max(1) * child_complexity")]
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global IDs (at most 100).")] ids: Vec<ID>,
    ) -> Result<Vec<Option<Node>>> {
        if ids.len() > 100 {
            return Err(
                crate::error::AppError::BadUserInput("一次最多查询 100 个编号".into()).into(),
            );
        }
        let mut out = Vec::with_capacity(ids.len());
        for id in &ids {
            out.push(fetch(ctx, id).await?);
        }
        Ok(out)
    }
}

async fn fetch(ctx: &Context<'_>, id: &ID) -> Result<Option<Node>> {
    let Some((kind, uuid)) = ids::decode_any(id) else {
        return Ok(None);
    };
    let db = super::db(ctx);
    let viewer = super::viewer(ctx);
    Ok(match kind {
        Kind::Report => query::find(db, viewer, uuid)
            .await?
            .map(|r| Node::Report(Report::live(r))),
        Kind::Department => department::by_id(db, uuid)
            .await?
            .map(|d| Node::Department(Department(d))),
        Kind::Indicator => query::find_indicator(db, viewer, uuid)
            .await?
            .map(|i| Node::Indicator(Indicator::live(i))),
        Kind::SignerKey if !viewer.is_anonymous() => crate::domain::keys::find(db, uuid)
            .await?
            .map(|k| Node::SignerKey(SignerKey(k))),
        Kind::SignerKey => None,
        Kind::Attachment => crate::domain::evidence::find(db, viewer, uuid)
            .await?
            .map(|a| Node::Attachment(Attachment(a))),
        Kind::ReviewComment => comment::find(db, viewer, uuid)
            .await?
            .map(|c| Node::ReviewComment(ReviewComment::live(c))),
    })
}
