//! Headless Chromium driven over WebDriver, with axe-core accessibility checks.
//!
//! Debian's `chromium` and `chromium-driver` are used because nothing can be
//! downloaded at test time here (no browser fetched by a test tool). Each
//! [`Browser`] has its own ChromeDriver process and its own empty profile, so
//! tests never share cookies or storage.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use fantoccini::{Client, ClientBuilder, Locator};
use serde::Deserialize;
use serde_json::{Value, json};
use tempfile::TempDir;

use crate::process::{Spawned, start_server};

/// The axe-core rule tags every page must pass: WCAG 2.1 A and AA (which
/// include 2.0) plus axe's best practices.
pub const AXE_TAGS: [&str; 5] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"];

/// How long the `wait_*` methods of [`Browser`] wait before they panic.
const WAIT: Duration = Duration::from_secs(15);

/// How often they look again.
const POLL: Duration = Duration::from_millis(100);

/// A WebDriver session in a fresh headless Chromium.
///
/// Derefs to [`fantoccini::Client`], so `browser.goto(url)` and
/// `browser.find(locator)` work directly. On drop the session is ended
/// (which closes Chromium) and ChromeDriver is killed.
pub struct Browser {
    client: Client,
    session: Option<String>,
    driver_port: u16,
    // Dropped in this order: the driver first, then the profile folder.
    driver: Spawned,
    dir: TempDir,
}

impl Browser {
    /// Starts ChromeDriver on a free port and opens a session in headless
    /// Chromium (1280×900) with a new empty profile.
    ///
    /// The flags keep Chromium from reaching for Google's services, which
    /// this machine's closed network refuses: every refused connection costs
    /// time and fills the log.
    pub async fn start() -> Browser {
        const INSTALL: &str = "apt-get install chromium chromium-driver (scripts/test does)";
        let chromedriver = find_program(&["chromedriver"])
            .unwrap_or_else(|| panic!("chromedriver not found: {INSTALL}"));
        let chromium = find_program(&["chromium", "chromium-browser"])
            .unwrap_or_else(|| panic!("chromium not found: {INSTALL}"));
        let dir = tempfile::Builder::new()
            .prefix("socialbid-browser-")
            .tempdir()
            .expect("cannot create a temporary folder");
        let profile = dir.path().join("profile");
        let log = dir.path().join("chromedriver.log");
        let command = |port: u16| {
            let mut command = Command::new(&chromedriver);
            command.arg(format!("--port={port}"));
            command
        };
        let (driver, driver_port) = start_server(
            "chromedriver",
            &log,
            Duration::from_secs(30),
            command,
            driver_ready,
        )
        .await;

        let args = [
            "--headless=new".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-quic".to_owned(),
            format!("--user-data-dir={}", profile.display()),
            "--window-size=1280,900".to_owned(),
        ];
        let capabilities = json!({
            "browserName": "chrome",
            "goog:chromeOptions": { "binary": chromium, "args": args },
        });
        let Value::Object(capabilities) = capabilities else {
            unreachable!("built as an object")
        };
        let mut builder = ClientBuilder::native();
        builder.capabilities(capabilities);
        let driver_url = format!("http://127.0.0.1:{driver_port}");
        let connect = builder.connect(&driver_url);
        let client = match tokio::time::timeout(Duration::from_secs(60), connect).await {
            Ok(Ok(client)) => client,
            Ok(Err(e)) => panic!(
                "cannot open a Chromium session: {e}\nchromedriver output:\n{}",
                driver.logs()
            ),
            Err(_) => panic!(
                "no Chromium session within 60 s\nchromedriver output:\n{}",
                driver.logs()
            ),
        };
        let session = client.session_id().await.ok().flatten();
        Browser {
            client,
            session,
            driver_port,
            driver,
            dir,
        }
    }

    /// The WebDriver client (also reachable through `Deref`).
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Runs axe-core on the current page and fails, listing every violation
    /// (rule, impact, help, the elements' selectors and the page URL), when
    /// there is any. `label` names the page in the message.
    ///
    /// Only the rules tagged [`AXE_TAGS`] run. Pages inside iframes are not
    /// checked (axe would need to be injected into each frame).
    pub async fn axe_check(&self, label: &str) -> anyhow::Result<()> {
        let present = self
            .client
            .execute("return typeof window.axe === 'object';", vec![])
            .await
            .context("cannot run a script in the page")?;
        if present != Value::Bool(true) {
            self.client
                .execute(axe_source()?, vec![])
                .await
                .context("cannot inject axe-core into the page")?;
        }
        let outcome = self
            .client
            .execute_async(RUN_AXE, vec![json!(AXE_TAGS)])
            .await
            .context("axe-core did not finish")?;
        let outcome: AxeOutcome = serde_json::from_value(outcome.clone())
            .with_context(|| format!("unexpected answer from axe-core: {outcome}"))?;
        if let Some(error) = outcome.error {
            bail!("axe-core failed on {label} ({}): {error}", outcome.url);
        }
        if outcome.violations.is_empty() {
            return Ok(());
        }
        let mut report = format!(
            "{} accessibility violation(s) on {label} ({}):",
            outcome.violations.len(),
            outcome.url
        );
        for v in &outcome.violations {
            let impact = v.impact.as_deref().unwrap_or("unknown");
            report.push_str(&format!(
                "\n- {} [{impact}] {} ({})",
                v.id, v.help, v.help_url
            ));
            for node in &v.nodes {
                let target = match &node.target {
                    Value::Array(parts) => parts
                        .iter()
                        .map(|p| p.as_str().map_or_else(|| p.to_string(), str::to_owned))
                        .collect::<Vec<_>>()
                        .join(" >> "),
                    other => other.to_string(),
                };
                report.push_str(&format!("\n    at {target}: {}", shorten(&node.html, 200)));
            }
        }
        bail!(report)
    }

    /// Runs [`Browser::axe_check`] and panics with its whole report: what a
    /// test wants after every page it visits.
    pub async fn assert_accessible(&self, label: &str) {
        if let Err(error) = self.axe_check(label).await {
            panic!("{error:#}");
        }
    }

    /// Replaces the value of the form field with id `id` by `value`
    /// (typed, as a person would).
    pub async fn fill(&self, id: &str, value: &str) {
        let field = self
            .client
            .find(Locator::Id(id))
            .await
            .unwrap_or_else(|e| panic!("no field #{id}: {e}"));
        field.clear().await.unwrap();
        field.send_keys(value).await.unwrap();
    }

    /// Picks the file at `path` in the file input with id `id`, as a
    /// person choosing it in the dialog.
    pub async fn attach(&self, id: &str, path: &Path) {
        self.client
            .find(Locator::Id(id))
            .await
            .unwrap_or_else(|e| panic!("no file input #{id}: {e}"))
            .send_keys(&path.display().to_string())
            .await
            .unwrap_or_else(|e| panic!("cannot pick {}: {e}", path.display()));
    }

    /// Chooses the option with `value` in the select with id `id`.
    pub async fn choose(&self, id: &str, value: &str) {
        self.client
            .find(Locator::Id(id))
            .await
            .unwrap_or_else(|e| panic!("no select #{id}: {e}"))
            .select_by_value(value)
            .await
            .unwrap_or_else(|e| panic!("no option {value:?} in #{id}: {e}"));
    }

    /// Clicks the first element matching `css`, for what stays on the page
    /// (a checkbox, a radio button). For a link or a submit button use
    /// [`Browser::click_and_wait`]: a click returns before the browser has
    /// loaded the next page.
    pub async fn click(&self, css: &str) {
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("nothing matches {css}: {e}"))
            .click()
            .await
            .unwrap_or_else(|e| panic!("cannot click {css}: {e}"));
    }

    /// Clicks a link or a submit button and waits (at most 15 s) until the
    /// next page has replaced this one and finished loading, so that nothing
    /// after it acts on, or checks, the old page.
    pub async fn click_and_wait(&self, css: &str) {
        let old = self.client.find(Locator::Css("html")).await.unwrap();
        self.click(css).await;
        let deadline = Instant::now() + WAIT;
        loop {
            // The old page's element is stale once the new page is there.
            let replaced = old.tag_name().await.is_err();
            if replaced && self.ready().await {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "clicking {css} did not lead to a new page"
            );
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits (at most 15 s) until the page at `path` has loaded; panics with
    /// the page's text if the browser never gets there.
    pub async fn wait_for_path(&self, path: &str) {
        self.wait_for_url(|here| here == path, path).await;
    }

    /// Waits (at most 15 s) until a page whose path ends with `suffix` has
    /// loaded (for paths holding an id not known yet).
    pub async fn wait_for_path_ending(&self, suffix: &str) {
        self.wait_for_url(|here| here.ends_with(suffix), &format!("…{suffix}"))
            .await;
    }

    async fn wait_for_url(&self, arrived: impl Fn(&str) -> bool, wanted: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            let here = self.path().await;
            if arrived(&here) && self.ready().await {
                return;
            }
            if Instant::now() >= deadline {
                panic!(
                    "still at {here}, waiting for {wanted}: {}",
                    self.main_text().await
                );
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits (at most 15 s) until an element matching `css` is on the page.
    pub async fn wait_for(&self, css: &str) {
        self.client
            .wait()
            .at_most(WAIT)
            .for_element(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css} never appeared: {e}"));
    }

    /// Waits (at most 15 s) until the text of `main` holds `needle` (the
    /// answer to a form may still be loading) and returns that text.
    pub async fn wait_for_text(&self, needle: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let page = self.main_text().await;
            if page.contains(needle) {
                return page;
            }
            assert!(
                Instant::now() < deadline,
                "the page never said {needle:?}: {page}"
            );
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits (at most 15 s) until the page's HTML source holds `needle`
    /// (markup such as an attribute or the title, not only text) and
    /// returns the source.
    pub async fn wait_for_source(&self, needle: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let source = self.page_source().await;
            if source.contains(needle) {
                return source;
            }
            assert!(
                Instant::now() < deadline,
                "no {needle:?} on {}: {source}",
                self.path().await
            );
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits (at most 15 s) until the title starts with "Fejl: " or
    /// "Error: ", which is how a form sent back with errors is titled.
    pub async fn wait_for_error_title(&self) {
        let deadline = Instant::now() + WAIT;
        loop {
            let title = self.client.title().await.unwrap_or_default();
            if title.starts_with("Fejl: ") || title.starts_with("Error: ") {
                return;
            }
            assert!(Instant::now() < deadline, "no error title: {title}");
            tokio::time::sleep(POLL).await;
        }
    }

    /// The text of `main`, once the page has settled (a page being replaced
    /// has none for a moment); panics if no `main` appears within 5 s.
    pub async fn main_text(&self) -> String {
        let mut last_error = None;
        for _ in 0..50 {
            match self.client.find(Locator::Css("main")).await {
                Ok(main) => match main.text().await {
                    Ok(text) => return text,
                    Err(e) => last_error = Some(e),
                },
                Err(e) => last_error = Some(e),
            }
            tokio::time::sleep(POLL).await;
        }
        panic!("no main element: {last_error:?}")
    }

    /// The current page's HTML source.
    pub async fn page_source(&self) -> String {
        self.client.source().await.unwrap()
    }

    /// The path of the current URL ("" while the browser cannot tell, in
    /// the middle of a navigation).
    pub async fn path(&self) -> String {
        self.client
            .current_url()
            .await
            .map(|url| url.path().to_owned())
            .unwrap_or_default()
    }

    /// The `lang` attribute of the `html` element ("" when missing).
    pub async fn html_lang(&self) -> String {
        self.client
            .find(Locator::Css("html"))
            .await
            .unwrap()
            .attr("lang")
            .await
            .unwrap()
            .unwrap_or_default()
    }

    /// True when the document has finished loading.
    async fn ready(&self) -> bool {
        self.client
            .execute("return document.readyState;", vec![])
            .await
            .is_ok_and(|state| state == "complete")
    }

    /// Saves a PNG of the viewport to `path` (parent folders created), for
    /// looking at what a failing test saw.
    pub async fn screenshot(&self, path: impl AsRef<Path>) -> anyhow::Result<()> {
        let path = path.as_ref();
        let png = self
            .client
            .screenshot()
            .await
            .context("cannot take a screenshot")?;
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, png).with_context(|| format!("cannot write {}", path.display()))
    }

    /// What ChromeDriver printed.
    pub fn driver_logs(&self) -> String {
        self.driver.logs()
    }

    /// The temporary folder holding the profile and the driver's log.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

impl Deref for Browser {
    type Target = Client;

    fn deref(&self) -> &Client {
        &self.client
    }
}

impl Drop for Browser {
    /// Ends the session with a plain blocking HTTP request, since drop cannot
    /// await; ChromeDriver then closes Chromium cleanly. Killing ChromeDriver
    /// alone would leave Chromium running.
    fn drop(&mut self) {
        if let Some(session) = &self.session {
            let _ = delete_session(self.driver_port, session);
        }
    }
}

/// At most `max` characters of `text`, with `…` when cut.
fn shorten(text: &str, max: usize) -> String {
    match text.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// Sends `DELETE /session/<id>` and waits for the answer.
fn delete_session(port: u16, session: &str) -> std::io::Result<()> {
    let mut stream = TcpStream::connect(("127.0.0.1", port))?;
    stream.set_read_timeout(Some(Duration::from_secs(20)))?;
    write!(
        stream,
        "DELETE /session/{session} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\
         Content-Length: 0\r\nConnection: close\r\n\r\n"
    )?;
    // ChromeDriver answers once Chromium has quit, but may keep the
    // connection open afterwards: stop at the end of the headers.
    let mut answer = Vec::new();
    let mut chunk = [0u8; 1024];
    while !answer.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            break;
        }
        answer.extend_from_slice(&chunk[..n]);
    }
    Ok(())
}

/// True once ChromeDriver's `/status` says it is ready for a session.
async fn driver_ready(port: u16) -> bool {
    let status = reqwest::Client::new()
        .get(format!("http://127.0.0.1:{port}/status"))
        .timeout(Duration::from_secs(2))
        .send()
        .await;
    match status {
        Ok(response) => response
            .json::<Value>()
            .await
            .is_ok_and(|body| body["value"]["ready"] == Value::Bool(true)),
        Err(_) => false,
    }
}

/// The first of `names` found on `PATH`.
fn find_program(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    names.iter().find_map(|name| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|candidate| candidate.is_file())
    })
}

/// axe.min.js from `tests/browser/node_modules`, read once per process.
fn axe_source() -> anyhow::Result<&'static str> {
    static SOURCE: OnceLock<Result<String, String>> = OnceLock::new();
    let source = SOURCE.get_or_init(|| {
        let path = crate::workspace_root().join("tests/browser/node_modules/axe-core/axe.min.js");
        std::fs::read_to_string(&path).map_err(|e| {
            format!(
                "cannot read {}: {e}\naxe-core is installed by `npm ci --prefix tests/browser` \
                 (scripts/test does it)",
                path.display()
            )
        })
    });
    match source {
        Ok(source) => Ok(source),
        Err(message) => bail!("{message}"),
    }
}

/// Runs axe on the whole document; answers through WebDriver's async
/// callback (the last argument) with the page URL and the violations only.
const RUN_AXE: &str = r#"
const tags = arguments[0];
const done = arguments[arguments.length - 1];
axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] })
  .then((result) => done({
    url: location.href,
    violations: result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target, html: n.html })),
    })),
  }))
  .catch((e) => done({ url: location.href, error: String((e && e.stack) || e) }));
"#;

#[derive(Deserialize)]
struct AxeOutcome {
    url: String,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    violations: Vec<AxeViolation>,
}

#[derive(Deserialize)]
struct AxeViolation {
    id: String,
    impact: Option<String>,
    help: String,
    #[serde(rename = "helpUrl")]
    help_url: String,
    nodes: Vec<AxeNode>,
}

#[derive(Deserialize)]
struct AxeNode {
    target: Value,
    html: String,
}
