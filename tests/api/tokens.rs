//! Bearer tokens beyond HS256: RS256 / ES256 / EdDSA with a PEM key or a JWKS file rotated by
//! `kid`, and every kind of token the service must refuse with 401 UNAUTHENTICATED.

use crate::support::TestApp;
use base64::Engine;
use jixiao::config::TokenAlgorithm;
use jsonwebtoken::{Algorithm, EncodingKey, Header, encode};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::path::PathBuf;

const ISSUER: &str = "https://idp.example.gov.cn";

fn key_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/keys")
        .join(name)
}

fn read(name: &str) -> Vec<u8> {
    std::fs::read(key_path(name)).expect("test key")
}

fn now() -> i64 {
    chrono::Utc::now().timestamp()
}

/// Good claims, with `change` applied.
fn claims(change: impl FnOnce(&mut Value)) -> Value {
    let mut c = json!({
        "sub": "u-key", "name": "密钥用户", "roles": ["ADMIN"], "departments": ["*"],
        "iss": ISSUER, "aud": "jixiao", "exp": now() + 600, "nbf": now() - 5,
    });
    change(&mut c);
    c
}

fn sign(alg: Algorithm, kid: Option<&str>, key: &EncodingKey, claims: &Value) -> String {
    let mut header = Header::new(alg);
    header.kid = kid.map(str::to_owned);
    encode(&header, claims, key).expect("sign")
}

fn rsa(name: &str) -> EncodingKey {
    EncodingKey::from_rsa_pem(&read(name)).expect("rsa key")
}

async fn status_of(app: &TestApp, token: &str) -> (StatusCode, Value) {
    app.post(Some(token), "{ viewer { subject } }", json!({}))
        .await
}

async fn accepted(app: &TestApp, token: &str, what: &str) {
    let (status, body) = status_of(app, token).await;
    assert_eq!(status, StatusCode::OK, "{what}: {body}");
    assert_eq!(body["data"]["viewer"]["subject"], "u-key", "{what}: {body}");
}

async fn refused(app: &TestApp, token: &str, what: &str) {
    let response = app
        .client()
        .post(format!("{}/graphql", app.base))
        .bearer_auth(token)
        .json(&json!({ "query": "{ viewer { subject } }" }))
        .send()
        .await
        .expect("post");
    assert_eq!(
        response
            .headers()
            .get("www-authenticate")
            .map(|v| v.to_str().unwrap_or("")),
        Some("Bearer realm=\"jixiao\""),
        "{what}"
    );
    let (status, body) = status_of(app, token).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED, "{what}: {body}");
    assert_eq!(
        body["errors"][0]["extensions"]["code"], "UNAUTHENTICATED",
        "{what}: {body}"
    );
    assert!(body.get("data").is_none(), "{what}: {body}");
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

#[tokio::test]
async fn rs256_with_a_pem_key_refuses_every_bad_token() {
    let app = TestApp::spawn_with(|c| {
        c.jwt_algorithm = TokenAlgorithm::Rs256;
        c.jwt_public_key = Some(key_path("rsa-a.pub"));
        c.jwt_issuer = Some(ISSUER.into());
    })
    .await;
    let key = rsa("rsa-a.key");
    accepted(
        &app,
        &sign(Algorithm::RS256, None, &key, &claims(|_| {})),
        "good",
    )
    .await;

    let good = claims(|_| {});
    let unsigned = format!(
        "{}.{}.",
        b64(br#"{"alg":"none","typ":"JWT"}"#),
        b64(good.to_string().as_bytes())
    );
    // Algorithm confusion: HS256 "signed" with the server's own public key as the secret.
    let confused = sign(
        Algorithm::HS256,
        None,
        &EncodingKey::from_secret(&read("rsa-a.pub")),
        &good,
    );
    let oversized = sign(
        Algorithm::RS256,
        None,
        &key,
        &claims(|c| c["name"] = json!("长".repeat(4000))),
    );
    let cases = [
        ("alg none", unsigned),
        ("HS256 with the public key", confused),
        (
            "wrong key",
            sign(Algorithm::RS256, None, &rsa("rsa-b.key"), &good),
        ),
        (
            "expired",
            sign(
                Algorithm::RS256,
                None,
                &key,
                &claims(|c| c["exp"] = json!(now() - 600)),
            ),
        ),
        (
            "not yet valid",
            sign(
                Algorithm::RS256,
                None,
                &key,
                &claims(|c| c["nbf"] = json!(now() + 600)),
            ),
        ),
        (
            "wrong issuer",
            sign(
                Algorithm::RS256,
                None,
                &key,
                &claims(|c| c["iss"] = json!("https://evil.example.com")),
            ),
        ),
        (
            "no issuer",
            sign(
                Algorithm::RS256,
                None,
                &key,
                &claims(|c| {
                    c.as_object_mut().unwrap().remove("iss");
                }),
            ),
        ),
        (
            "wrong audience",
            sign(
                Algorithm::RS256,
                None,
                &key,
                &claims(|c| c["aud"] = json!("elsewhere")),
            ),
        ),
        (
            "no subject",
            sign(
                Algorithm::RS256,
                None,
                &key,
                &claims(|c| {
                    c.as_object_mut().unwrap().remove("sub");
                }),
            ),
        ),
        (
            "no expiry",
            sign(
                Algorithm::RS256,
                None,
                &key,
                &claims(|c| {
                    c.as_object_mut().unwrap().remove("exp");
                }),
            ),
        ),
        (
            "roles not a list",
            sign(
                Algorithm::RS256,
                None,
                &key,
                &claims(|c| c["roles"] = json!("ADMIN")),
            ),
        ),
        (
            "unknown role",
            sign(
                Algorithm::RS256,
                None,
                &key,
                &claims(|c| c["roles"] = json!(["OVERLORD"])),
            ),
        ),
        ("oversized", oversized),
        (
            "truncated",
            sign(Algorithm::RS256, None, &key, &good)[..60].to_owned(),
        ),
        ("not a JWT", "这不是令牌".to_owned()),
    ];
    for (what, token) in cases {
        refused(&app, &token, what).await;
    }
    // Audiences may come as a list.
    let listed = claims(|c| c["aud"] = json!(["other", "jixiao"]));
    accepted(
        &app,
        &sign(Algorithm::RS256, None, &key, &listed),
        "aud list",
    )
    .await;
    let elsewhere = claims(|c| c["aud"] = json!(["other"]));
    refused(
        &app,
        &sign(Algorithm::RS256, None, &key, &elsewhere),
        "aud list without us",
    )
    .await;
    // A small clock skew is tolerated.
    let skewed = claims(|c| c["nbf"] = json!(now() + 10));
    accepted(
        &app,
        &sign(Algorithm::RS256, None, &key, &skewed),
        "nbf 10 s ahead",
    )
    .await;
}

#[tokio::test]
async fn es256_and_eddsa_keys_are_pinned() {
    for (algorithm, alg, name) in [
        (TokenAlgorithm::Es256, Algorithm::ES256, "ec"),
        (TokenAlgorithm::EdDsa, Algorithm::EdDSA, "ed25519"),
    ] {
        let app = TestApp::spawn_with(|c| {
            c.jwt_algorithm = algorithm;
            c.jwt_public_key = Some(key_path(&format!("{name}.pub")));
        })
        .await;
        let pem = read(&format!("{name}.key"));
        let key = match alg {
            Algorithm::ES256 => EncodingKey::from_ec_pem(&pem),
            _ => EncodingKey::from_ed_pem(&pem),
        }
        .expect("key");
        let good = claims(|_| {});
        accepted(&app, &sign(alg, None, &key, &good), name).await;
        // An RSA token is refused however validly signed.
        refused(
            &app,
            &sign(Algorithm::RS256, None, &rsa("rsa-a.key"), &good),
            name,
        )
        .await;
    }
}

#[tokio::test]
async fn jwks_keys_rotate_by_kid_without_a_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let jwks = dir.path().join("jwks.json");
    std::fs::copy(key_path("jwks-a.json"), &jwks).expect("copy");
    let path = jwks.clone();
    let app = TestApp::spawn_with(move |c| {
        c.jwt_algorithm = TokenAlgorithm::Rs256;
        c.jwks_file = Some(path);
    })
    .await;
    let good = claims(|_| {});
    let with_a = sign(Algorithm::RS256, Some("key-a"), &rsa("rsa-a.key"), &good);
    let with_b = sign(Algorithm::RS256, Some("key-b"), &rsa("rsa-b.key"), &good);
    accepted(&app, &with_a, "key-a").await;
    refused(&app, &with_b, "key-b before rotation").await;
    refused(
        &app,
        &sign(Algorithm::RS256, None, &rsa("rsa-a.key"), &good),
        "no kid",
    )
    .await;
    refused(
        &app,
        &sign(Algorithm::RS256, Some("key-b"), &rsa("rsa-a.key"), &good),
        "kid of another key",
    )
    .await;

    // Rotate: the file now holds only key-b.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    std::fs::copy(key_path("jwks-b.json"), &jwks).expect("rotate");
    accepted(&app, &with_b, "key-b after rotation").await;
    refused(&app, &with_a, "key-a after rotation").await;

    // A broken file keeps the keys in force.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    std::fs::write(&jwks, "{ not json").expect("break");
    refused(
        &app,
        &sign(Algorithm::RS256, Some("key-c"), &rsa("rsa-a.key"), &good),
        "unknown kid",
    )
    .await;
    accepted(&app, &with_b, "key-b with a broken file").await;
}

#[test]
fn a_key_without_its_algorithm_or_production_without_a_secret_does_not_start() {
    let mut config = jixiao::config::Config::defaults();
    config.jwt_public_key = Some(key_path("rsa-a.pub"));
    assert!(
        jixiao::authenticator(&config).is_err(),
        "a PEM key with HS256"
    );
    config.jwt_public_key = None;
    config.jwks_file = Some(key_path("jwks-a.json"));
    assert!(
        jixiao::authenticator(&config).is_err(),
        "a JWKS file with HS256"
    );
    config.jwks_file = None;
    config.jwt_secret = None;
    config.mode = jixiao::config::Mode::Production;
    assert!(
        jixiao::authenticator(&config).is_err(),
        "production on the development secret"
    );
    config.jwt_secret = Some("a-real-secret-of-enough-length".into());
    assert!(jixiao::authenticator(&config).is_ok());
    config.jwt_algorithm = TokenAlgorithm::Rs256;
    config.jwks_file = Some(key_path("jwks-a.json"));
    assert!(jixiao::authenticator(&config).is_ok());
}
