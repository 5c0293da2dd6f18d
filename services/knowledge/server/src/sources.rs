//! Where the bases come from, and keeping them fresh: the default base's
//! directory and each newsroom file, loaded at start, reloaded when their
//! files change (size, modification time or inode: polled) or on SIGHUP.
//! A load that fails leaves the previous copy serving and is kept, with its
//! line numbers, for `ListKnowledgeBases` and the log.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use copydesk_knowledge::load::rfc3339;
use copydesk_knowledge::{Knowledge, KnowledgeBase, load_default, load_newsroom};
use copydesk_proto::v1;
use copydesk_runtime::Readiness;

/// Where one base comes from.
#[derive(Clone, Debug)]
enum Origin {
    /// The shipped base's directory.
    Default(PathBuf),
    /// A newsroom base file.
    Newsroom(PathBuf),
}

/// The identity of a file's contents as cheaply as the file system tells
/// it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Fingerprint {
    path: PathBuf,
    len: u64,
    modified: Option<SystemTime>,
    inode: u64,
}

#[derive(Debug)]
struct Source {
    origin: Origin,
    /// The name of the base it serves, once loaded.
    serving: Option<String>,
    /// The files as they were at the last attempt.
    seen: Option<Vec<Fingerprint>>,
    last_error: Option<(String, SystemTime)>,
}

/// The bases' sources and the handle their loads are swapped into.
#[derive(Debug)]
pub struct Sources {
    knowledge: Arc<Knowledge>,
    /// Held through each round of (re)loads, so that two never interleave.
    sources: Mutex<Vec<Source>>,
    max_file_bytes: u64,
    readiness: Readiness,
}

impl Sources {
    /// The default base in `default_dir` and the newsroom `files`, nothing
    /// loaded yet.
    pub fn new(
        knowledge: Arc<Knowledge>,
        default_dir: PathBuf,
        files: &[PathBuf],
        max_file_bytes: u64,
        readiness: Readiness,
    ) -> Sources {
        let sources = files
            .iter()
            .map(|f| Origin::Newsroom(f.clone()))
            .chain([Origin::Default(default_dir)])
            .map(|origin| Source {
                origin,
                serving: None,
                seen: None,
                last_error: None,
            })
            .collect();
        Sources {
            knowledge,
            sources: Mutex::new(sources),
            max_file_bytes,
            readiness,
        }
    }

    pub fn knowledge(&self) -> &Arc<Knowledge> {
        &self.knowledge
    }

    /// Loads every source whose files changed since the last attempt (every
    /// source when `force`). Blocking: call it off the async executor.
    pub fn reload(&self, force: bool) {
        let mut sources = self.sources.lock().unwrap_or_else(PoisonError::into_inner);
        for i in 0..sources.len() {
            let seen = fingerprints(&sources[i].origin);
            if !force && sources[i].seen.as_ref() == Some(&seen) {
                continue;
            }
            sources[i].seen = Some(seen);
            let loaded = match &sources[i].origin {
                Origin::Default(dir) => load_default(dir, self.max_file_bytes),
                Origin::Newsroom(file) => load_newsroom(file, self.max_file_bytes),
            };
            let outcome = loaded.map_err(|e| e.to_string()).and_then(|base| {
                let clash = sources
                    .iter()
                    .enumerate()
                    .any(|(j, s)| j != i && s.serving.as_deref() == Some(base.name.as_str()));
                if clash || (base.newsroom && base.name == "default") {
                    return Err(format!(
                        "the base name {:?} is already in use; name it in the file's first line: \
                         # copydesk-knowledge-base: name=<name> version=<version>",
                        base.name
                    ));
                }
                Ok(base)
            });
            let source = &mut sources[i];
            match outcome {
                Ok(base) => {
                    tracing::info!(
                        base = %base.name,
                        entries = base.entries.len(),
                        version = %base.version,
                        "knowledge base loaded"
                    );
                    let name = base.name.clone();
                    let replacing = source.serving.replace(name);
                    source.last_error = None;
                    let order: Vec<String> =
                        sources.iter().filter_map(|s| s.serving.clone()).collect();
                    self.knowledge.install(
                        Arc::new(KnowledgeBase::new(base)),
                        replacing.as_deref(),
                        &order,
                    );
                }
                Err(error) => {
                    tracing::error!(
                        source = %origin_path(&source.origin).display(),
                        %error,
                        "knowledge base not loaded; the previous copy, if any, keeps serving"
                    );
                    source.last_error = Some((error, SystemTime::now()));
                }
            }
        }
        drop(sources);
        let snapshot = self.knowledge.snapshot();
        if !self.readiness.is_ready()
            && let Some(default) = snapshot.bases.iter().find(|b| !b.base.newsroom)
        {
            let models = snapshot.bases.iter().map(|b| model_info(b)).collect();
            tracing::info!(base = %default.name(), "default knowledge base serving");
            self.readiness.set_ready(models);
        }
    }

    /// Why the default base is not serving, when it is not.
    pub fn default_error(&self) -> String {
        let sources = self.sources.lock().unwrap_or_else(PoisonError::into_inner);
        sources
            .iter()
            .find(|s| matches!(s.origin, Origin::Default(_)))
            .and_then(|s| s.last_error.as_ref().map(|(e, _)| e.clone()))
            .unwrap_or_else(|| "still loading".to_owned())
    }

    /// Every source as `ListKnowledgeBases` tells it, newsroom bases first.
    pub fn list(&self) -> Vec<v1::KnowledgeBase> {
        let snapshot = self.knowledge.snapshot();
        let sources = self.sources.lock().unwrap_or_else(PoisonError::into_inner);
        sources
            .iter()
            .map(|source| {
                let newsroom = matches!(source.origin, Origin::Newsroom(_));
                let serving = source.serving.as_deref().and_then(|n| snapshot.get(n));
                let (last_error, last_error_at) = match &source.last_error {
                    Some((error, at)) => (error.clone(), rfc3339(*at)),
                    None => (String::new(), String::new()),
                };
                let mut base = match serving {
                    Some(kb) => v1::KnowledgeBase {
                        name: kb.name().to_owned(),
                        paths: kb
                            .base
                            .paths
                            .iter()
                            .map(|p| p.display().to_string())
                            .collect(),
                        entries: kb.base.entries.len() as u64,
                        version: kb.base.version.clone(),
                        sha256: kb.base.sha256.clone(),
                        loaded_at: rfc3339(kb.loaded_at),
                        ..Default::default()
                    },
                    None => v1::KnowledgeBase {
                        name: if newsroom {
                            copydesk_knowledge::load::NEWSROOM.to_owned()
                        } else {
                            "default".to_owned()
                        },
                        paths: vec![origin_path(&source.origin).display().to_string()],
                        ..Default::default()
                    },
                };
                base.last_error = last_error;
                base.last_error_at = last_error_at;
                base.newsroom = newsroom;
                base
            })
            .collect()
    }
}

/// How `Info.GetInfo` describes a base.
pub fn model_info(base: &KnowledgeBase) -> v1::ModelInfo {
    v1::ModelInfo {
        name: format!("knowledge-base-{}", base.name()),
        version: base.base.version.clone(),
        sha256: base.base.sha256.clone(),
        service: crate::SERVER_NAME.to_owned(),
    }
}

fn origin_path(origin: &Origin) -> &Path {
    match origin {
        Origin::Default(dir) => dir,
        Origin::Newsroom(file) => file,
    }
}

/// The files of `origin` as they are now (a missing file has none).
fn fingerprints(origin: &Origin) -> Vec<Fingerprint> {
    let paths: Vec<PathBuf> = match origin {
        Origin::Newsroom(file) => vec![file.clone()],
        Origin::Default(dir) => {
            let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
                .map(|entries| entries.filter_map(|e| e.ok().map(|e| e.path())).collect())
                .unwrap_or_default();
            paths.sort();
            paths
        }
    };
    paths
        .into_iter()
        .filter_map(|path| {
            let metadata = std::fs::metadata(&path).ok()?;
            #[cfg(unix)]
            let inode = std::os::unix::fs::MetadataExt::ino(&metadata);
            #[cfg(not(unix))]
            let inode = 0;
            Some(Fingerprint {
                len: metadata.len(),
                modified: metadata.modified().ok(),
                inode,
                path,
            })
        })
        .collect()
}

/// Reloads changed sources every `interval` (never when zero) and all of
/// them on SIGHUP, until dropped.
pub async fn reload_forever(sources: Arc<Sources>, interval: Duration) {
    {
        #[cfg(unix)]
        let mut hangup = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup())
        {
            Ok(signal) => Some(signal),
            Err(error) => {
                tracing::warn!(%error, "cannot listen for SIGHUP; reloads only by polling");
                None
            }
        };
        let mut ticker = (!interval.is_zero()).then(|| {
            let mut ticker = tokio::time::interval(interval);
            ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            ticker
        });
        loop {
            let tick = async {
                match ticker.as_mut() {
                    Some(ticker) => {
                        ticker.tick().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            #[cfg(unix)]
            let hup = async {
                match hangup.as_mut() {
                    Some(signal) => {
                        signal.recv().await;
                    }
                    None => std::future::pending::<()>().await,
                }
            };
            #[cfg(not(unix))]
            let hup = std::future::pending::<()>();
            let force = tokio::select! {
                () = tick => false,
                () = hup => {
                    tracing::info!("SIGHUP: reloading every knowledge base");
                    true
                }
            };
            let sources = Arc::clone(&sources);
            if let Err(error) = tokio::task::spawn_blocking(move || sources.reload(force)).await {
                tracing::error!(%error, "knowledge reload task failed");
            }
        }
    }
}
