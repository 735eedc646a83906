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
use crate::jobs::{self, Job};

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

pub async fn deliver(app: &AppState, email: &SendEmail) -> anyhow::Result<()> {
    let rendered = render_email(&email.template, email.lang, &email.vars)?;
    let from: Mailbox = app.config.mail_from.parse()?;
    let to: Mailbox = email.to.parse()?;
    let message = Message::builder()
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
}
