//! Questions on a published tender: entrepreneurs ask, the owning officer
//! answers for everyone (rewording the question first if it gives away who
//! asked) or declines one that is not a request for clarification; and the
//! questions a person asked, for their export.

use axum::http::StatusCode;
use chrono::NaiveDateTime;
use diesel::prelude::*;
use socialbid_frontend::Lang;

use super::reading::questions_for;
use super::{QuestionView, Viewer, followers_and_bidders, owned};
use crate::app::AppState;
use crate::auth::{ApprovalState, AuthUser};
use crate::db::DbConn;
use crate::db::ids::{QuestionId, TenderId, UserId};
use crate::db::schema::{tender_questions, users};
use crate::db::write_transaction;
use crate::error::{AppError, AppResult, FieldError};
use crate::mail;
use crate::notify;
use crate::tenders::model::{self, Status};
use crate::tenders::rules;

/// An entrepreneur asks a question, until the question deadline, on a
/// published tender.
pub async fn ask(
    app: &AppState,
    asker: &AuthUser,
    id: TenderId,
    question: String,
) -> AppResult<QuestionId> {
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
            write_transaction(conn, |conn| {
                let row = model::find(conn, id)?;
                if !Viewer(Some(&asker)).can_see(&row) {
                    return Err(AppError::not_found());
                }
                match row.status {
                    Status::Published => {}
                    Status::Cancelled => {
                        return Err(AppError::refused(StatusCode::CONFLICT, "tender_cancelled"));
                    }
                    Status::Closed => {
                        return Err(AppError::refused(StatusCode::CONFLICT, "tender_closed"));
                    }
                    Status::Draft => return Err(AppError::not_found()),
                }
                // Questions on an imported notice go to the buyer's own system.
                if crate::import::is_imported(conn, id)? {
                    return Err(AppError::refused(StatusCode::CONFLICT, "tender_imported"));
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
                let qid: QuestionId = diesel::insert_into(tender_questions::table)
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
                let officers: Vec<(UserId, String, String)> = users::table
                    .filter(users::authority_id.eq(row.authority_id))
                    .filter(users::role.eq("officer"))
                    .filter(users::approval_state.eq(ApprovalState::Approved.as_str()))
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
///
/// `wording`, when given, replaces the question as asked: an officer
/// removes what would tell others who asked before it is published.
pub async fn answer(
    app: &AppState,
    officer: &AuthUser,
    id: TenderId,
    question_id: QuestionId,
    answer: String,
    wording: Option<String>,
) -> AppResult<()> {
    let answer = answer.trim().to_owned();
    let wording = wording.map(|w| w.trim().to_owned());
    let mut errors = Vec::new();
    check_text(&mut errors, "answer", &answer);
    if let Some(wording) = &wording {
        check_text(&mut errors, "question", wording);
    }
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    let now = app.clock.now();
    let public_url = app.config.public_url.clone();
    let officer = officer.clone();
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let row = owned(conn, &officer, id)?;
                if row.status == Status::Cancelled {
                    return Err(AppError::refused(StatusCode::CONFLICT, "tender_cancelled"));
                }
                let open = open_question(conn, id, question_id)?;
                let question = wording.unwrap_or(open.question);
                // Conditional, so that of two parallel decisions only one
                // finds the question still open under READ COMMITTED.
                let answered = diesel::update(still_open(question_id))
                    .set((
                        tender_questions::question.eq(&question),
                        tender_questions::answer.eq(&answer),
                        tender_questions::answered_by.eq(officer.id),
                        tender_questions::answered_at.eq(now),
                    ))
                    .execute(conn)?;
                if answered == 0 {
                    return Err(AppError::refused(StatusCode::CONFLICT, "question_answered"));
                }
                let asked_by = open.asked_by;
                let event = notify::Event {
                    kind: notify::Kind::Answer,
                    key: format!("answer:question:{question_id}"),
                    tender_id: Some(id),
                    vars: serde_json::json!({
                        "title": row.title,
                        "question": question,
                        "answer": answer,
                        "link": format!("{public_url}/tenders/{id}#questions"),
                    }),
                    strength: None,
                };
                let told = followers_and_bidders(conn, id, asked_by)?;
                notify::notify_all(conn, told, &event, now)?;
                Ok(())
            })
        })
        .await
}

/// The owning officer declines to publish a question that is not a request
/// for clarification; the asker is mailed the reason in the same
/// transaction, and nobody else ever sees the question.
pub async fn decline(
    app: &AppState,
    officer: &AuthUser,
    id: TenderId,
    question_id: QuestionId,
    reason: String,
) -> AppResult<()> {
    let reason = reason.trim().to_owned();
    let mut errors = Vec::new();
    check_text(&mut errors, "reason", &reason);
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    let now = app.clock.now();
    let public_url = app.config.public_url.clone();
    let officer = officer.clone();
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let row = owned(conn, &officer, id)?;
                let open = open_question(conn, id, question_id)?;
                let declined = diesel::update(still_open(question_id))
                    .set((
                        tender_questions::declined_at.eq(now),
                        tender_questions::decline_reason.eq(&reason),
                    ))
                    .execute(conn)?;
                if declined == 0 {
                    return Err(AppError::refused(StatusCode::CONFLICT, "question_answered"));
                }
                let asker: Option<(String, String)> = match open.asked_by {
                    Some(asker) => users::table
                        .find(asker)
                        .select((users::email, users::locale))
                        .first(conn)
                        .optional()?,
                    None => None,
                };
                if let Some((email, locale)) = asker {
                    mail::queue(
                        conn,
                        &email,
                        Lang::from_code(&locale).unwrap_or_default(),
                        "question_declined",
                        serde_json::json!({
                            "title": row.title,
                            "question": open.question,
                            "reason": reason,
                            "link": format!("{public_url}/tenders/{id}#questions"),
                        }),
                        format!("question_declined:{question_id}"),
                        now,
                    )?;
                }
                Ok(())
            })
        })
        .await
}

fn check_text(errors: &mut Vec<FieldError>, field: &'static str, text: &str) {
    if text.is_empty() {
        errors.push(FieldError::new(field, "required"));
    } else if text.chars().count() > rules::MAX_QUESTION {
        errors.push(FieldError::new(field, "too_long").with("max", rules::MAX_QUESTION));
    }
}

struct OpenQuestion {
    question: String,
    asked_by: Option<UserId>,
}

/// A question of tender `id` that is neither answered nor declined: 404 if
/// the tender has no such question, 409 if it has been decided.
fn open_question(
    conn: &mut DbConn,
    id: TenderId,
    question_id: QuestionId,
) -> AppResult<OpenQuestion> {
    let (question, asked_by, answered_at, declined_at): (
        String,
        Option<UserId>,
        Option<NaiveDateTime>,
        Option<NaiveDateTime>,
    ) = tender_questions::table
        .find(question_id)
        .filter(tender_questions::tender_id.eq(id))
        .select((
            tender_questions::question,
            tender_questions::asked_by,
            tender_questions::answered_at,
            tender_questions::declined_at,
        ))
        .first(conn)?;
    if answered_at.is_some() {
        return Err(AppError::refused(StatusCode::CONFLICT, "question_answered"));
    }
    if declined_at.is_some() {
        return Err(AppError::refused(StatusCode::CONFLICT, "question_declined"));
    }
    Ok(OpenQuestion { question, asked_by })
}

/// A question not yet answered nor declined.
type StillOpen = diesel::dsl::Filter<
    diesel::dsl::Filter<
        diesel::dsl::Find<tender_questions::table, QuestionId>,
        diesel::dsl::IsNull<tender_questions::answered_at>,
    >,
    diesel::dsl::IsNull<tender_questions::declined_at>,
>;

/// The question, if nobody has answered or declined it meanwhile.
fn still_open(question_id: QuestionId) -> StillOpen {
    tender_questions::table
        .find(question_id)
        .filter(tender_questions::answered_at.is_null())
        .filter(tender_questions::declined_at.is_null())
}

/// Questions as the viewer may see them.
pub async fn questions(
    app: &AppState,
    viewer: Option<&AuthUser>,
    id: TenderId,
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

/// (tender id, question, answer, asked at).
pub type AskedQuestion = (TenderId, String, Option<String>, NaiveDateTime);

/// The questions a person asked, for their data export.
pub fn questions_asked_by(conn: &mut DbConn, user_id: UserId) -> QueryResult<Vec<AskedQuestion>> {
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
