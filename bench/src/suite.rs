//! The five servers the load goes to: started here as five `copydesk
//! serve` processes on free loopback ports (the reproducible default), or
//! already running elsewhere (addresses and, for CPU time, pids given).

use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use copydesk_proto::service_names;
use tonic_health::pb::HealthCheckRequest;
use tonic_health::pb::health_check_response::ServingStatus;
use tonic_health::pb::health_client::HealthClient;

/// The servers, in the order tables list them.
pub const SERVERS: [&str; 5] = ["gateway", "segmenter", "entities", "sentiment", "knowledge"];

/// Where each server is, and its process id when known.
#[derive(Clone, Debug, Default)]
pub struct Addresses {
    pub gateway: Option<String>,
    pub segmenter: Option<String>,
    pub entities: Option<String>,
    pub sentiment: Option<String>,
    /// `(server name, pid)` of the processes whose CPU time is reported.
    pub pids: Vec<(String, u32)>,
}

/// Five `copydesk serve` processes, killed on drop.
#[derive(Debug)]
pub struct Spawned {
    children: Vec<(String, Child)>,
    pub addresses: Addresses,
}

impl Drop for Spawned {
    fn drop(&mut self) {
        for (_, child) in &mut self.children {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// A port that was free a moment ago on 127.0.0.1.
fn free_address() -> anyhow::Result<SocketAddr> {
    let listener = TcpListener::bind("127.0.0.1:0").context("cannot bind 127.0.0.1:0")?;
    Ok(listener.local_addr()?)
}

/// The `copydesk` binary: `given`, else this executable when it is
/// `copydesk` itself (`copydesk bench`), else `copydesk` next to it (both
/// are built into target/release).
pub fn copydesk_binary(given: Option<&Path>) -> anyhow::Result<PathBuf> {
    if let Some(path) = given {
        return Ok(path.to_owned());
    }
    let me = std::env::current_exe().context("cannot find this executable")?;
    if me.file_stem().is_some_and(|s| s == "copydesk") {
        return Ok(me);
    }
    let sibling = me.with_file_name(format!("copydesk{}", std::env::consts::EXE_SUFFIX));
    if sibling.is_file() {
        return Ok(sibling);
    }
    bail!(
        "no copydesk binary at {} (build it: cargo build --release -p copydesk-cli, or pass --copydesk-bin)",
        sibling.display()
    )
}

/// The models directory: `./models` in a checkout, else the checkout this
/// crate was built from.
pub fn default_models_dir() -> PathBuf {
    let here = PathBuf::from("models");
    if here.is_dir() {
        return here;
    }
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../models"))
}

/// Starts segmenter, entities, sentiment, knowledge and gateway as five
/// processes of `binary` on free 127.0.0.1 ports and waits until each is
/// SERVING.
pub async fn spawn(binary: &Path, models_dir: &Path) -> anyhow::Result<Spawned> {
    let mut spawned = Spawned {
        children: Vec::new(),
        addresses: Addresses::default(),
    };
    let segmenter = free_address()?;
    let entities = free_address()?;
    let sentiment = free_address()?;
    let knowledge = free_address()?;
    let gateway = free_address()?;
    let url = |a: SocketAddr| format!("http://{a}");
    let models = models_dir.display().to_string();
    let plan: [(&str, SocketAddr, Vec<String>); 5] = [
        ("segmenter", segmenter, vec![]),
        (
            "entities",
            entities,
            vec!["--models-dir".into(), models.clone()],
        ),
        // Sentiment's lexicon and calibration are built into the binary.
        ("sentiment", sentiment, vec![]),
        ("knowledge", knowledge, vec!["--models-dir".into(), models]),
        (
            "gateway",
            gateway,
            vec![
                "--segmenter".into(),
                url(segmenter),
                "--entities".into(),
                url(entities),
                "--sentiment".into(),
                url(sentiment),
                "--knowledge-addr".into(),
                url(knowledge),
            ],
        ),
    ];
    for (name, address, extra) in plan {
        let child = Command::new(binary)
            .args(["serve", name, "--listen", &address.to_string()])
            .args(&extra)
            .env(
                "RUST_LOG",
                std::env::var("RUST_LOG").unwrap_or("warn".into()),
            )
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .spawn()
            .with_context(|| format!("cannot start {} serve {name}", binary.display()))?;
        spawned.addresses.pids.push((name.to_owned(), child.id()));
        spawned.children.push((name.to_owned(), child));
    }
    spawned.addresses.gateway = Some(url(gateway));
    spawned.addresses.segmenter = Some(url(segmenter));
    spawned.addresses.entities = Some(url(entities));
    spawned.addresses.sentiment = Some(url(sentiment));
    for (name, address, service) in [
        ("segmenter", segmenter, service_names::SEGMENTER),
        ("entities", entities, service_names::ENTITY_RECOGNIZER),
        ("sentiment", sentiment, service_names::SENTIMENT_ANALYZER),
        ("knowledge", knowledge, service_names::ENTITY_LINKER),
        ("gateway", gateway, service_names::ANNOTATOR),
    ] {
        wait_until_serving(&url(address), service, Duration::from_secs(60), || {
            spawned.exited(name)
        })
        .await
        .with_context(|| format!("the {name} process did not become ready"))?;
    }
    // The per-server rows name the real `serve` processes; the pids
    // recorded at spawn are theirs.
    spawned.addresses.pids.sort_by_key(|(name, _)| {
        SERVERS
            .iter()
            .position(|s| s == name)
            .unwrap_or(SERVERS.len())
    });
    Ok(spawned)
}

impl Spawned {
    /// Whether the `name` process has exited, and how.
    fn exited(&mut self, name: &str) -> Option<String> {
        let (_, child) = self.children.iter_mut().find(|(n, _)| n == name)?;
        match child.try_wait() {
            Ok(Some(status)) => Some(status.to_string()),
            _ => None,
        }
    }
}

/// Polls `service`'s health at `url` until SERVING; fails after `timeout`
/// or once `exited` reports that the process is gone.
pub async fn wait_until_serving(
    url: &str,
    service: &str,
    timeout: Duration,
    mut exited: impl FnMut() -> Option<String>,
) -> anyhow::Result<()> {
    let started = Instant::now();
    loop {
        if let Some(status) = exited() {
            bail!("it exited ({status})");
        }
        if let Ok(channel) = tonic::transport::Endpoint::from_shared(url.to_owned())?
            .connect()
            .await
        {
            let status = HealthClient::new(channel)
                .check(HealthCheckRequest {
                    service: service.to_owned(),
                })
                .await
                .map(|r| r.into_inner().status);
            if status.is_ok_and(|s| s == ServingStatus::Serving as i32) {
                return Ok(());
            }
        }
        if started.elapsed() > timeout {
            bail!("{service} at {url} not SERVING after {timeout:?}");
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
