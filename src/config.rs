//! Configuration: command-line flags, each also read from an environment variable (flags win).
//! Mirrored in `.env.example`.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::net::SocketAddr;

/// jixiao: budget performance self-evaluation reports (绩效评价自评报告) over GraphQL.
///
/// Without a subcommand it serves, with the options below. Each subcommand takes only its own
/// options (`jixiao import --help`); every option is also read from its environment variable
/// and from `.env`.
#[derive(Parser, Debug)]
#[command(name = "jixiao", version, about, long_about)]
pub struct Cli {
    /// What to do (default: serve).
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Service configuration.
    #[command(flatten)]
    pub config: Config,
}

/// Subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve GraphQL (the default), with the same options as `jixiao` alone.
    Serve(Box<ServeArgs>),
    /// Apply database migrations and exit.
    Migrate(DatabaseArgs),
    /// Mint a development JWT signed with the configured HS256 secret.
    Token(TokenArgs),
    /// Print the GraphQL schema (SDL), as committed in `schema.graphql`.
    Schema,
    /// Import reports from a JSON / JSON Lines file or a directory of them (upsert by externalId).
    Import(ImportArgs),
    /// Read official forms (Word .docx, Excel .xlsx / .xls, the text Word saves) as drafts:
    /// JSON Lines that `import` reads, with what needs attention on standard error.
    ImportForm(ImportFormArgs),
    /// Export every report as JSON Lines (what `import` reads back).
    Export(ExportArgs),
    /// Generate report documents as JSON Lines, for tests and benchmarks.
    Generate(GenerateArgs),
    /// Check a report's signature bundle (`GET /reports/{id}/bundle.json`) offline: its content
    /// against its digest, and each signature with the signer's public key. Exits 1 if any fails.
    Verify(VerifyArgs),
}

/// Arguments of `verify`.
#[derive(Args, Debug, Clone)]
pub struct VerifyArgs {
    /// The bundle (JSON).
    pub file: std::path::PathBuf,
}

/// Options of `serve`.
#[derive(Args, Debug, Clone)]
pub struct ServeArgs {
    /// Service configuration.
    #[command(flatten)]
    pub config: Config,
}

/// The database of a subcommand that works on it directly.
#[derive(Args, Debug, Clone, Default)]
pub struct DatabaseArgs {
    /// Database (default: `DATABASE_URL`, else the embedded SQLite file `jixiao.db`).
    #[arg(long)]
    pub database_url: Option<String>,
}

impl DatabaseArgs {
    /// The database to use: this flag, else the configuration's (environment, `.env`, default).
    pub fn url<'a>(&'a self, config: &'a Config) -> &'a str {
        self.database_url.as_deref().unwrap_or(&config.database_url)
    }
}

/// Claims of a development token.
#[derive(Args, Debug, Clone)]
pub struct TokenArgs {
    /// HS256 secret to sign with (default: `JIXIAO_JWT_SECRET`, else the development secret).
    #[arg(long)]
    pub jwt_secret: Option<String>,
    /// Subject (`sub`).
    #[arg(long, default_value = "dev-user")]
    pub sub: String,
    /// Display name (`name`).
    #[arg(long, default_value = "开发者")]
    pub name: String,
    /// Role, repeatable (PREPARER, EVALUATOR, DEPARTMENT_HEAD, FINANCE_REVIEWER, AUDITOR, SYNC_CLIENT, ADMIN).
    #[arg(long = "role", default_values_t = vec!["ADMIN".to_owned()])]
    pub roles: Vec<String>,
    /// Department code in scope, repeatable; `*` for all.
    #[arg(long = "department", default_values_t = vec!["*".to_owned()])]
    pub departments: Vec<String>,
    /// Lifetime in hours.
    #[arg(long, default_value_t = 8)]
    pub hours: i64,
}

/// Arguments of `import`.
#[derive(Args, Debug, Clone)]
pub struct ImportArgs {
    /// A .json or .jsonl file, or a directory of them.
    pub path: std::path::PathBuf,
    /// Create departments that do not exist yet (code as name).
    #[arg(long)]
    pub create_departments: bool,
    /// Hide the progress bar.
    #[arg(long)]
    pub quiet: bool,
    /// Also write each refused document (file, line, externalId, code, field, message) to this
    /// file as JSON Lines.
    #[arg(long)]
    pub errors_out: Option<std::path::PathBuf>,
    /// Where the evidence files the documents list are (default: `<file>.evidence` beside the
    /// imported file, as `export --out` writes them).
    #[arg(long)]
    pub evidence_dir: Option<std::path::PathBuf>,
    /// The database.
    #[command(flatten)]
    pub database: DatabaseArgs,
}

/// Arguments of `import-form`.
#[derive(Args, Debug, Clone)]
pub struct ImportFormArgs {
    /// The forms: .docx, .xlsx, .xls or .txt files (recognised by content).
    #[arg(required = true)]
    pub files: Vec<std::path::PathBuf>,
    /// The department the drafts belong to (their `departmentCode`).
    #[arg(long)]
    pub department: String,
    /// Write the drafts here (default: standard output).
    #[arg(long)]
    pub out: Option<std::path::PathBuf>,
}

/// Arguments of `export`.
#[derive(Args, Debug, Clone)]
pub struct ExportArgs {
    /// Output file (default: standard output).
    #[arg(long)]
    pub out: Option<std::path::PathBuf>,
    /// Where to write the reports' evidence files, each named by its SHA-256 (default:
    /// `<out>.evidence` beside `--out`).
    #[arg(long)]
    pub evidence_dir: Option<std::path::PathBuf>,
    /// The database.
    #[command(flatten)]
    pub database: DatabaseArgs,
}

/// Arguments of `generate`.
#[derive(Args, Debug, Clone)]
pub struct GenerateArgs {
    /// Reports to generate.
    #[arg(long, default_value_t = 2000)]
    pub reports: usize,
    /// Indicators per report.
    #[arg(long, default_value_t = 12)]
    pub indicators: usize,
    /// Departments to spread them over (codes GEN-001…).
    #[arg(long, default_value_t = 50)]
    pub departments: usize,
    /// Seed: the same seed gives the same documents.
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// Output file (default: standard output).
    #[arg(long)]
    pub out: Option<std::path::PathBuf>,
}

/// Log output format.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum LogFormat {
    /// Human-readable lines.
    Text,
    /// One JSON object per line.
    Json,
}

/// Service configuration.
#[derive(Args, Debug, Clone)]
pub struct Config {
    /// Database: an SQLite file (embedded default) or `postgres://user:password@host/db`.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://jixiao.db?mode=rwc"
    )]
    pub database_url: String,
    /// Address to serve on.
    #[arg(long, env = "JIXIAO_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// HS256 secret for bearer tokens; without it a development secret is used, with a warning.
    #[arg(long, env = "JIXIAO_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
    /// Expected token issuer (`iss`); not checked when unset.
    #[arg(long, env = "JIXIAO_JWT_ISSUER")]
    pub jwt_issuer: Option<String>,
    /// Expected token audience (`aud`).
    #[arg(long, env = "JIXIAO_JWT_AUDIENCE", default_value = "jixiao")]
    pub jwt_audience: String,
    /// Load the reference report (云溪区科工局 2019) into an empty database at start.
    #[arg(long, env = "JIXIAO_LOAD_REFERENCE", default_value_t = true, action = clap::ArgAction::Set)]
    pub load_reference: bool,
    /// Log format.
    #[arg(long, env = "JIXIAO_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
    /// Browser origins allowed to call the API (comma-separated, e.g. `https://jixiao.example.gov.cn`);
    /// `*` allows any; empty allows none.
    #[arg(long, env = "JIXIAO_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,
    /// Largest request body, in bytes.
    #[arg(long, env = "JIXIAO_BODY_LIMIT", default_value_t = 2 * 1024 * 1024)]
    pub body_limit: usize,
    /// Deliver webhooks from this instance.
    #[arg(long, env = "JIXIAO_WEBHOOKS", default_value_t = true, action = clap::ArgAction::Set)]
    pub webhooks: bool,
    /// How long an idempotency key holds, in hours.
    #[arg(long, env = "JIXIAO_IDEMPOTENCY_TTL_HOURS", default_value_t = 24)]
    pub idempotency_ttl_hours: i64,
    /// Longest a request may take, in seconds.
    #[arg(long, env = "JIXIAO_REQUEST_TIMEOUT", default_value_t = 30)]
    pub request_timeout: u64,
    /// `production` turns off GraphiQL and field suggestions, and introspection for anonymous
    /// callers (unless `--introspection` says otherwise).
    #[arg(long, env = "JIXIAO_MODE", value_enum, default_value_t = Mode::Development)]
    pub mode: Mode,
    /// Who may introspect the schema; default: everyone in development, signed-in callers in
    /// production.
    #[arg(long, env = "JIXIAO_INTROSPECTION", value_enum)]
    pub introspection: Option<Introspection>,
    /// Largest request body for signed-in callers, in bytes: only `importReports` and `readForm`
    /// may use more than `--body-limit`.
    #[arg(long, env = "JIXIAO_IMPORT_BODY_LIMIT", default_value_t = 16 * 1024 * 1024)]
    pub import_body_limit: usize,
    /// Deepest selection nesting allowed.
    #[arg(long, env = "JIXIAO_MAX_DEPTH", default_value_t = 16)]
    pub max_depth: usize,
    /// Largest query cost: one per field, a connection's selection multiplied by its page size,
    /// a list without paging (indicators, sections, …) by the most rows a report may hold.
    #[arg(long, env = "JIXIAO_MAX_COMPLEXITY", default_value_t = 100_000)]
    pub max_complexity: usize,
    /// Most aliased fields in one document.
    #[arg(long, env = "JIXIAO_MAX_ALIASES", default_value_t = 30)]
    pub max_aliases: usize,
    /// Most root fields in one operation.
    #[arg(long, env = "JIXIAO_MAX_ROOT_FIELDS", default_value_t = 15)]
    pub max_root_fields: usize,
    /// Most directives on one field.
    #[arg(long, env = "JIXIAO_MAX_DIRECTIVES", default_value_t = 4)]
    pub max_directives: usize,
    /// Most query-document bytes (the GraphQL text, not its variables), checked before parsing.
    #[arg(long, env = "JIXIAO_MAX_QUERY_BYTES", default_value_t = 64 * 1024)]
    pub max_query_bytes: usize,
    /// Most lexical tokens in a query document, checked before parsing.
    #[arg(long, env = "JIXIAO_MAX_TOKENS", default_value_t = 5_000)]
    pub max_tokens: usize,
    /// Deepest nesting of braces, brackets and parentheses (selections, list and object values,
    /// arguments) in a query document, checked before parsing.
    #[arg(long, env = "JIXIAO_MAX_NESTING", default_value_t = 48)]
    pub max_nesting: usize,
    /// Most operations in one query document.
    #[arg(long, env = "JIXIAO_MAX_OPERATIONS", default_value_t = 10)]
    pub max_operations: usize,
    /// Most fragment definitions in one query document.
    #[arg(long, env = "JIXIAO_MAX_FRAGMENTS", default_value_t = 50)]
    pub max_fragments: usize,
    /// Most variable definitions in one operation.
    #[arg(long, env = "JIXIAO_MAX_VARIABLES", default_value_t = 50)]
    pub max_variables: usize,
    /// Most errors listed in one answer; the rest are counted in a last `TOO_MANY_ERRORS` entry.
    #[arg(long, env = "JIXIAO_MAX_ERRORS", default_value_t = 20)]
    pub max_errors: usize,
    /// Largest answer to one request, in bytes (`RESPONSE_TOO_LARGE` beyond it).
    #[arg(long, env = "JIXIAO_MAX_RESPONSE_BYTES", default_value_t = 16 * 1024 * 1024)]
    pub max_response_bytes: usize,
    /// Most subscriptions open at once on one WebSocket.
    #[arg(
        long,
        env = "JIXIAO_MAX_SUBSCRIPTIONS_PER_SOCKET",
        default_value_t = 10
    )]
    pub max_subscriptions_per_socket: usize,
    /// Most subscriptions open at once for one caller (subject, or address when anonymous)
    /// over all their sockets.
    #[arg(
        long,
        env = "JIXIAO_MAX_SUBSCRIPTIONS_PER_CALLER",
        default_value_t = 50
    )]
    pub max_subscriptions_per_caller: usize,
    /// Most connections open at once; further clients wait in the listen backlog.
    #[arg(long, env = "JIXIAO_MAX_CONNECTIONS", default_value_t = 1024)]
    pub max_connections: usize,
    /// Seconds a client has to send a request's complete header block.
    #[arg(long, env = "JIXIAO_HEADER_TIMEOUT", default_value_t = 10)]
    pub header_timeout: u64,
    /// Seconds an idle keep-alive connection stays open between requests (0: no keep-alive).
    /// The server waits for the next header block meanwhile, so the shorter of this and
    /// `--header-timeout` applies.
    #[arg(long, env = "JIXIAO_KEEP_ALIVE_TIMEOUT", default_value_t = 60)]
    pub keep_alive_timeout: u64,
    /// Database connections in the request pool. Writes take at most all but a quarter of them
    /// (at least one is kept for reads), and writers to one report queue in the process before
    /// taking any.
    #[arg(long, env = "JIXIAO_DB_POOL_SIZE", default_value_t = 10)]
    pub db_pool_size: u32,
    /// Most operations in one batched request (a JSON array); 0 refuses batches.
    #[arg(long, env = "JIXIAO_MAX_BATCH", default_value_t = 10)]
    pub max_batch: usize,
    /// Requests per minute per caller (per subject, or per IP address when anonymous); 0 turns
    /// the limit off.
    #[arg(long, env = "JIXIAO_RATE_LIMIT", default_value_t = 600)]
    pub rate_limit: u32,
    /// Requests a caller may make at once above the steady rate.
    #[arg(long, env = "JIXIAO_RATE_BURST", default_value_t = 60)]
    pub rate_burst: u32,
    /// Memory for cached query responses, in MiB (0: no cache). A cached response is served
    /// only while no write has committed since it was computed (through any instance).
    #[arg(long, env = "JIXIAO_RESPONSE_CACHE_MB", default_value_t = 32)]
    pub response_cache_mb: usize,
    /// Token algorithm: HS256 (with `--jwt-secret`), or RS256 / ES256 / EdDSA (with
    /// `--jwt-public-key` or `--jwks-file`).
    #[arg(long, env = "JIXIAO_JWT_ALGORITHM", value_enum, default_value_t = TokenAlgorithm::Hs256)]
    pub jwt_algorithm: TokenAlgorithm,
    /// PEM file with the public key that verifies tokens (RS256 / ES256 / EdDSA).
    #[arg(long, env = "JIXIAO_JWT_PUBLIC_KEY")]
    pub jwt_public_key: Option<std::path::PathBuf>,
    /// Trusted-documents manifest: a JSON object from an id to a GraphQL document, as
    /// graphql-codegen (`persisted-documents.json`) or Relay (`persisted_queries.json`) emit it.
    /// Its documents are known by their SHA-256 from the start (Apollo's persisted-query hash).
    #[arg(long, env = "JIXIAO_TRUSTED_DOCUMENTS")]
    pub trusted_documents: Option<std::path::PathBuf>,
    /// Accept only the manifest's documents (`DOCUMENT_NOT_TRUSTED` otherwise), over HTTP and
    /// the WebSocket; for production deployments whose clients are all built with the manifest.
    #[arg(long, env = "JIXIAO_TRUSTED_DOCUMENTS_ONLY", default_value_t = false, action = clap::ArgAction::Set)]
    pub trusted_documents_only: bool,
    /// JWKS file with the public keys that verify tokens, chosen by the token's `kid`; re-read
    /// when it changes, so keys rotate without a restart.
    #[arg(long, env = "JIXIAO_JWKS_FILE")]
    pub jwks_file: Option<std::path::PathBuf>,
    /// LibreOffice's `soffice`, to offer reports as PDF too (`form.pdf`, the Excel form
    /// converted headless); none: no PDF.
    #[arg(long, env = "JIXIAO_PDF_CONVERTER")]
    pub pdf_converter: Option<std::path::PathBuf>,
    /// Longest a PDF conversion may take (and wait for its turn), in seconds.
    #[arg(long, env = "JIXIAO_PDF_TIMEOUT", default_value_t = 20)]
    pub pdf_timeout: u64,
    /// Capacities that must sign with a registered key (comma-separated: GROUP_LEADER,
    /// MEMBER, DEPARTMENT_HEAD, FINANCE_REVIEWER, PREPARER): their `signReport` without a key is
    /// refused, and submission (GROUP_LEADER), approval (DEPARTMENT_HEAD) and publication
    /// (FINANCE_REVIEWER) need such a signature.
    #[arg(long, env = "JIXIAO_REQUIRE_KEY_SIGNATURES", value_delimiter = ',')]
    pub require_key_signatures: Vec<String>,
    /// Evidence (佐证材料): where files are stored and their limits.
    #[command(flatten)]
    pub evidence: EvidenceArgs,
}

/// Evidence (佐证材料): the store and its limits.
#[derive(Args, Debug, Clone)]
pub struct EvidenceArgs {
    /// Where evidence files are stored: a local directory, or `s3://bucket/prefix` for
    /// S3-compatible object storage (with the `JIXIAO_S3_*` settings). Default: beside an
    /// SQLite database file, `<name>-evidence` (`jixiao-evidence` for `jixiao.db`); else
    /// `jixiao-evidence` in the working directory.
    #[arg(long, env = "JIXIAO_EVIDENCE_STORE")]
    pub evidence_store: Option<String>,
    /// Endpoint of an S3-compatible server (`http://127.0.0.1:9000`); AWS S3 when absent.
    #[arg(long, env = "JIXIAO_S3_ENDPOINT")]
    pub s3_endpoint: Option<String>,
    /// S3 region.
    #[arg(long, env = "JIXIAO_S3_REGION", default_value = "us-east-1")]
    pub s3_region: String,
    /// S3 access key id.
    #[arg(long, env = "JIXIAO_S3_ACCESS_KEY_ID")]
    pub s3_access_key_id: Option<String>,
    /// S3 secret access key.
    #[arg(long, env = "JIXIAO_S3_SECRET_ACCESS_KEY", hide_env_values = true)]
    pub s3_secret_access_key: Option<String>,
    /// Largest evidence file, in bytes.
    #[arg(long, env = "JIXIAO_EVIDENCE_MAX_FILE_BYTES", default_value_t = 50 * 1024 * 1024)]
    pub evidence_max_file_bytes: u64,
    /// Most evidence files attached to one report (at most 100).
    #[arg(long, env = "JIXIAO_EVIDENCE_MAX_FILES", default_value_t = 100)]
    pub evidence_max_files: usize,
    /// Most bytes of evidence attached to one report.
    #[arg(long, env = "JIXIAO_EVIDENCE_MAX_REPORT_BYTES", default_value_t = 1024 * 1024 * 1024)]
    pub evidence_max_report_bytes: u64,
    /// Media types taken as evidence (sniffed from the content), comma-separated.
    #[arg(
        long,
        env = "JIXIAO_EVIDENCE_TYPES",
        value_delimiter = ',',
        default_values_t = crate::domain::evidence::sniff::DEFAULT_ALLOWED.map(String::from)
    )]
    pub evidence_types: Vec<String>,
    /// Hours a detached file and an upload never attached are kept before they are removed.
    #[arg(long, env = "JIXIAO_EVIDENCE_RETENTION_HOURS", default_value_t = 24)]
    pub evidence_retention_hours: i64,
}

/// The default evidence directory of a database: beside an SQLite file, named after it.
fn default_store(database_url: &str) -> String {
    let file = database_url
        .strip_prefix("sqlite://")
        .or_else(|| database_url.strip_prefix("sqlite:"))
        .map(|rest| rest.split('?').next().unwrap_or(""))
        .filter(|f| !f.is_empty() && !f.contains(":memory:"));
    match file {
        Some(file) => {
            let path = std::path::Path::new(file);
            let stem = path
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("jixiao");
            path.with_file_name(format!("{stem}-evidence"))
                .display()
                .to_string()
        }
        None => "jixiao-evidence".into(),
    }
}

impl EvidenceArgs {
    /// The evidence store and limits these settings describe.
    pub fn open(
        &self,
        database_url: &str,
    ) -> Result<crate::domain::evidence::Evidence, crate::error::AppError> {
        use crate::domain::evidence::{Evidence, Limits, blobs, sniff};
        use crate::error::AppError;
        let store = self
            .evidence_store
            .clone()
            .unwrap_or_else(|| default_store(database_url));
        let blobs = if store.starts_with("s3://") {
            blobs::Blobs::s3(&blobs::S3Settings {
                url: store,
                endpoint: self.s3_endpoint.clone(),
                region: Some(self.s3_region.clone()),
                access_key_id: self.s3_access_key_id.clone(),
                secret_access_key: self.s3_secret_access_key.clone(),
            })?
        } else {
            blobs::Blobs::local(std::path::Path::new(&store))?
        };
        let ceiling = crate::domain::report::document::max_rows::ATTACHMENTS;
        if self.evidence_max_files > ceiling || self.evidence_max_files == 0 {
            return Err(AppError::BadUserInput(format!(
                "JIXIAO_EVIDENCE_MAX_FILES 须在 1 到 {ceiling} 之间"
            )));
        }
        if self.evidence_max_file_bytes == 0 || self.evidence_max_file_bytes > i32::MAX as u64 {
            return Err(AppError::BadUserInput(
                "JIXIAO_EVIDENCE_MAX_FILE_BYTES 须在 1 到 2147483647 之间".into(),
            ));
        }
        if self.evidence_retention_hours < 0 {
            return Err(AppError::BadUserInput(
                "JIXIAO_EVIDENCE_RETENTION_HOURS 不能为负".into(),
            ));
        }
        let known: Vec<&str> = sniff::KNOWN.iter().map(|(t, _)| *t).collect();
        let allowed: Vec<String> = self
            .evidence_types
            .iter()
            .map(|t| t.trim().to_ascii_lowercase())
            .filter(|t| !t.is_empty())
            .collect();
        if let Some(unknown) = allowed.iter().find(|t| !known.contains(&t.as_str())) {
            return Err(AppError::BadUserInput(format!(
                "JIXIAO_EVIDENCE_TYPES 中的 {unknown} 不是可识别的类型（可选：{}）",
                known.join(", ")
            )));
        }
        Ok(Evidence {
            blobs,
            limits: Limits {
                max_file_bytes: self.evidence_max_file_bytes,
                max_files: self.evidence_max_files,
                max_report_bytes: self.evidence_max_report_bytes,
                allowed,
                retention: chrono::Duration::hours(self.evidence_retention_hours),
            },
        })
    }
}

/// Development or production defaults.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// GraphiQL, introspection and field suggestions for everyone.
    Development,
    /// No GraphiQL, no suggestions, introspection for signed-in callers only.
    Production,
}

/// Who may introspect the schema.
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Introspection {
    /// Everyone.
    All,
    /// Callers with a valid token.
    Authenticated,
    /// No one.
    Off,
}

/// Token signature algorithms (one is pinned; tokens signed otherwise are refused).
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenAlgorithm {
    /// HMAC-SHA256 with a shared secret.
    #[value(name = "HS256")]
    Hs256,
    /// RSA PKCS#1 v1.5 with SHA-256.
    #[value(name = "RS256")]
    Rs256,
    /// ECDSA P-256 with SHA-256.
    #[value(name = "ES256")]
    Es256,
    /// Ed25519.
    #[value(name = "EdDSA")]
    EdDsa,
}

impl Cli {
    /// The service configuration in force: `serve`'s own options, else those given to
    /// `jixiao` itself (the environment, `.env` and defaults fill both).
    pub fn effective(&self) -> &Config {
        match &self.command {
            Some(Command::Serve(args)) => &args.config,
            _ => &self.config,
        }
    }
}

impl Config {
    /// The capacities that must sign with a registered key.
    pub fn key_required(&self) -> Result<Vec<entity::SignatureRole>, crate::error::AppError> {
        use sea_orm::ActiveEnum;
        self.require_key_signatures
            .iter()
            .map(|r| r.trim())
            .filter(|r| !r.is_empty())
            .map(|r| {
                entity::SignatureRole::try_from_value(&r.to_ascii_uppercase()).map_err(|_| {
                    crate::error::AppError::BadUserInput(format!(
                        "JIXIAO_REQUIRE_KEY_SIGNATURES 中的 {r} 不是签名身份（GROUP_LEADER、MEMBER、DEPARTMENT_HEAD、FINANCE_REVIEWER、PREPARER）"
                    ))
                })
            })
            .collect()
    }

    /// The configuration with every default, as with no flags and no environment: the
    /// environment is not read, so an exported `JIXIAO_*` variable cannot change it.
    pub fn defaults() -> Self {
        use clap::{CommandFactory, FromArgMatches};
        let command = Cli::command().mut_args(|arg| arg.env(None));
        let matches = command.get_matches_from(["jixiao"]);
        match Cli::from_arg_matches(&matches) {
            Ok(cli) => cli.config,
            Err(e) => e.exit(),
        }
    }

    /// Who may introspect, after the mode's default.
    pub fn introspection(&self) -> Introspection {
        self.introspection.unwrap_or(match self.mode {
            Mode::Development => Introspection::All,
            Mode::Production => Introspection::Authenticated,
        })
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn evidence_lives_beside_its_sqlite_file() {
        use super::default_store;
        assert_eq!(
            default_store("sqlite://jixiao.db?mode=rwc"),
            "jixiao-evidence"
        );
        assert_eq!(
            default_store("sqlite:///var/lib/jixiao/yx.db?mode=rwc"),
            "/var/lib/jixiao/yx-evidence"
        );
        assert_eq!(default_store("sqlite::memory:"), "jixiao-evidence");
        assert_eq!(default_store("postgres://u:p@h/db"), "jixiao-evidence");
    }
}
