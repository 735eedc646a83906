//! What waits for an authority's officers: per tender the questions nobody
//! has answered or declined yet and the number of followers, and those
//! questions across all the authority's tenders. Questions on a cancelled
//! tender wait for nobody: they can no longer be answered.

use std::collections::HashMap;

use chrono::NaiveDateTime;
use diesel::dsl::count_star;
use diesel::prelude::*;
use serde::Serialize;

use crate::app::AppState;
use crate::auth::AuthUser;
use crate::db::ids::{AuthorityId, QuestionId, TenderId};
use crate::db::schema::{tender_followers, tender_questions, tenders};
use crate::error::{AppError, AppResult};
use crate::tenders::model::Status;

/// One tender's open questions and followers.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Activity {
    pub open_questions: i64,
    pub followers: i64,
}

/// A question waiting for the officer's answer (or refusal). Who asked is
/// not part of it: officers never learn it.
#[derive(Debug, Clone, Serialize, Queryable)]
pub struct WaitingQuestion {
    pub id: QuestionId,
    pub tender_id: TenderId,
    pub tender_title: String,
    pub question: String,
    #[serde(with = "crate::web::utc")]
    pub asked_at: NaiveDateTime,
    #[serde(with = "crate::web::utc::option")]
    pub question_deadline: Option<NaiveDateTime>,
}

fn authority_of(officer: &AuthUser) -> AppResult<AuthorityId> {
    officer
        .authority_id
        .ok_or_else(|| AppError::forbidden("wrong_role"))
}

/// Open questions and followers of each of the officer's authority's
/// tenders that has any.
pub async fn activity_for_authority(
    app: &AppState,
    officer: &AuthUser,
) -> AppResult<HashMap<TenderId, Activity>> {
    let authority_id = authority_of(officer)?;
    app.db
        .run(move |conn| {
            let open: Vec<(TenderId, i64)> = tender_questions::table
                .inner_join(tenders::table)
                .filter(tenders::authority_id.eq(authority_id))
                .filter(tenders::status.ne(Status::Cancelled.as_str()))
                .filter(tender_questions::answered_at.is_null())
                .filter(tender_questions::declined_at.is_null())
                .group_by(tender_questions::tender_id)
                .select((tender_questions::tender_id, count_star()))
                .load(conn)?;
            let followers: Vec<(TenderId, i64)> = tender_followers::table
                .inner_join(tenders::table)
                .filter(tenders::authority_id.eq(authority_id))
                .group_by(tender_followers::tender_id)
                .select((tender_followers::tender_id, count_star()))
                .load(conn)?;
            let mut activity: HashMap<TenderId, Activity> = HashMap::new();
            for (id, count) in open {
                activity.entry(id).or_default().open_questions = count;
            }
            for (id, count) in followers {
                activity.entry(id).or_default().followers = count;
            }
            Ok(activity)
        })
        .await
}

/// The questions waiting on the authority's tenders that can still be
/// answered (not on cancelled ones), oldest first.
pub async fn waiting_questions(
    app: &AppState,
    officer: &AuthUser,
) -> AppResult<Vec<WaitingQuestion>> {
    let authority_id = authority_of(officer)?;
    app.db
        .run(move |conn| {
            Ok(tender_questions::table
                .inner_join(tenders::table)
                .filter(tenders::authority_id.eq(authority_id))
                .filter(tenders::status.ne(Status::Cancelled.as_str()))
                .filter(tender_questions::answered_at.is_null())
                .filter(tender_questions::declined_at.is_null())
                .order((tender_questions::asked_at, tender_questions::id))
                .select((
                    tender_questions::id,
                    tender_questions::tender_id,
                    tenders::title,
                    tender_questions::question,
                    tender_questions::asked_at,
                    tenders::question_deadline,
                ))
                .load(conn)?)
        })
        .await
}
