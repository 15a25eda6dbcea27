//! Prometheus metrics: requests by operation and outcome, latency, errors by code, rate-limit
//! refusals, events delivered, SQL statements and the database pool. Served at `/metrics`.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use std::collections::HashSet;
use std::sync::{LazyLock, Mutex};

/// Operation names kept as labels; later new names count as `other` (names come from clients).
const MAX_OPERATION_NAMES: usize = 200;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Outcome {
    operation: String,
    outcome: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Operation {
    operation: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Code {
    code: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct Channel {
    channel: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolState {
    state: String,
}

/// The process's metrics.
pub struct Metrics {
    registry: Registry,
    requests: Family<Outcome, Counter>,
    latency: Family<Operation, Histogram>,
    errors: Family<Code, Counter>,
    events: Family<Channel, Counter>,
    pool: Family<PoolState, Gauge>,
    operations: Mutex<HashSet<String>>,
}

static METRICS: LazyLock<Metrics> = LazyLock::new(Metrics::new);

/// The process-wide metrics.
pub fn get() -> &'static Metrics {
    &METRICS
}

impl Metrics {
    fn new() -> Self {
        let mut registry = Registry::with_prefix("jixiao");
        let requests = Family::<Outcome, Counter>::default();
        let latency = Family::<Operation, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.0005, 2.0, 16))
        });
        let errors = Family::<Code, Counter>::default();
        let events = Family::<Channel, Counter>::default();
        let pool = Family::<PoolState, Gauge>::default();
        registry.register(
            "graphql_requests",
            "GraphQL operations by operation name and outcome (ok, or the first error code)",
            requests.clone(),
        );
        registry.register(
            "graphql_request_duration_seconds",
            "Time to answer a GraphQL operation, by operation name",
            latency.clone(),
        );
        registry.register(
            "errors",
            "Errors answered, by code (GraphQL errors and HTTP-edge refusals)",
            errors.clone(),
        );
        registry.register(
            "events_delivered",
            "Change events delivered, by channel (webhook, subscription)",
            events.clone(),
        );
        registry.register(
            "db_pool_connections",
            "Database pool connections, by state (in_use, idle)",
            pool.clone(),
        );
        Self {
            registry,
            requests,
            latency,
            errors,
            events,
            pool,
            operations: Mutex::new(HashSet::new()),
        }
    }

    /// A bounded label for a client-supplied operation name.
    pub fn operation_label(&self, name: Option<&str>) -> String {
        let Some(name) = name else {
            return "anonymous".into();
        };
        let valid = !name.is_empty()
            && name.len() <= 64
            && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
        if !valid {
            return "invalid".into();
        }
        let mut seen = self.operations.lock().unwrap_or_else(|e| e.into_inner());
        if seen.contains(name) || seen.len() < MAX_OPERATION_NAMES {
            seen.insert(name.to_owned());
            name.to_owned()
        } else {
            "other".into()
        }
    }

    /// One operation answered.
    pub fn request(&self, operation: &str, outcome: &str, seconds: f64) {
        self.requests
            .get_or_create(&Outcome {
                operation: operation.to_owned(),
                outcome: outcome.to_owned(),
            })
            .inc();
        self.latency
            .get_or_create(&Operation {
                operation: operation.to_owned(),
            })
            .observe(seconds);
    }

    /// One error answered with `code`.
    pub fn error(&self, code: &str) {
        self.errors
            .get_or_create(&Code {
                code: code.to_owned(),
            })
            .inc();
    }

    /// One event delivered through `channel`.
    pub fn event_delivered(&self, channel: &str) {
        self.events
            .get_or_create(&Channel {
                channel: channel.to_owned(),
            })
            .inc();
    }

    /// The text exposition, with the statement counter and pool state read now.
    pub fn encode(&self, statements: u64, pool_in_use: i64, pool_idle: i64) -> String {
        for (state, value) in [("in_use", pool_in_use), ("idle", pool_idle)] {
            self.pool
                .get_or_create(&PoolState {
                    state: state.to_owned(),
                })
                .set(value);
        }
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = prometheus_client::encoding::text::encode_registry(&mut out, &self.registry);
        // The statement counter belongs to the database handle, so it is written here.
        out.push_str(&format!(
            "# HELP jixiao_sql_statements SQL statements executed on behalf of requests.\n\
             # TYPE jixiao_sql_statements counter\n\
             jixiao_sql_statements_total {statements}\n"
        ));
        let _ = prometheus_client::encoding::text::encode_eof(&mut out);
        out
    }
}
