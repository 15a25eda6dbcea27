//! jixiao (绩效): a GraphQL service for Chinese public-budget performance self-evaluation
//! reports (部门整体支出 / 项目支出 绩效评价自评报告), stored as structured data.
//!
//! Layers: [`http`] (the edge) → [`graphql`] (thin adapters) → [`domain`] (the business) →
//! the `entity` crate (SeaORM). [`build`] assembles the application so that tests can serve it.

pub mod cli;
pub mod config;
pub mod domain;
pub mod error;
pub mod graphql;
pub mod http;
pub mod reference;

use config::Config;
use domain::Db;
use error::AppError;
use std::sync::Arc;
use std::time::Duration;

/// A ready application: its router and database.
pub struct App {
    /// The router to serve.
    pub router: axum::Router,
    /// The database handle.
    pub db: Db,
}

/// The token verifier of a configuration (development secret, with a warning, if none).
pub fn authenticator(config: &Config) -> http::auth::Authenticator {
    let secret = config.jwt_secret.clone().unwrap_or_else(|| {
        tracing::warn!("JIXIAO_JWT_SECRET is not set: using the built-in DEVELOPMENT secret; never do this in production");
        http::auth::DEVELOPMENT_SECRET.to_owned()
    });
    http::auth::Authenticator::hs256(
        &secret,
        config.jwt_issuer.clone(),
        config.jwt_audience.clone(),
    )
}

/// Connects, migrates, loads the reference report if configured, and builds the router.
pub async fn build(config: &Config) -> Result<App, AppError> {
    let db = Db::connect(&config.database_url).await?;
    db.migrate().await?;
    if config.load_reference && reference::load_if_empty(&db).await? {
        tracing::info!("loaded the reference report into the empty database");
    }
    let background = db.background(&config.database_url).await?;
    let events = domain::events::EventHub::start(&background, &config.database_url).await;
    if config.webhooks {
        domain::webhook::dispatch::spawn(background);
    }
    let state = http::AppState {
        schema: graphql::schema(
            &db,
            chrono::Duration::hours(config.idempotency_ttl_hours),
            events,
        ),
        db: db.clone(),
        auth: Arc::new(authenticator(config)),
    };
    let edge = http::EdgeConfig {
        cors_origins: config.cors_origins.clone(),
        body_limit: config.body_limit,
        timeout: Duration::from_secs(config.request_timeout),
    };
    Ok(App {
        router: http::router(state, &edge),
        db,
    })
}
