//! Global IDs, as the API gives them (`node(id:)`, `report(id:)`) and webhook bodies carry
//! them: base64url without padding of `Type:uuid`.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use uuid::Uuid;

/// The global ID of a row of type `type_name` (Report, Indicator, Department, ReviewComment).
pub fn encode(type_name: &str, id: Uuid) -> String {
    URL_SAFE_NO_PAD.encode(format!("{type_name}:{id}"))
}

/// The global ID of a change event's entity, for the types that have one (a Signature has
/// none: it is reached through its report).
pub fn of_entity(entity_type: &str, id: Uuid) -> Option<String> {
    matches!(
        entity_type,
        "Report" | "ReviewComment" | "Department" | "Indicator" | "Attachment"
    )
    .then(|| encode(entity_type, id))
}

/// The UUID of a global ID of `type_name`; `None` for any other string.
pub fn decode(type_name: &str, id: &str) -> Option<Uuid> {
    let bytes = URL_SAFE_NO_PAD.decode(id.trim()).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let (kind, uuid) = text.split_once(':')?;
    (kind == type_name)
        .then(|| Uuid::parse_str(uuid).ok())
        .flatten()
}
