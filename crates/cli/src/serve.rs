//! `ofsearch serve`: the HTTP API and the web page over one index, until Ctrl-C or SIGTERM.

use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, Result};
use ofsearch_server::{Limits, Live};

/// Serves the index in `index_dir` on `bind` until the process is asked to stop, then lets
/// the requests in flight finish. Access lines go to standard error with `log` (or
/// `RUST_LOG=ofsearch::access=info`); otherwise only warnings do.
pub fn serve(index_dir: &Path, bind: SocketAddr, log: bool, limits: Limits) -> Result<()> {
    init_tracing(log);
    let live = Arc::new(Live::open(index_dir, &limits).map_err(crate::no_index_hint)?);
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        // Searches run on the blocking pool, a bounded number at a time; the async threads
        // only parse requests and write answers.
        .worker_threads(limits.workers.clamp(1, 4))
        .max_blocking_threads(limits.workers.saturating_add(4))
        .build()
        .context("starting the server's runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(bind)
            .await
            .with_context(|| format!("cannot listen on {bind}"))?;
        let local = listener.local_addr()?;
        announce(index_dir, local, live.searcher().documents());
        ofsearch_server::live::spawn_refresher(live.clone(), limits.refresh_every);
        let app = ofsearch_server::app(live, limits.clone());
        ofsearch_server::serve(listener, app, &limits, stop_signal()).await?;
        eprintln!("ofsearch: stopped");
        Ok(())
    })
}

/// Says where to open the page, and warns when other machines can reach it.
fn announce(index_dir: &Path, local: SocketAddr, documents: u64) {
    let shown = if local.ip().is_unspecified() {
        SocketAddr::new([127, 0, 0, 1].into(), local.port())
    } else {
        local
    };
    eprintln!(
        "ofsearch: serving {} ({documents} documents) at http://{shown}/  (API: http://{shown}/api/v1/openapi.json; Ctrl-C to stop)",
        index_dir.display()
    );
    if !local.ip().is_loopback() {
        eprintln!(
            "ofsearch: WARNING: bound to {local}, reachable from other machines on the network. \
             The server has no authentication; use --bind 127.0.0.1:PORT to keep it on this machine."
        );
    }
}

fn init_tracing(log: bool) {
    use tracing_subscriber::EnvFilter;
    let default = if log { "warn,ofsearch=info" } else { "warn" };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    // A second call (never made here) would fail; nothing to do about it then.
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
        .with_target(false)
        .try_init();
}

/// Resolves on Ctrl-C or SIGTERM.
async fn stop_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut term) => {
                term.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
    eprintln!("ofsearch: stopping: letting requests in flight finish");
}
