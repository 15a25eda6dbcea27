//! jixiao (绩效): a GraphQL service for Chinese public-budget performance self-evaluation
//! reports (部门整体支出 / 项目支出 绩效评价自评报告), stored as structured data.
//!
//! Layers: [`http`] (the edge) → [`graphql`] (thin adapters) → [`domain`] (the business) →
//! the `entity` crate (SeaORM). [`build`] assembles the application so that tests can serve it.

pub mod cli;
pub mod config;
pub mod domain;
pub mod error;
pub mod forms;
pub mod graphql;
pub mod http;
pub mod metrics;
pub mod reference;

use config::Config;
use domain::Db;
use error::AppError;
use std::sync::Arc;
use std::time::Duration;

/// A ready application: its router and database.
pub struct App {
    /// Connection limits to serve it with ([`http::serve::serve`]).
    pub connections: http::serve::ConnectionLimits,
    /// The router to serve.
    pub router: axum::Router,
    /// The database handle.
    pub db: Db,
    /// Shutdown signal and open WebSocket sessions.
    pub lifecycle: http::Lifecycle,
}

/// The token verifier of a configuration: HS256 with the secret (the development secret, with a
/// warning, if none), or the pinned public-key algorithm with a PEM key or a JWKS file.
pub fn authenticator(config: &Config) -> Result<http::auth::Authenticator, AppError> {
    use config::TokenAlgorithm;
    use http::auth::Authenticator;
    let (issuer, audience) = (config.jwt_issuer.clone(), config.jwt_audience.clone());
    match (
        config.jwt_algorithm,
        &config.jwks_file,
        &config.jwt_public_key,
    ) {
        // A key without its algorithm would silently verify HS256 instead: refuse to start.
        (TokenAlgorithm::Hs256, Some(_), _) | (TokenAlgorithm::Hs256, None, Some(_)) => {
            Err(AppError::internal(
                "JIXIAO_JWKS_FILE / JIXIAO_JWT_PUBLIC_KEY need JIXIAO_JWT_ALGORITHM=RS256, ES256 or EdDSA",
            ))
        }
        (TokenAlgorithm::Hs256, None, None) => {
            let secret = match (&config.jwt_secret, config.mode) {
                (Some(secret), _) => secret.clone(),
                (None, config::Mode::Production) => {
                    return Err(AppError::internal(
                        "JIXIAO_MODE=production needs JIXIAO_JWT_SECRET (or a public key): the development secret is public",
                    ));
                }
                (None, config::Mode::Development) => {
                    tracing::warn!(
                        "JIXIAO_JWT_SECRET is not set: using the built-in DEVELOPMENT secret; never do this in production"
                    );
                    http::auth::DEVELOPMENT_SECRET.to_owned()
                }
            };
            Ok(Authenticator::hs256(&secret, issuer, audience))
        }
        (algorithm, Some(path), _) => {
            Authenticator::jwks(algorithm, path.clone(), issuer, audience)
        }
        (algorithm, None, Some(path)) => {
            let pem = std::fs::read(path)
                .map_err(|e| AppError::internal(format!("{}: {e}", path.display())))?;
            Authenticator::public_key(algorithm, &pem, issuer, audience)
        }
        (_, None, None) => Err(AppError::internal(
            "RS256/ES256/EdDSA need JIXIAO_JWT_PUBLIC_KEY or JIXIAO_JWKS_FILE",
        )),
    }
}

/// Query text held by the parsed-document cache (see [`graphql::documents`]).
const DOCUMENT_CACHE_BYTES: usize = 1024 * 1024;

/// Connects, migrates, loads the reference report if configured, and builds the router.
pub async fn build(config: &Config) -> Result<App, AppError> {
    if let Some(program) = &config.pdf_converter
        && !program.is_file()
    {
        return Err(AppError::BadUserInput(format!(
            "JIXIAO_PDF_CONVERTER 指向的程序不存在：{}（应为 LibreOffice 的 soffice，如 /usr/bin/soffice）",
            program.display()
        )));
    }
    let evidence = Arc::new(config.evidence.open(&config.database_url)?);
    let db = Db::connect_with(&config.database_url, config.db_pool_size)
        .await?
        .with_evidence(evidence.clone())
        .with_key_required(config.key_required()?);
    db.migrate().await?;
    // The reference report is demonstration data: production mode never loads it.
    if config.load_reference
        && config.mode != config::Mode::Production
        && reference::load_if_empty(&db).await?
    {
        tracing::info!("loaded the reference report into the empty database");
    }
    let lifecycle = http::Lifecycle::default();
    let loops = lifecycle.background.clone();
    let background = db.background(&config.database_url).await?;
    let events = domain::events::EventHub::start(&background, &config.database_url, &loops).await;
    // The evidence sweep works on the background connections, not the request pool.
    let sweeper = background.clone();
    if config.webhooks {
        domain::webhook::dispatch::spawn(background, &loops);
    }
    let limits = graphql::limits::Limits::of(config);
    let trusted = match &config.trusted_documents {
        Some(path) => graphql::persisted::read_manifest(path, config.max_query_bytes)
            .map_err(AppError::BadUserInput)?,
        None if config.trusted_documents_only => {
            return Err(AppError::BadUserInput(
                "JIXIAO_TRUSTED_DOCUMENTS_ONLY 需要同时指定可信文档清单 JIXIAO_TRUSTED_DOCUMENTS"
                    .into(),
            ));
        }
        None => Default::default(),
    };
    if !trusted.is_empty() {
        tracing::info!(
            documents = trusted.len(),
            only = config.trusted_documents_only,
            "trusted documents loaded"
        );
    }
    let persisted = graphql::persisted::PersistedQueries::with_trusted(
        DOCUMENT_CACHE_BYTES,
        trusted,
        config.trusted_documents_only,
    );
    let schema = |transport| {
        graphql::schema(
            &db,
            chrono::Duration::hours(config.idempotency_ttl_hours),
            events.clone(),
            limits,
            graphql::SchemaOptions {
                suggestions: config.mode == config::Mode::Development,
                offered: forms::Offered {
                    pdf: config.pdf_converter.is_some(),
                },
            },
            lifecycle.shutdown.clone(),
            transport,
        )
    };
    let state = Arc::new(http::Shared {
        schema: schema(graphql::Transport::Http),
        ws_schema: schema(graphql::Transport::WebSocket),
        limits,
        db: db.clone(),
        auth: Arc::new(authenticator(config)?),
        edge: Arc::new(http::EdgeConfig {
            cors_origins: config.cors_origins.clone(),
            body_limit: config.body_limit,
            import_body_limit: config.import_body_limit,
            // A multipart request's own parts (operations, map, boundaries) besides the file.
            upload_limit: usize::try_from(config.evidence.evidence_max_file_bytes)
                .unwrap_or(usize::MAX)
                .saturating_add(64 * 1024),
            timeout: Duration::from_secs(config.request_timeout),
            max_batch: config.max_batch,
            graphiql: config.mode == config::Mode::Development,
            introspection: config.introspection(),
            max_response_bytes: config.max_response_bytes,
            max_subscriptions_per_socket: config.max_subscriptions_per_socket,
            max_subscriptions_per_caller: config.max_subscriptions_per_caller,
        }),
        rate: Arc::new(http::rate::RateLimit::new(
            config.rate_limit,
            config.rate_burst,
        )),
        cache: Arc::new(http::cache::ResponseCache::new(
            config.response_cache_mb.saturating_mul(1024 * 1024),
        )),
        lifecycle: lifecycle.clone(),
        subscriptions: Arc::new(graphql::limits::SubscriptionRegistry::new(
            config.max_subscriptions_per_socket,
            config.max_subscriptions_per_caller,
        )),
        documents: graphql::documents::Documents::new(DOCUMENT_CACHE_BYTES),
        persisted: Arc::new(persisted),
        pdf: config.pdf_converter.clone().map(|program| {
            // Within the request's own timeout, so that the converter is always the one to stop.
            let limit = config
                .pdf_timeout
                .min(config.request_timeout.saturating_sub(1))
                .max(1);
            Arc::new(forms::pdf::Converter::new(
                program,
                Duration::from_secs(limit),
            ))
        }),
    });
    let rate = state.rate.clone();
    loops.spawn(async move {
        let mut tick = tokio::time::interval(Duration::from_secs(60));
        loop {
            tick.tick().await;
            rate.forget_idle();
        }
    });
    // Evidence past its retention (detached files, uploads never attached): a minute after the
    // start, then hourly.
    loops.spawn(async move {
        let hour = Duration::from_secs(3600);
        let first = tokio::time::Instant::now() + Duration::from_secs(60);
        let mut tick = tokio::time::interval_at(first, hour);
        loop {
            tick.tick().await;
            match domain::evidence::sweep(&sweeper, &evidence).await {
                Ok(swept) if swept.rows + swept.blobs > 0 => {
                    tracing::info!(rows = swept.rows, blobs = swept.blobs, "evidence swept");
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = ?e, "evidence sweep failed; retrying next hour"),
            }
        }
    });
    let edge = state.edge.clone();
    Ok(App {
        connections: http::serve::ConnectionLimits::of(config),
        router: http::router(state, &edge),
        db,
        lifecycle,
    })
}
