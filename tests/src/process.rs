//! Child processes that write to a log file and die with their owner.
//!
//! Output goes to a file rather than a pipe: nobody has to drain it, a
//! failing test can print it, and no pipe outlives the test (nextest reports
//! a test whose children hold its stdout open as leaky).

use std::fs::File;
use std::future::Future;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::free_port;

/// A running child process, killed (SIGKILL) and reaped on drop.
pub(crate) struct Spawned {
    child: Child,
    log: PathBuf,
}

impl Spawned {
    /// Starts `command` with stdin closed and stdout and stderr both written
    /// to `log` (truncated first), in the order the child writes them.
    pub(crate) fn spawn(name: &str, mut command: Command, log: &Path) -> Spawned {
        let file = File::create(log)
            .unwrap_or_else(|e| panic!("cannot create the log file {}: {e}", log.display()));
        let stderr = file.try_clone().expect("cannot duplicate a file handle");
        command.stdin(Stdio::null()).stdout(file).stderr(stderr);
        let child = command
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name} ({command:?}): {e}"));
        Spawned {
            child,
            log: log.to_owned(),
        }
    }

    /// Everything the child has written so far.
    pub(crate) fn logs(&self) -> String {
        match std::fs::read(&self.log) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(e) => format!("(cannot read {}: {e})", self.log.display()),
        }
    }

    /// The exit status, if the child has already ended.
    pub(crate) fn exited(&mut self) -> Option<ExitStatus> {
        self.child.try_wait().ok().flatten()
    }
}

impl Drop for Spawned {
    fn drop(&mut self) {
        // Already-exited children make kill fail; that is fine.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts a server on a fresh port and waits until `ready(port)` says yes.
///
/// `command(port)` builds the command line. A child that dies reporting its
/// address in use (another process took the port between [`free_port`] and
/// the child's bind) is started again on a new port, twice at most. Any other
/// early exit, or no readiness within `timeout`, panics with the child's log.
pub(crate) async fn start_server<C, R, F>(
    name: &str,
    log: &Path,
    timeout: Duration,
    command: C,
    ready: R,
) -> (Spawned, u16)
where
    C: Fn(u16) -> Command,
    R: Fn(u16) -> F,
    F: Future<Output = bool>,
{
    const ATTEMPTS: u32 = 3;
    for attempt in 1..=ATTEMPTS {
        let port = free_port();
        let mut process = Spawned::spawn(name, command(port), log);
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(status) = process.exited() {
                let logs = process.logs();
                if attempt < ATTEMPTS && logs.to_lowercase().contains("in use") {
                    break;
                }
                panic!(
                    "{name} exited ({status}) before it was ready on port {port}; its output:\n{logs}"
                );
            }
            if ready(port).await {
                return (process, port);
            }
            if Instant::now() > deadline {
                panic!(
                    "{name} was not ready on port {port} after {timeout:?}; its output:\n{}",
                    process.logs()
                );
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    unreachable!("the last attempt either returns or panics")
}

/// True once something accepts TCP connections on 127.0.0.1:`port`.
pub(crate) async fn accepts_tcp(port: u16) -> bool {
    let connect = tokio::net::TcpStream::connect(("127.0.0.1", port));
    matches!(
        tokio::time::timeout(Duration::from_secs(1), connect).await,
        Ok(Ok(_))
    )
}
