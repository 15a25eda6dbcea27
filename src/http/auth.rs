//! Bearer tokens: verification into a [`Viewer`], and minting of development tokens.

use crate::domain::{Role, Viewer};
use crate::error::AppError;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation, decode, encode};
use serde::{Deserialize, Serialize};

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
    /// Audience.
    pub aud: String,
    /// Expiry (seconds since the epoch).
    pub exp: i64,
    /// Not before (seconds since the epoch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nbf: Option<i64>,
}

/// Verifies tokens with a pinned algorithm and key.
pub struct Authenticator {
    decoding: DecodingKey,
    encoding: EncodingKey,
    validation: Validation,
    issuer: Option<String>,
    audience: String,
}

impl Authenticator {
    /// An HS256 verifier.
    pub fn hs256(secret: &str, issuer: Option<String>, audience: String) -> Self {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.leeway = 30;
        validation.validate_nbf = true;
        validation.set_audience(&[audience.as_str()]);
        validation.set_required_spec_claims(&["exp", "sub", "aud"]);
        if let Some(iss) = &issuer {
            validation.set_issuer(&[iss.as_str()]);
        }
        Self {
            decoding: DecodingKey::from_secret(secret.as_bytes()),
            encoding: EncodingKey::from_secret(secret.as_bytes()),
            validation,
            issuer,
            audience,
        }
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
        let claims = decode::<Claims>(token, &self.decoding, &self.validation)
            .map_err(|e| AppError::Unauthenticated(describe(e.kind())))?
            .claims;
        let mut roles = Vec::with_capacity(claims.roles.len());
        for name in &claims.roles {
            roles
                .push(Role::parse(name).ok_or_else(|| {
                    AppError::Unauthenticated(format!("令牌包含未知角色 {name}"))
                })?);
        }
        Ok(Viewer {
            subject: Some(claims.sub),
            name: claims.name,
            roles,
            departments: claims.departments,
        })
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
            aud: self.audience.clone(),
            exp: now + hours * 3600,
            nbf: Some(now - 1),
        };
        encode(&Header::new(Algorithm::HS256), &claims, &self.encoding).map_err(AppError::internal)
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
