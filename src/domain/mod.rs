//! The business: who may do what, what a valid report is, and the use cases that read and
//! write it. Nothing here knows about HTTP or GraphQL.

pub mod assessment;
pub mod background;
pub mod change;
pub mod comment;
pub mod db;
pub mod department;
pub mod events;
pub mod evidence;
pub mod field_error;
pub mod global_id;
pub mod idempotency;
pub mod keys;
pub mod money;
pub mod pagination;
pub mod report;
pub mod text;
pub mod viewer;
pub mod webhook;
pub mod workflow;

pub use db::Db;
pub use field_error::{FieldError, Outcome, UserErrorCode};
pub use viewer::{Role, Viewer};
