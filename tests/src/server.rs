//! The real `socialbid` binary, started as a process.
//!
//! Tests through the binary catch what tests through the router cannot:
//! configuration from the environment, migrations at start-up, the listener,
//! background workers and the process's own logs.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

use tempfile::TempDir;

use crate::process::{Spawned, start_server};

/// How long `serve` may take to answer `/healthz` (migrations included).
const STARTUP_TIMEOUT: Duration = Duration::from_secs(60);

/// A running `socialbid serve`, killed on drop.
pub struct SocialbidProcess {
    base_url: String,
    port: u16,
    // Dropped in this order: the process first, then its folder.
    process: Spawned,
    dir: TempDir,
}

impl SocialbidProcess {
    /// Starts `socialbid serve` on a free port and waits until `GET /healthz`
    /// answers 200 (at most 60 s; then it panics showing the logs).
    ///
    /// The process runs in a new temporary folder (also its working
    /// directory, so nothing lands in the repository) with
    /// `SOCIALBID_DATA_DIR=<folder>/data`, `SOCIALBID_ADDR` and
    /// `SOCIALBID_PUBLIC_URL` set for the chosen port, and `NO_COLOR=1` so
    /// the logs read cleanly in a failure message; `envs` come last and
    /// override those (except that the port must stay the harness's). Pass
    /// e.g. `("DATABASE_URL", db.url())` and `("SOCIALBID_SMTP_URL", smtp.url())`.
    ///
    /// The binary is built first; see [`socialbid_binary`].
    pub async fn start(envs: &[(&str, &str)]) -> SocialbidProcess {
        let binary = tokio::task::spawn_blocking(socialbid_binary)
            .await
            .expect("the build thread panicked");
        let dir = tempfile::Builder::new()
            .prefix("socialbid-serve-")
            .tempdir()
            .expect("cannot create a temporary folder");
        let log = dir.path().join("socialbid.log");
        let command = |port: u16| {
            let mut command = Command::new(binary);
            command
                .arg("serve")
                .current_dir(dir.path())
                .env("NO_COLOR", "1")
                .env("SOCIALBID_DATA_DIR", dir.path().join("data"))
                .env("SOCIALBID_ADDR", format!("127.0.0.1:{port}"))
                .env("SOCIALBID_PUBLIC_URL", format!("http://127.0.0.1:{port}"))
                .envs(envs.iter().copied());
            command
        };
        let http = reqwest::Client::new();
        let healthy = |port: u16| {
            let probe = http
                .get(format!("http://127.0.0.1:{port}/healthz"))
                .timeout(Duration::from_secs(2))
                .send();
            async move {
                probe
                    .await
                    .is_ok_and(|r| r.status() == reqwest::StatusCode::OK)
            }
        };
        let (process, port) =
            start_server("socialbid serve", &log, STARTUP_TIMEOUT, command, healthy).await;
        SocialbidProcess {
            base_url: format!("http://127.0.0.1:{port}"),
            port,
            process,
            dir,
        }
    }

    /// Runs another subcommand of the same binary to its end, such as
    /// `socialbid migrate` before `serve` on PostgreSQL, and returns its exit
    /// status and output.
    ///
    /// It runs like [`SocialbidProcess::start`]'s process (its own temporary
    /// folder as working and data folder, `NO_COLOR=1`), `envs` last. Pass
    /// `SOCIALBID_DATA_DIR` to share a data folder with a server.
    pub async fn run(args: &[&str], envs: &[(&str, &str)]) -> std::process::Output {
        let binary = tokio::task::spawn_blocking(socialbid_binary)
            .await
            .expect("the build thread panicked");
        let dir = tempfile::Builder::new()
            .prefix("socialbid-run-")
            .tempdir()
            .expect("cannot create a temporary folder");
        let mut command = tokio::process::Command::new(binary);
        command
            .args(args)
            .current_dir(dir.path())
            .env("NO_COLOR", "1")
            .env("SOCIALBID_DATA_DIR", dir.path().join("data"))
            .envs(envs.iter().copied())
            .stdin(std::process::Stdio::null())
            .kill_on_drop(true);
        command
            .output()
            .await
            .unwrap_or_else(|e| panic!("cannot run {} {args:?}: {e}", binary.display()))
    }

    /// Runs `socialbid admin create-user --email <email> --role admin
    /// --password-stdin` on the data folder `data_dir`, typing `password`
    /// on standard input as an operator would, and returns its exit status
    /// and output. The admin tests and the browser tests that need an admin
    /// both make one this way: the CLI is the only way to make an admin.
    pub async fn create_admin(data_dir: &str, email: &str, password: &str) -> std::process::Output {
        use tokio::io::AsyncWriteExt;

        let binary = tokio::task::spawn_blocking(socialbid_binary)
            .await
            .expect("the build thread panicked");
        let mut child = tokio::process::Command::new(binary)
            .args([
                "admin",
                "create-user",
                "--email",
                email,
                "--role",
                "admin",
                "--password-stdin",
            ])
            .env("SOCIALBID_DATA_DIR", data_dir)
            .env("NO_COLOR", "1")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot run {} admin create-user: {e}", binary.display()));
        let mut stdin = child.stdin.take().expect("stdin is piped");
        stdin
            .write_all(format!("{password}\n").as_bytes())
            .await
            .expect("cannot type the password");
        drop(stdin);
        child
            .wait_with_output()
            .await
            .expect("admin create-user did not finish")
    }

    /// `http://127.0.0.1:<port>`, without a trailing slash.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// `base_url` followed by `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Everything the process wrote to stdout and stderr so far; print it
    /// when an assertion fails.
    pub fn logs(&self) -> String {
        self.process.logs()
    }

    /// The process's working folder (its data folder is `data/` inside).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Waits until this process's search index holds every change of the
    /// feed, as its `/readyz` reports (at most a minute, then fails with its
    /// logs). Search and the directory follow the feed about once a second,
    /// so a test reading them right after a write waits here first.
    pub async fn index_caught_up(&self) {
        let started = std::time::Instant::now();
        loop {
            let ready = reqwest::get(self.url("/readyz"))
                .await
                .expect("readyz answers")
                .text()
                .await
                .expect("readyz body");
            if ready.contains("search index: 0 changes behind") {
                return;
            }
            assert!(
                started.elapsed() < std::time::Duration::from_secs(60),
                "the index never caught up: {ready}\n{}",
                self.logs()
            );
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }

    /// Fills the running server's data folder with `socialbid demo`, as an
    /// operator would; panics with the command's output when it fails.
    pub async fn load_demo(&self) {
        let data = self.dir().join("data");
        let demo = SocialbidProcess::run(
            &["demo"],
            &[("SOCIALBID_DATA_DIR", data.to_str().expect("a UTF-8 path"))],
        )
        .await;
        assert!(
            demo.status.success(),
            "socialbid demo failed: {}",
            String::from_utf8_lossy(&demo.stderr)
        );
    }
}

/// The path of a freshly built `socialbid` binary.
///
/// Runs `cargo build --workspace --bin socialbid` in the workspace root once
/// per test process, so a test never runs a stale binary (nextest builds
/// test targets, not this binary). Uses `$CARGO` when set, else `cargo`, and
/// takes the executable's path from cargo's own report
/// (`<target>/debug/socialbid`, wherever the target folder is configured).
///
/// `--workspace` rather than `-p socialbid-backend`: cargo unifies
/// dependency features over the packages it is asked to build, and with the
/// backend alone hyper, axum, diesel and more get other features than in the
/// workspace's test build, so they and every crate above them would be
/// compiled a second time.
///
/// When `SOCIALBID_TEST_BIN` is set, that binary is used as it is and
/// nothing is built; `scripts/test` builds it together with the tests (no
/// second variant at all) and sets it, which also spares every test process
/// a cargo run.
pub fn socialbid_binary() -> &'static Path {
    static BINARY: OnceLock<Result<PathBuf, String>> = OnceLock::new();
    let binary = BINARY.get_or_init(|| {
        if let Some(path) = std::env::var_os("SOCIALBID_TEST_BIN").filter(|p| !p.is_empty()) {
            let path = PathBuf::from(path);
            return if path.is_file() {
                Ok(path)
            } else {
                Err(format!(
                    "SOCIALBID_TEST_BIN={} is not a file",
                    path.display()
                ))
            };
        }
        build()
    });
    match binary {
        Ok(path) => path,
        Err(message) => panic!("{message}"),
    }
}

fn build() -> Result<PathBuf, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(&cargo);
    command
        .args(["build", "--quiet", "--workspace", "--bin", "socialbid"])
        // Cargo reports where it put the executable, wherever the target
        // folder is configured to be.
        .arg("--message-format=json-render-diagnostics")
        .current_dir(crate::workspace_root());
    for (name, _) in std::env::vars_os() {
        if set_for_the_test_only(&name.to_string_lossy()) {
            command.env_remove(&name);
        }
    }
    let output = command
        .output()
        .map_err(|e| format!("cannot run {cargo:?} build: {e}"))?;
    if !output.status.success() {
        return Err(format!(
            "`cargo build --workspace --bin socialbid` failed ({}):\n{}",
            output.status,
            String::from_utf8_lossy(&output.stderr)
        ));
    }
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|m| m["reason"] == "compiler-artifact" && m["target"]["name"] == "socialbid")
        .filter(|m| m["profile"]["test"] == false)
        .find_map(|m| m["executable"].as_str().map(PathBuf::from))
        .ok_or_else(|| "cargo build reported no socialbid executable".to_owned())
}

/// Variables cargo and nextest set for the running test binary. Cleared for
/// the inner build: a build script that watches one of them would otherwise
/// see a change and rebuild.
fn set_for_the_test_only(name: &str) -> bool {
    const PREFIXES: [&str; 5] = [
        "CARGO_PKG_",
        "CARGO_MANIFEST_",
        "CARGO_CRATE_",
        "CARGO_BIN_",
        "NEXTEST",
    ];
    PREFIXES.iter().any(|prefix| name.starts_with(prefix))
        || name == "CARGO_PRIMARY_PACKAGE"
        || name == "OUT_DIR"
}
