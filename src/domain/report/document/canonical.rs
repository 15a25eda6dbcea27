//! The canonical form of a document and its content digest, in each version of the form.

use super::ReportDocument;

impl ReportDocument {
    /// The SHA-256 of the canonical serialization, as lowercase hex.
    ///
    /// Canonical serialization: this document, normalized, as compact JSON with keys in the
    /// declared field order (the order of `ReportDocumentInput`'s fields in the schema), camelCase
    /// names, decimals as strings, absent values as `null`, empty lists as `[]`, no row ids,
    /// the fields marked `skip_serializing_if` left out when blank, and `opinions` emptied.
    /// Workflow metadata (status, version, timestamps, signatures, comments) and the opinions
    /// given while the report goes round (attestations, like signatures) are not content, so a
    /// signature stays valid while the report moves through review and later signers add their
    /// opinions; an opinion is bound instead by the signature it was given with
    /// (`workflow::binding`). README (“The content digest”) states the rules for another system,
    /// and `tests/api/digest.rs` recomputes the digest from them independently.
    ///
    /// This is the digest in the current content form ([`ContentForm::CURRENT`]); a signature
    /// is checked against the digest in the form of the scheme it was made under
    /// ([`Self::digest_in`]).
    pub fn digest(&self) -> String {
        self.digest_in(ContentForm::CURRENT)
    }

    /// The content digest in a given canonical form.
    pub fn digest_in(&self, form: ContentForm) -> String {
        sha256_hex(self.canonical_in(form).as_bytes())
    }

    /// The canonical serialization in a given form: what the content digest hashes.
    pub fn canonical_in(&self, form: ContentForm) -> String {
        match form {
            ContentForm::V1 => {
                let mut content = self.clone();
                content.opinions.clear();
                serde_json::to_string(&content).unwrap_or_default()
            }
        }
    }
}

/// A version of the canonical serialization the content digest is computed from. A change of
/// the canonical form is a new variant (and a new signing scheme that uses it), so that
/// signatures made under an older form are still checked in that form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentForm {
    /// Compact JSON of [`ReportDocument`] in declared field order, opinions emptied (see
    /// [`ReportDocument::digest`]).
    V1,
}

impl ContentForm {
    /// The form of the reports' `contentDigest`.
    pub const CURRENT: ContentForm = ContentForm::V1;
}

/// Lowercase hex SHA-256.
pub fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
