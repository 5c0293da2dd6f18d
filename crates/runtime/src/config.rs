//! Settings every server takes, as flags and environment variables.

use std::time::Duration;

/// Settings shared by every Copydesk server.
#[derive(Clone, Debug, clap::Args)]
pub struct ServerConfig {
    /// Largest gRPC message accepted or sent, in bytes. A segmentation is
    /// several times larger than its text, so keep this well above the
    /// largest document.
    #[arg(long, env = "COPYDESK_MAX_MESSAGE_BYTES", default_value_t = 16 * 1024 * 1024)]
    pub max_message_bytes: usize,

    /// Requests handled at once; beyond it new requests are refused at once
    /// with RESOURCE_EXHAUSTED (HTTP 429) instead of queueing. 0: no limit.
    /// Health, reflection, Info and /metrics are never refused.
    #[arg(long, env = "COPYDESK_MAX_CONCURRENT_REQUESTS", default_value_t = 64)]
    pub max_concurrent_requests: usize,

    /// How long in-flight calls may run on after shutdown begins, in
    /// seconds; connections still open after it are closed.
    #[arg(long, env = "COPYDESK_SHUTDOWN_GRACE_SECS", default_value_t = 10)]
    pub shutdown_grace_secs: u64,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            max_message_bytes: 16 * 1024 * 1024,
            max_concurrent_requests: 64,
            shutdown_grace_secs: 10,
        }
    }
}

impl ServerConfig {
    /// The drain period after a shutdown signal.
    pub fn shutdown_grace(&self) -> Duration {
        Duration::from_secs(self.shutdown_grace_secs)
    }
}
