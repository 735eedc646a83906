//! The rules of accounts, shared by the JSON API and the pages.

use std::sync::Arc;

use chrono::{Duration, NaiveDateTime};
use diesel::prelude::*;
use socialbid_frontend::Lang;

use crate::accounts::model::{self, User, normalize_email};
use crate::accounts::validate::{Registration, ValidAuthority, ValidRegistration};
use crate::app::AppState;
use crate::auth::refresh::TokenPair;
use crate::auth::tokens::{hash_token, random_token};
use crate::auth::{ApprovalState, AuthUser, Role, password, rate_limit, sessions};
use crate::db::DbConn;
use crate::db::ids::{AuthorityId, SessionId, UserId};
use crate::db::schema::{authorities, email_tokens, login_attempts, users};
use crate::db::write_transaction;
use crate::error::{AppError, AppResult, FieldError};
use crate::mail;

pub const VERIFY_HOURS: i64 = 24;
pub const RESET_MINUTES: i64 = 60;

const PURPOSE_VERIFY: &str = "verify_email";
const PURPOSE_RESET: &str = "reset_password";

/// What a registration answers. It is made from the form alone, so the
/// answer is the same whether the address was free or already had an
/// account: registration reveals no accounts.
pub struct Registered {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub locale: &'static str,
    pub authority: Option<ValidAuthority>,
}

/// Registers. A free address gets the account, its verification link and
/// the mail carrying it in one transaction: all of it or none of it. An
/// address that already has an account gets nothing new; its owner is
/// mailed instead ("someone tried to register with your address"), within
/// the per-recipient mail limit.
pub async fn register(app: &AppState, form: Registration, lang: Lang) -> AppResult<Registered> {
    let valid = Arc::new(form.validate().map_err(AppError::invalid)?);
    // Hashed whether or not the address is taken: the same work either
    // way, so the time the answer takes tells nothing either.
    let hash = password::hash_off_runtime(
        &app.metrics,
        app.config.password_cost,
        valid.password.clone(),
    )
    .await?;
    let now = app.clock.now();
    match register_once(app, valid.clone(), hash.clone(), lang, now).await {
        // A parallel registration of the same address committed first: this
        // one now finds the address taken and answers as any second one.
        Err(error) if is_taken_email(&error) => {
            register_once(app, valid.clone(), hash, lang, now).await?
        }
        other => other?,
    }
    let valid = Arc::unwrap_or_clone(valid);
    Ok(Registered {
        email: valid.email,
        name: valid.name,
        role: valid.role,
        locale: lang.code(),
        authority: valid.authority,
    })
}

fn is_taken_email(error: &AppError) -> bool {
    error.status() == axum::http::StatusCode::CONFLICT
        && error.fields().iter().any(|f| f.field == "email")
}

async fn register_once(
    app: &AppState,
    valid: Arc<ValidRegistration>,
    hash: String,
    lang: Lang,
    now: NaiveDateTime,
) -> AppResult<()> {
    let public_url = app.config.public_url.clone();
    app.db
        .run(move |conn| {
            write_transaction::<_, AppError, _>(conn, |conn| {
                if let Some(owner) = model::find_by_email(conn, &valid.email)? {
                    return tell_owner_of_attempt(conn, &owner, &public_url, now);
                }
                let authority_id = match &valid.authority {
                    None => None,
                    Some(authority) => Some(find_or_create_authority(conn, authority, now)?),
                };
                let user_id: UserId = diesel::insert_into(users::table)
                    .values((
                        users::email.eq(&valid.email),
                        users::name.eq(&valid.name),
                        users::password_hash.eq(&hash),
                        users::role.eq(valid.role.as_str()),
                        users::locale.eq(lang.code()),
                        users::authority_id.eq(authority_id),
                        users::approval_state
                            .eq(authority_id.map(|_| ApprovalState::Pending.as_str())),
                        users::created_at.eq(now),
                        users::updated_at.eq(now),
                    ))
                    .returning(users::id)
                    .get_result(conn)?;
                let user = model::find(conn, user_id)?;
                send_verification(conn, &user, &public_url, now)?;
                Ok(())
            })
        })
        .await
}

/// Mails the owner of an address someone tried to register with, in the
/// owner's language, with the ways back in (log in, choose a new password).
fn tell_owner_of_attempt(
    conn: &mut DbConn,
    owner: &User,
    public_url: &str,
    now: NaiveDateTime,
) -> AppResult<()> {
    if !rate_limit::may_mail(conn, &owner.email, now)? {
        return Ok(());
    }
    mail::queue(
        conn,
        &owner.email,
        owner.lang(),
        "registration_attempt",
        serde_json::json!({
            "name": owner.name,
            "login_link": format!("{public_url}/login"),
            "link": format!("{public_url}/forgot-password"),
        }),
        // Parallel attempts at the same moment are one mail.
        format!(
            "registration_attempt:{}:{}",
            owner.id,
            now.and_utc().timestamp()
        ),
        now,
    )?;
    Ok(())
}

/// An officer of an authority already known by its CVR number joins it;
/// the name typed is not allowed to rename it.
pub(crate) fn find_or_create_authority(
    conn: &mut DbConn,
    authority: &ValidAuthority,
    now: NaiveDateTime,
) -> QueryResult<AuthorityId> {
    let existing: Option<AuthorityId> = authorities::table
        .filter(authorities::cvr.eq(&authority.cvr))
        .select(authorities::id)
        .first(conn)
        .optional()?;
    match existing {
        Some(id) => Ok(id),
        None => diesel::insert_into(authorities::table)
            .values((
                authorities::name.eq(&authority.name),
                authorities::cvr.eq(&authority.cvr),
                authorities::nuts_code.eq(&authority.nuts_code),
                authorities::created_at.eq(now),
            ))
            .returning(authorities::id)
            .get_result(conn),
    }
}

fn create_link_token(
    conn: &mut DbConn,
    user_id: UserId,
    purpose: &str,
    lifetime: Duration,
    now: NaiveDateTime,
) -> QueryResult<(i64, String)> {
    let (raw, hashed) = random_token();
    let id = diesel::insert_into(email_tokens::table)
        .values((
            email_tokens::user_id.eq(user_id),
            email_tokens::purpose.eq(purpose),
            email_tokens::token_hash.eq(hashed),
            email_tokens::created_at.eq(now),
            email_tokens::expires_at.eq(now + lifetime),
        ))
        .returning(email_tokens::id)
        .get_result(conn)?;
    Ok((id, raw))
}

fn send_verification(
    conn: &mut DbConn,
    user: &User,
    public_url: &str,
    now: NaiveDateTime,
) -> QueryResult<()> {
    let (token_id, raw) = create_link_token(
        conn,
        user.id,
        PURPOSE_VERIFY,
        Duration::hours(VERIFY_HOURS),
        now,
    )?;
    mail::queue(
        conn,
        &user.email,
        user.lang(),
        "verify_email",
        serde_json::json!({
            "name": user.name,
            "link": format!("{public_url}/verify?token={raw}"),
            "expires_hours": VERIFY_HOURS,
        }),
        format!("verify_email:{token_id}"),
        now,
    )
}

/// A link token that can still be used.
struct UsableLink {
    id: i64,
    user_id: UserId,
}

/// Finds a link token and refuses an unknown (404), used (409) or expired
/// (400) one. Reading is not claiming: `consume_link` claims.
fn find_usable_link(
    conn: &mut DbConn,
    raw: &str,
    purpose: &str,
    now: NaiveDateTime,
) -> AppResult<UsableLink> {
    let found: Option<(i64, UserId, NaiveDateTime, Option<NaiveDateTime>)> = email_tokens::table
        .filter(email_tokens::token_hash.eq(hash_token(raw.trim())))
        .filter(email_tokens::purpose.eq(purpose))
        .select((
            email_tokens::id,
            email_tokens::user_id,
            email_tokens::expires_at,
            email_tokens::used_at,
        ))
        .first(conn)
        .optional()?;
    match found {
        None => Err(link_error("link_invalid")),
        Some((_, _, _, Some(_))) => Err(link_error("link_used")),
        Some((_, _, expires_at, None)) if expires_at <= now => Err(link_error("link_expired")),
        Some((id, user_id, _, None)) => Ok(UsableLink { id, user_id }),
    }
}

/// Consumes a link token and runs `then` in the same transaction. The
/// claim is a conditional update: under READ COMMITTED two requests can
/// both read the link as unused, but only one update still finds it so;
/// the other gets 409 and `then` never runs for it.
fn consume_link<T>(
    conn: &mut DbConn,
    raw: &str,
    purpose: &str,
    now: NaiveDateTime,
    then: impl FnOnce(&mut DbConn, UserId) -> AppResult<T>,
) -> AppResult<T> {
    write_transaction::<_, AppError, _>(conn, |conn| {
        let link = find_usable_link(conn, raw, purpose, now)?;
        let claimed = diesel::update(
            email_tokens::table
                .find(link.id)
                .filter(email_tokens::used_at.is_null()),
        )
        .set(email_tokens::used_at.eq(now))
        .execute(conn)?;
        if claimed == 0 {
            return Err(link_error("link_used"));
        }
        then(conn, link.user_id)
    })
}

fn link_error(code: &'static str) -> AppError {
    use axum::http::StatusCode;
    let status = match code {
        "link_invalid" => StatusCode::NOT_FOUND,
        "link_used" => StatusCode::CONFLICT,
        _ => StatusCode::BAD_REQUEST,
    };
    AppError::refused(status, code)
}

pub async fn verify_email(app: &AppState, token: String) -> AppResult<()> {
    let now = app.clock.now();
    app.db
        .run(move |conn| {
            consume_link(conn, &token, PURPOSE_VERIFY, now, |conn, user_id| {
                diesel::update(
                    users::table
                        .find(user_id)
                        .filter(users::email_verified_at.is_null()),
                )
                .set((users::email_verified_at.eq(now), users::updated_at.eq(now)))
                .execute(conn)?;
                Ok(())
            })
        })
        .await
}

/// Sends a new verification link if the address belongs to an unverified
/// account and has not had its hour's share of mail. Answers the same
/// either way, so it reveals no accounts.
pub async fn resend_verification(app: &AppState, email: String) -> AppResult<()> {
    let email =
        super::validate::check_email("email", &email).map_err(|e| AppError::invalid(vec![e]))?;
    let public_url = app.config.public_url.clone();
    let now = app.clock.now();
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                if let Some(user) = model::find_by_email(conn, &email)?
                    && user.email_verified_at.is_none()
                    && rate_limit::may_mail(conn, &user.email, now)?
                {
                    send_verification(conn, &user, &public_url, now)?;
                }
                Ok::<_, AppError>(())
            })
        })
        .await
}

/// Logs in. An unknown email and a wrong password get the same answer
/// after the same work. The password check is reserved in the rate limit
/// before it is made, so parallel guesses cannot slip past the count.
pub async fn login(
    app: &AppState,
    email: String,
    password_typed: String,
    ip: String,
    user_agent: Option<String>,
) -> AppResult<TokenPair> {
    // An empty form asks for what is missing; it is no failed attempt.
    let mut missing = Vec::new();
    if email.trim().is_empty() {
        missing.push(FieldError::new("email", "required"));
    }
    if password_typed.is_empty() {
        missing.push(FieldError::new("password", "required"));
    }
    if !missing.is_empty() {
        return Err(AppError::invalid(missing));
    }
    let email = normalize_email(&email);
    let now = app.clock.now();
    let (reservation, user) = {
        let (email, ip) = (email.clone(), ip.clone());
        app.db
            .run(move |conn| {
                let reservation = rate_limit::reserve_login(conn, &email, &ip, now)?;
                Ok::<_, AppError>((reservation, model::find_by_email(conn, &email)?))
            })
            .await?
    };
    let stored_hash = user.as_ref().map(|u| u.password_hash.clone());
    let password_ok = password::verify_off_runtime(
        &app.metrics,
        app.config.password_cost,
        password_typed,
        stored_hash,
    )
    .await?;
    let user = match (user, password_ok) {
        (Some(user), true) => user,
        _ => {
            app.db
                .run(move |conn| {
                    rate_limit::record_failure(conn, &email, &ip, now).map_err(AppError::from)
                })
                .await?;
            return Err(AppError::unauthenticated("invalid_credentials"));
        }
    };
    app.db
        .run(move |conn| rate_limit::forgive_login(conn, &reservation).map_err(AppError::from))
        .await?;
    if user.email_verified_at.is_none() {
        return Err(AppError::forbidden("email_not_verified"));
    }
    let user_id = user.id;
    let session = app
        .db
        .run(move |conn| {
            Ok::<_, AppError>(sessions::create(conn, user_id, user_agent.as_deref(), now)?)
        })
        .await?;
    TokenPair::issue(app, user_id, session)
}

pub async fn logout(app: &AppState, session_id: SessionId) -> AppResult<()> {
    let now = app.clock.now();
    app.db
        .run(move |conn| {
            sessions::revoke(conn, session_id, now)
                .map(|_| ())
                .map_err(AppError::from)
        })
        .await
}

/// Mails a reset link if the address has an account and has not had its
/// hour's share of mail; answers the same either way.
pub async fn request_password_reset(app: &AppState, email: String) -> AppResult<()> {
    let email =
        super::validate::check_email("email", &email).map_err(|e| AppError::invalid(vec![e]))?;
    let public_url = app.config.public_url.clone();
    let now = app.clock.now();
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                if let Some(user) = model::find_by_email(conn, &email)?
                    && rate_limit::may_mail(conn, &user.email, now)?
                {
                    let (token_id, raw) = create_link_token(
                        conn,
                        user.id,
                        PURPOSE_RESET,
                        Duration::minutes(RESET_MINUTES),
                        now,
                    )?;
                    mail::queue(
                        conn,
                        &user.email,
                        user.lang(),
                        "reset_password",
                        serde_json::json!({
                            "name": user.name,
                            "link": format!("{public_url}/reset-password?token={raw}"),
                            "expires_minutes": RESET_MINUTES,
                        }),
                        format!("reset_password:{token_id}"),
                        now,
                    )?;
                }
                Ok::<_, AppError>(())
            })
        })
        .await
}

/// Whether a reset link can still be used (the page asks before showing the
/// form).
pub async fn check_reset_link(app: &AppState, token: String) -> AppResult<()> {
    let now = app.clock.now();
    app.db
        .run(move |conn| find_usable_link(conn, &token, PURPOSE_RESET, now).map(|_| ()))
        .await
}

/// Sets a new password from a reset link and ends every session: whoever
/// knew the old password is logged out. The password's rules and the link
/// are checked before the costly hash, so a dead link costs no argon2 work.
pub async fn reset_password(app: &AppState, token: String, new_password: String) -> AppResult<()> {
    if let Some(e) = password::check_rules("password", &new_password, "") {
        return Err(AppError::invalid(vec![e]));
    }
    let now = app.clock.now();
    let email = {
        let token = token.clone();
        app.db
            .run(move |conn| {
                let link = find_usable_link(conn, &token, PURPOSE_RESET, now)?;
                Ok::<_, AppError>(model::find(conn, link.user_id)?.email)
            })
            .await?
    };
    if let Some(e) = password::check_rules("password", &new_password, &email) {
        return Err(AppError::invalid(vec![e]));
    }
    let hash =
        password::hash_off_runtime(&app.metrics, app.config.password_cost, new_password).await?;
    app.db
        .run(move |conn| {
            consume_link(conn, &token, PURPOSE_RESET, now, |conn, user_id| {
                let user = model::find(conn, user_id)?;
                diesel::update(users::table.find(user_id))
                    .set((
                        users::password_hash.eq(&hash),
                        // Following a link from the mailbox proves the address.
                        users::email_verified_at.eq(user.email_verified_at.unwrap_or(now)),
                        users::updated_at.eq(now),
                    ))
                    .execute(conn)?;
                sessions::revoke_all_for_user(conn, user_id, None, now)?;
                Ok(())
            })
        })
        .await
}

/// Changes the password; every other session of the user ends.
pub async fn change_password(
    app: &AppState,
    user: &AuthUser,
    current: String,
    new_password: String,
) -> AppResult<()> {
    let (user_id, session_id, email) = (user.id, user.session_id, user.email.clone());
    let stored = app
        .db
        .run(move |conn| Ok::<_, AppError>(model::find(conn, user_id)?.password_hash))
        .await?;
    let mut errors = Vec::new();
    if current.is_empty() {
        errors.push(FieldError::new("current_password", "required"));
    } else if !password::verify_off_runtime(
        &app.metrics,
        app.config.password_cost,
        current,
        Some(stored),
    )
    .await?
    {
        errors.push(FieldError::new("current_password", "wrong"));
    }
    if let Some(e) = password::check_rules("new_password", &new_password, &email) {
        errors.push(e);
    }
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    let hash =
        password::hash_off_runtime(&app.metrics, app.config.password_cost, new_password).await?;
    let now = app.clock.now();
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                diesel::update(users::table.find(user_id))
                    .set((users::password_hash.eq(&hash), users::updated_at.eq(now)))
                    .execute(conn)?;
                sessions::revoke_all_for_user(conn, user_id, Some(session_id), now)?;
                Ok::<_, AppError>(())
            })
        })
        .await
}

/// Deletes the account after the password is confirmed. Sessions, links,
/// failed logins and the mails still queued for it go with it; the audit
/// log keeps what an admin did (with the admin's address) because
/// accountability outlives the account.
pub async fn delete_account(
    app: &AppState,
    user: &AuthUser,
    password_typed: String,
) -> AppResult<()> {
    let user_id = user.id;
    let stored = app
        .db
        .run(move |conn| Ok::<_, AppError>(model::find(conn, user_id)?.password_hash))
        .await?;
    if password_typed.is_empty() {
        return Err(AppError::field("password", "required"));
    }
    if !password::verify_off_runtime(
        &app.metrics,
        app.config.password_cost,
        password_typed,
        Some(stored),
    )
    .await?
    {
        return Err(AppError::field("password", "wrong"));
    }
    let email = user.email.clone();
    let now = app.clock.now();
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                diesel::delete(login_attempts::table.filter(login_attempts::email.eq(&email)))
                    .execute(conn)?;
                // An organisation whose last member leaves goes too.
                crate::profiles::service::delete_orphaned_by(conn, user_id, now)?;
                diesel::delete(users::table.find(user_id)).execute(conn)?;
                crate::mail::unqueue_to(conn, &email)?;
                Ok::<_, AppError>(())
            })
        })
        .await
}

/// Creates a verified admin account (the CLI's `admin create-user`). With
/// no password the account gets a hash of random bytes nobody knows, and
/// can only be entered through a reset link.
pub async fn create_admin(
    app: &AppState,
    email: &str,
    name: &str,
    password_typed: Option<&str>,
) -> AppResult<i64> {
    let email =
        super::validate::check_email("email", email).map_err(|e| AppError::invalid(vec![e]))?;
    if let Some(problem) = password_typed.and_then(|t| password::check_rules("password", t, &email))
    {
        return Err(AppError::invalid(vec![problem]));
    }
    let taken = {
        let email = email.clone();
        app.db
            .run(move |conn| model::find_by_email(conn, &email).map_err(AppError::from))
            .await?
            .is_some()
    };
    if taken {
        return Err(AppError::conflict("email", "taken"));
    }
    let typed = password_typed.map_or_else(|| random_token().0, str::to_owned);
    let hash = password::hash_off_runtime(&app.metrics, app.config.password_cost, typed).await?;
    let name = name.trim().to_owned();
    let now = app.clock.now();
    // The address checked above may be taken meanwhile: the unique
    // constraint then answers, as 409 on `email` like the check.
    app.db
        .run(move |conn| {
            write_transaction::<_, AppError, _>(conn, |conn| {
                Ok(diesel::insert_into(users::table)
                    .values((
                        users::email.eq(&email),
                        users::name.eq(&name),
                        users::password_hash.eq(&hash),
                        users::role.eq(crate::auth::Role::Admin.as_str()),
                        users::locale.eq(Lang::Da.code()),
                        users::email_verified_at.eq(now),
                        users::created_at.eq(now),
                        users::updated_at.eq(now),
                    ))
                    .returning(users::id)
                    .get_result::<i64>(conn)?)
            })
        })
        .await
}
