//! The research web page in a real browser: headless Chromium driven through ChromeDriver
//! (WebDriver, with `fantoccini`), against the server on a loopback socket. A researcher's
//! path through it (the `/` key, a search, a facet, a chip, a citation, the analysis tabs, the
//! export, history), hostile text that must never run, and screenshots at desktop and phone
//! widths in `target/screenshots/` (with a check that nothing overflows the phone's width).
//!
//! Without Chromium or ChromeDriver the tests say so and pass, unless
//! `OFSEARCH_REQUIRE_BROWSER=1`, when they fail.

mod web;

use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use web::{enc, fixture, get_on, number, CANARY, XSS_IMG, XSS_SCRIPT};

/// Waits in these tests are generous: the machine is shared and small.
const PATIENCE: Duration = Duration::from_secs(60);

/// One browser at a time: the machine has two cores.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// The programs, or `None` (with a note) when one is missing and the browser is not required.
fn programs() -> Option<(PathBuf, PathBuf)> {
    let chromium =
        std::env::var_os("OFSEARCH_CHROMIUM").map_or(PathBuf::from(CHROMIUM), PathBuf::from);
    let driver = std::env::var_os("OFSEARCH_CHROMEDRIVER")
        .map_or(PathBuf::from(CHROMEDRIVER), PathBuf::from);
    let missing: Vec<String> = [&chromium, &driver]
        .iter()
        .filter(|p| !p.is_file())
        .map(|p| p.display().to_string())
        .collect();
    if missing.is_empty() {
        return Some((chromium, driver));
    }
    let note = format!(
        "{} not found (Debian: apt-get install chromium chromium-driver; or set OFSEARCH_CHROMIUM, OFSEARCH_CHROMEDRIVER)",
        missing.join(" and ")
    );
    if std::env::var("OFSEARCH_REQUIRE_BROWSER").is_ok_and(|v| v == "1") {
        panic!(
            "the browser tests cannot run, and OFSEARCH_REQUIRE_BROWSER=1 requires them: {note}"
        );
    }
    eprintln!("browser tests skipped: {note}");
    None
}

/// A port nobody listens on now.
fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    listener.local_addr().expect("addr").port()
}

/// ChromeDriver, killed when dropped.
struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    fn start(program: &Path) -> Driver {
        let port = free_port();
        let child = Command::new(program)
            .arg(format!("--port={port}"))
            .arg("--allowed-ips=127.0.0.1")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let driver = Driver { child, port };
        let address = SocketAddr::from(([127, 0, 0, 1], port));
        let started = Instant::now();
        while TcpStream::connect_timeout(&address, Duration::from_secs(1)).is_err() {
            assert!(started.elapsed() < PATIENCE, "chromedriver did not listen");
            std::thread::sleep(Duration::from_millis(100));
        }
        driver
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A browser session on the server: the page's base URL, the client, and what must live as
/// long as they do.
struct Session {
    base: String,
    client: Client,
    _profile: tempfile::TempDir,
    _driver: Driver,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Session {
    /// Serves the shared index on a loopback port and opens Chromium on it.
    async fn start(chromium: &Path, driver: Driver) -> Session {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let app = fixture().app.clone();
        let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(async move {
            let limits = ofsearch_server::Limits::default();
            ofsearch_server::serve(listener, app, &limits, async {
                let _ = stopped.await;
            })
            .await
            .expect("serve");
        });
        let profile = tempfile::TempDir::new().expect("profile dir");
        let mut capabilities = serde_json::Map::new();
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": chromium.display().to_string(),
                "args": [
                    "--headless",
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-quic",
                    "--no-first-run",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--disable-dev-shm-usage",
                    "--window-size=1280,900",
                    format!("--user-data-dir={}", profile.path().display()),
                ],
            }),
        );
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let mut connecting = None;
        let started = Instant::now();
        while connecting.is_none() {
            match ClientBuilder::new(connector.clone())
                .capabilities(capabilities.clone())
                .connect(&driver.url())
                .await
            {
                Ok(client) => connecting = Some(client),
                Err(e) => {
                    assert!(started.elapsed() < PATIENCE, "no browser session: {e}");
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
            }
        }
        let client = connecting.expect("client");
        Session {
            base,
            client,
            _profile: profile,
            _driver: driver,
            shutdown: Some(shutdown),
        }
    }

    async fn end(mut self) {
        let _ = self.client.clone().close().await;
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Opens `path` and waits for it to load.
    async fn open(&self, path: &str) {
        self.client.goto(&self.url(path)).await.expect("goto");
        self.loaded().await;
    }

    /// Waits for the document to be loaded.
    async fn loaded(&self) {
        let started = Instant::now();
        loop {
            let state = self
                .client
                .execute("return document.readyState", vec![])
                .await
                .expect("readyState");
            if state == "complete" {
                return;
            }
            assert!(started.elapsed() < PATIENCE, "the page did not load");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// The URL now (path, query and fragment).
    async fn here(&self) -> String {
        let url = self.client.current_url().await.expect("url");
        let mut here = url.path().to_string();
        if let Some(q) = url.query() {
            here.push('?');
            here.push_str(q);
        }
        if let Some(f) = url.fragment() {
            here.push('#');
            here.push_str(f);
        }
        here
    }

    /// Clicks the element and waits for another page to load.
    async fn click_to_navigate(&self, locator: Locator<'_>) -> String {
        let before = self.here().await;
        let element = self
            .client
            .find(locator)
            .await
            .expect("the element to click");
        element.click().await.expect("click");
        self.until_url_changes(&before).await
    }

    async fn until_url_changes(&self, before: &str) -> String {
        let started = Instant::now();
        loop {
            let now = self.here().await;
            if now != before {
                self.loaded().await;
                return now;
            }
            assert!(started.elapsed() < PATIENCE, "still at {before}");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// A script's answer.
    async fn js(&self, script: &str) -> Value {
        self.client.execute(script, vec![]).await.expect(script)
    }

    /// The total the results page shows (`N paragraphs`).
    async fn total(&self) -> u64 {
        let text = self
            .client
            .find(Locator::Css("p.summary strong"))
            .await
            .expect("a summary")
            .text()
            .await
            .expect("text");
        number(&text).expect("a number")
    }

    /// What the API says for the current page's parameters.
    async fn api_total(&self) -> u64 {
        let here = self.here().await;
        let query = here
            .split_once('?')
            .map_or("", |(_, q)| q.split('#').next().unwrap_or(""));
        let answer = get_on(&fixture().app, &format!("/api/v1/search?{query}")).await;
        assert_eq!(answer.status, 200, "{here}: {}", answer.text());
        answer.json()["total"].as_u64().expect("total")
    }

    /// `window.__xss` is not set and the page has no image, no event handler attribute and
    /// only the app's script.
    async fn assert_nothing_ran(&self, what: &str) {
        let report = self
            .js(
                "return {
                    xss: typeof window.__xss,
                    imgs: document.querySelectorAll('img').length,
                    handlers: Array.from(document.querySelectorAll('*')).filter(e => Array.from(e.attributes).some(a => a.name.startsWith('on'))).length,
                    scripts: Array.from(document.scripts).map(s => s.getAttribute('src') || ('inline: ' + s.textContent)),
                }",
            )
            .await;
        assert_eq!(report["xss"], "undefined", "{what}: {report}");
        assert_eq!(report["imgs"], 0, "{what}: {report}");
        assert_eq!(report["handlers"], 0, "{what}: {report}");
        assert_eq!(
            report["scripts"],
            json!(["/assets/app.js"]),
            "{what}: {report}"
        );
    }
}

/// Runs `test` with a browser session, or skips (see [`programs`]).
fn with_browser<F, Fut>(test: F)
where
    F: FnOnce(Session) -> Fut,
    Fut: std::future::Future<Output = Session>,
{
    let Some((chromium, driver)) = programs() else {
        return;
    };
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    fixture();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(async {
        let driver = Driver::start(&driver);
        let session = Session::start(&chromium, driver).await;
        test(session).await.end().await;
    });
}

#[test]
fn a_researcher_searches_narrows_reads_and_exports() {
    with_browser(|s| async move {
        s.open("/").await;
        // The `/` key puts the cursor in the search box.
        let focused = s
            .js("return document.activeElement && document.activeElement.id")
            .await;
        assert_ne!(focused, "q", "the box should not start focused");
        let mut keys = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value: '/' })
            .then(KeyAction::Up { value: '/' });
        for c in "\"care leavers\"".chars() {
            keys = keys
                .then(KeyAction::Down { value: c })
                .then(KeyAction::Up { value: c });
        }
        s.client.perform_actions(keys).await.expect("type");
        let focused = s.js("return document.activeElement.id").await;
        assert_eq!(focused, "q", "`/` focuses the search box");
        let typed = s.js("return document.getElementById('q').value").await;
        assert_eq!(typed, "\"care leavers\"", "the `/` itself is not typed");
        let before = s.here().await;
        let enter = KeyActions::new("keyboard".into())
            .then(KeyAction::Down { value: '\u{e007}' })
            .then(KeyAction::Up { value: '\u{e007}' });
        s.client.perform_actions(enter).await.expect("enter");
        let results = s.until_url_changes(&before).await;
        assert!(results.starts_with("/?q=%22care+leavers%22"), "{results}");
        let total = s.total().await;
        assert!(total > 0);
        assert_eq!(total, s.api_total().await, "{results}");

        // A grade from the sidebar: the total becomes the count the link showed.
        let facet = s
            .client
            .find(Locator::Css(
                "section[aria-labelledby='f-grade'] a.facet-value",
            ))
            .await
            .expect("a grade facet");
        let shown = number(
            &facet
                .find(Locator::Css(".n"))
                .await
                .expect("count")
                .text()
                .await
                .expect("text"),
        )
        .expect("number");
        let narrowed = s
            .click_to_navigate(Locator::Css(
                "section[aria-labelledby='f-grade'] a.facet-value",
            ))
            .await;
        assert!(narrowed.contains("grade="), "{narrowed}");
        assert_eq!(s.total().await, shown, "{narrowed}");
        assert_eq!(s.total().await, s.api_total().await, "{narrowed}");

        // History: back to the search, forward to the narrowed one.
        s.client.back().await.expect("back");
        s.until_url_changes(&narrowed).await;
        assert_eq!(s.total().await, total, "back");
        s.client.forward().await.expect("forward");
        s.until_url_changes(&results).await;
        assert_eq!(s.here().await, narrowed);
        assert_eq!(s.total().await, shown, "forward");

        // Its chip removes it again.
        let unfiltered = s.click_to_navigate(Locator::Css("a.chip")).await;
        assert!(!unfiltered.contains("grade="), "{unfiltered}");
        assert_eq!(s.total().await, total, "{unfiltered}");

        // A citation opens the reading view at the cited paragraph, with the match marked.
        let report = s.click_to_navigate(Locator::Css("li.hit h2.cite a")).await;
        assert!(report.starts_with("/reports/"), "{report}");
        let fragment = report.split_once('#').expect("a fragment").1.to_string();
        assert!(fragment.starts_with('p'), "{report}");
        let place = s
            .client
            .execute(
                "const e = document.getElementById(arguments[0]);
                 if (!e) return null;
                 const r = e.getBoundingClientRect();
                 return { top: r.top, bottom: r.bottom, height: window.innerHeight,
                          marks: e.querySelectorAll('mark').length,
                          target: e.matches(':target') };",
                vec![json!(fragment)],
            )
            .await
            .expect("place");
        assert!(!place.is_null(), "{report}: no #{fragment}");
        let top = place["top"].as_f64().expect("top");
        let height = place["height"].as_f64().expect("height");
        assert!(
            top >= -1.0 && top < height,
            "{report}: #{fragment} is not in view: {place}"
        );
        assert!(place["marks"].as_u64() > Some(0), "{report}: {place}");
        assert_eq!(place["target"], true, "{report}");
        s.client.back().await.expect("back");
        s.until_url_changes(&report).await;
        assert_eq!(s.total().await, total, "back from the report");

        // The concordance.
        let kwic = s.click_to_navigate(Locator::LinkText("Concordance")).await;
        assert!(kwic.starts_with("/kwic?"), "{kwic}");
        let lines = s
            .client
            .find_all(Locator::Css("table.kwic tbody tr"))
            .await
            .expect("lines");
        assert!(!lines.is_empty(), "{kwic}");

        // The trend, split by grade: a line per grade.
        let trend = s.click_to_navigate(Locator::LinkText("Trend")).await;
        assert!(trend.starts_with("/trend?"), "{trend}");
        let split = s.click_to_navigate(Locator::LinkText("grade")).await;
        assert!(split.contains("split=grade"), "{split}");
        let lines = s
            .js("return Array.from(document.querySelectorAll('figure.lines svg path.series')).map(p => p.getTotalLength())")
            .await;
        let lines = lines.as_array().expect("lines");
        assert!(!lines.is_empty(), "{split}: no lines");
        assert!(
            lines.iter().all(|n| n.as_f64() > Some(10.0)),
            "{split}: {lines:?}"
        );

        // The comparison.
        let compare = s.click_to_navigate(Locator::LinkText("Compare")).await;
        assert!(compare.starts_with("/compare?"), "{compare}");
        let cards = s
            .client
            .find_all(Locator::Css("section.group-card"))
            .await
            .expect("cards");
        assert!(!cards.is_empty(), "{compare}");

        // Back on the results, the CSV export answers a CSV of every match, fetched by the
        // browser as a download is (asking for gzip).
        s.click_to_navigate(Locator::LinkText("Results")).await;
        assert_eq!(s.total().await, total);
        let href = s
            .client
            .find(Locator::Css("a.button[href*='format=csv']"))
            .await
            .expect("the CSV link")
            .attr("href")
            .await
            .expect("href")
            .expect("an href");
        let fetched = s
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 fetch(arguments[0])
                   .then(r => r.text().then(t => done({ status: r.status, type: r.headers.get('content-type'), text: t })))
                   .catch(e => done({ status: 0, type: '', text: String(e) }));",
                vec![json!(href)],
            )
            .await
            .expect("fetch the export");
        assert_eq!(fetched["status"], 200, "{href}: {fetched}");
        assert!(
            fetched["type"]
                .as_str()
                .unwrap_or("")
                .starts_with("text/csv"),
            "{href}: {fetched}"
        );
        let text = fetched["text"].as_str().expect("the CSV text");
        assert_eq!(
            text.lines().next(),
            Some(ofsearch_query::reading::CSV_HEADER.join(",").as_str())
        );
        let rows = csv::Reader::from_reader(text.as_bytes()).records().count();
        assert_eq!(rows as u64, total, "{href}");

        // Back through the analysis tabs, and forward to the results again.
        let results_again = s.here().await;
        s.client.back().await.expect("back");
        assert_eq!(s.until_url_changes(&results_again).await, compare);
        s.client.back().await.expect("back");
        assert_eq!(s.until_url_changes(&compare).await, split);
        s.client.forward().await.expect("forward");
        s.until_url_changes(&split).await;
        s.client.forward().await.expect("forward");
        assert_eq!(s.until_url_changes(&compare).await, results_again);
        assert_eq!(s.total().await, total, "forward to the results");
        s
    });
}

#[test]
fn hostile_text_never_runs() {
    with_browser(|s| async move {
        let f = fixture();
        let id = &f.hostile_id;
        let path = format!("/reports/{id}?q={CANARY}#p{}", f.hostile_ordinal);
        s.open(&path).await;
        s.assert_nothing_ran(&path).await;
        let shown = s
            .client
            .execute(
                "return document.getElementById(arguments[0]).textContent",
                vec![json!(format!("p{}", f.hostile_ordinal))],
            )
            .await
            .expect("text");
        let shown = shown.as_str().expect("text");
        assert!(
            shown.contains("<img src=x onerror=\"window.__xss=2\">"),
            "{shown}"
        );
        assert!(shown.contains("<script"), "{shown}");
        for q in [
            XSS_SCRIPT,
            "\"><img src=x onerror=alert(1)>",
            XSS_IMG,
            CANARY,
            "'><img src=x onerror=alert(1)>",
        ] {
            for page in ["/", "/kwic", "/trend", "/compare"] {
                let path = format!("{page}?q={}", enc(q));
                s.open(&path).await;
                s.assert_nothing_ran(&path).await;
                let value = s.js("return document.getElementById('q').value").await;
                assert_eq!(value, q, "{path}: the box holds the query as typed");
            }
        }
        // A hostile query typed into the box and submitted.
        s.open("/").await;
        let box_ = s.client.find(Locator::Id("q")).await.expect("box");
        box_.send_keys(XSS_IMG).await.expect("type");
        let before = s.here().await;
        box_.send_keys("\u{e007}").await.expect("enter");
        let after = s.until_url_changes(&before).await;
        s.assert_nothing_ran(&after).await;
        s
    });
}

/// The screenshots' folder: `target/screenshots/` under the workspace.
fn screenshots() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/screenshots");
    std::fs::create_dir_all(&dir).expect("screenshots dir");
    dir
}

#[test]
fn pages_fit_desktop_and_phone_widths() {
    with_browser(|s| async move {
        let f = fixture();
        // A citation link of the results, for the reading view.
        let first = get_on(&f.app, "/api/v1/search?q=%22care+leavers%22&limit=1")
            .await
            .json();
        let hit = &first["hits"][0];
        let report = format!(
            "/reports/{}?q=%22care+leavers%22#p{}",
            hit["report_id"].as_str().expect("id"),
            hit["ordinal"]
        );
        let pages = [
            ("landing", "/".to_string()),
            ("results", "/?q=%22care+leavers%22&grade=good".to_string()),
            (
                "report-top",
                report.split('#').next().unwrap_or_default().to_string(),
            ),
            ("report", report),
            ("kwic", "/kwic?q=%22care+leavers%22".to_string()),
            ("trend", "/trend?q=neglect&split=grade".to_string()),
            (
                "compare",
                "/compare?q=%22management+oversight%22".to_string(),
            ),
            ("error", "/?q=care&colour=red".to_string()),
        ];
        let dir = screenshots();
        for (width, height, size) in [(1280u32, 900u32, "desktop"), (375, 812, "phone")] {
            s.client
                .set_window_size(width, height)
                .await
                .expect("resize");
            for (name, path) in &pages {
                s.open(path).await;
                let shot = s.client.screenshot().await.expect("screenshot");
                std::fs::write(dir.join(format!("{name}-{size}.png")), shot).expect("write");
                // Measured with every fold opened (the filters, "The numbers", "more").
                let layout = s
                    .js(
                        "const filters = document.getElementById('filters');
                         const filtersOpen = filters ? filters.open : null;
                         document.querySelectorAll('details').forEach(d => { d.open = true; });
                         const w = document.documentElement.clientWidth;
                         const scrolls = e => { for (let p = e.parentElement; p; p = p.parentElement) {
                             const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll' || o === 'hidden') return true; }
                             return false; };
                         const over = Array.from(document.querySelectorAll('body *'))
                             .filter(e => !e.closest('.skip, .visually-hidden') && !scrolls(e))
                             .filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && (r.right > w + 1 || r.left < -1); })
                             .map(e => e.tagName.toLowerCase() + (e.className && e.className.baseVal === undefined ? '.' + e.className.split(' ').join('.') : '') + ' ' + Math.round(e.getBoundingClientRect().right));
                         const wide = Array.from(document.querySelectorAll('body *'))
                             .filter(e => { const r = e.getBoundingClientRect(); return r.right > w + 1; })
                             .map(e => e.tagName.toLowerCase() + '.' + String(e.getAttribute('class')) + ' ' + Math.round(e.getBoundingClientRect().left) + '-' + Math.round(e.getBoundingClientRect().right));
                         const spill = Array.from(document.querySelectorAll('body *'))
                             .filter(e => e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0)
                             .filter(e => !e.closest('svg') && !scrolls(e) && getComputedStyle(e).overflowX === 'visible')
                             .map(e => e.tagName.toLowerCase() + '.' + String(e.getAttribute('class')) + ' ' + e.clientWidth + '<' + e.scrollWidth);
                         const tabs = document.querySelector('nav.tabs');
                         const tabsFit = tabs ? tabs.scrollWidth <= tabs.clientWidth : true;
                         const tabsWidth = tabs ? [tabs.scrollWidth, tabs.clientWidth] : null;
                         return { tabsFit, tabsWidth, spill: spill.slice(0, 12), wide: wide.slice(0, 12), inner: window.innerWidth, client: w, scroll: document.documentElement.scrollWidth,
                                  over: over.slice(0, 10),
                                  filtersOpen,
                                  fontSize: parseFloat(getComputedStyle(document.body).fontSize) };",
                    )
                    .await;
                let client = layout["client"].as_f64().expect("width");
                assert!(
                    (client - f64::from(width)).abs() < 40.0,
                    "{name} {size}: the viewport is {layout}"
                );
                assert!(
                    layout["scroll"].as_f64() <= Some(client),
                    "{name} at {size} width scrolls sideways: {layout}"
                );
                assert_eq!(layout["over"], json!([]), "{name} at {size}: {layout}");
                assert_eq!(
                    layout["spill"],
                    json!([]),
                    "{name} at {size}: text spills: {layout}"
                );
                assert_eq!(
                    layout["tabsFit"], true,
                    "{name} at {size}: the tabs scroll: {layout}"
                );
                assert!(
                    layout["fontSize"].as_f64() >= Some(15.0),
                    "{name}: {layout}"
                );
                if *name == "results" {
                    // The filters start open on a desktop and folded on a phone.
                    assert_eq!(layout["filtersOpen"], json!(size == "desktop"), "{layout}");
                }
                if *name == "report" {
                    let fragment = path.split_once('#').expect("fragment").1;
                    let top = s
                        .client
                        .execute(
                            "return document.getElementById(arguments[0]).getBoundingClientRect().top",
                            vec![json!(fragment)],
                        )
                        .await
                        .expect("top");
                    let top = top.as_f64().expect("top");
                    assert!((-1.0..f64::from(height)).contains(&top), "{size}: {top}");
                }
                // The whole page too, every fold open, to look at: the window made as tall.
                let tall = s
                    .js("return document.documentElement.scrollHeight + window.outerHeight - window.innerHeight")
                    .await
                    .as_u64()
                    .expect("height")
                    .min(2400) as u32;
                s.client.set_window_size(width, tall).await.expect("resize");
                let shot = s.client.screenshot().await.expect("screenshot");
                std::fs::write(dir.join(format!("{name}-{size}-full.png")), shot).expect("write");
                s.client
                    .set_window_size(width, height)
                    .await
                    .expect("resize");
            }
        }
        s
    });
}
