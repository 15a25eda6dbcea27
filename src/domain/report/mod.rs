//! Reports: the document model, its storage, who may see and change it, and the use cases.

pub mod aggregate;
pub mod document;
pub mod exchange;
pub mod labels;
pub mod policy;
pub mod query;
pub mod rows;
pub mod service;
pub mod snapshot;
pub mod standards;
pub mod statistics;
pub mod store;

pub use document::ReportDocument;
