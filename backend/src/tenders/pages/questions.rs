//! Asking a question on a tender's page and the owning officer's answer.

use crate::web::extract::Path;
use axum::Form;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;

use super::public::show_page;
use super::unprocessable;
use crate::app::AppState;
use crate::auth::{Entrepreneur, Officer};
use crate::error::AppResult;
use crate::tenders::service;
use crate::web::page::Page;

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct QuestionForm {
    question: String,
}

pub(super) async fn ask(
    State(app): State<AppState>,
    page: Page,
    Entrepreneur(user): Entrepreneur,
    Path(id): Path<i64>,
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
            )?))
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct AnswerForm {
    answer: String,
}

pub(super) async fn answer(
    State(app): State<AppState>,
    page: Page,
    Officer(officer): Officer,
    Path((id, qid)): Path<(i64, i64)>,
    Form(form): Form<AnswerForm>,
) -> AppResult<Response> {
    match service::answer(&app, &officer, id, qid, form.answer.clone()).await {
        Ok(()) => {
            Ok(Redirect::to(&format!("/tenders/{id}?notice=answer_published")).into_response())
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
            )?))
        }
    }
}
