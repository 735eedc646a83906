//! Switching a kind of mail off from the mail itself, without logging in
//! (RFC 8058 one-click, and the link in the footer). The link carries a
//! token signed with a key of its own derived from the signing secret:
//! `<user id>.<kinds>.<signature>`. It does not expire, because a mail can
//! be read months later; all it can do is switch off the kinds it names for
//! the person it names, which the person can switch on again.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::NaiveDateTime;
use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::kinds::{Cadence, Kind};
use super::preferences;
use crate::app::AppState;
use crate::auth::csrf::constant_time_eq;
use crate::db::DbConn;
use crate::db::ids::UserId;

/// Where the token goes: the page a person opens and the address a mail
/// client posts the one-click request to.
pub const PATH: &str = crate::auth::csrf::ONE_CLICK_UNSUBSCRIBE;

/// The links one mail carries.
pub struct Links {
    pub unsubscribe_url: String,
    pub preferences_url: String,
}

impl Links {
    /// `List-Unsubscribe` with the HTTPS link, and the one-click marker.
    pub fn headers(&self) -> Vec<(&'static str, String)> {
        vec![
            ("List-Unsubscribe", format!("<{}>", self.unsubscribe_url)),
            (
                "List-Unsubscribe-Post",
                "List-Unsubscribe=One-Click".to_owned(),
            ),
        ]
    }

    pub fn add_to(&self, vars: &mut serde_json::Value) {
        vars["unsubscribe_url"] = self.unsubscribe_url.clone().into();
        vars["preferences_url"] = self.preferences_url.clone().into();
    }
}

pub fn links(app: &AppState, user_id: UserId, kinds: &[Kind]) -> Links {
    let token = token(app, user_id, kinds);
    Links {
        unsubscribe_url: format!("{}{PATH}?token={token}", app.config.public_url),
        preferences_url: format!("{}/account/notifications", app.config.public_url),
    }
}

fn signature(app: &AppState, payload: &str) -> String {
    // A key of its own, so this token can never pass for anything else
    // signed with the secret.
    let mut derive = Hmac::<Sha256>::new_from_slice(app.config.jwt_secret_bytes())
        .expect("HMAC takes a key of any length");
    derive.update(b"socialbid unsubscribe key v1");
    let key = derive.finalize().into_bytes();
    let mut mac = Hmac::<Sha256>::new_from_slice(&key).expect("HMAC takes a key of any length");
    mac.update(payload.as_bytes());
    URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

pub fn token(app: &AppState, user_id: UserId, kinds: &[Kind]) -> String {
    let kinds: Vec<&str> = kinds.iter().map(|k| k.as_str()).collect();
    let payload = format!("{user_id}.{}", kinds.join("-"));
    let signature = signature(app, &payload);
    format!("{payload}.{signature}")
}

/// The person and kinds a token names, if this server signed it.
pub fn verify(app: &AppState, token: &str) -> Option<(UserId, Vec<Kind>)> {
    let (payload, signature) = token.rsplit_once('.')?;
    if !constant_time_eq(
        self::signature(app, payload).as_bytes(),
        signature.as_bytes(),
    ) {
        return None;
    }
    let (user_id, kinds) = payload.split_once('.')?;
    let kinds: Option<Vec<Kind>> = kinds.split('-').map(Kind::parse).collect();
    Some((UserId(user_id.parse().ok()?), kinds?))
}

/// Switches the kinds off for the person; the rest of their choices stay.
/// Returns false when the account no longer exists.
pub fn switch_off(
    conn: &mut DbConn,
    user_id: UserId,
    kinds: &[Kind],
    now: NaiveDateTime,
) -> diesel::QueryResult<bool> {
    use crate::db::schema::users;
    use diesel::prelude::*;
    let exists: Option<UserId> = users::table
        .find(user_id)
        .select(users::id)
        .first(conn)
        .optional()?;
    if exists.is_none() {
        return Ok(false);
    }
    let mut settings = preferences::load(conn, user_id)?;
    for kind in kinds {
        settings.set_cadence(*kind, Cadence::Never);
    }
    preferences::save(conn, user_id, &settings, now)?;
    Ok(true)
}
