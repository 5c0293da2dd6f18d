//! Health that waits for a service to be ready: a server whose model loads
//! in the background reports its services (and the server as a whole,
//! `""`) NOT_SERVING until the service says it is ready, so that load
//! balancers, `copydesk up` and tests wait on health instead of sleeping.
//!
//! The service keeps a [`Readiness`] clone, hands one to
//! [`Server::with_readiness`](crate::Server::with_readiness), and calls
//! [`Readiness::set_ready`] once it can answer. The models it reports there
//! are added to `Info.GetInfo`, since a model's version and checksum are
//! only known once it is loaded.

use std::sync::{Arc, Mutex, PoisonError};

use copydesk_proto::v1::ModelInfo;
use tokio::sync::watch;
use tonic_health::ServingStatus;
use tonic_health::server::HealthReporter;

/// Whether a service is ready to answer; shared between the service and
/// its [`Server`](crate::Server).
#[derive(Clone, Debug)]
pub struct Readiness {
    ready: Arc<watch::Sender<bool>>,
    models: Arc<Mutex<Vec<ModelInfo>>>,
}

impl Default for Readiness {
    fn default() -> Self {
        Readiness::new()
    }
}

impl Readiness {
    /// Not ready yet.
    pub fn new() -> Self {
        Readiness {
            ready: Arc::new(watch::Sender::new(false)),
            models: Arc::new(Mutex::new(Vec::new())),
        }
    }

    /// Marks the service ready: health turns SERVING, and `models` join the
    /// ones `Info.GetInfo` reports.
    pub fn set_ready(&self, models: Vec<ModelInfo>) {
        self.models
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .extend(models);
        self.ready.send_replace(true);
    }

    pub fn is_ready(&self) -> bool {
        *self.ready.borrow()
    }

    /// The models reported by [`Readiness::set_ready`].
    pub(crate) fn models(&self) -> Vec<ModelInfo> {
        self.models
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Resolves once the service is ready.
    async fn wait(&self) {
        let mut receiver = self.ready.subscribe();
        // The sender lives in `self`, so this only ends when ready.
        let _ = receiver.wait_for(|ready| *ready).await;
    }
}

/// Serializes the health updates of readiness and of shutdown, so that a
/// model finishing its load during shutdown cannot turn health back to
/// SERVING.
#[derive(Clone, Default)]
pub(crate) struct HealthGate {
    shutting_down: Arc<tokio::sync::Mutex<bool>>,
}

impl HealthGate {
    /// Sets `services` SERVING once `readiness` is ready, unless shutdown
    /// has begun.
    pub(crate) async fn follow(
        self,
        readiness: Readiness,
        reporter: HealthReporter,
        services: Vec<&'static str>,
    ) {
        readiness.wait().await;
        let shutting_down = self.shutting_down.lock().await;
        if *shutting_down {
            return;
        }
        for service in services {
            reporter
                .set_service_status(service, ServingStatus::Serving)
                .await;
        }
        tracing::info!("ready: health is SERVING");
    }

    /// Marks shutdown, then sets every one of `services` NOT_SERVING.
    pub(crate) async fn shut(&self, reporter: &HealthReporter, services: &[&'static str]) {
        let mut shutting_down = self.shutting_down.lock().await;
        *shutting_down = true;
        for service in services {
            reporter
                .set_service_status(service, ServingStatus::NotServing)
                .await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn health_follows_readiness_but_not_after_shutdown() {
        let (reporter, _service) = tonic_health::server::health_reporter();
        let readiness = Readiness::new();
        reporter
            .set_service_status("x", ServingStatus::NotServing)
            .await;
        let gate = HealthGate::default();
        let follower = tokio::spawn(gate.clone().follow(
            readiness.clone(),
            reporter.clone(),
            vec!["x"],
        ));
        assert!(!readiness.is_ready());
        readiness.set_ready(vec![ModelInfo {
            name: "m".to_owned(),
            ..Default::default()
        }]);
        follower.await.ok();
        assert!(readiness.is_ready());
        assert_eq!(readiness.models()[0].name, "m");
    }
}
