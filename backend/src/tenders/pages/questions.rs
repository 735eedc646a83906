//! Asking a question on a tender's page, and the owning officer's decision
//! on it: an answer from the tender's page, or from the page of open
//! questions across the authority's tenders, where the officer may also
//! reword the question before it is published or decline it.

use crate::db::ids::{QuestionId, TenderId};
use crate::web::extract::Path;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::{Value, json};

use super::public::show_page;
use super::unprocessable;
use crate::app::AppState;
use crate::auth::{AuthUser, Entrepreneur, Officer};
use crate::error::{AppError, AppResult};
use crate::tenders::service;
use crate::web::page::{FormError, Page};

/// Where the officer decides on open questions across the authority's
/// tenders; the forms there say so with `from`.
const OPEN_QUESTIONS: &str = "/officer/questions";

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct QuestionForm {
    question: String,
}

pub(super) async fn ask(
    State(app): State<AppState>,
    page: Page,
    Entrepreneur(user): Entrepreneur,
    Path(id): Path<TenderId>,
    Form(form): Form<QuestionForm>,
) -> AppResult<Response> {
    match service::ask(&app, &user, id, form.question.clone()).await {
        Ok(_) => Ok(Redirect::to(&format!("/tenders/{id}?notice=question_sent")).into_response()),
        Err(error) => {
            let errors = page.errors_of(error, "question")?;
            let view = service::get(&app, Some(&user), id).await?;
            let who_could_bid =
                crate::matching::pages::who_could_bid(&app, Some(&user), id, page.lang).await?;
            Ok(unprocessable(show_page(
                &page,
                &view,
                errors,
                json!({"question": form.question}),
                app.clock.now(),
                who_could_bid,
                // Questions are asked and answered before any award.
                &[],
            )?))
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct AnswerForm {
    answer: String,
    /// The question as the officer rewords it (the open-questions page).
    question: Option<String>,
    from: String,
}

pub(super) async fn answer(
    State(app): State<AppState>,
    page: Page,
    Officer(officer): Officer,
    Path((id, qid)): Path<(TenderId, QuestionId)>,
    Form(form): Form<AnswerForm>,
) -> AppResult<Response> {
    let from_open_questions = form.from == OPEN_QUESTIONS;
    let decided = service::answer(
        &app,
        &officer,
        id,
        qid,
        form.answer.clone(),
        form.question.clone(),
    )
    .await;
    match decided {
        Ok(()) if from_open_questions => {
            Ok(Redirect::to(&format!("{OPEN_QUESTIONS}?notice=answer_published")).into_response())
        }
        Ok(()) => {
            Ok(Redirect::to(&format!("/tenders/{id}?notice=answer_published")).into_response())
        }
        Err(error) if from_open_questions => {
            let status = error.status();
            let values = json!({
                format!("question-{qid}"): form.question,
                format!("answer-{qid}"): form.answer,
            });
            let errors = errors_for(&page, error, qid, "answer")?;
            let html = open_questions_page(&app, &page, &officer, errors, values).await?;
            Ok((status, html).into_response())
        }
        Err(error) => {
            let field = format!("answer-{qid}");
            let mut errors = page.errors_of(error, &field)?;
            for e in &mut errors {
                e.retarget(&field);
            }
            let view = service::get(&app, Some(&officer), id).await?;
            let who_could_bid =
                crate::matching::pages::who_could_bid(&app, Some(&officer), id, page.lang).await?;
            Ok(unprocessable(show_page(
                &page,
                &view,
                errors,
                json!({ field: form.answer }),
                app.clock.now(),
                who_could_bid,
                // Questions are asked and answered before any award.
                &[],
            )?))
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct DeclineForm {
    reason: String,
}

pub(super) async fn decline(
    State(app): State<AppState>,
    page: Page,
    Officer(officer): Officer,
    Path((id, qid)): Path<(TenderId, QuestionId)>,
    Form(form): Form<DeclineForm>,
) -> AppResult<Response> {
    match service::decline(&app, &officer, id, qid, form.reason.clone()).await {
        Ok(()) => {
            Ok(Redirect::to(&format!("{OPEN_QUESTIONS}?notice=question_declined")).into_response())
        }
        Err(error) => {
            let status = error.status();
            let values = json!({ format!("reason-{qid}"): form.reason });
            let errors = errors_for(&page, error, qid, "reason")?;
            let html = open_questions_page(&app, &page, &officer, errors, values).await?;
            Ok((status, html).into_response())
        }
    }
}

/// The open questions across the officer's authority's tenders, oldest first.
pub(super) async fn open_questions(
    State(app): State<AppState>,
    page: Page,
    Officer(officer): Officer,
) -> AppResult<Html<String>> {
    open_questions_page(&app, &page, &officer, Vec::new(), json!({})).await
}

async fn open_questions_page(
    app: &AppState,
    page: &Page,
    officer: &AuthUser,
    errors: Vec<FormError>,
    mut values: Value,
) -> AppResult<Html<String>> {
    let questions = service::waiting_questions(app, officer).await?;
    // Each rewording field starts as the question was asked.
    if let Some(values) = values.as_object_mut() {
        for q in &questions {
            values
                .entry(format!("question-{}", q.id))
                .or_insert_with(|| Value::String(q.question.clone()));
        }
    }
    page.render(
        "pages/tenders/questions.html",
        json!({
            "questions": questions,
            "from": OPEN_QUESTIONS,
            "errors": errors,
            "values": values,
        }),
    )
}

/// The errors of one question's form, each pointing at its field there
/// (`answer-7`); a conflict (decided meanwhile) points at `field`. A
/// question or tender that is not the officer's is no form error: it keeps
/// its own status and page.
fn errors_for(
    page: &Page,
    error: AppError,
    qid: QuestionId,
    field: &str,
) -> AppResult<Vec<FormError>> {
    let about_the_form =
        matches!(error, AppError::Invalid { .. }) || error.status() == StatusCode::CONFLICT;
    if !about_the_form {
        return Err(error);
    }
    let mut errors = page.errors_of(error, field)?;
    for e in &mut errors {
        let id = format!("{}-{qid}", e.field());
        e.retarget(&id);
    }
    Ok(errors)
}
