//! Signers' own keys: `SignerKey`, the challenge and registration of a key, its revocation, and
//! the signing payload a key signs (`signingPayload`, then `signReport` with `keyId`).

use super::enums::{SignatureAlgorithm, SignatureRole};
use super::ids::{self, Kind};
use super::payload::{UserError, user_errors};
use super::scalars::DateTime;
use super::{db, viewer};
use crate::domain::Outcome;
use crate::domain::keys::{self, Registration};
use crate::error::AppError;
use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use entity::signer_key;

/// A signer's registered public key (SM2, Ed25519 or ECDSA P-256), with which they sign reports
/// without the server ever holding the private key.
#[derive(Clone)]
pub struct SignerKey(pub signer_key::Model);

/// A signer's registered public key (SM2, Ed25519 or ECDSA P-256), with which they sign reports
/// without the server ever holding the private key.
#[Object]
impl SignerKey {
    /// Opaque global ID (the `keyId` of `signReport`).
    pub async fn id(&self) -> ID {
        ids::encode(Kind::SignerKey, self.0.id)
    }

    /// Owner's identity-provider subject.
    async fn subject(&self) -> &str {
        &self.0.subject
    }

    /// Algorithm.
    async fn algorithm(&self) -> SignatureAlgorithm {
        self.0.algorithm.into()
    }

    /// Public key, base64 (SEC1 uncompressed point `04‖x‖y` for SM2 and P-256; 32 bytes for
    /// Ed25519).
    async fn public_key(&self) -> &str {
        &self.0.public_key
    }

    /// SM2 signer identity (SM2 keys only).
    async fn sm2_id(&self) -> Option<&str> {
        self.0.sm2_id.as_deref()
    }

    /// Lowercase hex SHA-256 of the algorithm's name, a colon and the public key's bytes
    /// (`ED25519:` ‖ key): compare it with the fingerprint the signer gives out of band.
    async fn fingerprint(&self) -> &str {
        &self.0.fingerprint
    }

    /// The owner's name for the key.
    async fn label(&self) -> Option<&str> {
        self.0.label.as_deref()
    }

    /// When it was registered.
    async fn created_at(&self) -> DateTime {
        DateTime(self.0.created_at)
    }

    /// When it was revoked: signatures made before stay valid, later ones are refused.
    async fn revoked_at(&self) -> Option<DateTime> {
        self.0.revoked_at.map(DateTime)
    }
}

/// A one-time challenge to sign when registering a key.
#[derive(SimpleObject)]
pub struct KeyChallenge {
    /// The challenge.
    pub challenge: String,
    /// The exact text to sign with the new key (UTF-8):
    /// `jixiao-key-registration\n{your subject}\n{challenge}`.
    pub statement: String,
    /// Until when it is accepted (10 minutes).
    pub expires_at: DateTime,
}

/// Input of `registerSignerKey`.
#[derive(InputObject)]
pub struct RegisterSignerKeyInput {
    /// Algorithm.
    pub algorithm: SignatureAlgorithm,
    /// Public key, base64 (SM2 and P-256: the 65-byte uncompressed point; Ed25519: 32 bytes).
    pub public_key: String,
    /// SM2 signer identity (default `1234567812345678`).
    pub sm2_id: Option<String>,
    /// Your name for the key (at most 200 characters).
    pub label: Option<String>,
    /// The challenge of `createKeyChallenge`.
    pub challenge: String,
    /// The key's signature of the challenge's `statement`, base64.
    pub proof: String,
}

/// Input of `revokeSignerKey`.
#[derive(InputObject)]
pub struct RevokeSignerKeyInput {
    /// The key.
    pub key_id: ID,
}

/// Result of `registerSignerKey` and `revokeSignerKey`.
#[derive(SimpleObject)]
pub struct SignerKeyPayload {
    /// The key; null when refused.
    pub key: Option<SignerKey>,
    /// Why the write was refused; empty on success.
    pub user_errors: Vec<UserError>,
}

impl From<Outcome<signer_key::Model>> for SignerKeyPayload {
    fn from(o: Outcome<signer_key::Model>) -> Self {
        match o {
            Ok(k) => SignerKeyPayload {
                key: Some(SignerKey(k)),
                user_errors: Vec::new(),
            },
            Err(e) => SignerKeyPayload {
                key: None,
                user_errors: user_errors(e, &[]),
            },
        }
    }
}

/// What a signer's key signs (scheme 3).
#[derive(SimpleObject)]
pub struct SigningPayload {
    /// The exact bytes to sign, as UTF-8 text (compact JSON; README "signing payload").
    pub payload: String,
    /// The same bytes, base64.
    pub payload_base64: String,
    /// Lowercase hex SHA-256 of the bytes (the signature's `bindingDigest`). Ed25519 signs the
    /// bytes, ECDSA P-256 their SHA-256, SM2 their SM3 digest with the signer's Z value.
    pub sha256: String,
    /// The time the payload holds: pass it to `signReport` as `signedAt` (within 10 minutes).
    pub signed_at: String,
    /// The content digest signed.
    pub content_digest: String,
}

/// Key mutations.
#[derive(Default)]
pub struct KeyMutation;

#[Object]
impl KeyMutation {
    /// A one-time challenge (10 minutes) to sign with a key you register (any signed-in caller).
    async fn create_key_challenge(&self, ctx: &Context<'_>) -> Result<KeyChallenge> {
        let viewer = viewer(ctx);
        let row = keys::challenge(db(ctx), viewer).await?;
        let statement =
            String::from_utf8(keys::registration_statement(&row.subject, &row.challenge))
                .unwrap_or_default();
        Ok(KeyChallenge {
            challenge: row.challenge,
            statement,
            expires_at: DateTime(row.expires_at),
        })
    }

    /// Registers your public key, proven by its signature of a challenge's statement
    /// (CHALLENGE_INVALID, KEY_INVALID, SIGNATURE_INVALID, DUPLICATE).
    async fn register_signer_key(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The key and its proof.")] input: RegisterSignerKeyInput,
    ) -> Result<SignerKeyPayload> {
        let r = Registration {
            algorithm: input.algorithm.into(),
            public_key: input.public_key,
            sm2_id: input.sm2_id,
            label: input.label,
            challenge: input.challenge,
            proof: input.proof,
        };
        Ok(keys::register(db(ctx), viewer(ctx), r).await?.into())
    }

    /// Revokes a key (its owner, or ADMIN): signatures made before stay valid; it signs nothing
    /// after.
    async fn revoke_signer_key(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The key.")] input: RevokeSignerKeyInput,
    ) -> Result<SignerKeyPayload> {
        let id = ids::decode(Kind::SignerKey, &input.key_id)?;
        Ok(keys::revoke(db(ctx), viewer(ctx), id).await?.into())
    }
}

/// Key queries.
#[derive(Default)]
pub struct KeyQuery;

#[Object]
impl KeyQuery {
    /// The keys a signer registered (default: yours), revoked ones included; public keys, so
    /// any signed-in caller may list anyone's.
    async fn signer_keys(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Whose keys (default: the caller's).")] subject: Option<String>,
    ) -> Result<Vec<SignerKey>> {
        let viewer = viewer(ctx);
        if viewer.is_anonymous() {
            return Err(AppError::Unauthenticated("查询签名密钥需要登录".into()).into());
        }
        let subject = subject
            .or_else(|| viewer.subject.clone())
            .unwrap_or_default();
        Ok(keys::of_subject(db(ctx), &subject)
            .await?
            .into_iter()
            .map(SignerKey)
            .collect())
    }

    /// The bytes your key signs to sign a report now in `role` with `opinion` (scheme 3); null
    /// if the report does not exist or is not visible. Then call `signReport` with the same
    /// role and opinion, `keyId`, the `signature` and this `signedAt`.
    async fn signing_payload(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The report.")] report_id: ID,
        #[graphql(desc = "Capacity in which you will sign.")] role: SignatureRole,
        #[graphql(desc = "The opinion you will give with the signature (GROUP_LEADER).")]
        opinion: Option<String>,
    ) -> Result<Option<SigningPayload>> {
        use base64::Engine;
        let id = ids::decode(Kind::Report, &report_id)?;
        let made = crate::domain::workflow::sign::payload_for(
            db(ctx),
            viewer(ctx),
            id,
            role.into(),
            opinion,
        )
        .await?;
        Ok(
            made.map(|(payload, signed_at, content_digest)| SigningPayload {
                payload_base64: base64::engine::general_purpose::STANDARD.encode(&payload),
                sha256: crate::domain::report::document::sha256_hex(&payload),
                payload: String::from_utf8(payload).unwrap_or_default(),
                signed_at: keys::format_signed_at(signed_at),
                content_digest,
            }),
        )
    }
}
