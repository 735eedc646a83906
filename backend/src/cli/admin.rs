//! `socialbid admin create-user`.

use std::io::Read;

use anyhow::bail;

use crate::accounts::service;
use crate::app::AppState;
use crate::auth::password;
use crate::config::{Config, Settings};
use crate::error::AppError;

#[derive(clap::Subcommand)]
pub enum AdminTask {
    /// Create a verified admin account.
    ///
    /// With --password-stdin the password is read from standard input;
    /// otherwise the account gets no usable password and a link to set one
    /// is mailed. The password is never printed. Reads the same variables
    /// as `serve`.
    CreateUser {
        #[arg(long)]
        email: String,
        /// Only `admin`: entrepreneurs and officers register themselves.
        #[arg(long, value_parser = ["admin"])]
        role: String,
        #[arg(long, default_value = "Admin")]
        name: String,
        /// Read the password from standard input.
        #[arg(long)]
        password_stdin: bool,
        #[command(flatten)]
        settings: Settings,
    },
}

pub async fn run(task: AdminTask) -> anyhow::Result<()> {
    match task {
        AdminTask::CreateUser {
            email,
            role,
            name,
            password_stdin,
            settings,
        } => create_user(&email, &role, &name, password_stdin, settings).await,
    }
}

async fn create_user(
    email: &str,
    role: &str,
    name: &str,
    password_stdin: bool,
    settings: Settings,
) -> anyhow::Result<()> {
    let typed = if password_stdin {
        let mut input = String::new();
        std::io::stdin().read_to_string(&mut input)?;
        Some(input.trim_end_matches(['\r', '\n']).to_owned())
    } else {
        None
    };
    let config = Config::from_settings(settings)?;
    let app = AppState::new(config)?;
    if app.db.backend() == crate::db::Backend::Sqlite {
        app.db.migrate()?;
    }
    let id = match service::create_admin(&app, email, name, typed.as_deref()).await {
        Ok(id) => id,
        Err(AppError::Invalid { fields, .. }) => {
            let problems: Vec<String> = fields
                .iter()
                .map(|f| match (f.field.as_ref(), f.rule) {
                    ("email", "taken") => format!("an account with the email {email} already exists"),
                    ("email", rule) => format!("--email breaks the rule `{rule}`"),
                    (_, rule) => format!(
                        "the password breaks the rule `{rule}`: {} to {} characters, not the email address",
                        password::MIN_LEN,
                        password::MAX_LEN
                    ),
                })
                .collect();
            bail!("{}", problems.join("; "));
        }
        Err(other) => bail!("{other:?}"),
    };
    let email = crate::accounts::model::normalize_email(email);
    println!("Created the {role} account {email} (id {id}).");
    if typed.is_none() {
        service::request_password_reset(&app, email.clone())
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        crate::jobs::worker::run_due_jobs(&app, &crate::background::registry()).await?;
        match &app.config.smtp_url {
            Some(_) => println!("A link to set the password was mailed to {email}."),
            None => println!(
                "A link to set the password was written to {} (no SMTP server is configured).",
                app.config.mail_dir().display()
            ),
        }
    }
    Ok(())
}
