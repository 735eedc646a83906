//! Outgoing mail. Every mail is a `send_email` job queued in the
//! transaction that caused it; the worker renders it from the templates in
//! the `frontend` crate, in the recipient's language, and sends it over
//! SMTP, or writes it as an `.eml` file when no SMTP server is configured.

use chrono::NaiveDateTime;
use diesel::QueryResult;
use lettre::message::{Mailbox, MultiPart};
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use secrecy::ExposeSecret;
use serde::{Deserialize, Serialize};
use socialbid_frontend::{Lang, render_email};

use crate::app::AppState;
use crate::config::Config;
use crate::db::DbConn;
use crate::jobs::{self, BackgroundJob, Job, JobContext};

pub enum Mailer {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Files(AsyncFileTransport<Tokio1Executor>),
}

impl Mailer {
    pub fn from_config(config: &Config) -> anyhow::Result<Mailer> {
        match &config.smtp_url {
            Some(url) => {
                let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url.expose_secret())
                    .map_err(|e| {
                        anyhow::anyhow!("SOCIALBID_SMTP_URL is not a usable SMTP address: {e}")
                    })?
                    .build();
                Ok(Mailer::Smtp(transport))
            }
            None => {
                let dir = config.mail_dir();
                std::fs::create_dir_all(&dir)?;
                tracing::info!(folder = %dir.display(), "no SMTP server configured: mail is written as .eml files");
                Ok(Mailer::Files(AsyncFileTransport::new(dir)))
            }
        }
    }

    async fn send(&self, message: Message) -> anyhow::Result<()> {
        match self {
            Mailer::Smtp(transport) => {
                transport.send(message).await?;
            }
            Mailer::Files(transport) => {
                transport.send(message).await?;
            }
        }
        Ok(())
    }
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

/// Sends the mail of job `job_id`. Its `Message-ID` is derived from the job
/// and its content, so every attempt at the same job carries the same one
/// and a repeat is recognisable as a repeat (by people and by mail servers).
pub async fn deliver(app: &AppState, email: &SendEmail, job_id: i64) -> anyhow::Result<()> {
    let rendered = render_email(&email.template, email.lang, &email.vars)?;
    let from: Mailbox = app.config.mail_from.parse()?;
    let to: Mailbox = email.to.parse()?;
    let message = Message::builder()
        .message_id(Some(message_id(&app.config.public_url, job_id, email)))
        .from(from)
        .to(to)
        .subject(rendered.subject)
        .multipart(MultiPart::alternative_plain_html(
            rendered.text,
            rendered.html,
        ))?;
    app.mailer.send(message).await?;
    tracing::info!(to = %mask(&email.to), template = %email.template, "mail sent");
    Ok(())
}

fn message_id(public_url: &str, job_id: i64, email: &SendEmail) -> String {
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
