//! [`AuditWriter`]: the thread that appends records to the audit file and rotates it by size.
//!
//! Rotation: when the next record would take the file past `audit.max_bytes`, `PATH.N` is removed (N =
//! `keep_files`), each `PATH.i` becomes `PATH.i+1`, `PATH` becomes `PATH.1`, and a new `PATH` is started.
//! Files are created readable and writable by the gateway's user only (0600).
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::Context;
use tokio::sync::mpsc;

use super::AuditRecord;
use crate::config::AuditFileConfig;
use crate::metrics::Metrics;

/// How long the writer waits before retrying a failed write.
const RETRY_DELAY: Duration = Duration::from_millis(500);
/// Retries of one record once the gateway is shutting down (before that, retries never stop).
const RETRIES_AT_SHUTDOWN: u32 = 10;

/// The writer thread; [`AuditWriter::finish`] waits for it to drain the queue.
pub struct AuditWriter {
    thread: Option<JoinHandle<()>>,
}

struct FileSink {
    path: PathBuf,
    max_bytes: u64,
    keep_files: u32,
    out: Option<BufWriter<File>>,
    size: u64,
}

// === impl AuditWriter ===

impl AuditWriter {
    /// Opens (or creates) the audit file and starts the writer thread on `receiver`.
    pub(super) fn start(
        config: &AuditFileConfig,
        receiver: mpsc::Receiver<AuditRecord>,
        metrics: Arc<Metrics>,
    ) -> anyhow::Result<AuditWriter> {
        let mut sink = FileSink {
            path: config.path.clone(),
            max_bytes: config.max_bytes,
            keep_files: config.keep_files,
            out: None,
            size: 0,
        };
        if let Some(parent) = config.path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent).with_context(|| {
                format!(
                    "audit.path: could not create the directory {}",
                    parent.display()
                )
            })?;
        }
        sink.open()
            .with_context(|| format!("audit.path: could not open {}", config.path.display()))?;
        let thread = std::thread::Builder::new()
            .name("audit-writer".to_owned())
            .spawn(move || run(sink, receiver, &metrics))
            .context("could not start the audit writer thread")?;
        Ok(AuditWriter {
            thread: Some(thread),
        })
    }

    /// Waits (at most `limit`) for the writer to write every queued record and close the file. The queue's
    /// senders must be gone by then (the server stopped), else it waits the whole `limit`.
    pub async fn finish(mut self, limit: Duration) {
        let Some(thread) = self.thread.take() else {
            return;
        };
        let joined = tokio::task::spawn_blocking(move || thread.join());
        match tokio::time::timeout(limit, joined).await {
            Ok(Ok(Ok(()))) => tracing::debug!("audit trail closed"),
            Ok(_) => tracing::error!("the audit writer failed while closing"),
            Err(_) => tracing::error!("the audit writer did not finish in time"),
        }
    }
}

fn run(mut sink: FileSink, mut receiver: mpsc::Receiver<AuditRecord>, metrics: &Metrics) {
    while let Some(record) = receiver.blocking_recv() {
        write_with_retries(&mut sink, &record, &receiver, metrics);
        while let Ok(record) = receiver.try_recv() {
            write_with_retries(&mut sink, &record, &receiver, metrics);
        }
        if let Err(error) = sink.flush() {
            tracing::error!(error = %error, "could not flush the audit file");
        }
    }
    if let Err(error) = sink.flush() {
        tracing::error!(error = %error, "could not flush the audit file at shutdown");
    }
}

fn write_with_retries(
    sink: &mut FileSink,
    record: &AuditRecord,
    receiver: &mpsc::Receiver<AuditRecord>,
    metrics: &Metrics,
) {
    let mut line = match serde_json::to_vec(record) {
        Ok(line) => line,
        Err(error) => {
            metrics.audit_records.with_label_values(&["failed"]).inc();
            tracing::error!(error = %error, trace_id = %record.trace_id, "could not serialize an audit record");
            return;
        }
    };
    line.push(b'\n');
    let mut failures = 0u32;
    loop {
        match sink.append(&line) {
            Ok(()) => {
                metrics.audit_records.with_label_values(&["written"]).inc();
                return;
            }
            Err(error) => {
                failures += 1;
                metrics.audit_records.with_label_values(&["failed"]).inc();
                tracing::error!(
                    error = %error,
                    trace_id = %record.trace_id,
                    failures,
                    "could not write an audit record; retrying (checks wait while the queue is full)"
                );
                // Drop the handle: the next try reopens the file (it may have been removed or rotated).
                sink.out = None;
                if receiver.is_closed() && failures >= RETRIES_AT_SHUTDOWN {
                    tracing::error!(trace_id = %record.trace_id, "an audit record is lost at shutdown");
                    return;
                }
                std::thread::sleep(RETRY_DELAY);
            }
        }
    }
}

// === impl FileSink ===

impl FileSink {
    fn open(&mut self) -> std::io::Result<()> {
        let file = open_append(&self.path)?;
        self.size = file.metadata()?.len();
        self.out = Some(BufWriter::new(file));
        Ok(())
    }

    fn append(&mut self, line: &[u8]) -> std::io::Result<()> {
        if self.out.is_none() {
            self.open()?;
        }
        if self.size > 0 && self.size + line.len() as u64 > self.max_bytes {
            self.rotate()?;
        }
        let Some(out) = self.out.as_mut() else {
            return Err(std::io::Error::other("the audit file is not open"));
        };
        out.write_all(line)?;
        self.size += line.len() as u64;
        Ok(())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self.out.as_mut() {
            Some(out) => out.flush(),
            None => Ok(()),
        }
    }

    fn rotate(&mut self) -> std::io::Result<()> {
        self.flush()?;
        self.out = None;
        if self.keep_files == 0 {
            std::fs::remove_file(&self.path)?;
        } else {
            let _ = std::fs::remove_file(rotated(&self.path, self.keep_files));
            for index in (1..self.keep_files).rev() {
                let from = rotated(&self.path, index);
                if from.exists() {
                    std::fs::rename(&from, rotated(&self.path, index + 1))?;
                }
            }
            std::fs::rename(&self.path, rotated(&self.path, 1))?;
        }
        self.open()
    }
}

/// `PATH.index`.
pub(super) fn rotated(path: &Path, index: u32) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(format!(".{index}"));
    PathBuf::from(name)
}

fn open_append(path: &Path) -> std::io::Result<File> {
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    options.open(path)
}
