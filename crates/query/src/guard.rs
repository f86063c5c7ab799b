//! Work on the index that cannot crash its caller. tantivy trusts the bytes of a segment file:
//! where damage changed them, reading can panic (an index out of bounds while decoding
//! postings, a slice past a block's end), on the calling thread or on one of the searcher's
//! threads (whose panic the caller's thread inherits). [`catching`] runs the work and turns
//! such a panic into its message, which the [`crate::Searcher`] answers as an error (naming
//! the damaged file when a checksum tells).
//!
//! A caught panic is reported once, as that error: the first use installs a panic hook that
//! stays silent for panics inside `catching` (on the thread running it, or on the searcher's
//! and the verifier's threads while any `catching` runs) and hands every other panic to the
//! hook that was there before, so a command still prints one line.

use std::any::Any;
use std::cell::Cell;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Once;

/// The name prefix of the threads that search a segment each (tantivy's executor).
pub(crate) const SEARCH_THREADS: &str = "ofsearch-search-";

/// The name prefix of the threads that verify checksums (`check`).
pub(crate) const VERIFY_THREADS: &str = "ofsearch-verify-";

thread_local! {
    /// `catching` calls running on this thread.
    static HERE: Cell<usize> = const { Cell::new(0) };
}

/// `catching` calls running on any thread.
static ANYWHERE: AtomicUsize = AtomicUsize::new(0);

/// Runs `work`; a panic in it is caught and returned as its message.
pub(crate) fn catching<T>(work: impl FnOnce() -> T) -> Result<T, String> {
    quiet_hook();
    HERE.with(|here| here.set(here.get() + 1));
    ANYWHERE.fetch_add(1, Ordering::SeqCst);
    // The work's state is dropped or answered as an error after a panic: nothing half-done
    // is read again.
    let result = std::panic::catch_unwind(AssertUnwindSafe(work));
    ANYWHERE.fetch_sub(1, Ordering::SeqCst);
    HERE.with(|here| here.set(here.get().saturating_sub(1)));
    result.map_err(|payload| message(payload.as_ref()))
}

/// A panic's message.
fn message(payload: &(dyn Any + Send)) -> String {
    if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        "a panic without a message".to_string()
    }
}

/// Installs, once, the hook that keeps caught panics quiet (see the module doc).
fn quiet_hook() {
    static INSTALLED: Once = Once::new();
    INSTALLED.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !quiet() {
                previous(info);
            }
        }));
    });
}

/// Whether a panic on this thread is being caught by `catching`.
fn quiet() -> bool {
    if HERE.try_with(|here| here.get() > 0).unwrap_or(false) {
        return true;
    }
    let ours = std::thread::current()
        .name()
        .is_some_and(|name| name.starts_with(SEARCH_THREADS) || name.starts_with(VERIFY_THREADS));
    ours && ANYWHERE.load(Ordering::SeqCst) > 0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_is_caught_with_its_message() {
        assert_eq!(catching(|| 7), Ok(7));
        let caught = catching(|| -> u32 { panic!("out of bounds: {}", 3) });
        assert_eq!(caught, Err("out of bounds: 3".to_string()));
        // And on a thread the work waits for, as the searcher's threads are.
        let caught = catching(|| {
            std::thread::scope(|scope| {
                std::thread::Builder::new()
                    .name(format!("{SEARCH_THREADS}0"))
                    .spawn_scoped(scope, || panic!("in a segment"))
                    .expect("spawn")
                    .join()
                    .map_err(|payload| message(payload.as_ref()))
            })
        });
        assert_eq!(caught, Ok(Err("in a segment".to_string())));
    }
}
