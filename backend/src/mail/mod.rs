//! Outgoing mail. Every mail is a `send_email` job queued in the
//! transaction that caused it; the worker renders it from the templates in
//! the `frontend` crate, in the recipient's language, and sends it over
//! SMTP, or writes it to files when no SMTP server is configured: an `.eml`
//! and a plain `.txt` twin, named by time and subject, so that a person
//! trying the platform on a laptop finds the mail and copies a link whole.

use std::path::{Path, PathBuf};

use chrono::NaiveDateTime;
use diesel::QueryResult;
use std::num::NonZeroU32;

use governor::{DefaultDirectRateLimiter, Quota, RateLimiter};
use lettre::Message;
use lettre::message::header::{HeaderName, HeaderValue};
use lettre::message::{Mailbox, MultiPart};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use socialbid_frontend::{Lang, RenderedEmail, render_email};

use crate::app::AppState;
use crate::config::Config;
use crate::db::DbConn;
use crate::db::ids::JobId;
use crate::jobs::{self, BackgroundJob, Job, JobContext};

mod smtp;
use smtp::SmtpPool;

pub enum Mailer {
    Smtp {
        /// A burst of mail reuses a few open connections instead of
        /// opening one per message.
        pool: Box<SmtpPool>,
        /// `SOCIALBID_MAIL_RATE`: at most this many mails a second leave
        /// this process, to stay within a provider's quota.
        rate: Option<DefaultDirectRateLimiter>,
    },
    /// The folder the mail files go to.
    Files(PathBuf),
}

impl Mailer {
    pub fn from_config(config: &Config) -> anyhow::Result<Mailer> {
        match &config.smtp_url {
            Some(url) => {
                let pool =
                    SmtpPool::new(url.expose_secret(), config.smtp_connections).map_err(|e| {
                        anyhow::anyhow!("SOCIALBID_SMTP_URL is not a usable SMTP address: {e}")
                    })?;
                let rate = config
                    .mail_rate
                    .and_then(NonZeroU32::new)
                    .map(|per_second| RateLimiter::direct(Quota::per_second(per_second)));
                Ok(Mailer::Smtp {
                    pool: Box::new(pool),
                    rate,
                })
            }
            None => {
                let dir = config.mail_dir();
                std::fs::create_dir_all(&dir)?;
                tracing::info!(folder = %dir.display(), "no SMTP server configured: mail is written as .eml and .txt files");
                Ok(Mailer::Files(dir))
            }
        }
    }
}

/// `20261202-141503-bekraeft-din-e-mailadresse-17`: the time (UTC) and the
/// subject, then the job, so names sort by time and never collide.
fn file_stem(at: NaiveDateTime, subject: &str, id: &str) -> String {
    let mut slug = String::new();
    for c in subject.to_lowercase().chars() {
        match c {
            'æ' => slug.push_str("ae"),
            'ø' => slug.push_str("oe"),
            'å' => slug.push_str("aa"),
            c if c.is_ascii_alphanumeric() => slug.push(c),
            _ if !slug.is_empty() && !slug.ends_with('-') => slug.push('-'),
            _ => {}
        }
    }
    let slug: String = slug.chars().take(60).collect();
    let mut stem = at.format("%Y%m%d-%H%M%S").to_string();
    for part in [slug.trim_end_matches('-'), id] {
        if !part.is_empty() {
            stem.push('-');
            stem.push_str(part);
        }
    }
    stem
}

/// Writes each file under a temporary name first and renames it, so
/// whoever watches the folder never reads half a mail.
async fn write_files(dir: &Path, stem: &str, eml: &[u8], text: &str) -> anyhow::Result<()> {
    for (extension, content) in [("txt", text.as_bytes()), ("eml", eml)] {
        let target = dir.join(format!("{stem}.{extension}"));
        let partial = dir.join(format!(".{stem}.{extension}.partial"));
        tokio::fs::write(&partial, content).await?;
        tokio::fs::rename(&partial, &target).await?;
    }
    Ok(())
}

/// One mail to one person, as queued.
#[derive(Debug, Serialize, Deserialize)]
pub struct SendEmail {
    pub to: String,
    pub lang: Lang,
    /// The template name in `frontend/templates/emails/`.
    pub template: String,
    pub vars: serde_json::Value,
}

impl Job for SendEmail {
    const KIND: &'static str = "send_email";
}

impl BackgroundJob for SendEmail {
    const LEAVES_THE_DATABASE: bool = true;

    async fn run(self, app: AppState, context: JobContext) -> anyhow::Result<String> {
        deliver(&app, &self, context.id).await?;
        Ok(self.record())
    }

    fn redacted(&self) -> String {
        self.record()
    }
}

impl SendEmail {
    /// What the finished job row keeps: who got which mail, without the
    /// links (they hold secrets).
    pub fn record(&self) -> String {
        serde_json::json!({ "to": mask(&self.to), "template": self.template }).to_string()
    }
}

/// Queues a mail in the caller's transaction. `dedupe_key` names the
/// subject matter, so the same mail is never queued twice.
pub fn queue(
    conn: &mut DbConn,
    to: &str,
    lang: Lang,
    template: &str,
    vars: serde_json::Value,
    dedupe_key: String,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let job = SendEmail {
        to: to.to_owned(),
        lang,
        template: template.to_owned(),
        vars,
    };
    jobs::enqueue(conn, &job, Some(dedupe_key), now)
}

/// Takes back the mails still queued for `address`, in the caller's
/// transaction: once an account is deleted, nothing queued for its person
/// is sent (a receipt, a match, a digest). Returns how many were taken.
pub fn unqueue_to(conn: &mut DbConn, address: &str) -> QueryResult<usize> {
    use crate::db::schema::jobs as queue;
    use diesel::prelude::*;

    let queued: Vec<(JobId, String)> = queue::table
        .filter(queue::kind.eq(SendEmail::KIND))
        .filter(queue::finished_at.is_null())
        .filter(queue::failed_at.is_null())
        .select((queue::id, queue::payload))
        .load(conn)?;
    let theirs: Vec<JobId> = queued
        .into_iter()
        .filter(|(_, payload)| {
            serde_json::from_str::<SendEmail>(payload)
                .is_ok_and(|mail| mail.to.eq_ignore_ascii_case(address))
        })
        .map(|(id, _)| id)
        .collect();
    diesel::delete(queue::table.filter(queue::id.eq_any(theirs))).execute(conn)
}

/// Sends the mail of job `job_id`. Its `Message-ID` is derived from the job
/// and its content, so every attempt at the same job carries the same one
/// and a repeat is recognisable as a repeat (by people and by mail servers).
pub async fn deliver(app: &AppState, email: &SendEmail, job_id: JobId) -> anyhow::Result<()> {
    let rendered = render_email(&email.template, email.lang, &email.vars)?;
    send(
        app,
        Outgoing {
            to: email.to.clone(),
            message_id: message_id(&app.config.public_url, job_id, email),
            rendered,
            headers: Vec::new(),
            file_id: job_id.to_string(),
        },
    )
    .await?;
    tracing::info!(to = %mask(&email.to), template = %email.template, "mail sent");
    Ok(())
}

/// A rendered mail ready to hand to the mailer.
pub struct Outgoing {
    pub to: String,
    /// The same for every attempt at the same mail.
    pub message_id: String,
    pub rendered: RenderedEmail,
    /// Headers beyond the usual ones (`List-Unsubscribe`).
    pub headers: Vec<(&'static str, String)>,
    /// Ends the file's name when mail goes to files.
    pub file_id: String,
}

/// Hands one mail to the SMTP server (or writes it to files). An SMTP
/// refusal comes back as [`lettre::transport::smtp::Error`] inside the
/// error, so a caller can tell a permanent one (5xx) from the rest.
pub async fn send(app: &AppState, mail: Outgoing) -> anyhow::Result<()> {
    let from: Mailbox = app.config.mail_from.parse()?;
    let to: Mailbox = mail.to.parse()?;
    let mut builder = Message::builder()
        .message_id(Some(mail.message_id))
        .from(from)
        .to(to)
        .subject(&mail.rendered.subject);
    for (name, value) in mail.headers {
        builder = builder.raw_header(HeaderValue::new(
            HeaderName::new_from_ascii_str(name),
            value,
        ));
    }
    let message = builder.multipart(MultiPart::alternative_plain_html(
        mail.rendered.text.clone(),
        mail.rendered.html,
    ))?;
    match &app.mailer {
        Mailer::Smtp { pool, rate } => {
            if let Some(rate) = rate {
                rate.until_ready().await;
            }
            pool.send(message.envelope(), &message.formatted()).await?;
        }
        Mailer::Files(dir) => {
            let stem = file_stem(app.clock.now(), &mail.rendered.subject, &mail.file_id);
            let text = format!(
                "To: {}\nSubject: {}\n\n{}",
                mail.to, mail.rendered.subject, mail.rendered.text
            );
            write_files(dir, &stem, &message.formatted(), &text).await?;
        }
    }
    Ok(())
}

fn message_id(public_url: &str, job_id: JobId, email: &SendEmail) -> String {
    use sha2::{Digest, Sha256};
    let host = url::Url::parse(public_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| "socialbid.localhost".into());
    let content = serde_json::to_string(email).unwrap_or_default();
    let digest = hex::encode(&Sha256::digest(content.as_bytes())[..8]);
    format!("<job-{job_id}.{digest}@{host}>")
}

/// Every e-mail address in `text` masked (an SMTP server's refusal quotes
/// the address it refused; the job row and the log keep only the mask).
pub fn mask_addresses(text: &str) -> String {
    text.split_inclusive(|c: char| c.is_whitespace() || "<>\"'(),;:[]".contains(c))
        .map(|piece| {
            let end = piece
                .char_indices()
                .rev()
                .find(|(_, c)| !(c.is_whitespace() || "<>\"'(),;:[]".contains(*c)))
                .map(|(i, c)| i + c.len_utf8())
                .unwrap_or(0);
            let (word, rest) = piece.split_at(end);
            if word.contains('@') && !word.starts_with('@') {
                format!("{}{rest}", mask(word))
            } else {
                piece.to_owned()
            }
        })
        .collect()
}

/// `anna@example.dk` → `a***@example.dk`: logs never hold a full address.
pub fn mask(address: &str) -> String {
    match address.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".into(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn mail_files_are_named_by_time_and_subject() {
        let at = chrono::NaiveDate::from_ymd_opt(2026, 12, 2)
            .unwrap()
            .and_hms_opt(14, 15, 3)
            .unwrap();
        assert_eq!(
            super::file_stem(at, "Bekræft din e-mailadresse – Socialbid", "17"),
            "20261202-141503-bekraeft-din-e-mailadresse-socialbid-17"
        );
        assert_eq!(super::file_stem(at, "–", "3"), "20261202-141503-3");
    }

    #[test]
    fn masks_the_local_part() {
        assert_eq!(super::mask("anna@example.dk"), "a***@example.dk");
        assert_eq!(super::mask("nonsense"), "***");
    }

    #[test]
    fn masks_every_address_in_a_server_answer() {
        assert_eq!(
            super::mask_addresses("550 5.1.1 <anna@example.dk>: Recipient unknown, bo@x.dk"),
            "550 5.1.1 <a***@example.dk>: Recipient unknown, b***@x.dk"
        );
        assert_eq!(super::mask_addresses("no address here"), "no address here");
    }
}
