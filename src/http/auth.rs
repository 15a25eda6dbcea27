//! Bearer tokens: verification into a [`Viewer`], and minting of development tokens.

use crate::config::TokenAlgorithm;
use crate::domain::{Role, Viewer};
use crate::error::AppError;
use jsonwebtoken::jwk::JwkSet;
use jsonwebtoken::{
    Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, decode_header, encode,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, RwLock};
use std::time::{Duration, Instant, SystemTime};

/// Used when no secret is configured; the service warns loudly.
pub const DEVELOPMENT_SECRET: &str = "jixiao-development-secret-do-not-use-in-production";
/// Tokens longer than this are refused unread.
const MAX_TOKEN_LEN: usize = 8 * 1024;

/// The claims jixiao reads.
#[derive(Debug, Serialize, Deserialize)]
pub struct Claims {
    /// Subject.
    pub sub: String,
    /// Display name.
    #[serde(default)]
    pub name: Option<String>,
    /// Roles.
    #[serde(default)]
    pub roles: Vec<String>,
    /// Department codes in scope.
    #[serde(default)]
    pub departments: Vec<String>,
    /// Issuer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iss: Option<String>,
    /// Audience: one, or a list (as many identity providers issue).
    pub aud: Audience,
    /// Expiry (seconds since the epoch).
    pub exp: i64,
    /// Not before (seconds since the epoch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
}

/// The `aud` claim: a string or a list of strings (checked by the token validation).
#[derive(Debug, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Audience {
    /// One audience.
    One(String),
    /// Several audiences.
    Many(Vec<String>),
}

/// Verifies tokens with a pinned algorithm and its key(s).
pub struct Authenticator {
    keys: Keys,
    encoding: Option<EncodingKey>,
    validation: Validation,
    issuer: Option<String>,
    audience: String,
    verified: Mutex<Verified>,
}

/// Tokens verified already, so that a client sending the same token on every request does not
/// pay for its signature and claims each time. Keyed by the whole token text (only a token that
/// verified is ever entered, so a forged one cannot hit); an entry serves until the token's
/// `exp` plus the leeway and only under the keys it was verified with; at most
/// [`VERIFIED_TOKENS`] entries.
#[derive(Default)]
struct Verified {
    tokens: HashMap<Box<str>, VerifiedToken>,
}

struct VerifiedToken {
    viewer: Viewer,
    /// Last second (since the epoch) it is accepted: `exp` plus the leeway.
    until: i64,
    /// The JWKS generation it was verified under (0 for a single key).
    generation: u64,
}

/// Entries of the verified-token cache.
const VERIFIED_TOKENS: usize = 4096;

impl Verified {
    fn get(&self, token: &str, now: i64, generation: u64) -> Option<Viewer> {
        self.tokens
            .get(token)
            .filter(|t| now <= t.until && t.generation == generation)
            .map(|t| t.viewer.clone())
    }

    fn put(&mut self, token: &str, entry: VerifiedToken, now: i64) {
        if self.tokens.len() >= VERIFIED_TOKENS {
            self.tokens.retain(|_, t| now <= t.until);
            if self.tokens.len() >= VERIFIED_TOKENS {
                self.tokens.clear();
            }
        }
        self.tokens.insert(token.into(), entry);
    }
}

/// Where verification keys come from.
enum Keys {
    /// One key (an HS256 secret or a PEM public key).
    Single(DecodingKey),
    /// A JWKS file, keys chosen by `kid`, re-read when it changes.
    Jwks(Jwks),
}

/// A JWKS file and the keys last read from it.
struct Jwks {
    path: PathBuf,
    state: RwLock<JwksState>,
}

struct JwksState {
    modified: Option<SystemTime>,
    checked: Instant,
    keys: Arc<HashMap<String, DecodingKey>>,
    /// Counts reloads: a token verified under an earlier set of keys is verified again.
    generation: u64,
}

/// How often the JWKS file is looked at for changes (sooner when a token names an unknown key).
const JWKS_RECHECK: Duration = Duration::from_secs(5);
const JWKS_UNKNOWN_KID_RECHECK: Duration = Duration::from_millis(200);

impl Jwks {
    fn open(path: PathBuf) -> Result<Self, AppError> {
        let (modified, keys) = read_jwks(&path)?;
        Ok(Self {
            path,
            state: RwLock::new(JwksState {
                modified,
                checked: Instant::now(),
                keys: Arc::new(keys),
                generation: 0,
            }),
        })
    }

    /// The key named `kid`, re-reading the file when it changed.
    fn key(&self, kid: &str) -> Option<DecodingKey> {
        let (keys, checked) = {
            let state = self.state.read().unwrap_or_else(|e| e.into_inner());
            (state.keys.clone(), state.checked)
        };
        let known = keys.get(kid).cloned();
        let due = if known.is_some() {
            JWKS_RECHECK
        } else {
            JWKS_UNKNOWN_KID_RECHECK
        };
        if checked.elapsed() < due {
            return known;
        }
        self.refresh().get(kid).cloned()
    }

    /// The generation of the keys in force, re-reading the file when it is due.
    fn generation(&self) -> u64 {
        let (generation, checked) = {
            let state = self.state.read().unwrap_or_else(|e| e.into_inner());
            (state.generation, state.checked)
        };
        if checked.elapsed() < JWKS_RECHECK {
            return generation;
        }
        self.refresh();
        self.state
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .generation
    }

    fn refresh(&self) -> Arc<HashMap<String, DecodingKey>> {
        let mut state = self.state.write().unwrap_or_else(|e| e.into_inner());
        state.checked = Instant::now();
        let modified = std::fs::metadata(&self.path)
            .and_then(|m| m.modified())
            .ok();
        if modified != state.modified {
            match read_jwks(&self.path) {
                Ok((modified, keys)) => {
                    tracing::info!(path = %self.path.display(), keys = keys.len(), "reloaded the JWKS file");
                    state.modified = modified;
                    state.keys = Arc::new(keys);
                    state.generation += 1;
                }
                // Keep the keys we have: a half-written file must not lock everyone out.
                Err(e) => {
                    tracing::warn!(path = %self.path.display(), error = ?e, "JWKS file unreadable; keeping the previous keys")
                }
            }
        }
        state.keys.clone()
    }
}

type JwksRead = (Option<SystemTime>, HashMap<String, DecodingKey>);

fn read_jwks(path: &Path) -> Result<JwksRead, AppError> {
    let modified = std::fs::metadata(path).and_then(|m| m.modified()).ok();
    let text = std::fs::read_to_string(path)
        .map_err(|e| AppError::internal(format!("JWKS file {}: {e}", path.display())))?;
    let set: JwkSet = serde_json::from_str(&text)
        .map_err(|e| AppError::internal(format!("JWKS file {}: {e}", path.display())))?;
    let mut keys = HashMap::new();
    for jwk in &set.keys {
        let Some(kid) = jwk.common.key_id.clone() else {
            tracing::warn!("JWKS key without kid ignored");
            continue;
        };
        match DecodingKey::from_jwk(jwk) {
            Ok(key) => {
                keys.insert(kid, key);
            }
            Err(e) => tracing::warn!(kid, error = %e, "JWKS key ignored"),
        }
    }
    Ok((modified, keys))
}

impl Authenticator {
    /// An HS256 verifier.
    pub fn hs256(secret: &str, issuer: Option<String>, audience: String) -> Self {
        Self::new(
            Algorithm::HS256,
            Keys::Single(DecodingKey::from_secret(secret.as_bytes())),
            Some(EncodingKey::from_secret(secret.as_bytes())),
            issuer,
            audience,
        )
    }

    /// A verifier for public-key tokens (RS256, ES256 or EdDSA) with a PEM public key.
    pub fn public_key(
        algorithm: TokenAlgorithm,
        pem: &[u8],
        issuer: Option<String>,
        audience: String,
    ) -> Result<Self, AppError> {
        let key = match algorithm {
            TokenAlgorithm::Hs256 => {
                return Err(AppError::internal("HS256 takes a secret, not a public key"));
            }
            TokenAlgorithm::Rs256 => DecodingKey::from_rsa_pem(pem),
            TokenAlgorithm::Es256 => DecodingKey::from_ec_pem(pem),
            TokenAlgorithm::EdDsa => DecodingKey::from_ed_pem(pem),
        }
        .map_err(|e| AppError::internal(format!("public key: {e}")))?;
        Ok(Self::new(
            pinned(algorithm),
            Keys::Single(key),
            None,
            issuer,
            audience,
        ))
    }

    /// A verifier for public-key tokens whose keys are in a JWKS file (rotated by `kid`).
    pub fn jwks(
        algorithm: TokenAlgorithm,
        path: PathBuf,
        issuer: Option<String>,
        audience: String,
    ) -> Result<Self, AppError> {
        if algorithm == TokenAlgorithm::Hs256 {
            return Err(AppError::internal(
                "a JWKS file needs RS256, ES256 or EdDSA",
            ));
        }
        Ok(Self::new(
            pinned(algorithm),
            Keys::Jwks(Jwks::open(path)?),
            None,
            issuer,
            audience,
        ))
    }

    fn new(
        algorithm: Algorithm,
        keys: Keys,
        encoding: Option<EncodingKey>,
        issuer: Option<String>,
        audience: String,
    ) -> Self {
        let mut validation = Validation::new(algorithm);
        validation.leeway = 30;
        validation.validate_nbf = true;
        validation.set_audience(&[audience.as_str()]);
        validation.set_required_spec_claims(&["exp", "sub", "aud"]);
        if let Some(iss) = &issuer {
            validation.set_issuer(&[iss.as_str()]);
            validation.set_required_spec_claims(&["exp", "sub", "aud", "iss"]);
        }
        Self {
            keys,
            encoding,
            validation,
            issuer,
            audience,
            verified: Mutex::default(),
        }
    }

    /// Verifies a token's signature and claims.
    fn verify(&self, token: &str) -> Result<Claims, AppError> {
        let fail = |e: jsonwebtoken::errors::Error| AppError::Unauthenticated(describe(e.kind()));
        let key = match &self.keys {
            Keys::Single(key) => key.clone(),
            Keys::Jwks(jwks) => {
                let header = decode_header(token).map_err(fail)?;
                if !self.validation.algorithms.contains(&header.alg) {
                    return Err(AppError::Unauthenticated(describe(
                        &jsonwebtoken::errors::ErrorKind::InvalidAlgorithm,
                    )));
                }
                let kid = header
                    .kid
                    .ok_or_else(|| AppError::Unauthenticated("令牌未注明密钥编号（kid）".into()))?;
                jwks.key(&kid).ok_or_else(|| {
                    AppError::Unauthenticated(format!("令牌的密钥编号（kid）{kid} 未知或已停用"))
                })?
            }
        };
        Ok(decode::<Claims>(token, &key, &self.validation)
            .map_err(fail)?
            .claims)
    }

    /// The viewer of a request: anonymous without a header, else the verified token's.
    pub fn viewer(&self, authorization: Option<&str>) -> Result<Viewer, AppError> {
        let Some(value) = authorization else {
            return Ok(Viewer::anonymous());
        };
        let token = value
            .strip_prefix("Bearer ")
            .or_else(|| value.strip_prefix("bearer "))
            .ok_or_else(|| {
                AppError::Unauthenticated("Authorization 头应为 “Bearer <令牌>”".into())
            })?
            .trim();
        if token.len() > MAX_TOKEN_LEN {
            return Err(AppError::Unauthenticated("令牌过长".into()));
        }
        let now = chrono::Utc::now().timestamp();
        let generation = match &self.keys {
            Keys::Single(_) => 0,
            Keys::Jwks(jwks) => jwks.generation(),
        };
        if let Some(viewer) = self.verified().get(token, now, generation) {
            return Ok(viewer);
        }
        let claims = self.verify(token)?;
        let until = claims
            .exp
            .saturating_add(i64::try_from(self.validation.leeway).unwrap_or(0));
        // Claims become actors and scopes written and compared in SQL: the text rule of every
        // other input applies (no control characters but tab and line breaks).
        let texts = std::iter::once(&claims.sub)
            .chain(&claims.name)
            .chain(&claims.departments);
        for text in texts {
            if crate::domain::text::first_forbidden(text).is_some() {
                return Err(AppError::Unauthenticated(
                    "令牌的 sub、name 或 departments 含控制字符".into(),
                ));
            }
        }
        let mut roles = Vec::with_capacity(claims.roles.len());
        for name in &claims.roles {
            roles
                .push(Role::parse(name).ok_or_else(|| {
                    AppError::Unauthenticated(format!("令牌包含未知角色 {name}"))
                })?);
        }
        let viewer = Viewer {
            subject: Some(claims.sub),
            name: claims.name,
            roles,
            departments: claims.departments,
        };
        let entry = VerifiedToken {
            viewer: viewer.clone(),
            until,
            generation,
        };
        self.verified().put(token, entry, now);
        Ok(viewer)
    }

    fn verified(&self) -> std::sync::MutexGuard<'_, Verified> {
        self.verified.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Mints a token for development.
    pub fn mint(
        &self,
        sub: &str,
        name: &str,
        roles: &[String],
        departments: &[String],
        hours: i64,
    ) -> Result<String, AppError> {
        let now = chrono::Utc::now().timestamp();
        let claims = Claims {
            sub: sub.to_owned(),
            name: Some(name.to_owned()),
            roles: roles.to_vec(),
            departments: departments.to_vec(),
            iss: self.issuer.clone(),
            aud: Audience::One(self.audience.clone()),
            exp: now + hours * 3600,
            nbf: Some(now - 1),
        };
        let key = self
            .encoding
            .as_ref()
            .ok_or_else(|| AppError::BadUserInput("只有 HS256 配置下才能签发开发令牌".into()))?;
        encode(&Header::new(Algorithm::HS256), &claims, key).map_err(AppError::internal)
    }
}

fn pinned(algorithm: TokenAlgorithm) -> Algorithm {
    match algorithm {
        TokenAlgorithm::Hs256 => Algorithm::HS256,
        TokenAlgorithm::Rs256 => Algorithm::RS256,
        TokenAlgorithm::Es256 => Algorithm::ES256,
        TokenAlgorithm::EdDsa => Algorithm::EdDSA,
    }
}

fn describe(kind: &jsonwebtoken::errors::ErrorKind) -> String {
    use jsonwebtoken::errors::ErrorKind as K;
    match kind {
        K::ExpiredSignature => "令牌已过期，请重新登录".into(),
        K::ImmatureSignature => "令牌尚未生效（nbf）".into(),
        K::InvalidAudience => "令牌的受众（aud）不符".into(),
        K::InvalidIssuer => "令牌的签发者（iss）不符".into(),
        K::InvalidSignature => "令牌签名无效".into(),
        K::InvalidAlgorithm => "令牌算法不被接受".into(),
        K::MissingRequiredClaim(c) => format!("令牌缺少必需的声明 {c}"),
        _ => "令牌格式无效".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(until: i64, generation: u64) -> VerifiedToken {
        VerifiedToken {
            viewer: Viewer {
                subject: Some("u1".into()),
                ..Viewer::default()
            },
            until,
            generation,
        }
    }

    #[test]
    fn a_verified_token_serves_until_its_expiry_and_under_its_keys_only() {
        let mut verified = Verified::default();
        verified.put("t", entry(100, 1), 50);
        assert!(verified.get("t", 100, 1).is_some());
        assert!(verified.get("t", 101, 1).is_none(), "expired");
        assert!(verified.get("t", 50, 2).is_none(), "keys reloaded since");
        assert!(verified.get("t2", 50, 1).is_none(), "another token");
    }

    #[test]
    fn the_verified_tokens_stay_bounded() {
        let mut verified = Verified::default();
        for i in 0..VERIFIED_TOKENS * 2 {
            verified.put(&i.to_string(), entry(10, 0), 0);
        }
        assert!(verified.tokens.len() <= VERIFIED_TOKENS);
        // Expired entries go first.
        verified.put("late", entry(1_000, 0), 500);
        assert!(verified.get("late", 500, 0).is_some());
    }

    #[test]
    fn a_token_verified_once_is_no_pass_for_an_edited_one() -> Result<(), AppError> {
        let auth = Authenticator::hs256("secret", None, "jixiao".into());
        let token = auth.mint("u1", "甲", &["ADMIN".into()], &["*".into()], 1)?;
        let bearer = format!("Bearer {token}");
        let first = auth.viewer(Some(&bearer))?;
        assert_eq!(auth.viewer(Some(&bearer))?, first, "served from the cache");
        // The same claims under another signature, and another payload under this one.
        let (head, signature) = token.rsplit_once('.').unwrap_or_default();
        let flipped: String = signature
            .chars()
            .map(|c| if c == 'A' { 'B' } else { 'A' })
            .collect();
        assert!(
            auth.viewer(Some(&format!("Bearer {head}.{flipped}")))
                .is_err()
        );
        let other = Authenticator::hs256("other", None, "jixiao".into()).mint(
            "u1",
            "甲",
            &["ADMIN".into()],
            &["*".into()],
            1,
        )?;
        assert!(auth.viewer(Some(&format!("Bearer {other}"))).is_err());
        Ok(())
    }
}
