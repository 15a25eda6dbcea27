//! The connection layer under the router: a cap on open connections, a deadline for each
//! request's header block (which also closes idle keep-alive connections), bounded headers, and
//! graceful shutdown. `axum::serve` has none of the first three, so a few hundred connections
//! that never finish their headers could exhaust the process's file descriptors.

use axum::Router;
use axum::extract::ConnectInfo;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;
use tower::ServiceExt;

/// Connection limits.
#[derive(Clone, Copy, Debug)]
pub struct ConnectionLimits {
    /// Most connections open at once; further clients wait in the listen backlog.
    pub max_connections: usize,
    /// Time a client has to send a request's complete header block, counted from when the server
    /// starts waiting for it, so an idle keep-alive connection is closed after it too.
    pub header_timeout: Duration,
    /// Time an idle keep-alive connection is kept open between requests (at most
    /// `header_timeout`: the server waits for the next header block meanwhile).
    pub keep_alive_timeout: Duration,
    /// Largest header block, in bytes.
    pub max_header_bytes: usize,
}

impl ConnectionLimits {
    /// The limits of a configuration.
    pub fn of(config: &crate::config::Config) -> Self {
        Self {
            max_connections: config.max_connections.max(1),
            header_timeout: Duration::from_secs(config.header_timeout.max(1)),
            keep_alive_timeout: Duration::from_secs(config.keep_alive_timeout),
            max_header_bytes: 64 * 1024,
        }
    }
}

impl ConnectionLimits {
    /// How long a connection may wait for a request's header block: hyper runs one timer from
    /// when it starts waiting for a request (new or next on a keep-alive connection) until the
    /// header block is complete, so this is the shorter of the two timeouts.
    pub fn header_wait(&self) -> Duration {
        if self.keep_alive_timeout.is_zero() {
            self.header_timeout
        } else {
            self.header_timeout.min(self.keep_alive_timeout)
        }
    }
}

/// Raises the soft open-file limit to the hard limit, so the connection cap (not the kernel)
/// decides how many clients are served; returns the limit in force.
pub fn raise_open_file_limit() -> u64 {
    use rustix::process::{Resource, getrlimit, setrlimit};
    let mut limit = getrlimit(Resource::Nofile);
    if let Some(hard) = limit.maximum
        && limit.current != Some(hard)
    {
        limit.current = Some(hard);
        if let Err(e) = setrlimit(Resource::Nofile, limit) {
            tracing::warn!(error = %e, "could not raise the open-file limit");
        }
    }
    getrlimit(Resource::Nofile).current.unwrap_or(u64::MAX)
}

/// Serves `router` on `listener` until `shutdown` is cancelled, then stops accepting, lets
/// requests in flight finish (connections close after their current response) and returns once
/// every connection has closed or `grace` has passed.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ConnectionLimits,
    shutdown: CancellationToken,
    grace: Duration,
) {
    let slots = Arc::new(Semaphore::new(limits.max_connections));
    let connections = TaskTracker::new();
    loop {
        let permit = tokio::select! {
            () = shutdown.cancelled() => break,
            permit = slots.clone().acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
        };
        let (stream, peer) = tokio::select! {
            () = shutdown.cancelled() => break,
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of descriptors or a connection reset before accept: wait a moment
                    // instead of spinning, then go on.
                    tracing::warn!(error = %e, "accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        let stop = shutdown.clone();
        connections.spawn(async move {
            let _permit = permit;
            serve_connection(stream, peer, router, limits, stop).await;
        });
    }
    drop(listener);
    connections.close();
    if tokio::time::timeout(grace, connections.wait())
        .await
        .is_err()
    {
        tracing::warn!(
            open = connections.len(),
            "connections still open after the grace period"
        );
    }
}

async fn serve_connection(
    stream: tokio::net::TcpStream,
    peer: SocketAddr,
    router: Router,
    limits: ConnectionLimits,
    shutdown: CancellationToken,
) {
    let service = hyper::service::service_fn(move |mut request: hyper::Request<_>| {
        request.extensions_mut().insert(ConnectInfo(peer));
        router.clone().oneshot(request.map(axum::body::Body::new))
    });
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_wait())
        .keep_alive(!limits.keep_alive_timeout.is_zero())
        .max_buf_size(limits.max_header_bytes.max(8192));
    let connection = builder
        .serve_connection(TokioIo::new(stream), service)
        .with_upgrades();
    tokio::pin!(connection);
    tokio::select! {
        result = connection.as_mut() => {
            if let Err(e) = result {
                tracing::debug!(error = %e, "connection ended");
            }
        }
        () = shutdown.cancelled() => {
            connection.as_mut().graceful_shutdown();
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended during shutdown");
            }
        }
    }
}
