//! Signatures made with the signer's own key (scheme 3), through the real HTTP endpoint: keys
//! registered with proof of possession, the signing payload signed outside the service (the
//! test signer below holds the private keys; the service never sees them), verification, the
//! bundle checked offline by `jixiao verify`, and every bad input refused with a code and
//! nothing recorded.

use crate::support::{TestApp, UPSERT, fixture};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use serde_json::{Value, json};

/// A test signer: a private key of each algorithm, from fixed bytes.
pub(crate) enum TestKey {
    Sm2(Box<sm2::dsa::SigningKey>),
    Ed25519(Box<ed25519_dalek::SigningKey>),
    P256(Box<p256::ecdsa::SigningKey>),
}

impl TestKey {
    pub(crate) fn sm2(seed: u8) -> Self {
        let secret = sm2::SecretKey::from_slice(&[seed; 32]).expect("secret");
        TestKey::Sm2(Box::new(
            sm2::dsa::SigningKey::new("1234567812345678", &secret).expect("key"),
        ))
    }

    pub(crate) fn ed25519(seed: u8) -> Self {
        TestKey::Ed25519(Box::new(ed25519_dalek::SigningKey::from_bytes(&[seed; 32])))
    }

    pub(crate) fn p256(seed: u8) -> Self {
        TestKey::P256(Box::new(
            p256::ecdsa::SigningKey::from_slice(&[seed; 32]).expect("key"),
        ))
    }

    pub(crate) fn algorithm(&self) -> &'static str {
        match self {
            TestKey::Sm2(_) => "SM2",
            TestKey::Ed25519(_) => "ED25519",
            TestKey::P256(_) => "ECDSA_P256",
        }
    }

    pub(crate) fn public(&self) -> String {
        match self {
            TestKey::Sm2(k) => {
                use sm2::elliptic_curve::sec1::ToEncodedPoint;
                B64.encode(
                    k.verifying_key()
                        .as_affine()
                        .to_encoded_point(false)
                        .as_bytes(),
                )
            }
            TestKey::Ed25519(k) => B64.encode(k.verifying_key().to_bytes()),
            TestKey::P256(k) => B64.encode(k.verifying_key().to_encoded_point(false).as_bytes()),
        }
    }

    pub(crate) fn sign(&self, message: &[u8]) -> String {
        use signature::Signer;
        match self {
            TestKey::Sm2(k) => {
                let s: sm2::dsa::Signature = k.sign(message);
                B64.encode(s.to_bytes())
            }
            TestKey::Ed25519(k) => B64.encode(k.sign(message).to_bytes()),
            TestKey::P256(k) => {
                let s: p256::ecdsa::Signature = k.sign(message);
                B64.encode(s.to_bytes())
            }
        }
    }
}

const CHALLENGE: &str = "mutation { createKeyChallenge { challenge statement expiresAt } }";
const REGISTER: &str = "mutation($i: RegisterSignerKeyInput!) { registerSignerKey(input: $i) { key { id fingerprint algorithm revokedAt } userErrors { field code message } } }";
const PAYLOAD: &str = "query($id: ID!, $role: SignatureRole!, $opinion: String) { signingPayload(reportId: $id, role: $role, opinion: $opinion) { payload payloadBase64 sha256 signedAt contentDigest } }";
const SIGN: &str = "mutation($i: SignReportInput!) { signReport(input: $i) { signature { scheme serverRecorded algorithm keyFingerprint valid bindingDigest } userErrors { field code message } } }";
const VERIFY: &str = "query($id: ID!) { verifyReport(id: $id) { intact allSignaturesValid signatures { ordinal role scheme serverRecorded algorithm valid invalidReason } } }";

/// Registers `key` for the caller of `token`; returns the key's id.
pub(crate) async fn register(app: &TestApp, token: &str, key: &TestKey) -> String {
    let c = app.gql(Some(token), CHALLENGE, json!({})).await;
    let c = &c["data"]["createKeyChallenge"];
    let statement = c["statement"].as_str().expect("statement");
    let r = app
        .gql(
            Some(token),
            REGISTER,
            json!({ "i": {
                "algorithm": key.algorithm(), "publicKey": key.public(),
                "challenge": c["challenge"], "proof": key.sign(statement.as_bytes()),
                "label": "测试密钥",
            } }),
        )
        .await;
    assert_eq!(
        r["data"]["registerSignerKey"]["userErrors"],
        json!([]),
        "{r}"
    );
    r["data"]["registerSignerKey"]["key"]["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

/// Signs report `id` in `role` with `key`: fetches the payload, signs it, sends it. The payload.
pub(crate) async fn sign(
    app: &TestApp,
    token: &str,
    id: &str,
    role: &str,
    opinion: Option<&str>,
    (key_id, key): (&str, &TestKey),
) -> (Value, Value) {
    let p = app
        .gql(
            Some(token),
            PAYLOAD,
            json!({ "id": id, "role": role, "opinion": opinion }),
        )
        .await;
    let p = p["data"]["signingPayload"].clone();
    let bytes = B64
        .decode(p["payloadBase64"].as_str().expect("payload"))
        .expect("b64");
    assert_eq!(
        p["payload"].as_str().map(str::as_bytes),
        Some(bytes.as_slice())
    );
    let r = app
        .gql(
            Some(token),
            SIGN,
            json!({ "i": {
                "reportId": id, "role": role, "opinion": opinion,
                "keyId": key_id, "signature": key.sign(&bytes), "signedAt": p["signedAt"],
            } }),
        )
        .await;
    (r["data"]["signReport"].clone(), p)
}

async fn step(
    app: &TestApp,
    token: &str,
    mutation: &str,
    id: &str,
    opinion: Option<&str>,
) -> Value {
    let (input, vars) = match opinion {
        Some(o) => (
            "OpinionTransitionInput",
            json!({ "i": { "reportId": id, "opinion": o } }),
        ),
        None => ("TransitionInput", json!({ "i": { "reportId": id } })),
    };
    let q = format!(
        "mutation($i: {input}!) {{ {mutation}(input: $i) {{ report {{ status }} userErrors {{ code message }} }} }}"
    );
    let r = app.gql(Some(token), &q, vars).await;
    r["data"][mutation].clone()
}

/// The reference report with 姚骄阳 (`e-yao`) as group leader; its id.
async fn reference(app: &TestApp) -> String {
    let mut input = fixture();
    input["document"]["evaluators"][0]["role"] = json!("GROUP_LEADER");
    input["document"]["evaluators"][0]["subject"] = json!("e-yao");
    input["document"]["finance"]["units"][0]["income"]["publicFinance"] = json!("604.54");
    let r = app
        .gql(Some(&app.preparer()), UPSERT, json!({ "input": input }))
        .await;
    assert_eq!(r["data"]["upsertReport"]["userErrors"], json!([]), "{r}");
    r["data"]["upsertReport"]["report"]["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

fn run_verify(path: &std::path::Path) -> (bool, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(["verify", path.to_str().expect("path")])
        .env("JIXIAO_DOTENV", "false")
        .env("RUST_LOG", "warn")
        .output()
        .expect("run jixiao verify");
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// The end to end: the group leader (SM2), the department head (Ed25519) and the
/// finance reviewer (ECDSA P-256) sign with keys the server never sees, the report is
/// published, and `jixiao verify` on its bundle says every signature holds; one byte changed in
/// the bundle, and it says which signature fails.
#[tokio::test]
async fn signers_sign_with_their_own_keys_and_the_bundle_verifies_offline() {
    let app = TestApp::spawn_with(|c| {
        c.require_key_signatures = vec![
            "GROUP_LEADER".into(),
            "DEPARTMENT_HEAD".into(),
            "FINANCE_REVIEWER".into(),
        ];
    })
    .await;
    let id = reference(&app).await;
    let leader = app.token_for("e-yao", "姚骄阳", &["EVALUATOR"], &["YX-KGJ"]);
    let head = app.token_for("d-head", "部门负责人", &["DEPARTMENT_HEAD"], &["YX-KGJ"]);
    let finance = app.token_for("f-rev", "财政股室", &["FINANCE_REVIEWER"], &["YX-KGJ"]);
    let (sm2_key, ed_key, p_key) = (TestKey::sm2(7), TestKey::ed25519(8), TestKey::p256(9));
    let sm2_id = register(&app, &leader, &sm2_key).await;
    let ed_id = register(&app, &head, &ed_key).await;
    let p_id = register(&app, &finance, &p_key).await;

    // Configured to need keys: a server-recorded signature of the group leader is refused.
    let r = app
        .gql(
            Some(&leader),
            SIGN,
            json!({ "i": { "reportId": id, "role": "GROUP_LEADER" } }),
        )
        .await;
    assert_eq!(
        r["data"]["signReport"]["userErrors"][0]["code"], "KEY_SIGNATURE_REQUIRED",
        "{r}"
    );

    let (signed, payload) = sign(
        &app,
        &leader,
        &id,
        "GROUP_LEADER",
        Some("同意，自评结果基本属实"),
        (&sm2_id, &sm2_key),
    )
    .await;
    assert_eq!(signed["userErrors"], json!([]), "{signed}");
    assert_eq!(signed["signature"]["scheme"], 3);
    assert_eq!(signed["signature"]["serverRecorded"], false);
    assert_eq!(signed["signature"]["algorithm"], "SM2");
    assert_eq!(signed["signature"]["valid"], true);
    assert_eq!(signed["signature"]["bindingDigest"], payload["sha256"]);
    let text = payload["payload"].as_str().expect("payload");
    assert!(
        text.starts_with(&format!(
            "{{\"purpose\":\"jixiao-report-signature\",\"scheme\":3,\"reportId\":\"{id}\",\"contentDigest\":\"{}\",\"role\":\"GROUP_LEADER\",\"signerSubject\":\"e-yao\",\"opinion\":{{\"kind\":\"GROUP_LEADER\",\"text\":\"同意，自评结果基本属实\",\"person\":\"姚骄阳\",\"date\":\"",
            payload["contentDigest"].as_str().expect("digest")
        )),
        "{text}"
    );
    let submitted = step(&app, &app.preparer(), "submitReport", &id, None).await;
    assert_eq!(submitted["userErrors"], json!([]), "{submitted}");

    let (signed, _) = sign(&app, &head, &id, "DEPARTMENT_HEAD", None, (&ed_id, &ed_key)).await;
    assert_eq!(signed["userErrors"], json!([]), "{signed}");
    let approved = step(&app, &head, "approveReport", &id, Some("同意")).await;
    assert_eq!(approved["userErrors"], json!([]), "{approved}");
    let (signed, _) = sign(
        &app,
        &finance,
        &id,
        "FINANCE_REVIEWER",
        None,
        (&p_id, &p_key),
    )
    .await;
    assert_eq!(signed["userErrors"], json!([]), "{signed}");
    let reviewed = step(&app, &finance, "reviewReport", &id, Some("同意公开")).await;
    assert_eq!(reviewed["userErrors"], json!([]), "{reviewed}");
    let published = step(&app, &finance, "publishReport", &id, None).await;
    assert_eq!(published["userErrors"], json!([]), "{published}");
    assert_eq!(published["report"]["status"], "PUBLISHED");

    let auditor = app.token(&["AUDITOR"], &["YX-KGJ"]);
    let v = app.gql(Some(&auditor), VERIFY, json!({ "id": id })).await;
    let v = &v["data"]["verifyReport"];
    assert_eq!(v["allSignaturesValid"], true, "{v}");
    let algorithms: Vec<&str> = v["signatures"]
        .as_array()
        .expect("signatures")
        .iter()
        .filter_map(|s| s["algorithm"].as_str())
        .collect();
    assert_eq!(algorithms, ["SM2", "ED25519", "ECDSA_P256"], "{v}");

    // The bundle, checked offline.
    let got = app
        .client()
        .get(format!("{}/reports/{id}/bundle.json", app.base))
        .bearer_auth(&auditor)
        .send()
        .await
        .expect("bundle");
    assert_eq!(got.status(), 200);
    let bundle: Value = got.json().await.expect("json");
    assert_eq!(
        app.get(&format!("/reports/{id}/bundle.json"))
            .await
            .status(),
        404,
        "anonymous"
    );
    let dir = tempfile::tempdir().expect("dir");
    let path = dir.path().join("bundle.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&bundle).expect("json")).expect("write");
    let (ok, out) = run_verify(&path);
    assert!(ok, "{out}");
    assert_eq!(
        out.matches("：成立（").count(),
        4,
        "content and three key signatures: {out}"
    );

    // One byte of the department head's signature value changed: that signature fails.
    let mut altered = bundle.clone();
    let signatures = altered["signatures"].as_array_mut().expect("signatures");
    let head_sig = signatures
        .iter_mut()
        .find(|s| s["role"] == "DEPARTMENT_HEAD" && s["scheme"] == 3)
        .expect("head's key signature");
    let mut value = B64
        .decode(head_sig["signature"].as_str().expect("value"))
        .expect("b64");
    value[10] ^= 1;
    head_sig["signature"] = json!(B64.encode(value));
    let ordinal = head_sig["ordinal"].as_i64().expect("ordinal");
    std::fs::write(&path, serde_json::to_vec(&altered).expect("json")).expect("write");
    let (ok, out) = run_verify(&path);
    assert!(!ok, "{out}");
    let failing: Vec<&str> = out.lines().filter(|l| l.contains("不成立")).collect();
    assert_eq!(failing.len(), 1, "{out}");
    assert!(
        failing[0].starts_with(&format!("签名 {ordinal}（DEPARTMENT_HEAD")),
        "{out}"
    );

    // One byte of the content changed: the content and every signature over it fail.
    let mut altered = bundle.clone();
    let doc = altered["canonicalDocument"]
        .as_str()
        .expect("doc")
        .replacen("680.54", "680.55", 1);
    altered["canonicalDocument"] = json!(doc);
    std::fs::write(&path, serde_json::to_vec(&altered).expect("json")).expect("write");
    let (ok, out) = run_verify(&path);
    assert!(!ok, "{out}");
    assert!(out.starts_with("内容：不成立"), "{out}");
}

#[tokio::test]
async fn bad_keys_and_signatures_are_refused_and_record_nothing() {
    let app = TestApp::spawn().await;
    let id = reference(&app).await;
    let other = reference_other(&app).await;
    let leader = app.token_for("e-yao", "姚骄阳", &["EVALUATOR"], &["YX-KGJ"]);
    let key = TestKey::ed25519(3);
    let key_id = register(&app, &leader, &key).await;
    let spare = TestKey::sm2(4);
    register(&app, &leader, &spare).await;
    let count = |app: &TestApp| {
        let db = app.db.conn.clone();
        async move {
            use sea_orm::{EntityTrait, PaginatorTrait};
            entity::signature::Entity::find()
                .count(&db)
                .await
                .expect("count")
        }
    };
    let before = count(&app).await;
    let p = payload_of(&app, &leader, &id).await;
    let bytes = B64
        .decode(p["payloadBase64"].as_str().expect("b64"))
        .expect("b64");
    let cases: Vec<(&str, String, &str, Value, &str)> = vec![
        (
            "over other bytes",
            key.sign(b"something else"),
            key_id.as_str(),
            p["signedAt"].clone(),
            "SIGNATURE_INVALID",
        ),
        (
            "by another key",
            spare.sign(&bytes),
            key_id.as_str(),
            p["signedAt"].clone(),
            "SIGNATURE_INVALID",
        ),
        (
            "not base64",
            "%%%".into(),
            key_id.as_str(),
            p["signedAt"].clone(),
            "KEY_INVALID",
        ),
        (
            "an hour old",
            key.sign(&bytes),
            key_id.as_str(),
            json!("2020-01-01T00:00:00Z"),
            "OUT_OF_RANGE",
        ),
        (
            "a time with fractions",
            key.sign(&bytes),
            key_id.as_str(),
            json!("2026-11-30T02:00:00.5Z"),
            "INVALID",
        ),
    ];
    for (name, signature, kid, at, code) in cases {
        let r = send(&app, &leader, &id, (kid, signature, &at)).await;
        assert_eq!(r["userErrors"][0]["code"], code, "{name}: {r}");
    }
    // Another report's signature replayed on this one.
    let q = payload_of(&app, &leader, &other).await;
    let other_bytes = B64
        .decode(q["payloadBase64"].as_str().expect("b64"))
        .expect("b64");
    let r = send(
        &app,
        &leader,
        &id,
        (&key_id, key.sign(&other_bytes), &q["signedAt"]),
    )
    .await;
    assert_eq!(
        r["userErrors"][0]["code"], "SIGNATURE_INVALID",
        "replay: {r}"
    );
    // Somebody else's key.
    let stranger = app.token_for("someone", "某人", &["EVALUATOR"], &["YX-KGJ"]);
    let theirs = TestKey::p256(5);
    let theirs_id = register(&app, &stranger, &theirs).await;
    let r = send(
        &app,
        &leader,
        &id,
        (&theirs_id, theirs.sign(&bytes), &p["signedAt"]),
    )
    .await;
    assert_eq!(r["userErrors"][0]["code"], "KEY_REVOKED", "{r}");
    assert_eq!(count(&app).await, before, "nothing recorded");

    // Registration: a malformed key, a bad proof, a reused challenge.
    let c =
        app.gql(Some(&leader), CHALLENGE, json!({})).await["data"]["createKeyChallenge"].clone();
    let fresh = TestKey::ed25519(6);
    let r = app
        .gql(Some(&leader), REGISTER, json!({ "i": { "algorithm": "ED25519", "publicKey": B64.encode([1u8; 7]), "challenge": c["challenge"], "proof": fresh.sign(b"x") } }))
        .await;
    assert_eq!(
        r["data"]["registerSignerKey"]["userErrors"][0]["code"], "KEY_INVALID",
        "{r}"
    );
    let r = app
        .gql(Some(&leader), REGISTER, json!({ "i": { "algorithm": "ED25519", "publicKey": fresh.public(), "challenge": c["challenge"], "proof": fresh.sign(c["statement"].as_str().expect("s").as_bytes()) } }))
        .await;
    assert_eq!(
        r["data"]["registerSignerKey"]["userErrors"][0]["code"], "CHALLENGE_INVALID",
        "a failed attempt used it up: {r}"
    );
    let c =
        app.gql(Some(&leader), CHALLENGE, json!({})).await["data"]["createKeyChallenge"].clone();
    let r = app
        .gql(Some(&leader), REGISTER, json!({ "i": { "algorithm": "ED25519", "publicKey": fresh.public(), "challenge": c["challenge"], "proof": fresh.sign(b"not the statement") } }))
        .await;
    assert_eq!(
        r["data"]["registerSignerKey"]["userErrors"][0]["code"], "SIGNATURE_INVALID",
        "{r}"
    );
    let r = app
        .gql(Some(&leader), REGISTER, json!({ "i": { "algorithm": "ED25519", "publicKey": fresh.public(), "challenge": c["challenge"], "proof": fresh.sign(c["statement"].as_str().expect("s").as_bytes()) } }))
        .await;
    assert_eq!(
        r["data"]["registerSignerKey"]["userErrors"][0]["code"], "CHALLENGE_INVALID",
        "used up: {r}"
    );

    // A good signature holds after its key is revoked; the key signs nothing after.
    let (signed, _) = sign(&app, &leader, &id, "GROUP_LEADER", None, (&key_id, &key)).await;
    assert_eq!(signed["userErrors"], json!([]), "{signed}");
    let revoke = "mutation($i: RevokeSignerKeyInput!) { revokeSignerKey(input: $i) { key { revokedAt } userErrors { code } } }";
    let r = app
        .gql(Some(&stranger), revoke, json!({ "i": { "keyId": key_id } }))
        .await;
    assert_eq!(
        r["errors"][0]["extensions"]["code"], "NOT_FOUND",
        "not theirs: {r}"
    );
    let r = app
        .gql(Some(&leader), revoke, json!({ "i": { "keyId": key_id } }))
        .await;
    assert!(
        r["data"]["revokeSignerKey"]["key"]["revokedAt"].is_string(),
        "{r}"
    );
    let auditor = app.token(&["AUDITOR"], &["YX-KGJ"]);
    let v = app.gql(Some(&auditor), VERIFY, json!({ "id": id })).await;
    assert_eq!(v["data"]["verifyReport"]["allSignaturesValid"], true, "{v}");
    let (again, _) = sign(&app, &leader, &id, "GROUP_LEADER", None, (&key_id, &key)).await;
    assert_eq!(again["userErrors"][0]["code"], "KEY_REVOKED", "{again}");
    // The signature shows it was made before its key was revoked.
    let r = app
        .gql(
            Some(&auditor),
            "query($id: ID!) { report(id: $id) { signatures { signedAt valid key { revokedAt } } } }",
            json!({ "id": id }),
        )
        .await;
    let s = &r["data"]["report"]["signatures"][0];
    assert_eq!(s["valid"], true, "{r}");
    assert!(
        s["signedAt"].as_str() < s["key"]["revokedAt"].as_str(),
        "{r}"
    );
    // Challenges do not pile up: asking again retires the older ones.
    let first =
        app.gql(Some(&leader), CHALLENGE, json!({})).await["data"]["createKeyChallenge"].clone();
    for _ in 0..5 {
        app.gql(Some(&leader), CHALLENGE, json!({})).await;
    }
    let late = TestKey::ed25519(21);
    let r = app
        .gql(Some(&leader), REGISTER, json!({ "i": { "algorithm": "ED25519", "publicKey": late.public(), "challenge": first["challenge"], "proof": late.sign(first["statement"].as_str().expect("s").as_bytes()) } }))
        .await;
    assert_eq!(
        r["data"]["registerSignerKey"]["userErrors"][0]["code"], "CHALLENGE_INVALID",
        "retired: {r}"
    );
    // A signature row altered in the database no longer verifies.
    {
        use sea_orm::{ActiveModelTrait, EntityTrait, QueryOrder};
        let row = entity::signature::Entity::find()
            .order_by_desc(entity::signature::Column::Ordinal)
            .one(&app.db.conn)
            .await
            .expect("read")
            .expect("row");
        let mut active: entity::signature::ActiveModel = row.into();
        active.signer_name = sea_orm::ActiveValue::Set("改过的名字".into());
        active.key_signature = sea_orm::ActiveValue::Set(Some(spare.sign(b"forged")));
        active.update(&app.db.conn).await.expect("update");
    }
    let v = app.gql(Some(&auditor), VERIFY, json!({ "id": id })).await;
    let last = v["data"]["verifyReport"]["signatures"]
        .as_array()
        .and_then(|s| s.last())
        .cloned()
        .expect("signature");
    assert_eq!(last["invalidReason"], "KEY_SIGNATURE_INVALID", "{v}");
}

async fn payload_of(app: &TestApp, token: &str, report: &str) -> Value {
    app.gql(
        Some(token),
        PAYLOAD,
        json!({ "id": report, "role": "GROUP_LEADER" }),
    )
    .await["data"]["signingPayload"]
        .clone()
}

async fn send(
    app: &TestApp,
    token: &str,
    report: &str,
    (key_id, signature, signed_at): (&str, String, &Value),
) -> Value {
    app.gql(
        Some(token),
        SIGN,
        json!({ "i": { "reportId": report, "role": "GROUP_LEADER", "keyId": key_id, "signature": signature, "signedAt": signed_at } }),
    )
    .await["data"]["signReport"]
        .clone()
}

/// A second report (another year) with the same leader.
async fn reference_other(app: &TestApp) -> String {
    let mut input = fixture();
    input["externalId"] = json!("other-report");
    input["document"]["fiscalYear"] = json!(2020);
    input["document"]["evaluators"][0]["role"] = json!("GROUP_LEADER");
    input["document"]["evaluators"][0]["subject"] = json!("e-yao");
    let r = app
        .gql(Some(&app.preparer()), UPSERT, json!({ "input": input }))
        .await;
    assert_eq!(r["data"]["upsertReport"]["userErrors"], json!([]), "{r}");
    r["data"]["upsertReport"]["report"]["id"]
        .as_str()
        .expect("id")
        .to_owned()
}

/// Signatures of jixiao's test signer for the independent verifiers (gmssl, cryptography) that
/// `tests/signing/run.sh` runs in CI: written to `target/tmp/signing-vectors.json`, after
/// jixiao's own verifier agrees.
#[test]
fn vectors_for_independent_verifiers() {
    let message = "jixiao 签名互操作：925.45万元".as_bytes();
    let mut vectors = Vec::new();
    for key in [TestKey::sm2(11), TestKey::ed25519(12), TestKey::p256(13)] {
        let signature = key.sign(message);
        let algorithm: entity::SignatureAlgorithm =
            sea_orm::ActiveEnum::try_from_value(&key.algorithm().to_owned()).expect("algorithm");
        let public = jixiao::domain::keys::base64(&key.public()).expect("b64");
        let parsed = jixiao::domain::keys::parse(algorithm, &public, "1234567812345678")
            .expect("jixiao reads its own test key");
        assert!(jixiao::domain::keys::verifies(
            &parsed,
            message,
            &B64.decode(&signature).expect("b64")
        ));
        vectors.push(json!({
            "algorithm": key.algorithm(), "publicKey": key.public(),
            "message": B64.encode(message), "signature": signature,
        }));
    }
    let path = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("signing-vectors.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&vectors).expect("json")).expect("write");
}
