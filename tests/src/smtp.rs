//! A real SMTP server that keeps what it receives, for tests of mail.
//!
//! aiosmtpd runs as its own process with its `Mailbox` handler, which stores
//! each message in a Maildir. The application sends over a real SMTP
//! conversation (lettre, as in production), and the test reads the stored
//! messages back and parses them the way a mail client would: headers
//! decoded, quoted-printable and base64 undone, multipart split.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use mailparse::{DispositionType, MailHeaderMap, ParsedMail};
use tempfile::TempDir;

use crate::process::{Spawned, accepts_tcp, start_server};

/// An aiosmtpd process on 127.0.0.1, killed on drop.
///
/// It stores every message it accepts; list mail to an address starting
/// with `bounce` it refuses permanently (`550 5.1.1`), as a real server
/// refuses a mailbox it will not deliver to.
pub struct SmtpServer {
    url: String,
    port: u16,
    maildir: PathBuf,
    log: PathBuf,
    dir_path: PathBuf,
    // Dropped in this order: the process first, then its folder.
    process: Option<Spawned>,
    _dir: TempDir,
}

/// The handler: aiosmtpd's Maildir handler, refusing list mail (a message
/// with `List-Unsubscribe`) to `bounce*` recipients with a 550 after DATA.
/// Their account mail still arrives, so such a person can register.
const HANDLER: &str = "\
from aiosmtpd.handlers import Mailbox


class Handler(Mailbox):
    async def handle_DATA(self, server, session, envelope):
        bouncing = [r for r in envelope.rcpt_tos if r.lower().startswith('bounce')]
        if bouncing and b'List-Unsubscribe' in envelope.original_content:
            return '550 5.1.1 <%s>: Recipient address rejected: User unknown' % bouncing[0]
        return await super().handle_DATA(server, session, envelope)
";

fn aiosmtpd(dir: &Path, maildir: &Path, port: u16) -> Command {
    let mut command = Command::new("python3");
    command
        .env("PYTHONPATH", dir)
        .args(["-m", "aiosmtpd", "-n", "--smtputf8"])
        .args(["-l", &format!("127.0.0.1:{port}")])
        .args(["-c", "socialbid_smtp_handler.Handler"])
        .arg(maildir);
    command
}

/// One received message, decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedMail {
    /// The decoded `To` header (`Name <address>`), or the envelope
    /// recipients when the message has no `To` header.
    pub to: String,
    /// The decoded `From` header.
    pub from: String,
    /// The decoded subject.
    pub subject: String,
    /// The `Message-ID` header, the same for every attempt at one job.
    pub message_id: String,
    /// The text/plain parts that are not attachments, joined.
    pub text: String,
    /// The text/html parts that are not attachments, joined.
    pub html: String,
    /// The `List-Unsubscribe` header (`<https://…>`), empty when absent.
    pub list_unsubscribe: String,
    /// The `List-Unsubscribe-Post` header (RFC 8058), empty when absent.
    pub list_unsubscribe_post: String,
}

impl SmtpServer {
    /// Starts `python3 -m aiosmtpd` on a free port and waits until it
    /// accepts connections.
    ///
    /// `--smtputf8` is on so that addresses such as `søren@…` can be
    /// delivered; `-n` keeps it from switching to user `nobody` (it runs as
    /// whoever runs the tests, root on CI).
    pub async fn start() -> SmtpServer {
        let dir = tempfile::Builder::new()
            .prefix("socialbid-smtp-")
            .tempdir()
            .expect("cannot create a temporary folder");
        std::fs::write(dir.path().join("socialbid_smtp_handler.py"), HANDLER)
            .expect("cannot write the SMTP handler");
        let maildir = dir.path().join("maildir");
        let log = dir.path().join("aiosmtpd.log");
        let dir_path = dir.path().to_owned();
        let command = |port: u16| aiosmtpd(&dir_path, &maildir, port);
        let (process, port) = start_server(
            "aiosmtpd",
            &log,
            Duration::from_secs(30),
            command,
            accepts_tcp,
        )
        .await;
        SmtpServer {
            url: format!("smtp://127.0.0.1:{port}"),
            port,
            maildir,
            log,
            dir_path,
            process: Some(process),
            _dir: dir,
        }
    }

    /// Stops the server: connections are refused until [`SmtpServer::restart`].
    /// What it received stays.
    pub fn stop(&mut self) {
        self.process = None;
    }

    /// Starts the server again on the same port and waits until it accepts
    /// connections.
    pub async fn restart(&mut self) {
        self.process = None;
        let deadline = Instant::now() + Duration::from_secs(30);
        let process = Spawned::spawn(
            "aiosmtpd",
            aiosmtpd(&self.dir_path, &self.maildir, self.port),
            &self.log,
        );
        while !accepts_tcp(self.port).await {
            assert!(
                Instant::now() < deadline,
                "aiosmtpd did not start again:\n{}",
                process.logs()
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        self.process = Some(process);
    }

    /// `smtp://127.0.0.1:<port>`, as `SOCIALBID_SMTP_URL` takes it.
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Every message received so far, oldest first.
    ///
    /// Panics on a message that cannot be parsed: that is a bug worth seeing.
    pub fn messages(&self) -> Vec<ReceivedMail> {
        read_maildir(&self.maildir)
    }

    /// The Maildir the server stores messages in.
    pub fn maildir(&self) -> &Path {
        &self.maildir
    }

    /// The messages to `address`, oldest first.
    pub fn messages_to(&self, address: &str) -> Vec<ReceivedMail> {
        self.messages()
            .into_iter()
            .filter(|m| m.to.contains(address))
            .collect()
    }

    /// Waits until a message matching `predicate` has arrived and returns the
    /// first such (oldest). Panics after `timeout`, listing what did arrive.
    pub async fn wait_for(
        &self,
        predicate: impl Fn(&ReceivedMail) -> bool,
        timeout: Duration,
    ) -> ReceivedMail {
        let deadline = Instant::now() + timeout;
        loop {
            let messages = self.messages();
            if let Some(found) = messages.iter().find(|m| predicate(m)) {
                return found.clone();
            }
            if Instant::now() >= deadline {
                let list: String = messages
                    .iter()
                    .map(|m| format!("\n  - to {:?}, subject {:?}", m.to, m.subject))
                    .collect();
                panic!(
                    "no matching mail arrived within {timeout:?}; {} message(s) did:{list}\n\
                     aiosmtpd output:\n{}",
                    messages.len(),
                    self.logs()
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// What aiosmtpd printed (errors, mostly).
    pub fn logs(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }
}

/// Every message in the Maildir at `maildir`, oldest first.
pub(crate) fn read_maildir(maildir: &Path) -> Vec<ReceivedMail> {
    let mut files: Vec<(MaildirOrder, PathBuf)> = ["new", "cur"]
        .iter()
        .filter_map(|sub| std::fs::read_dir(maildir.join(sub)).ok())
        .flatten()
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .map(|path| (MaildirOrder::of(&path), path))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|(_, path)| {
            let raw = std::fs::read(&path)
                .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
            ReceivedMail::parse(&raw)
                .unwrap_or_else(|e| panic!("cannot parse mail {}: {e}", path.display()))
        })
        .collect()
}

impl ReceivedMail {
    /// Parses one raw RFC 5322 message.
    pub fn parse(raw: &[u8]) -> Result<ReceivedMail, mailparse::MailParseError> {
        let mail = mailparse::parse_mail(raw)?;
        let header = |name: &str| mail.headers.get_first_value(name).unwrap_or_default();
        let mut to = header("To");
        if to.is_empty() {
            // aiosmtpd adds the envelope recipients as X-RcptTo.
            to = header("X-RcptTo");
        }
        let (mut text, mut html) = (Vec::new(), Vec::new());
        collect_bodies(&mail, &mut text, &mut html)?;
        Ok(ReceivedMail {
            to,
            from: header("From"),
            subject: header("Subject"),
            message_id: header("Message-ID"),
            text: text.join("\n"),
            html: html.join("\n"),
            list_unsubscribe: header("List-Unsubscribe"),
            list_unsubscribe_post: header("List-Unsubscribe-Post"),
        })
    }
}

/// Walks the MIME tree and keeps the decoded text/plain and text/html leaves.
fn collect_bodies(
    part: &ParsedMail<'_>,
    text: &mut Vec<String>,
    html: &mut Vec<String>,
) -> Result<(), mailparse::MailParseError> {
    if !part.subparts.is_empty() {
        for sub in &part.subparts {
            collect_bodies(sub, text, html)?;
        }
        return Ok(());
    }
    if part.get_content_disposition().disposition == DispositionType::Attachment {
        return Ok(());
    }
    let mimetype = part.ctype.mimetype.to_ascii_lowercase();
    let target = match mimetype.as_str() {
        "text/plain" => text,
        "text/html" => html,
        _ => return Ok(()),
    };
    target.push(part.get_body()?.replace("\r\n", "\n"));
    Ok(())
}

/// Arrival order from a Maildir file name, which Python's `mailbox` writes
/// as `<seconds>.M<microseconds>P<pid>Q<counter>.<host>`. Sorting the names
/// as text would put `.M99` after `.M100`.
#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
struct MaildirOrder(u64, u64, u64, String);

impl MaildirOrder {
    fn of(path: &Path) -> MaildirOrder {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut fields = name.split('.');
        let number = |s: Option<&str>| s.and_then(|s| s.parse().ok()).unwrap_or(u64::MAX);
        let seconds = number(fields.next());
        let unique = fields.next().unwrap_or("");
        let field = |tag: char| {
            let start = unique.find(tag)? + 1;
            let digits: String = unique[start..]
                .chars()
                .take_while(char::is_ascii_digit)
                .collect();
            Some(digits)
        };
        let micros = number(field('M').as_deref());
        let counter = number(field('Q').as_deref());
        MaildirOrder(seconds, micros, counter, name)
    }
}

/// The first `http://` or `https://` link in `text`, such as the
/// confirmation link in a mail.
///
/// The link ends at whitespace, a quote or an angle bracket (so it works on
/// HTML and on `<https://…>` too); trailing sentence punctuation is dropped.
/// Panics, showing the text, when there is none.
pub fn first_link(text: &str) -> String {
    let start = [text.find("http://"), text.find("https://")]
        .into_iter()
        .flatten()
        .min()
        .unwrap_or_else(|| panic!("no http(s) link in:\n{text}"));
    let rest = &text[start..];
    let end = rest
        .find(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '<' | '>'))
        .unwrap_or(rest.len());
    let link = rest[..end].trim_end_matches(['.', ',', ';', ':', '!', '?', ')']);
    link.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_link_stops_where_the_link_does() {
        assert_eq!(
            first_link("Bekræft: https://x.test/confirm?t=a1.b2 nu."),
            "https://x.test/confirm?t=a1.b2"
        );
        assert_eq!(
            first_link("<a href=\"http://127.0.0.1:9/r?a=1&amp;b=2\">x</a>"),
            "http://127.0.0.1:9/r?a=1&amp;b=2"
        );
        assert_eq!(first_link("(see https://x.test/a)."), "https://x.test/a");
        assert_eq!(first_link("go to <https://x.test/b>"), "https://x.test/b");
    }

    #[test]
    fn maildir_names_sort_by_arrival() {
        let earlier = MaildirOrder::of(Path::new("1795858125.M99P1Q1.vm"));
        let later = MaildirOrder::of(Path::new("1795858125.M100P1Q2.vm"));
        assert!(earlier < later);
    }

    #[test]
    fn parses_encoded_multipart_mail() {
        let raw = b"From: Socialbid <noreply@x.test>\r\n\
To: =?utf-8?q?B=C3=B8?= <b@y.test>\r\n\
Subject: =?utf-8?b?w6bDuMOl?= test\r\n\
MIME-Version: 1.0\r\n\
Content-Type: multipart/alternative; boundary=\"B\"\r\n\
\r\n\
--B\r\n\
Content-Type: text/plain; charset=utf-8\r\n\
Content-Transfer-Encoding: quoted-printable\r\n\
\r\n\
Hej =C3=A6=C3=B8=C3=A5 https://x.test/a=\r\n\
bc\r\n\
--B\r\n\
Content-Type: text/html; charset=utf-8\r\n\
Content-Transfer-Encoding: base64\r\n\
\r\n\
PHA+SGVqPC9wPg==\r\n\
--B--\r\n";
        let mail = ReceivedMail::parse(raw).unwrap();
        assert_eq!(mail.to, "Bø <b@y.test>");
        assert_eq!(mail.subject, "æøå test");
        assert!(
            mail.text.starts_with("Hej æøå https://x.test/abc"),
            "{:?}",
            mail.text
        );
        assert_eq!(mail.html, "<p>Hej</p>");
    }
}
