//! Signers' own keys: SM2 (GB/T 32918, over SM3 with the signer identity), Ed25519 and ECDSA
//! P-256. A signer registers a public key by signing a one-time challenge with it (proof of
//! possession); keys are fingerprinted, listed, and revocable by their owner and by ADMIN. A
//! signature made with a key is checked here before it is recorded, and again whenever it is
//! judged (`workflow::binding`), with the copy of the public key the signature carries.
//!
//! Bytes: public keys are base64 of the SEC1 uncompressed point (`04‖x‖y`, 65 bytes) for SM2 and
//! P-256 and of the 32-byte key for Ed25519; signatures are base64 of `r‖s` (64 bytes) or of its
//! DER encoding for SM2 and P-256, and of the 64-byte signature for Ed25519. What is signed:
//! Ed25519 the message itself, P-256 its SHA-256 (ECDSA), SM2 its SM3 digest with the signer's
//! `Z` value (the standard's signing procedure, signer identity `1234567812345678` unless the
//! key was registered with another).

use crate::domain::{Db, FieldError, Outcome, UserErrorCode, Viewer};
use crate::error::AppError;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use chrono::{DateTime, Duration, Utc};
use entity::{SignatureAlgorithm, key_challenge, signer_key};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

/// The SM2 signer identity of GB/T 35276 when none is given.
pub const DEFAULT_SM2_ID: &str = "1234567812345678";
/// How long a registration challenge is accepted.
pub const CHALLENGE_MINUTES: i64 = 10;
/// Most live registration challenges of one signer.
const MAX_CHALLENGES: usize = 5;
/// Most keys (revoked ones included) a signer holds.
pub const MAX_KEYS: u64 = 20;
/// Longest SM2 signer identity and key label, in characters.
const MAX_TEXT: usize = 200;

/// A public key ready to verify.
pub enum PublicKey {
    /// SM2 with its signer identity.
    Sm2(Box<sm2::dsa::VerifyingKey>),
    /// Ed25519.
    Ed25519(ed25519_dalek::VerifyingKey),
    /// ECDSA P-256.
    P256(p256::ecdsa::VerifyingKey),
}

/// Reads a public key of `algorithm` from its bytes; `None` if they are not one.
pub fn parse(algorithm: SignatureAlgorithm, bytes: &[u8], sm2_id: &str) -> Option<PublicKey> {
    match algorithm {
        SignatureAlgorithm::Sm2 => sm2::dsa::VerifyingKey::from_sec1_bytes(sm2_id, bytes)
            .ok()
            .map(|k| PublicKey::Sm2(Box::new(k))),
        SignatureAlgorithm::Ed25519 => <[u8; 32]>::try_from(bytes)
            .ok()
            .and_then(|b| ed25519_dalek::VerifyingKey::from_bytes(&b).ok())
            .filter(|k| !k.is_weak())
            .map(PublicKey::Ed25519),
        SignatureAlgorithm::EcdsaP256 => p256::ecdsa::VerifyingKey::from_sec1_bytes(bytes)
            .ok()
            .map(PublicKey::P256),
    }
}

/// Whether `signature` is `key`'s signature of `message`.
pub fn verifies(key: &PublicKey, message: &[u8], signature: &[u8]) -> bool {
    use signature::Verifier;
    match key {
        PublicKey::Ed25519(k) => <[u8; 64]>::try_from(signature).is_ok_and(|b| {
            k.verify_strict(message, &ed25519_dalek::Signature::from_bytes(&b))
                .is_ok()
        }),
        PublicKey::P256(k) => {
            let parsed = p256::ecdsa::Signature::from_slice(signature)
                .or_else(|_| p256::ecdsa::Signature::from_der(signature));
            parsed.is_ok_and(|s| k.verify(message, &s).is_ok())
        }
        PublicKey::Sm2(k) => {
            // DER as a SEQUENCE of two INTEGERs, read with p256's reader: every SM2 scalar is
            // below P-256's order, so its range check passes exactly the valid ones' encodings.
            let parsed = sm2::dsa::Signature::try_from(signature).or_else(|_| {
                p256::ecdsa::Signature::from_der(signature)
                    .map_err(|_| signature::Error::new())
                    .and_then(|d| sm2::dsa::Signature::try_from(&d.to_bytes()[..]))
            });
            parsed.is_ok_and(|s| k.verify(message, &s).is_ok())
        }
    }
}

/// The fingerprint of a public key: lowercase hex SHA-256 of the algorithm's name, a colon and
/// the key's bytes (`SM2:` ‖ 65 bytes).
pub fn fingerprint(algorithm: SignatureAlgorithm, bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(algorithm.as_str().as_bytes());
    h.update(b":");
    h.update(bytes);
    crate::domain::evidence::blobs::hex(&h.finalize())
}

/// What a signer signs to prove they hold a key: the UTF-8 bytes of
/// `jixiao-key-registration\n{subject}\n{challenge}`.
pub fn registration_statement(subject: &str, challenge: &str) -> Vec<u8> {
    format!("jixiao-key-registration\n{subject}\n{challenge}").into_bytes()
}

/// Base64 (standard alphabet, padding optional) to bytes.
pub fn base64(text: &str) -> Option<Vec<u8>> {
    let t = text.trim();
    BASE64.decode(t).ok().or_else(|| {
        base64::engine::general_purpose::STANDARD_NO_PAD
            .decode(t)
            .ok()
    })
}

fn signer(viewer: &Viewer) -> Result<String, AppError> {
    viewer
        .subject
        .clone()
        .ok_or_else(|| AppError::Unauthenticated("登记签名密钥需要登录".into()))
}

/// A new one-time challenge for the caller, and when it expires.
pub async fn challenge(db: &Db, viewer: &Viewer) -> Result<key_challenge::Model, AppError> {
    let subject = signer(viewer)?;
    let now = Utc::now();
    key_challenge::Entity::delete_many()
        .filter(key_challenge::Column::ExpiresAt.lt(now))
        .exec(&db.conn)
        .await?;
    // A signer holds a few live challenges at most: asking again retires the older ones.
    let live: Vec<Uuid> = key_challenge::Entity::find()
        .filter(key_challenge::Column::Subject.eq(subject.as_str()))
        .order_by_desc(key_challenge::Column::Id)
        .all(&db.conn)
        .await?
        .into_iter()
        .skip(MAX_CHALLENGES - 1)
        .map(|c| c.id)
        .collect();
    if !live.is_empty() {
        key_challenge::Entity::delete_many()
            .filter(key_challenge::Column::Id.is_in(live))
            .exec(&db.conn)
            .await?;
    }
    let row = key_challenge::Model {
        id: Uuid::now_v7(),
        subject,
        challenge: format!("{}{}", Uuid::new_v4().simple(), Uuid::new_v4().simple()),
        expires_at: now + Duration::minutes(CHALLENGE_MINUTES),
    };
    key_challenge::Entity::insert(key_challenge::ActiveModel::from(row.clone()).reset_all())
        .exec_without_returning(&db.conn)
        .await?;
    Ok(row)
}

/// A key to register.
pub struct Registration {
    /// Algorithm.
    pub algorithm: SignatureAlgorithm,
    /// Public key, base64.
    pub public_key: String,
    /// SM2 signer identity (SM2 only; default [`DEFAULT_SM2_ID`]).
    pub sm2_id: Option<String>,
    /// The owner's name for it.
    pub label: Option<String>,
    /// A challenge from [`challenge`].
    pub challenge: String,
    /// The key's signature of [`registration_statement`], base64.
    pub proof: String,
}

fn invalid(field: &str, code: UserErrorCode, message: impl Into<String>) -> Vec<FieldError> {
    vec![FieldError::new(field, code, message)]
}

/// Registers the caller's key after checking its proof of possession. The challenge is used up
/// whatever the outcome.
pub async fn register(
    db: &Db,
    viewer: &Viewer,
    r: Registration,
) -> Result<Outcome<signer_key::Model>, AppError> {
    let subject = signer(viewer)?;
    let taken = key_challenge::Entity::delete_many()
        .filter(key_challenge::Column::Subject.eq(subject.as_str()))
        .filter(key_challenge::Column::Challenge.eq(r.challenge.trim()))
        .filter(key_challenge::Column::ExpiresAt.gt(Utc::now()))
        .exec(&db.conn)
        .await?
        .rows_affected;
    if taken == 0 {
        return Ok(Err(invalid(
            "challenge",
            UserErrorCode::ChallengeInvalid,
            "挑战值不存在、已使用或已过期：请先调用 createKeyChallenge 取得新的挑战值（10 分钟内有效）",
        )));
    }
    let sm2_id = match r.algorithm {
        SignatureAlgorithm::Sm2 => Some(
            r.sm2_id
                .clone()
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| DEFAULT_SM2_ID.to_owned()),
        ),
        _ => None,
    };
    if sm2_id
        .as_ref()
        .is_some_and(|s| s.chars().count() > MAX_TEXT)
        || r.label
            .as_ref()
            .is_some_and(|s| s.chars().count() > MAX_TEXT)
    {
        return Ok(Err(invalid(
            "label",
            UserErrorCode::TooLong,
            format!("签名者标识和密钥名称最多 {MAX_TEXT} 个字符"),
        )));
    }
    let Some(bytes) = base64(&r.public_key).filter(|b| b.len() <= 1024) else {
        return Ok(Err(invalid(
            "publicKey",
            UserErrorCode::KeyInvalid,
            "公钥须为 base64 编码",
        )));
    };
    let Some(key) = parse(r.algorithm, &bytes, sm2_id.as_deref().unwrap_or("")) else {
        return Ok(Err(invalid(
            "publicKey",
            UserErrorCode::KeyInvalid,
            format!(
                "不是有效的 {} 公钥（SM2、P-256：65 字节未压缩点 04‖x‖y；Ed25519：32 字节）",
                r.algorithm.as_str()
            ),
        )));
    };
    let proof = base64(&r.proof).unwrap_or_default();
    if !verifies(
        &key,
        &registration_statement(&subject, r.challenge.trim()),
        &proof,
    ) {
        return Ok(Err(invalid(
            "proof",
            UserErrorCode::SignatureInvalid,
            "持有证明不成立：proof 须为该私钥对 “jixiao-key-registration\\n用户标识\\n挑战值” 的签名",
        )));
    }
    let owned = signer_key::Entity::find()
        .filter(signer_key::Column::Subject.eq(subject.as_str()))
        .count(&db.conn)
        .await?;
    if owned >= MAX_KEYS {
        return Ok(Err(invalid(
            "",
            UserErrorCode::OutOfRange,
            format!("每人最多登记 {MAX_KEYS} 个签名密钥"),
        )));
    }
    let fingerprint = fingerprint(r.algorithm, &bytes);
    if signer_key::Entity::find()
        .filter(signer_key::Column::Fingerprint.eq(fingerprint.as_str()))
        .count(&db.conn)
        .await?
        > 0
    {
        return Ok(Err(invalid(
            "publicKey",
            UserErrorCode::Duplicate,
            "该公钥已登记",
        )));
    }
    let row = signer_key::Model {
        id: Uuid::now_v7(),
        subject,
        algorithm: r.algorithm,
        public_key: BASE64.encode(&bytes),
        sm2_id,
        fingerprint,
        label: r.label.filter(|l| !l.trim().is_empty()),
        created_at: Utc::now(),
        revoked_at: None,
        revoked_by: None,
    };
    signer_key::Entity::insert(signer_key::ActiveModel::from(row.clone()).reset_all())
        .exec_without_returning(&db.conn)
        .await?;
    Ok(Ok(row))
}

/// Revokes a key: its owner or ADMIN. Signatures made before stay valid (and show when the key
/// was revoked); the key signs nothing after.
pub async fn revoke(
    db: &Db,
    viewer: &Viewer,
    id: Uuid,
) -> Result<Outcome<signer_key::Model>, AppError> {
    let Some(key) = signer_key::Entity::find_by_id(id).one(&db.conn).await? else {
        return Err(AppError::NotFound("签名密钥不存在".into()));
    };
    let admin = viewer.has_role(crate::domain::Role::Admin);
    if !admin && viewer.subject.as_deref() != Some(key.subject.as_str()) {
        return Err(AppError::NotFound("签名密钥不存在".into()));
    }
    if key.revoked_at.is_some() {
        return Ok(Err(invalid(
            "keyId",
            UserErrorCode::InvalidState,
            "该密钥已吊销",
        )));
    }
    let mut row: signer_key::ActiveModel = key.into();
    row.revoked_at = sea_orm::ActiveValue::Set(Some(Utc::now()));
    row.revoked_by = sea_orm::ActiveValue::Set(viewer.actor());
    Ok(Ok(row.update(&db.conn).await?))
}

/// The keys of `subject`, oldest first.
pub async fn of_subject(db: &Db, subject: &str) -> Result<Vec<signer_key::Model>, AppError> {
    Ok(signer_key::Entity::find()
        .filter(signer_key::Column::Subject.eq(subject))
        .order_by_asc(signer_key::Column::CreatedAt)
        .all(&db.conn)
        .await?)
}

/// A key by id.
pub async fn find(db: &Db, id: Uuid) -> Result<Option<signer_key::Model>, AppError> {
    Ok(signer_key::Entity::find_by_id(id).one(&db.conn).await?)
}

/// A signature made with a key, as `signReport` takes it.
#[derive(Debug, Clone)]
pub struct KeySignature {
    /// The key.
    pub key_id: Uuid,
    /// The signature of the signing payload, base64.
    pub signature: String,
    /// The `signedAt` of the payload signed (from `signingPayload`).
    pub signed_at: String,
}

/// How far a payload's `signedAt` may be from the server's clock.
pub const SIGNED_AT_SKEW_MINUTES: i64 = 10;

/// Reads a payload time: RFC 3339, whole seconds, UTC (`2026-11-30T02:48:23Z`).
pub fn signed_at(text: &str) -> Option<DateTime<Utc>> {
    let t = DateTime::parse_from_rfc3339(text.trim()).ok()?;
    let t = t.with_timezone(&Utc);
    (t.timestamp_subsec_nanos() == 0).then_some(t)
}

/// A payload time as the payload writes it.
pub fn format_signed_at(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Vec<u8> {
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
            .collect()
    }

    /// SM3 (GB/T 32905) example 1.
    #[test]
    fn sm3_known_answer() {
        use sm3::Digest;
        assert_eq!(
            crate::domain::evidence::blobs::hex(&sm3::Sm3::digest(b"abc")),
            "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0"
        );
    }

    /// SM2 (GB/T 32918.2) on the recommended curve: the standard's example key and the signature
    /// of "message digest" with signer identity 1234567812345678 (the vector OpenSSL and gmssl
    /// test with; gmssl 3.2 gives the same r‖s with the same k).
    #[test]
    fn sm2_known_answer() {
        let public = hex(concat!(
            "04",
            "09f9df311e5421a150dd7d161e4bc5c672179fad1833fc076bb08ff356f35020",
            "ccea490ce26775a52dc6ea718cc1aa600aed05fbf35e084a6632f6072da9ad13"
        ));
        let signature = hex(concat!(
            "f5a03b0648d2c4630eeac513e1bb81a15944da3827d5b74143ac7eaceee720b3",
            "b1b6aa29df212fd8763182bc0d421ca1bb9038fd1f7f42d4840b69c485bbc1aa"
        ));
        let key = parse(SignatureAlgorithm::Sm2, &public, DEFAULT_SM2_ID).expect("key");
        assert!(verifies(&key, b"message digest", &signature));
        assert!(!verifies(&key, b"message digesT", &signature));
        let other = parse(SignatureAlgorithm::Sm2, &public, "ALICE123@YAHOO.COM").expect("key");
        assert!(
            !verifies(&other, b"message digest", &signature),
            "Z binds the identity"
        );
    }

    /// Ed25519: RFC 8032 § 7.1, test 1 (the empty message).
    #[test]
    fn ed25519_known_answer() {
        let public = hex("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
        let signature = hex(concat!(
            "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555",
            "fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"
        ));
        let key = parse(SignatureAlgorithm::Ed25519, &public, "").expect("key");
        assert!(verifies(&key, b"", &signature));
        assert!(!verifies(&key, b"x", &signature));
    }

    /// ECDSA P-256 with SHA-256: RFC 6979 § A.2.5, message "sample".
    #[test]
    fn p256_known_answer() {
        let public = hex(concat!(
            "04",
            "60fed4ba255a9d31c961eb74c6356d68c049b8923b61fa6ce669622e60f29fb6",
            "7903fe1008b8bc99a41ae9e95628bc64f2f1b20c2d7e9f5177a3c294d4462299"
        ));
        let signature = hex(concat!(
            "efd48b2aacb6a8fd1140dd9cd45e81d69d2c877b56aaf991c34d0ea84eaf3716",
            "f7cb1c942d657c41d436c7a1b6e29f65f3e900dbb9aff4064dc4ab2f843acda8"
        ));
        let key = parse(SignatureAlgorithm::EcdsaP256, &public, "").expect("key");
        assert!(verifies(&key, b"sample", &signature));
        assert!(!verifies(&key, b"test", &signature));
    }

    #[test]
    fn malformed_keys_and_signatures_are_refused() {
        for alg in [
            SignatureAlgorithm::Sm2,
            SignatureAlgorithm::Ed25519,
            SignatureAlgorithm::EcdsaP256,
        ] {
            for bytes in [&[][..], &[4u8; 65][..], &[0u8; 32][..], &[1u8; 1000][..]] {
                if let Some(k) = parse(alg, bytes, DEFAULT_SM2_ID) {
                    assert!(!verifies(&k, b"m", &[0u8; 64]));
                    assert!(!verifies(&k, b"m", &[0xffu8; 200]));
                }
            }
        }
        assert!(signed_at("2026-11-30T02:48:23Z").is_some());
        assert!(signed_at("2026-11-30T02:48:23.5Z").is_none());
        assert!(signed_at("yesterday").is_none());
        assert_eq!(base64("@@@"), None);
    }
}
