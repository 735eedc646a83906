//! Demo people: an admin, procurement officers of real Danish
//! municipalities (with their real CVR numbers), and social entrepreneurs.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::accounts::model;
use crate::accounts::service::find_or_create_authority;
use crate::accounts::validate::ValidAuthority;
use crate::app::AppState;
use crate::auth::{ApprovalState, password};
use crate::db::DbConn;
use crate::db::ids::{AuthorityId, UserId};
use crate::db::schema::users;
use crate::db::write_transaction;
use crate::demo::{DEMO_PASSWORD, Login};
use crate::error::AppError;

pub const ADMIN_EMAIL: &str = "admin@socialbid.demo";

/// (municipality, CVR, NUTS-3, officer name, officer email)
pub const MUNICIPALITIES: [(&str, &str, &str, &str, &str); 4] = [
    (
        "Københavns Kommune",
        "64942212",
        "DK011",
        "Mette Kjær",
        "mette.kjaer@kk.socialbid.demo",
    ),
    (
        "Aarhus Kommune",
        "55133018",
        "DK042",
        "Jonas Lund",
        "jonas.lund@aarhus.socialbid.demo",
    ),
    (
        "Odense Kommune",
        "35209115",
        "DK031",
        "Sofie Holm",
        "sofie.holm@odense.socialbid.demo",
    ),
    (
        "Aalborg Kommune",
        "29189420",
        "DK050",
        "Rasmus Bak",
        "rasmus.bak@aalborg.socialbid.demo",
    ),
];

/// (name, email)
pub const ENTREPRENEURS: [(&str, &str); 4] = [
    ("Anna Jensen", "anna@cafe-lyst.socialbid.demo"),
    ("Bo Nielsen", "bo@groen-omstilling.socialbid.demo"),
    (
        "Camilla Sørensen",
        "camilla@rengoering-med-mening.socialbid.demo",
    ),
    ("David Olsen", "david@moebelvaerkstedet.socialbid.demo"),
];

pub async fn seed(app: &AppState) -> anyhow::Result<Vec<Login>> {
    let hash = password::hash(DEMO_PASSWORD, app.config.password_cost)?;
    let now = app.clock.now();
    app.db
        .run(move |conn| {
            write_transaction::<_, AppError, _>(conn, |conn| {
                ensure_user(conn, ADMIN_EMAIL, "Demo Admin", "admin", None, &hash, now)?;
                for (name, cvr, nuts, officer, email) in MUNICIPALITIES {
                    let authority = find_or_create_authority(
                        conn,
                        &ValidAuthority {
                            name: name.into(),
                            cvr: cvr.into(),
                            nuts_code: nuts.into(),
                        },
                        now,
                    )?;
                    ensure_user(conn, email, officer, "officer", Some(authority), &hash, now)?;
                }
                for (name, email) in ENTREPRENEURS {
                    ensure_user(conn, email, name, "entrepreneur", None, &hash, now)?;
                }
                Ok(())
            })
        })
        .await
        .map_err(|e| anyhow::anyhow!("{e:?}"))?;
    let mut logins = vec![Login {
        role: "admin",
        email: ADMIN_EMAIL.into(),
        note: "approves officers".into(),
    }];
    logins.extend(MUNICIPALITIES.iter().map(|(name, _, _, _, email)| Login {
        role: "officer",
        email: (*email).into(),
        note: (*name).into(),
    }));
    logins.extend(ENTREPRENEURS.iter().map(|(name, email)| Login {
        role: "entrepreneur",
        email: (*email).into(),
        note: (*name).into(),
    }));
    Ok(logins)
}

fn ensure_user(
    conn: &mut DbConn,
    email: &str,
    name: &str,
    role: &str,
    authority_id: Option<AuthorityId>,
    hash: &str,
    now: NaiveDateTime,
) -> QueryResult<UserId> {
    if let Some(user) = model::find_by_email(conn, email)? {
        return Ok(user.id);
    }
    diesel::insert_into(users::table)
        .values((
            users::email.eq(email),
            users::name.eq(name),
            users::password_hash.eq(hash),
            users::role.eq(role),
            users::locale.eq("da"),
            users::email_verified_at.eq(now),
            users::authority_id.eq(authority_id),
            users::approval_state.eq(authority_id.map(|_| ApprovalState::Approved.as_str())),
            users::approval_decided_at.eq(authority_id.map(|_| now)),
            users::created_at.eq(now),
            users::updated_at.eq(now),
        ))
        .returning(users::id)
        .get_result(conn)
}
