//! Opaque global IDs: base64url of `Type:uuid`.

use crate::error::AppError;
use async_graphql::ID;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use uuid::Uuid;

/// Node types that have global IDs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A report.
    Report,
    /// An indicator.
    Indicator,
    /// A department.
    Department,
    /// A review comment.
    ReviewComment,
    /// An evidence file (佐证材料).
    Attachment,
    /// A signer's registered key.
    SignerKey,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::Report => "Report",
            Kind::Indicator => "Indicator",
            Kind::Department => "Department",
            Kind::ReviewComment => "ReviewComment",
            Kind::Attachment => "Attachment",
            Kind::SignerKey => "SignerKey",
        }
    }

    fn parse(name: &str) -> Option<Kind> {
        [
            Kind::Report,
            Kind::Indicator,
            Kind::Department,
            Kind::ReviewComment,
            Kind::Attachment,
            Kind::SignerKey,
        ]
        .into_iter()
        .find(|k| k.name() == name)
    }
}

/// The global ID of a row.
pub fn encode(kind: Kind, id: Uuid) -> ID {
    ID(crate::domain::global_id::encode(kind.name(), id))
}

/// Reads any global ID.
pub fn decode_any(id: &ID) -> Option<(Kind, Uuid)> {
    let bytes = URL_SAFE_NO_PAD.decode(id.as_str()).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (kind, uuid) = text.split_once(':')?;
    Some((Kind::parse(kind)?, Uuid::parse_str(uuid).ok()?))
}

/// Reads a global ID that must be of `kind`.
pub fn decode(kind: Kind, id: &ID) -> Result<Uuid, AppError> {
    match decode_any(id) {
        Some((k, uuid)) if k == kind => Ok(uuid),
        _ => Err(AppError::BadUserInput(format!(
            "“{}”不是有效的 {} 编号",
            id.as_str(),
            kind.name()
        ))),
    }
}
