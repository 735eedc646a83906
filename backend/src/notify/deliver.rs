//! The two mail jobs: one notification at once, or a person's digest. Each
//! carries only ids, renders at send time in the person's language, and
//! records the send on the notifications it carried in the transaction
//! that finishes the job (`record_done`), so a job that runs again after a
//! send finds nothing left to send. The `started_at` mark its claim
//! commits covers the moment between the SMTP server's acceptance and that
//! record (see `jobs::worker`).

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use socialbid_frontend::{Lang, render_email};

use super::kinds::{Cadence, Kind};
use super::unsubscribe;
use crate::app::AppState;
use crate::db::DbConn;
use crate::db::ids::{NotificationId, UserId};
use crate::db::schema::{jobs as jobs_table, notifications, users};
use crate::error::AppError;
use crate::jobs::{self, BackgroundJob, Job, JobContext, Permanent};
use crate::mail::{self, Outgoing};
use crate::matching::{Reader, ReasonView, word_all};

/// With the queue's back-off (doubling from 20 s, at most an hour between
/// tries), 30 attempts keep a temporarily refused mail trying for about a
/// day before it is given up and shown to admins.
const ATTEMPTS_FOR_A_DAY: i32 = 30;

/// One notification, mailed at once.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct NotifyMail {
    pub notification_id: NotificationId,
}

impl Job for NotifyMail {
    const KIND: &'static str = "notify_mail";
    const MAX_ATTEMPTS: i32 = ATTEMPTS_FOR_A_DAY;
}

impl NotifyMail {
    pub(super) fn enqueue(
        conn: &mut DbConn,
        notification_id: NotificationId,
        now: NaiveDateTime,
    ) -> QueryResult<()> {
        let job = NotifyMail { notification_id };
        jobs::enqueue(
            conn,
            &job,
            Some(format!("notify_mail:{notification_id}")),
            now,
        )
    }
}

/// Everything a person has been notified of in one cadence since their
/// last digest, due at their hour.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct SendDigest {
    pub user_id: UserId,
    pub cadence: Cadence,
    pub due: NaiveDateTime,
}

impl Job for SendDigest {
    const KIND: &'static str = "notify_digest";
    const MAX_ATTEMPTS: i32 = ATTEMPTS_FOR_A_DAY;
}

impl SendDigest {
    /// Queued when a notification for the digest is recorded; every
    /// notification of one person, cadence and hour queues the same job.
    pub(super) fn enqueue(self, conn: &mut DbConn, now: NaiveDateTime) -> QueryResult<()> {
        let key = format!(
            "notify_digest:{}:{}:{}",
            self.user_id,
            self.cadence.as_str(),
            self.due.format("%Y-%m-%dT%H:%M")
        );
        jobs::enqueue_at(conn, &self, Some(key), self.due, now)
    }
}

impl BackgroundJob for NotifyMail {
    const LEAVES_THE_DATABASE: bool = true;

    async fn run(self, app: AppState, _context: JobContext) -> anyhow::Result<String> {
        let id = self.notification_id;
        let found = db(&app, move |conn| {
            let row = notifications::table
                .inner_join(users::table)
                .filter(notifications::id.eq(id))
                .filter(notifications::sent_at.is_null())
                .select((Stored::as_select(), users::email, users::locale))
                .first::<(Stored, String, String)>(conn)
                .optional()?;
            Ok(row)
        })
        .await?;
        // Sent already (a second run), or the person is gone.
        let Some((stored, email, locale)) = found else {
            return Ok(kept(&self, 0));
        };
        let lang = Lang::from_code(&locale).unwrap_or_default();
        let kind = Kind::parse(&stored.kind).unwrap_or(Kind::Amendment);
        let mut vars = for_template(&stored, lang)?;
        let links = unsubscribe::links(&app, stored.user_id, &[kind]);
        links.add_to(&mut vars);
        let rendered = render_email(kind.template(), lang, &vars)?;
        let outgoing = Outgoing {
            to: email.clone(),
            message_id: message_id(&app, &format!("notification-{id}")),
            rendered,
            headers: links.headers(),
            file_id: format!("n{id}"),
        };
        send(&app, outgoing).await?;
        tracing::info!(to = %mail::mask(&email), kind = kind.as_str(), "notification mailed");
        Ok(kept(&self, 1))
    }

    fn record_done(
        &self,
        conn: &mut DbConn,
        _context: JobContext,
        now: NaiveDateTime,
    ) -> QueryResult<()> {
        diesel::update(notifications::table.find(self.notification_id))
            .filter(notifications::sent_at.is_null())
            .set(notifications::sent_at.eq(now))
            .execute(conn)?;
        Ok(())
    }
}

impl BackgroundJob for SendDigest {
    const LEAVES_THE_DATABASE: bool = true;

    async fn run(self, app: AppState, context: JobContext) -> anyhow::Result<String> {
        let now = app.clock.now();
        let job = self;
        let (items, recipient) = db(&app, move |conn| {
            gather(conn, &job, context, now).map_err(AppError::from)
        })
        .await?;
        let Some((email, locale)) = recipient.filter(|_| !items.is_empty()) else {
            return Ok(kept(&self, 0));
        };
        let lang = Lang::from_code(&locale).unwrap_or_default();
        let mut kinds: Vec<Kind> = Vec::new();
        let mut entries = Vec::new();
        for item in &items {
            let kind = Kind::parse(&item.kind).unwrap_or(Kind::Amendment);
            if !kinds.contains(&kind) {
                kinds.push(kind);
            }
            let mut vars = for_template(item, lang)?;
            vars["kind"] = kind.as_str().into();
            entries.push(vars);
        }
        let links = unsubscribe::links(&app, self.user_id, &kinds);
        let mut vars = serde_json::json!({
            "cadence": self.cadence.as_str(),
            "count": entries.len(),
            "items": entries,
        });
        links.add_to(&mut vars);
        let rendered = render_email("notify_digest", lang, &vars)?;
        let outgoing = Outgoing {
            to: email.clone(),
            message_id: message_id(&app, &format!("digest-{}", context.id)),
            rendered,
            headers: links.headers(),
            file_id: format!("d{}", context.id),
        };
        send(&app, outgoing).await?;
        tracing::info!(to = %mail::mask(&email), items = items.len(), "digest mailed");
        Ok(kept(&self, items.len()))
    }

    fn record_done(
        &self,
        conn: &mut DbConn,
        context: JobContext,
        now: NaiveDateTime,
    ) -> QueryResult<()> {
        diesel::update(
            notifications::table
                .filter(notifications::digest_key.eq(digest_key(context)))
                .filter(notifications::sent_at.is_null()),
        )
        .set(notifications::sent_at.eq(now))
        .execute(conn)?;
        Ok(())
    }
}

/// Takes into the digest of job `context` every notification of the
/// person and cadence not yet sent or gathered (with those an earlier
/// attempt of the same job gathered), in one transaction, and reads who
/// gets it. From then on a new notification queues a new digest rather
/// than being dropped as a duplicate of this one (the job's dedupe key is
/// cleared).
///
/// On PostgreSQL this is one statement, so one round trip and one commit:
/// a digest run for 100,000 people waits on little else
/// (tests/examples/bench_digests.rs). SQLite cannot change data in a
/// `WITH`, and its statements cost no round trip.
fn gather(
    conn: &mut DbConn,
    job: &SendDigest,
    context: JobContext,
    now: NaiveDateTime,
) -> QueryResult<Gathering> {
    use diesel::sql_types::{BigInt, Text, Timestamp};

    let key = digest_key(context);
    if let DbConn::Postgres(pg) = conn {
        let rows: Vec<Gathered> = diesel::sql_query(
            "WITH cleared AS (UPDATE jobs SET dedupe_key = NULL WHERE id = $1), \
             gathered AS (UPDATE notifications SET digest_key = $2 \
               WHERE user_id = $3 AND cadence = $4 AND sent_at IS NULL \
               AND (digest_key IS NULL OR digest_key = $2) AND created_at <= $5 \
               RETURNING id, user_id, kind, vars) \
             SELECT u.email, u.locale, g.user_id, g.kind, g.vars \
             FROM users u LEFT JOIN gathered g ON true WHERE u.id = $3 ORDER BY g.id",
        )
        .bind::<BigInt, _>(context.id.0)
        .bind::<Text, _>(&key)
        .bind::<BigInt, _>(job.user_id.0)
        .bind::<Text, _>(job.cadence.as_str())
        .bind::<Timestamp, _>(now)
        .load(pg)?;
        let recipient = rows.first().map(|r| (r.email.clone(), r.locale.clone()));
        let items = rows
            .into_iter()
            .filter_map(|r| {
                Some(Stored {
                    user_id: UserId(r.user_id?),
                    kind: r.kind?,
                    vars: r.vars?,
                })
            })
            .collect();
        return Ok((items, recipient));
    }
    crate::db::write_transaction(conn, |conn| {
        diesel::update(jobs_table::table.find(context.id))
            .set(jobs_table::dedupe_key.eq(None::<String>))
            .execute(conn)?;
        diesel::update(
            notifications::table
                .filter(notifications::user_id.eq(job.user_id))
                .filter(notifications::cadence.eq(job.cadence.as_str()))
                .filter(notifications::digest_key.is_null())
                .filter(notifications::sent_at.is_null())
                .filter(notifications::created_at.le(now)),
        )
        .set(notifications::digest_key.eq(&key))
        .execute(conn)?;
        let items: Vec<Stored> = notifications::table
            .filter(notifications::digest_key.eq(&key))
            .filter(notifications::sent_at.is_null())
            .order(notifications::id)
            .select(Stored::as_select())
            .load(conn)?;
        let recipient: Option<(String, String)> = users::table
            .find(job.user_id)
            .select((users::email, users::locale))
            .first(conn)
            .optional()?;
        Ok((items, recipient))
    })
}

/// What a digest gathered, and its recipient's address and language
/// (none when the person is gone).
type Gathering = (Vec<Stored>, Option<(String, String)>);

/// A row of [`gather`]'s statement on PostgreSQL: the recipient, and a
/// notification gathered (none when there was nothing to gather).
#[derive(QueryableByName)]
struct Gathered {
    #[diesel(sql_type = diesel::sql_types::Text)]
    email: String,
    #[diesel(sql_type = diesel::sql_types::Text)]
    locale: String,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::BigInt>)]
    user_id: Option<i64>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    kind: Option<String>,
    #[diesel(sql_type = diesel::sql_types::Nullable<diesel::sql_types::Text>)]
    vars: Option<String>,
}

/// Names the notifications one digest job gathered.
fn digest_key(context: JobContext) -> String {
    format!("digest:{}", context.id)
}

/// A notification as the mail jobs read it.
#[derive(Debug, Queryable, Selectable)]
#[diesel(table_name = notifications)]
struct Stored {
    user_id: UserId,
    kind: String,
    vars: String,
}

/// The stored variables with what depends on the reader's language added:
/// a match's reasons in words.
fn for_template(stored: &Stored, lang: Lang) -> anyhow::Result<serde_json::Value> {
    let mut vars: serde_json::Value = serde_json::from_str(&stored.vars)?;
    if let Some(reasons) = vars.get("reasons") {
        let reasons: Vec<ReasonView> = serde_json::from_value(reasons.clone())?;
        let worded: Vec<String> = word_all(&reasons, Reader::Entrepreneur, lang)
            .into_iter()
            .map(|r| r.text)
            .collect();
        vars["worded_reasons"] = worded.into();
    }
    Ok(vars)
}

/// What the finished job keeps: its ids and how many notifications it
/// mailed (0 when there was nothing left to send).
fn kept<J: Serialize>(job: &J, mailed: usize) -> String {
    let mut kept = serde_json::to_value(job).unwrap_or_default();
    kept["mailed"] = mailed.into();
    kept.to_string()
}

/// Stable per notification or digest, so every attempt carries the same.
fn message_id(app: &AppState, local: &str) -> String {
    let host = url::Url::parse(&app.config.public_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| "socialbid.localhost".into());
    format!("<{local}@{host}>")
}

/// Sends, telling a permanent refusal (5xx: given up at once, shown to
/// admins) from a temporary one (4xx, a refused connection, a timeout:
/// tried again later).
async fn send(app: &AppState, outgoing: Outgoing) -> anyhow::Result<()> {
    match mail::send(app, outgoing).await {
        Ok(()) => Ok(()),
        Err(error) => {
            let permanent = error
                .downcast_ref::<lettre::transport::smtp::Error>()
                .is_some_and(lettre::transport::smtp::Error::is_permanent);
            let message = mail::mask_addresses(&format!("{error:#}"));
            if permanent {
                Err(Permanent(message).into())
            } else {
                Err(anyhow::anyhow!(message))
            }
        }
    }
}

async fn db<T: Send + 'static>(
    app: &AppState,
    f: impl FnOnce(&mut DbConn) -> Result<T, AppError> + Send + 'static,
) -> anyhow::Result<T> {
    app.db.run(f).await.map_err(|e| anyhow::anyhow!("{e:?}"))
}
