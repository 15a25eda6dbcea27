//! `TestApp`: a served application on a fresh database, with a GraphQL client.

use jixiao::config::Config;
use jixiao::domain::Db;
use reqwest::StatusCode;
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, Database};
use serde_json::{Value, json};
use std::str::FromStr;

pub const SECRET: &str = "integration-test-secret";

/// The reference fixture as JSON (the `upsertReport` input).
pub fn fixture() -> Value {
    serde_json::from_str(jixiao::reference::FIXTURE).expect("fixture parses")
}

pub struct TestApp {
    pub base: String,
    pub db: Db,
    /// The database URL the app serves.
    pub url: String,
    client: reqwest::Client,
    _dir: Option<tempfile::TempDir>,
    /// The local evidence store's directory (none when the tests use S3).
    _evidence_dir: Option<tempfile::TempDir>,
}

/// Where a test app keeps evidence: a fresh prefix of the S3-compatible server at
/// `JIXIAO_TEST_S3_URL` (`s3://bucket`, with `JIXIAO_TEST_S3_ENDPOINT` and test credentials) when
/// set, else a fresh local directory.
pub fn fresh_evidence(config: &mut Config) -> Option<tempfile::TempDir> {
    match std::env::var("JIXIAO_TEST_S3_URL") {
        Ok(bucket) if bucket.starts_with("s3://") => {
            let e = &mut config.evidence;
            e.evidence_store = Some(format!(
                "{}/test-{}",
                bucket.trim_end_matches('/'),
                uuid::Uuid::new_v4().simple()
            ));
            e.s3_endpoint = std::env::var("JIXIAO_TEST_S3_ENDPOINT").ok();
            e.s3_access_key_id = Some("test".into());
            e.s3_secret_access_key = Some("test".into());
            None
        }
        _ => {
            let dir = tempfile::tempdir().expect("evidence tempdir");
            config.evidence.evidence_store = Some(dir.path().display().to_string());
            Some(dir)
        }
    }
}

/// A fresh, empty database URL: a new PostgreSQL database when `JIXIAO_TEST_DATABASE_URL` is set,
/// else a new SQLite file.
pub async fn fresh_database() -> (String, Option<tempfile::TempDir>) {
    match std::env::var("JIXIAO_TEST_DATABASE_URL") {
        Ok(admin) if admin.starts_with("postgres") => {
            let name = format!("jixiao_test_{}", uuid::Uuid::new_v4().simple());
            let conn = Database::connect(admin.as_str())
                .await
                .expect("connect to test PostgreSQL");
            conn.execute_unprepared(&format!("CREATE DATABASE {name}"))
                .await
                .expect("create test database");
            conn.close().await.ok();
            let base = admin
                .rsplit_once('/')
                .map(|(b, _)| b.to_owned())
                .expect("url has a database");
            (format!("{base}/{name}"), None)
        }
        _ => {
            let dir = tempfile::tempdir().expect("tempdir");
            let url = format!("sqlite://{}?mode=rwc", dir.path().join("test.db").display());
            (url, Some(dir))
        }
    }
}

/// Warnings and errors the app logs go to the test's captured output, shown when it fails.
fn log_warnings() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let _ = tracing_subscriber::fmt()
            .with_test_writer()
            .with_env_filter(tracing_subscriber::EnvFilter::new("warn"))
            .try_init();
    });
}

impl TestApp {
    /// An application on a fresh database with the reference departments (YX, YX-KGJ) and no report.
    pub async fn spawn() -> Self {
        Self::start(false).await
    }

    /// An application on a fresh database with the reference report loaded (published).
    pub async fn with_reference() -> Self {
        Self::start(true).await
    }

    /// An application on a fresh database, with `adjust` applied to its configuration.
    pub async fn spawn_with(adjust: impl FnOnce(&mut Config)) -> Self {
        Self::start_with(false, adjust).await
    }

    async fn start(load_reference: bool) -> Self {
        Self::start_with(load_reference, |_| {}).await
    }

    async fn start_with(load_reference: bool, adjust: impl FnOnce(&mut Config)) -> Self {
        log_warnings();
        let (url, dir) = fresh_database().await;
        let mut config = Config::defaults();
        config.database_url = url.clone();
        config.jwt_secret = Some(SECRET.into());
        config.load_reference = load_reference;
        config.cors_origins = vec!["https://front.example.gov.cn".into()];
        config.rate_limit = 0;
        let evidence_dir = fresh_evidence(&mut config);
        adjust(&mut config);
        // Departments are set up with an HS256 token; apps verifying other keys start empty.
        // (and apps accepting only trusted documents, whose manifest does not list the set-up).
        let hs256 = config.jwt_algorithm == jixiao::config::TokenAlgorithm::Hs256
            && !config.trusted_documents_only;
        let app = jixiao::build(&config).await.expect("app builds");
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = listener.local_addr().expect("addr");
        tokio::spawn(jixiao::http::serve::serve(
            listener,
            app.router,
            app.connections,
            tokio_util::sync::CancellationToken::new(),
            std::time::Duration::from_secs(1),
        ));
        let me = TestApp {
            base: format!("http://{addr}"),
            db: app.db,
            url: url.clone(),
            client: reqwest::Client::new(),
            _dir: dir,
            _evidence_dir: evidence_dir,
        };
        if !load_reference && hs256 {
            let admin = me.token(&["ADMIN"], &["*"]);
            for (code, name, parent) in [
                ("YX", "岳阳市云溪区", None),
                ("YX-KGJ", "岳阳市云溪区科技和工业信息化局", Some("YX")),
                ("YX-CZJ", "岳阳市云溪区财政局", Some("YX")),
            ] {
                let r = me
                    .gql(Some(&admin), "mutation($i: UpsertDepartmentInput!) { upsertDepartment(input: $i) { userErrors { code } } }",
                        json!({ "i": { "code": code, "name": name, "parentCode": parent, "region": "湖南省岳阳市云溪区" } }))
                    .await;
                assert_eq!(
                    r["data"]["upsertDepartment"]["userErrors"],
                    json!([]),
                    "{r}"
                );
            }
        }
        me
    }

    /// A token with these roles and departments.
    pub fn token(&self, roles: &[&str], departments: &[&str]) -> String {
        self.token_for("u-test", "测试用户", roles, departments)
    }

    pub fn token_for(&self, sub: &str, name: &str, roles: &[&str], departments: &[&str]) -> String {
        let auth = jixiao::http::auth::Authenticator::hs256(SECRET, None, "jixiao".into());
        let roles: Vec<String> = roles.iter().map(|s| (*s).to_owned()).collect();
        let departments: Vec<String> = departments.iter().map(|s| (*s).to_owned()).collect();
        auth.mint(sub, name, &roles, &departments, 1).expect("mint")
    }

    /// Files the project fixture (`tests/fixtures/project-report.json`) as YX-KGJ's preparer;
    /// returns the fixture and the report's global id.
    pub async fn upsert_project(&self) -> (Value, String) {
        let project: Value =
            serde_json::from_str(include_str!("../fixtures/project-report.json")).expect("project");
        let r = self
            .gql(Some(&self.preparer()), UPSERT, json!({ "input": project }))
            .await;
        let id = r["data"]["upsertReport"]["report"]["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{r}"))
            .to_owned();
        (project, id)
    }

    /// A preparer of YX-KGJ.
    pub fn preparer(&self) -> String {
        self.token(&["PREPARER"], &["YX-KGJ"])
    }

    /// POSTs a GraphQL request; returns status and body.
    pub async fn post(
        &self,
        token: Option<&str>,
        query: &str,
        variables: Value,
    ) -> (StatusCode, Value) {
        let mut req = self
            .client
            .post(format!("{}/graphql", self.base))
            .json(&json!({ "query": query, "variables": variables }));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await.expect("request");
        let status = resp.status();
        (status, resp.json().await.unwrap_or(Value::Null))
    }

    /// POSTs a GraphQL request expecting HTTP 200; returns the body.
    pub async fn gql(&self, token: Option<&str>, query: &str, variables: Value) -> Value {
        let (status, body) = self.post(token, query, variables).await;
        assert_eq!(status, StatusCode::OK, "{body}");
        body
    }

    /// A raw GET.
    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(format!("{}{path}", self.base))
            .send()
            .await
            .expect("request")
    }

    pub fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// Upserts the reference fixture as a preparer; returns the payload.
    pub async fn upsert_fixture(&self) -> Value {
        let body = self
            .gql(
                Some(&self.preparer()),
                UPSERT,
                json!({ "input": fixture() }),
            )
            .await;
        body["data"]["upsertReport"].clone()
    }

    /// Creates a small report through the API; returns its global id.
    pub async fn create_report(&self, year: i32, unit: &str, score: Option<&str>) -> String {
        let doc = json!({
            "departmentCode": "YX-KGJ", "fiscalYear": year, "unitName": unit, "declaredScore": score,
            "indicators": [
                { "category": "OUTPUT", "subcategory": "QUANTITY", "target": { "text": "≥50个" }, "actual": { "text": "52个" } },
                { "category": "OUTCOME", "subcategory": "SOCIAL", "target": { "text": "效果明显" } }
            ],
            "evaluators": [{ "name": "张三", "position": "科长", "unit": "科工局" }],
            "finance": { "units": [{ "name": "局机关", "income": { "total": "10.50", "publicFinance": "10.50" } }] }
        });
        let r = self
            .gql(Some(&self.preparer()), "mutation($i: CreateReportInput!) { createReport(input: $i) { report { id } userErrors { code message field } } }", json!({ "i": { "document": doc } }))
            .await;
        assert_eq!(r["data"]["createReport"]["userErrors"], json!([]), "{r}");
        r["data"]["createReport"]["report"]["id"]
            .as_str()
            .expect("id")
            .to_owned()
    }

    /// Number of live reports in the database.
    pub async fn report_count(&self) -> u64 {
        use sea_orm::{EntityTrait, PaginatorTrait};
        entity::report::Entity::find()
            .count(&self.db.conn)
            .await
            .expect("count")
    }
}

pub const UPSERT: &str = "mutation($input: UpsertReportInput!) { upsertReport(input: $input) { result report { id version contentDigest status } userErrors { field code message } } }";

/// Asserts two JSON values are equal, comparing strings that are both decimals by value
/// (so "76" equals "76.00") and everything else exactly. Reports the first difference.
pub fn assert_same(expected: &Value, actual: &Value, path: &str) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, ev) in e {
                let av = a.get(k).unwrap_or(&Value::Null);
                assert_same(ev, av, &format!("{path}.{k}"));
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            assert_eq!(e.len(), a.len(), "length differs at {path}");
            for (i, (ev, av)) in e.iter().zip(a).enumerate() {
                assert_same(ev, av, &format!("{path}[{i}]"));
            }
        }
        (Value::String(e), Value::String(a)) => {
            if let (Ok(de), Ok(da)) = (Decimal::from_str(e), Decimal::from_str(a)) {
                assert_eq!(de, da, "decimal differs at {path}");
            } else {
                assert_eq!(e, a, "text differs at {path}");
            }
        }
        _ => assert_eq!(expected, actual, "value differs at {path}"),
    }
}

/// Starts the real binary on the database `url` (reference report loaded, the test secret),
/// with `env` on top and its log to `stderr`; returns the process and its base URL.
pub fn spawn_server_with(
    url: &str,
    env: &[(&str, &str)],
    stderr: std::process::Stdio,
) -> (std::process::Child, String) {
    let addr = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("port");
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"));
    command
        .env("DATABASE_URL", url)
        .env("JIXIAO_LISTEN", addr.to_string())
        .env("JIXIAO_JWT_SECRET", SECRET)
        .env("JIXIAO_LOAD_REFERENCE", "true")
        .env("JIXIAO_DOTENV", "false")
        .env(
            "JIXIAO_EVIDENCE_STORE",
            std::env::temp_dir().join(format!("jixiao-evidence-{}", uuid::Uuid::new_v4().simple())),
        )
        .env("RUST_LOG", "warn");
    for (key, value) in env {
        command.env(key, value);
    }
    let child = command
        .stdout(std::process::Stdio::null())
        .stderr(stderr)
        .spawn()
        .expect("spawn");
    (child, format!("http://{addr}"))
}

/// [`spawn_server_with`] with nothing added and no log.
pub fn spawn_server(url: &str) -> (std::process::Child, String) {
    spawn_server_with(url, &[], std::process::Stdio::null())
}

/// Waits until `base` is ready (database reachable, migrations current).
pub async fn wait_up(client: &reqwest::Client, base: &str) {
    for _ in 0..150 {
        if client
            .get(format!("{base}/readyz"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("{base} did not come up");
}

/// Sends SIGTERM and waits (at most 10 s) for the process to exit.
pub async fn terminate(child: &mut std::process::Child) -> std::process::ExitStatus {
    let killed = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .expect("kill");
    assert!(killed.success());
    for _ in 0..100 {
        if let Some(status) = child.try_wait().expect("wait") {
            return status;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let _ = child.kill();
    panic!("jixiao did not stop on SIGTERM")
}
