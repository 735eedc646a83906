//! `socialbid admin create-user`.

use std::io::Read;

use anyhow::bail;
use diesel::prelude::*;

use crate::accounts::validate::check_email;
use crate::app::AppState;
use crate::auth::password;
use crate::config::{Config, Settings};
use crate::db::schema::users;
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
        } => create_user(email, role, name, password_stdin, settings).await,
    }
}

async fn create_user(email: String, role: String, name: String, password_stdin: bool, settings: Settings) -> anyhow::Result<()> {
    let email: String = match check_email("email", &email) {
        Ok(email) => email,
        Err(_) => bail!("--email: {email:?} is not a usable email address"),
    };
    let typed = if password_stdin {
        let mut input = String::new();
        std::io::stdin().read_to_string(&mut input)?;
        let typed = input.trim_end_matches(['\r', '\n']).to_owned();
        if let Some(problem) = password::check_rules("password", &typed, &email) {
            bail!(
                "the password breaks the rule {:?}: at least {} and at most {} characters, not the email address",
                problem.rule,
                password::MIN_LEN,
                password::MAX_LEN
            );
        }
        Some(typed)
    } else {
        None
    };
    let config = Config::from_settings(settings)?;
    let app = AppState::new(config)?;
    if app.db.backend() == crate::db::Backend::Sqlite {
        app.db.migrate()?;
    }
    // Without a password the hash is of 32 random bytes nobody knows: the
    // account can only be entered through the reset link.
    let hash = match &typed {
        Some(p) => password::hash(p)?,
        None => password::hash(&crate::auth::tokens::random_token().0)?,
    };
    let now = app.clock.now();
    let (insert_email, insert_name, insert_role) = (email.clone(), name.clone(), role.clone());
    let id = app
        .db
        .run(move |conn| {
            let taken: i64 = users::table.filter(users::email.eq(&insert_email)).count().get_result(conn)?;
            if taken > 0 {
                return Err(AppError::conflict("email", "taken"));
            }
            Ok(diesel::insert_into(users::table)
                .values((
                    users::email.eq(&insert_email),
                    users::name.eq(&insert_name),
                    users::password_hash.eq(&hash),
                    users::role.eq(&insert_role),
                    users::locale.eq("da"),
                    users::email_verified_at.eq(now),
                    users::created_at.eq(now),
                    users::updated_at.eq(now),
                ))
                .returning(users::id)
                .get_result::<i64>(conn)?)
        })
        .await
        .map_err(|e| match e {
            AppError::Invalid { .. } => anyhow::anyhow!("an account with the email {email} already exists"),
            other => anyhow::anyhow!("{other:?}"),
        })?;
    println!("Created the {role} account {email} (id {id}).");
    if typed.is_none() {
        crate::accounts::service::request_password_reset(&app, email.clone())
            .await
            .map_err(|e| anyhow::anyhow!("{e:?}"))?;
        crate::jobs::worker::run_due_jobs(&app).await?;
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
