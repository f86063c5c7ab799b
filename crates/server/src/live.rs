//! The index as the server sees it: one [`Searcher`] per commit, swapped when the index
//! changes (each request keeps the searcher it started with, so it reads one commit), and the
//! gate that runs searches off the async threads, a bounded number at a time.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use ofsearch_query::{QueryError, Searcher, Verify};
use tokio::sync::Semaphore;

use crate::error::ApiError;
use crate::Limits;

/// The index being served, at its newest commit.
pub struct Live {
    dir: PathBuf,
    current: RwLock<Arc<Searcher>>,
    gate: Gate,
}

impl Live {
    /// Opens the index in `dir` for serving under `limits`. Every file of its commit is
    /// verified by checksum first (and each new segment as it is refreshed): a server reads
    /// for long, and damage read unverified can abort the whole process.
    pub fn open(dir: &Path, limits: &Limits) -> Result<Live, QueryError> {
        limits.check()?;
        let searcher = Searcher::open_with(dir, Verify::Everything)?;
        // What counting needs, read before the first request rather than by it.
        searcher.warm()?;
        Ok(Live {
            dir: dir.to_path_buf(),
            current: RwLock::new(Arc::new(searcher)),
            gate: Gate::new(limits),
        })
    }

    /// The index directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The searcher of the newest commit seen: a request reads it for its whole life.
    pub fn searcher(&self) -> Arc<Searcher> {
        match self.current.read() {
            Ok(current) => current.clone(),
            // A panic while swapping cannot leave a half-written Arc: the value is whole.
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Looks for a newer commit and, if there is one, serves it from now on (requests already
    /// running finish on the old one). Whether it changed.
    pub fn refresh(&self) -> Result<bool, QueryError> {
        let Some(newest) = self.searcher().refreshed()? else {
            return Ok(false);
        };
        // Warmed before it serves: only its new segments are read.
        newest.warm()?;
        let newest = Arc::new(newest);
        match self.current.write() {
            Ok(mut current) => *current = newest,
            Err(poisoned) => *poisoned.into_inner() = newest,
        }
        Ok(true)
    }

    /// Runs `work` on the blocking pool with the current searcher, within the gate's limits:
    /// refused at once (503) when the gate is full, and answered with 503 when it takes longer
    /// than the time budget (the work itself finishes in the background, holding its slot).
    pub async fn run<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(&Searcher) -> Result<T, ApiError> + Send + 'static,
    {
        let started = Instant::now();
        let ticket = self.gate.admit()?;
        let budget = self.gate.budget;
        let permit = tokio::time::timeout(budget, self.gate.running.clone().acquire_owned())
            .await
            .map_err(|_| ApiError::Timeout(budget.as_secs()))?
            .map_err(|_| ApiError::Overloaded)?;
        let searcher = self.searcher();
        let task = tokio::task::spawn_blocking(move || {
            let _held = (permit, ticket);
            work(&searcher)
        });
        let left = budget.saturating_sub(started.elapsed());
        match tokio::time::timeout(left, task).await {
            Ok(Ok(answer)) => answer,
            Ok(Err(join)) => Err(ApiError::Internal(format!("search task failed: {join}"))),
            Err(_) => Err(ApiError::Timeout(budget.as_secs())),
        }
    }

    /// A slot for streaming work that outlives the handler (an export): admitted as
    /// [`Live::run`] admits, with no time budget; held until dropped.
    pub async fn slot(&self) -> Result<Slot, ApiError> {
        let ticket = self.gate.admit()?;
        let permit =
            tokio::time::timeout(self.gate.budget, self.gate.running.clone().acquire_owned())
                .await
                .map_err(|_| ApiError::Timeout(self.gate.budget.as_secs()))?
                .map_err(|_| ApiError::Overloaded)?;
        Ok(Slot {
            _permit: permit,
            _ticket: ticket,
        })
    }

    /// Requests admitted and not yet finished (running or waiting).
    pub fn in_flight(&self) -> usize {
        self.gate.admitted.load(Ordering::SeqCst)
    }
}

/// A place in the gate, held by streaming work until it ends.
pub struct Slot {
    _permit: tokio::sync::OwnedSemaphorePermit,
    _ticket: Ticket,
}

/// How many searches run at once, how many more may wait, and for how long.
struct Gate {
    /// One permit per search that may run at once.
    running: Arc<Semaphore>,
    /// Requests admitted: running or waiting for a permit.
    admitted: Arc<AtomicUsize>,
    /// Most requests admitted at once: beyond it a request is refused at once.
    max_admitted: usize,
    budget: Duration,
}

impl Gate {
    fn new(limits: &Limits) -> Gate {
        Gate {
            running: Arc::new(Semaphore::new(limits.workers.max(1))),
            admitted: Arc::new(AtomicUsize::new(0)),
            max_admitted: limits.workers.max(1) + limits.queue,
            budget: limits.budget,
        }
    }

    /// A ticket if there is room, else `Overloaded`.
    fn admit(&self) -> Result<Ticket, ApiError> {
        let before = self.admitted.fetch_add(1, Ordering::SeqCst);
        let ticket = Ticket(self.admitted.clone());
        if before >= self.max_admitted {
            return Err(ApiError::Overloaded);
        }
        Ok(ticket)
    }
}

/// One admitted request: counted until dropped.
struct Ticket(Arc<AtomicUsize>);

impl Drop for Ticket {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Refreshes `live` every `every` until the process ends: a new commit is served within that
/// time. A failed look (a commit being written, a full disk) is logged and tried again.
pub fn spawn_refresher(live: Arc<Live>, every: Duration) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            tick.tick().await;
            let live = live.clone();
            match tokio::task::spawn_blocking(move || live.refresh()).await {
                Ok(Ok(true)) => tracing::info!("serving the index's new commit"),
                Ok(Ok(false)) => {}
                Ok(Err(e)) => tracing::warn!(error = %e, "could not read the index's new commit"),
                Err(e) => tracing::warn!(error = %e, "index refresh failed"),
            }
        }
    })
}
