//! `viewer`: who the caller is, as the service understands the token.

use super::viewer as current;
use async_graphql::{Context, Object, SimpleObject};

/// The caller: subject, name, roles and departments in scope (empty for anonymous callers).
#[derive(SimpleObject)]
pub struct Viewer {
    /// Whether no token was sent.
    pub anonymous: bool,
    /// Token subject.
    pub subject: Option<String>,
    /// Display name.
    pub name: Option<String>,
    /// Roles granted, e.g. PREPARER.
    pub roles: Vec<String>,
    /// Department codes in scope; "*" means all.
    pub departments: Vec<String>,
}

/// Viewer query.
#[derive(Default)]
pub struct ViewerQuery;

#[Object]
impl ViewerQuery {
    /// Who the caller is.
    async fn viewer(&self, ctx: &Context<'_>) -> Viewer {
        let v = current(ctx);
        Viewer {
            anonymous: v.is_anonymous(),
            subject: v.subject.clone(),
            name: v.name.clone(),
            roles: v.roles.iter().map(|r| r.as_str().to_owned()).collect(),
            departments: v.departments.clone(),
        }
    }
}
