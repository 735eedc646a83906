//! Every rule about tenders, used by both the JSON API and the pages:
//! drafting, publishing, amending, cancelling, closing at the deadline,
//! reading (drafts only by their authority), questions and followers.

use axum::http::StatusCode;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::{Deserialize, Serialize};
use socialbid_frontend::Lang;
use utoipa::ToSchema;

use crate::app::AppState;
use crate::auth::{AuthUser, Role};
use crate::db::DbConn;
use crate::db::schema::{
    authorities, tender_followers, tender_questions, tender_versions, tenders, users,
};
use crate::error::{AppError, AppResult, FieldError};
use crate::jobs::{self, Job};
use crate::mail;
use crate::tenders::model::{
    self, Change, ChangeLog, Content, Criterion, Lot, Status, TenderRow, to_json,
};
use crate::tenders::rules::{self, Strictness, Warning};

/// Who is looking: decides what a tender shows and whether a draft exists.
#[derive(Clone, Copy)]
pub struct Viewer<'a>(pub Option<&'a AuthUser>);

impl Viewer<'_> {
    /// An approved officer of the authority that owns the tender.
    pub fn owns(&self, row: &TenderRow) -> bool {
        self.0.is_some_and(|u| {
            u.role == Role::Officer
                && u.approval_state.as_deref() == Some("approved")
                && u.authority_id == Some(row.authority_id)
        })
    }

    pub fn is_admin(&self) -> bool {
        self.0.is_some_and(|u| u.role == Role::Admin)
    }

    /// Drafts exist only for their authority: anyone else gets 404.
    pub fn can_see(&self, row: &TenderRow) -> bool {
        row.status() != Status::Draft || self.owns(row)
    }
}

/// Loads a tender the caller must own: 404 when it may not even know the
/// tender exists, 403 when it may see it but not change it.
fn owned(conn: &mut DbConn, user: &AuthUser, id: i64) -> AppResult<TenderRow> {
    let row = model::find(conn, id)?;
    let viewer = Viewer(Some(user));
    if !viewer.can_see(&row) {
        return Err(AppError::not_found());
    }
    if !viewer.owns(&row) {
        return Err(AppError::forbidden("tender_not_yours"));
    }
    Ok(row)
}

fn set_content(
    conn: &mut DbConn,
    id: i64,
    content: &Content,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(tenders::table.find(id))
        .set((
            (
                tenders::language.eq(&content.language),
                tenders::title.eq(&content.title),
                tenders::description.eq(&content.description),
                tenders::contract_nature.eq(&content.contract_nature),
                tenders::procedure_type.eq(&content.procedure_type),
                tenders::main_cpv.eq(&content.main_cpv),
                tenders::additional_cpv.eq(to_json(&content.additional_cpv)),
                tenders::nuts_codes.eq(to_json(&content.nuts_codes)),
            ),
            (
                tenders::estimated_value_dkk.eq(content.estimated_value_dkk),
                tenders::submission_deadline.eq(content.submission_deadline),
                tenders::question_deadline.eq(content.question_deadline),
                tenders::reserved.eq(&content.reserved),
                tenders::strategic.eq(to_json(&content.strategic)),
                tenders::lots.eq(to_json(&content.lots)),
                tenders::criteria.eq(to_json(&content.criteria)),
                tenders::social_weight.eq(content.social_weight()),
                tenders::updated_at.eq(now),
            ),
        ))
        .execute(conn)?;
    Ok(())
}

fn refuse_if_invalid(errors: Vec<FieldError>) -> AppResult<()> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::invalid(errors))
    }
}

/// Starts a draft for the officer's authority. It may have gaps; what it
/// says must be true (known codes, deadlines in the future).
pub async fn create_draft(
    app: &AppState,
    officer: &AuthUser,
    mut content: Content,
) -> AppResult<i64> {
    let authority_id = officer
        .authority_id
        .ok_or_else(|| AppError::forbidden("wrong_role"))?;
    if content.language.is_empty() {
        content.language = officer.lang.code().into();
    }
    rules::normalise(&mut content);
    let now = app.clock.now();
    refuse_if_invalid(rules::check(&content, now, Strictness::Draft))?;
    let user_id = officer.id;
    app.db
        .run(move |conn| {
            conn.transaction(|conn| {
                let id: i64 = diesel::insert_into(tenders::table)
                    .values((
                        (
                            tenders::authority_id.eq(authority_id),
                            tenders::created_by.eq(user_id),
                            tenders::status.eq(Status::Draft.as_str()),
                            tenders::language.eq(&content.language),
                            tenders::title.eq(&content.title),
                            tenders::description.eq(&content.description),
                            tenders::additional_cpv.eq("[]"),
                            tenders::nuts_codes.eq("[]"),
                        ),
                        (
                            tenders::reserved.eq("none"),
                            tenders::strategic.eq("[]"),
                            tenders::lots.eq("[]"),
                            tenders::criteria.eq("[]"),
                            tenders::social_weight.eq(0),
                            tenders::version.eq(0),
                            tenders::created_at.eq(now),
                            tenders::updated_at.eq(now),
                        ),
                    ))
                    .returning(tenders::id)
                    .get_result(conn)?;
                set_content(conn, id, &content, now)?;
                Ok(id)
            })
        })
        .await
}

/// Saves a draft. A published tender is never edited in place: it is
/// amended, which keeps the old version visible.
pub async fn update_draft(
    app: &AppState,
    officer: &AuthUser,
    id: i64,
    mut content: Content,
) -> AppResult<()> {
    rules::normalise(&mut content);
    let now = app.clock.now();
    let officer = officer.clone();
    app.db
        .run(move |conn| {
            conn.transaction(|conn| {
                let row = owned(conn, &officer, id)?;
                if row.status() != Status::Draft {
                    return Err(AppError::refused(StatusCode::CONFLICT, "tender_not_draft"));
                }
                if content.language.is_empty() {
                    content.language = row.language.clone();
                }
                refuse_if_invalid(rules::check(&content, now, Strictness::Draft))?;
                set_content(conn, id, &content, now)?;
                Ok(())
            })
        })
        .await
}

/// Deletes a draft that was never published.
pub async fn delete_draft(app: &AppState, officer: &AuthUser, id: i64) -> AppResult<()> {
    let officer = officer.clone();
    app.db
        .run(move |conn| {
            conn.transaction(|conn| {
                let row = owned(conn, &officer, id)?;
                if row.status() != Status::Draft {
                    return Err(AppError::refused(StatusCode::CONFLICT, "tender_not_draft"));
                }
                diesel::delete(tenders::table.find(id)).execute(conn)?;
                Ok(())
            })
        })
        .await
}

/// Closes the tender at its submission deadline, by itself.
#[derive(Debug, Serialize, Deserialize)]
pub struct CloseTender {
    pub tender_id: i64,
}

impl Job for CloseTender {
    const KIND: &'static str = "close_tender";
}

fn schedule_close(
    conn: &mut DbConn,
    id: i64,
    deadline: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<()> {
    jobs::enqueue_at(
        conn,
        &CloseTender { tender_id: id },
        Some(format!(
            "close_tender:{id}:{}",
            deadline.and_utc().timestamp()
        )),
        deadline,
        now,
    )
}

#[expect(clippy::too_many_arguments, reason = "one row of tender_versions")]
pub(crate) fn insert_version(
    conn: &mut DbConn,
    id: i64,
    version: i32,
    kind: &str,
    content: &Content,
    log: &ChangeLog,
    user_id: i64,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(tender_versions::table)
        .values((
            tender_versions::tender_id.eq(id),
            tender_versions::version.eq(version),
            tender_versions::kind.eq(kind),
            tender_versions::snapshot.eq(to_json(content)),
            tender_versions::changes.eq(to_json(log)),
            tender_versions::created_by.eq(user_id),
            tender_versions::created_at.eq(now),
        ))
        .execute(conn)?;
    Ok(())
}

/// Publishes a draft: every rule is checked and every problem listed at
/// once; the content is frozen as version 1 and closing is scheduled.
pub async fn publish(app: &AppState, officer: &AuthUser, id: i64) -> AppResult<Vec<Warning>> {
    let officer = officer.clone();
    let now = app.clock.now();
    app.db
        .run(move |conn| {
            conn.transaction(|conn| {
                let row = owned(conn, &officer, id)?;
                if row.status() != Status::Draft {
                    return Err(AppError::refused(StatusCode::CONFLICT, "tender_not_draft"));
                }
                let content = row.content();
                refuse_if_invalid(rules::check(&content, now, Strictness::Publish))?;
                diesel::update(tenders::table.find(id))
                    .set((
                        tenders::status.eq(Status::Published.as_str()),
                        tenders::version.eq(1),
                        tenders::published_at.eq(now),
                        tenders::updated_at.eq(now),
                    ))
                    .execute(conn)?;
                insert_version(
                    conn,
                    id,
                    1,
                    "publish",
                    &content,
                    &ChangeLog::default(),
                    officer.id,
                    now,
                )?;
                if let Some(deadline) = content.submission_deadline {
                    schedule_close(conn, id, deadline, now)?;
                }
                Ok(rules::warnings(&content, now))
            })
        })
        .await
}

/// What the tender page and the check page warn about for a draft.
pub fn draft_warnings(app: &AppState, row: &TenderRow) -> Vec<Warning> {
    let from = row.published_at.unwrap_or_else(|| app.clock.now());
    rules::warnings(&row.content(), from)
}

fn mail_followers(
    conn: &mut DbConn,
    tender_id: i64,
    extra: Option<i64>,
) -> QueryResult<Vec<(i64, String, String)>> {
    let mut ids: Vec<i64> = tender_followers::table
        .filter(tender_followers::tender_id.eq(tender_id))
        .select(tender_followers::user_id)
        .load(conn)?;
    if let Some(extra) = extra
        && !ids.contains(&extra)
    {
        ids.push(extra);
    }
    users::table
        .filter(users::id.eq_any(ids))
        .select((users::id, users::email, users::locale))
        .load(conn)
}

/// Amends a published tender: a new version with a change log shown to
/// everyone; followers are told. Extending a deadline is an amendment.
pub async fn amend(
    app: &AppState,
    officer: &AuthUser,
    id: i64,
    mut content: Content,
    reason: String,
) -> AppResult<i32> {
    rules::normalise(&mut content);
    let reason = reason.trim().to_owned();
    let now = app.clock.now();
    let public_url = app.config.public_url.clone();
    let officer = officer.clone();
    app.db
        .run(move |conn| {
            conn.transaction(|conn| {
                let row = owned(conn, &officer, id)?;
                if row.status() != Status::Published {
                    return Err(AppError::refused(
                        StatusCode::CONFLICT,
                        "tender_not_published",
                    ));
                }
                if content.language.is_empty() {
                    content.language = row.language.clone();
                }
                let mut errors = rules::check(&content, now, Strictness::Publish);
                if reason.is_empty() {
                    errors.push(FieldError::new("amend_reason", "required"));
                } else if reason.chars().count() > rules::MAX_REASON {
                    errors.push(
                        FieldError::new("amend_reason", "too_long").with("max", rules::MAX_REASON),
                    );
                }
                refuse_if_invalid(errors)?;
                let before = row.content();
                let changes = rules::diff(&before, &content);
                if changes.is_empty() {
                    return Err(AppError::field("tender", "no_changes"));
                }
                let version = row.version + 1;
                set_content(conn, id, &content, now)?;
                diesel::update(tenders::table.find(id))
                    .set(tenders::version.eq(version))
                    .execute(conn)?;
                let log = ChangeLog {
                    reason: Some(reason.clone()),
                    changes,
                };
                insert_version(conn, id, version, "amend", &content, &log, officer.id, now)?;
                if let Some(deadline) = content.submission_deadline
                    && before.submission_deadline != content.submission_deadline
                {
                    schedule_close(conn, id, deadline, now)?;
                }
                for (user_id, email, locale) in mail_followers(conn, id, None)? {
                    mail::queue(
                        conn,
                        &email,
                        Lang::from_code(&locale).unwrap_or_default(),
                        "tender_amended",
                        serde_json::json!({
                            "title": content.title,
                            "reason": reason,
                            "version": version,
                            "link": format!("{public_url}/tenders/{id}#changes"),
                        }),
                        format!("tender_amended:{id}:{version}:{user_id}"),
                        now,
                    )?;
                }
                Ok(version)
            })
        })
        .await
}

/// Cancels a published or closed tender, with a reason shown to everyone.
pub async fn cancel(app: &AppState, officer: &AuthUser, id: i64, reason: String) -> AppResult<()> {
    let reason = reason.trim().to_owned();
    if reason.is_empty() {
        return Err(AppError::field("cancel_reason", "required"));
    }
    if reason.chars().count() > rules::MAX_REASON {
        return Err(AppError::invalid(vec![
            FieldError::new("cancel_reason", "too_long").with("max", rules::MAX_REASON),
        ]));
    }
    let now = app.clock.now();
    let public_url = app.config.public_url.clone();
    let officer = officer.clone();
    app.db
        .run(move |conn| {
            conn.transaction(|conn| {
                let row = owned(conn, &officer, id)?;
                match row.status() {
                    Status::Published | Status::Closed => {}
                    Status::Draft => {
                        return Err(AppError::refused(
                            StatusCode::CONFLICT,
                            "tender_draft_delete_instead",
                        ));
                    }
                    Status::Cancelled => {
                        return Err(AppError::refused(StatusCode::CONFLICT, "tender_cancelled"));
                    }
                }
                let version = row.version + 1;
                diesel::update(tenders::table.find(id))
                    .set((
                        tenders::status.eq(Status::Cancelled.as_str()),
                        tenders::cancel_reason.eq(&reason),
                        tenders::cancelled_at.eq(now),
                        tenders::version.eq(version),
                        tenders::updated_at.eq(now),
                    ))
                    .execute(conn)?;
                let log = ChangeLog {
                    reason: Some(reason.clone()),
                    changes: vec![Change {
                        field: "status".into(),
                        before: row.status.clone(),
                        after: Status::Cancelled.as_str().into(),
                    }],
                };
                insert_version(
                    conn,
                    id,
                    version,
                    "cancel",
                    &row.content(),
                    &log,
                    officer.id,
                    now,
                )?;
                for (user_id, email, locale) in mail_followers(conn, id, None)? {
                    mail::queue(
                        conn,
                        &email,
                        Lang::from_code(&locale).unwrap_or_default(),
                        "tender_cancelled",
                        serde_json::json!({
                            "title": row.title,
                            "reason": reason,
                            "link": format!("{public_url}/tenders/{id}"),
                        }),
                        format!("tender_cancelled:{id}:{user_id}"),
                        now,
                    )?;
                }
                Ok(())
            })
        })
        .await
}

/// The worker's half of closing: a published tender whose deadline has
/// passed is closed. A job for a deadline since moved later does nothing
/// (the amendment scheduled another).
pub async fn close_if_due(app: &AppState, job: &CloseTender) -> AppResult<bool> {
    let now = app.clock.now();
    let id = job.tender_id;
    app.db
        .run(move |conn| {
            let closed = diesel::update(
                tenders::table
                    .find(id)
                    .filter(tenders::status.eq(Status::Published.as_str()))
                    .filter(tenders::submission_deadline.le(now)),
            )
            .set((
                tenders::status.eq(Status::Closed.as_str()),
                tenders::closed_at.eq(now),
                tenders::updated_at.eq(now),
            ))
            .execute(conn)?;
            Ok(closed > 0)
        })
        .await
}

// ---------------------------------------------------------------- reading

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuthorityRef {
    pub id: i64,
    pub name: String,
    pub cvr: String,
    pub nuts_code: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct VersionView {
    pub version: i32,
    /// `publish`, `amend` or `cancel`.
    pub kind: String,
    /// UTC.
    pub created_at: NaiveDateTime,
    pub reason: Option<String>,
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AskerView {
    pub id: i64,
    pub name: String,
    pub email: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QuestionView {
    pub id: i64,
    pub question: String,
    pub answer: Option<String>,
    /// UTC.
    pub asked_at: NaiveDateTime,
    pub answered_at: Option<NaiveDateTime>,
    /// Admins only: who asked. Nobody else ever learns it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub asked_by: Option<AskerView>,
    /// True for the entrepreneur who asked it, so they can find their own
    /// question (never shown to anyone else).
    pub mine: bool,
}

/// A tender as its reader may see it. Times are UTC.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TenderView {
    pub id: i64,
    pub status: Status,
    /// 0 for a draft, then 1 for the published version and one more per
    /// amendment or cancellation.
    pub version: i32,
    pub authority: AuthorityRef,
    pub title: String,
    pub description: String,
    pub language: String,
    pub contract_nature: Option<String>,
    pub procedure_type: Option<String>,
    pub main_cpv: Option<String>,
    pub additional_cpv: Vec<String>,
    pub nuts_codes: Vec<String>,
    pub estimated_value_dkk: Option<i64>,
    pub submission_deadline: Option<NaiveDateTime>,
    pub question_deadline: Option<NaiveDateTime>,
    /// eForms BT-71: `none`, `res-ws` (Article 20), `res-pub-ser` (Article 77).
    pub reserved: String,
    /// eForms BT-06 codes.
    pub strategic: Vec<String>,
    pub lots: Vec<Lot>,
    pub criteria: Vec<Criterion>,
    /// How much of the award weight social value carries, in percent.
    pub social_weight: i32,
    pub cancel_reason: Option<String>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
    pub published_at: Option<NaiveDateTime>,
    pub closed_at: Option<NaiveDateTime>,
    pub cancelled_at: Option<NaiveDateTime>,
    /// The change log, oldest first.
    pub versions: Vec<VersionView>,
    /// Answered questions for everyone; the owning officers also see the
    /// unanswered ones.
    pub questions: Vec<QuestionView>,
    pub documents: Vec<crate::tenders::documents::DocumentView>,
    /// The owning officers only: what they may go ahead with but should
    /// know (a period shorter than the directive's minimum).
    pub warnings: Vec<Warning>,
    /// Whether the caller follows the tender.
    pub following: bool,
}

fn questions_for(
    conn: &mut DbConn,
    row: &TenderRow,
    viewer: Viewer,
) -> QueryResult<Vec<QuestionView>> {
    let mut query = tender_questions::table
        .left_join(users::table.on(users::id.nullable().eq(tender_questions::asked_by)))
        .filter(tender_questions::tender_id.eq(row.id))
        .into_boxed();
    let everything = viewer.owns(row) || viewer.is_admin();
    let me = viewer.0.map(|u| u.id);
    if !everything {
        match me {
            Some(me) => {
                query = query.filter(
                    tender_questions::answered_at
                        .is_not_null()
                        .or(tender_questions::asked_by.eq(me)),
                )
            }
            None => query = query.filter(tender_questions::answered_at.is_not_null()),
        }
    }
    type Q = (
        i64,
        String,
        Option<String>,
        NaiveDateTime,
        Option<NaiveDateTime>,
        Option<i64>,
        Option<String>,
        Option<String>,
    );
    let rows: Vec<Q> = query
        .order((tender_questions::asked_at, tender_questions::id))
        .select((
            tender_questions::id,
            tender_questions::question,
            tender_questions::answer,
            tender_questions::asked_at,
            tender_questions::answered_at,
            tender_questions::asked_by,
            users::name.nullable(),
            users::email.nullable(),
        ))
        .load(conn)?;
    let admin = viewer.is_admin();
    Ok(rows
        .into_iter()
        .map(
            |(id, question, answer, asked_at, answered_at, asked_by, name, email)| QuestionView {
                id,
                question,
                answer,
                asked_at,
                answered_at,
                mine: me.is_some() && asked_by == me,
                asked_by: match (admin, asked_by, name, email) {
                    (true, Some(id), Some(name), Some(email)) => {
                        Some(AskerView { id, name, email })
                    }
                    _ => None,
                },
            },
        )
        .collect())
}

pub fn view_of(
    conn: &mut DbConn,
    row: TenderRow,
    viewer: Viewer,
    now: NaiveDateTime,
) -> AppResult<TenderView> {
    if !viewer.can_see(&row) {
        return Err(AppError::not_found());
    }
    let (name, cvr, nuts_code) = model::authority_name(conn, row.authority_id)?;
    let versions = model::versions(conn, row.id)?
        .into_iter()
        .map(|v| {
            let log: ChangeLog = serde_json::from_str(&v.changes).unwrap_or_default();
            VersionView {
                version: v.version,
                kind: v.kind,
                created_at: v.created_at,
                reason: log.reason,
                changes: log.changes,
            }
        })
        .collect();
    let questions = questions_for(conn, &row, viewer)?;
    let documents = crate::tenders::documents::list(conn, row.id)?;
    let following = match viewer.0 {
        Some(user) => {
            tender_followers::table
                .filter(tender_followers::tender_id.eq(row.id))
                .filter(tender_followers::user_id.eq(user.id))
                .count()
                .get_result::<i64>(conn)?
                > 0
        }
        None => false,
    };
    let content = row.content();
    let warnings = if viewer.owns(&row) && matches!(row.status(), Status::Draft | Status::Published)
    {
        rules::warnings(&content, row.published_at.unwrap_or(now))
    } else {
        Vec::new()
    };
    Ok(TenderView {
        id: row.id,
        status: row.status(),
        version: row.version,
        authority: AuthorityRef {
            id: row.authority_id,
            name,
            cvr,
            nuts_code,
        },
        title: content.title,
        description: content.description,
        language: content.language,
        contract_nature: content.contract_nature,
        procedure_type: content.procedure_type,
        main_cpv: content.main_cpv,
        additional_cpv: content.additional_cpv,
        nuts_codes: content.nuts_codes,
        estimated_value_dkk: content.estimated_value_dkk,
        submission_deadline: content.submission_deadline,
        question_deadline: content.question_deadline,
        reserved: content.reserved,
        strategic: content.strategic,
        lots: content.lots,
        criteria: content.criteria,
        social_weight: row.social_weight,
        cancel_reason: row.cancel_reason,
        created_at: row.created_at,
        updated_at: row.updated_at,
        published_at: row.published_at,
        closed_at: row.closed_at,
        cancelled_at: row.cancelled_at,
        versions,
        questions,
        documents,
        warnings,
        following,
    })
}

pub async fn get(app: &AppState, viewer: Option<&AuthUser>, id: i64) -> AppResult<TenderView> {
    let viewer = viewer.cloned();
    let now = app.clock.now();
    app.db
        .run(move |conn| {
            let row = model::find(conn, id)?;
            view_of(conn, row, Viewer(viewer.as_ref()), now)
        })
        .await
}

/// One line of a list of tenders.
#[derive(Debug, Clone, Serialize, ToSchema, Queryable)]
pub struct TenderSummary {
    pub id: i64,
    pub status: String,
    pub title: String,
    pub authority_name: String,
    pub main_cpv: Option<String>,
    pub estimated_value_dkk: Option<i64>,
    /// UTC.
    pub submission_deadline: Option<NaiveDateTime>,
    pub reserved: String,
    pub social_weight: i32,
    pub published_at: Option<NaiveDateTime>,
    pub updated_at: NaiveDateTime,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TenderPage {
    pub items: Vec<TenderSummary>,
    pub page: i64,
    pub per_page: i64,
    pub total: i64,
    pub pages: i64,
}

pub const PER_PAGE: i64 = 20;
pub const MAX_PER_PAGE: i64 = 100;

/// Published and closed tenders, newest first.
pub async fn list_public(app: &AppState, page: i64, per_page: i64) -> AppResult<TenderPage> {
    let per_page = per_page.clamp(1, MAX_PER_PAGE);
    let page = page.max(1);
    app.db
        .run(move |conn| {
            let visible = [Status::Published.as_str(), Status::Closed.as_str()];
            let total: i64 = tenders::table
                .filter(tenders::status.eq_any(visible))
                .count()
                .get_result(conn)?;
            let items = tenders::table
                .inner_join(authorities::table)
                .filter(tenders::status.eq_any(visible))
                .order((tenders::published_at.desc(), tenders::id.desc()))
                .limit(per_page)
                .offset((page - 1) * per_page)
                .select(summary_columns())
                .load(conn)?;
            Ok(TenderPage {
                items,
                page,
                per_page,
                total,
                pages: ((total + per_page - 1) / per_page).max(1),
            })
        })
        .await
}

fn summary_columns() -> (
    tenders::id,
    tenders::status,
    tenders::title,
    authorities::name,
    tenders::main_cpv,
    tenders::estimated_value_dkk,
    tenders::submission_deadline,
    tenders::reserved,
    tenders::social_weight,
    tenders::published_at,
    tenders::updated_at,
) {
    (
        tenders::id,
        tenders::status,
        tenders::title,
        authorities::name,
        tenders::main_cpv,
        tenders::estimated_value_dkk,
        tenders::submission_deadline,
        tenders::reserved,
        tenders::social_weight,
        tenders::published_at,
        tenders::updated_at,
    )
}

/// The officer's authority's tenders in every state, latest change first.
pub async fn list_for_authority(
    app: &AppState,
    officer: &AuthUser,
    status: Option<Status>,
) -> AppResult<Vec<TenderSummary>> {
    let authority_id = officer
        .authority_id
        .ok_or_else(|| AppError::forbidden("wrong_role"))?;
    app.db
        .run(move |conn| {
            let mut query = tenders::table
                .inner_join(authorities::table)
                .filter(tenders::authority_id.eq(authority_id))
                .into_boxed();
            if let Some(status) = status {
                query = query.filter(tenders::status.eq(status.as_str()));
            }
            Ok(query
                .order((tenders::updated_at.desc(), tenders::id.desc()))
                .limit(1000)
                .select(summary_columns())
                .load(conn)?)
        })
        .await
}

// ------------------------------------------------------ questions, follow

/// An entrepreneur asks a question, until the question deadline, on a
/// published tender.
pub async fn ask(app: &AppState, asker: &AuthUser, id: i64, question: String) -> AppResult<i64> {
    let question = question.trim().to_owned();
    if question.is_empty() {
        return Err(AppError::field("question", "required"));
    }
    if question.chars().count() > rules::MAX_QUESTION {
        return Err(AppError::invalid(vec![
            FieldError::new("question", "too_long").with("max", rules::MAX_QUESTION),
        ]));
    }
    let now = app.clock.now();
    let public_url = app.config.public_url.clone();
    let asker_id = asker.id;
    let asker = asker.clone();
    app.db
        .run(move |conn| {
            conn.transaction(|conn| {
                let row = model::find(conn, id)?;
                if !Viewer(Some(&asker)).can_see(&row) {
                    return Err(AppError::not_found());
                }
                match row.status() {
                    Status::Published => {}
                    Status::Cancelled => {
                        return Err(AppError::refused(StatusCode::CONFLICT, "tender_cancelled"));
                    }
                    Status::Closed => {
                        return Err(AppError::refused(StatusCode::CONFLICT, "tender_closed"));
                    }
                    Status::Draft => return Err(AppError::not_found()),
                }
                // The worker may not have closed it yet: the deadline rules.
                if row.submission_deadline.is_some_and(|d| d <= now) {
                    return Err(AppError::refused(StatusCode::CONFLICT, "tender_closed"));
                }
                if row.question_deadline.is_some_and(|d| d <= now) {
                    return Err(AppError::refused(
                        StatusCode::CONFLICT,
                        "question_deadline_passed",
                    ));
                }
                let qid: i64 = diesel::insert_into(tender_questions::table)
                    .values((
                        tender_questions::tender_id.eq(id),
                        tender_questions::asked_by.eq(asker_id),
                        tender_questions::question.eq(&question),
                        tender_questions::asked_at.eq(now),
                    ))
                    .returning(tender_questions::id)
                    .get_result(conn)?;
                // The authority's officers are told there is a question to
                // answer; the mail does not say who asked.
                let officers: Vec<(i64, String, String)> = users::table
                    .filter(users::authority_id.eq(row.authority_id))
                    .filter(users::role.eq("officer"))
                    .filter(users::approval_state.eq("approved"))
                    .select((users::id, users::email, users::locale))
                    .load(conn)?;
                for (officer_id, email, locale) in officers {
                    mail::queue(
                        conn,
                        &email,
                        Lang::from_code(&locale).unwrap_or_default(),
                        "question_asked",
                        serde_json::json!({
                            "title": row.title,
                            "question": question,
                            "link": format!("{public_url}/tenders/{id}#questions"),
                        }),
                        format!("question_asked:{qid}:{officer_id}"),
                        now,
                    )?;
                }
                Ok(qid)
            })
        })
        .await
}

/// The owning officer answers; the answer is published for everyone,
/// without the asker, and the asker and followers are mailed.
pub async fn answer(
    app: &AppState,
    officer: &AuthUser,
    id: i64,
    question_id: i64,
    answer: String,
) -> AppResult<()> {
    let answer = answer.trim().to_owned();
    if answer.is_empty() {
        return Err(AppError::field("answer", "required"));
    }
    if answer.chars().count() > rules::MAX_QUESTION {
        return Err(AppError::invalid(vec![
            FieldError::new("answer", "too_long").with("max", rules::MAX_QUESTION),
        ]));
    }
    let now = app.clock.now();
    let public_url = app.config.public_url.clone();
    let officer = officer.clone();
    app.db
        .run(move |conn| {
            conn.transaction(|conn| {
                let row = owned(conn, &officer, id)?;
                if row.status() == Status::Cancelled {
                    return Err(AppError::refused(StatusCode::CONFLICT, "tender_cancelled"));
                }
                let (question, asked_by, answered_at): (
                    String,
                    Option<i64>,
                    Option<NaiveDateTime>,
                ) = tender_questions::table
                    .find(question_id)
                    .filter(tender_questions::tender_id.eq(id))
                    .select((
                        tender_questions::question,
                        tender_questions::asked_by,
                        tender_questions::answered_at,
                    ))
                    .first(conn)?;
                if answered_at.is_some() {
                    return Err(AppError::refused(StatusCode::CONFLICT, "question_answered"));
                }
                diesel::update(tender_questions::table.find(question_id))
                    .set((
                        tender_questions::answer.eq(&answer),
                        tender_questions::answered_by.eq(officer.id),
                        tender_questions::answered_at.eq(now),
                    ))
                    .execute(conn)?;
                for (user_id, email, locale) in mail_followers(conn, id, asked_by)? {
                    mail::queue(
                        conn,
                        &email,
                        Lang::from_code(&locale).unwrap_or_default(),
                        "question_answered",
                        serde_json::json!({
                            "title": row.title,
                            "question": question,
                            "answer": answer,
                            "link": format!("{public_url}/tenders/{id}#questions"),
                        }),
                        format!("question_answered:{question_id}:{user_id}"),
                        now,
                    )?;
                }
                Ok(())
            })
        })
        .await
}

/// Questions as the viewer may see them.
pub async fn questions(
    app: &AppState,
    viewer: Option<&AuthUser>,
    id: i64,
) -> AppResult<Vec<QuestionView>> {
    let viewer = viewer.cloned();
    app.db
        .run(move |conn| {
            let row = model::find(conn, id)?;
            let viewer = Viewer(viewer.as_ref());
            if !viewer.can_see(&row) {
                return Err(AppError::not_found());
            }
            Ok(questions_for(conn, &row, viewer)?)
        })
        .await
}

/// An entrepreneur follows (or stops following) a published tender.
pub async fn follow(app: &AppState, user: &AuthUser, id: i64, on: bool) -> AppResult<()> {
    let now = app.clock.now();
    let user = user.clone();
    app.db
        .run(move |conn| {
            conn.transaction(|conn| {
                let row = model::find(conn, id)?;
                if !Viewer(Some(&user)).can_see(&row) || row.status() == Status::Draft {
                    return Err(AppError::not_found());
                }
                diesel::delete(
                    tender_followers::table
                        .filter(tender_followers::tender_id.eq(id))
                        .filter(tender_followers::user_id.eq(user.id)),
                )
                .execute(conn)?;
                if on {
                    diesel::insert_into(tender_followers::table)
                        .values((
                            tender_followers::tender_id.eq(id),
                            tender_followers::user_id.eq(user.id),
                            tender_followers::created_at.eq(now),
                        ))
                        .execute(conn)?;
                }
                Ok(())
            })
        })
        .await
}

/// (tender id, question, answer, asked at).
pub type AskedQuestion = (i64, String, Option<String>, NaiveDateTime);

/// The questions a person asked, for their data export.
pub fn questions_asked_by(conn: &mut DbConn, user_id: i64) -> QueryResult<Vec<AskedQuestion>> {
    tender_questions::table
        .filter(tender_questions::asked_by.eq(user_id))
        .order(tender_questions::asked_at)
        .select((
            tender_questions::tender_id,
            tender_questions::question,
            tender_questions::answer,
            tender_questions::asked_at,
        ))
        .load(conn)
}

/// The tenders a person follows, for their data export.
pub fn followed_by(conn: &mut DbConn, user_id: i64) -> QueryResult<Vec<i64>> {
    tender_followers::table
        .filter(tender_followers::user_id.eq(user_id))
        .order(tender_followers::id)
        .select(tender_followers::tender_id)
        .load(conn)
}
