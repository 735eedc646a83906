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
use std::time::Duration;

use anyhow::{Context, bail};
use fantoccini::{Client, ClientBuilder};
use serde::Deserialize;
use serde_json::{Value, json};
use tempfile::TempDir;

use crate::process::{Spawned, start_server};

/// The axe-core rule tags every page must pass: WCAG 2.1 A and AA (which
/// include 2.0) plus axe's best practices.
pub const AXE_TAGS: [&str; 5] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"];

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
