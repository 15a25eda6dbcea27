//! Background work (the event pump, the PostgreSQL listener, the webhook dispatcher, the rate
//! limiter's sweep) owned by the service's lifecycle: each loop stops when shutdown is signalled,
//! and shutdown waits for them.

use std::future::Future;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

/// Starts background loops that end at shutdown.
#[derive(Clone, Default)]
pub struct Background {
    shutdown: CancellationToken,
    tracker: TaskTracker,
}

impl Background {
    /// Loops that stop when `shutdown` is cancelled.
    pub fn new(shutdown: CancellationToken) -> Self {
        Self {
            shutdown,
            tracker: TaskTracker::new(),
        }
    }

    /// Runs `work` until it ends or shutdown is signalled.
    pub fn spawn(&self, work: impl Future<Output = ()> + Send + 'static) {
        let shutdown = self.shutdown.clone();
        self.tracker.spawn(async move {
            tokio::select! {
                () = shutdown.cancelled() => {}
                () = work => {}
            }
        });
    }

    /// Waits for every loop to stop (after shutdown was signalled).
    pub async fn stopped(&self) {
        self.tracker.close();
        self.tracker.wait().await;
    }
}

#[cfg(test)]
mod tests {
    use super::Background;
    use tokio_util::sync::CancellationToken;

    #[tokio::test]
    async fn loops_stop_at_shutdown() {
        let shutdown = CancellationToken::new();
        let background = Background::new(shutdown.clone());
        background.spawn(std::future::pending());
        background.spawn(async {
            loop {
                tokio::time::sleep(std::time::Duration::from_millis(5)).await;
            }
        });
        shutdown.cancel();
        tokio::time::timeout(std::time::Duration::from_secs(5), background.stopped())
            .await
            .expect("every loop stopped");
    }
}
