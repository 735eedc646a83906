//! Reading one tender: what its viewer may see of it, its versions and its
//! questions, as one view for the API and the pages.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use serde::Serialize;
use utoipa::ToSchema;

use super::Viewer;
use crate::app::AppState;
use crate::auth::AuthUser;
use crate::db::DbConn;
use crate::db::ids::{AuthorityId, QuestionId, TenderId, UserId};
use crate::db::schema::{tender_followers, tender_questions, users};
use crate::error::{AppError, AppResult};
use crate::tenders::model::{self, Change, Criterion, Lot, Status, TenderRow};
use crate::tenders::money::{Amount, InKroner, in_kroner};
use crate::tenders::rules::{self, Warning};

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AuthorityRef {
    #[schema(value_type = i64)]
    pub id: AuthorityId,
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
    #[serde(with = "crate::web::utc")]
    pub created_at: NaiveDateTime,
    pub reason: Option<String>,
    pub changes: Vec<Change>,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct AskerView {
    #[schema(value_type = i64)]
    pub id: UserId,
    pub name: String,
    pub email: String,
}

#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct QuestionView {
    #[schema(value_type = i64)]
    pub id: QuestionId,
    pub question: String,
    pub answer: Option<String>,
    /// UTC.
    #[serde(with = "crate::web::utc")]
    pub asked_at: NaiveDateTime,
    #[serde(with = "crate::web::utc::option")]
    pub answered_at: Option<NaiveDateTime>,
    /// Set when the owning officer declined to publish the question; only
    /// its asker and admins see such a question.
    #[serde(
        with = "crate::web::utc::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub declined_at: Option<NaiveDateTime>,
    /// Why it was declined.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decline_reason: Option<String>,
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
    #[schema(value_type = i64)]
    pub id: TenderId,
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
    /// In `currency`, as published; optional.
    pub estimated_value: Option<Amount>,
    /// ISO 4217 code of the tender's and its lots' values.
    pub currency: String,
    /// The value in kroner, as values are compared, with the reference
    /// rate used (none when published in kroner).
    pub estimated_value_in_kroner: Option<InKroner>,
    #[serde(with = "crate::web::utc::option")]
    pub submission_deadline: Option<NaiveDateTime>,
    #[serde(with = "crate::web::utc::option")]
    pub question_deadline: Option<NaiveDateTime>,
    /// eForms BT-71 codes: `res-ws` (Article 20), `res-pub-ser` (Article
    /// 77), or both; empty when the tender is not reserved. Lots may carry
    /// their own.
    pub reserved: Vec<String>,
    /// eForms BT-06 codes.
    pub strategic: Vec<String>,
    pub lots: Vec<Lot>,
    pub criteria: Vec<Criterion>,
    /// How much of the award weight social value carries, in percent.
    pub social_weight: i32,
    pub cancel_reason: Option<String>,
    #[serde(with = "crate::web::utc")]
    pub created_at: NaiveDateTime,
    #[serde(with = "crate::web::utc")]
    pub updated_at: NaiveDateTime,
    #[serde(with = "crate::web::utc::option")]
    pub published_at: Option<NaiveDateTime>,
    #[serde(with = "crate::web::utc::option")]
    pub closed_at: Option<NaiveDateTime>,
    #[serde(with = "crate::web::utc::option")]
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
    /// Present when the tender was imported from a notice on TED: then it
    /// is read-only here.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub imported: Option<crate::import::ImportedFrom>,
}

pub(super) fn questions_for(
    conn: &mut DbConn,
    row: &TenderRow,
    viewer: Viewer,
) -> QueryResult<Vec<QuestionView>> {
    let mut query = tender_questions::table
        .left_join(users::table.on(users::id.nullable().eq(tender_questions::asked_by)))
        .filter(tender_questions::tender_id.eq(row.id))
        .into_boxed();
    let me = viewer.0.map(|u| u.id);
    if viewer.owns(row) && !viewer.is_admin() {
        // A declined question is decided: only its asker is told why.
        query = query.filter(tender_questions::declined_at.is_null());
    } else if !viewer.is_admin() {
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
        QuestionId,
        String,
        Option<String>,
        NaiveDateTime,
        Option<NaiveDateTime>,
        Option<UserId>,
        Option<String>,
        Option<String>,
        Option<NaiveDateTime>,
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
            tender_questions::declined_at,
            tender_questions::decline_reason,
        ))
        .load(conn)?;
    let admin = viewer.is_admin();
    Ok(rows
        .into_iter()
        .map(
            |(
                id,
                question,
                answer,
                asked_at,
                answered_at,
                asked_by,
                name,
                email,
                declined_at,
                decline_reason,
            )| QuestionView {
                id,
                question,
                answer,
                asked_at,
                answered_at,
                declined_at,
                decline_reason,
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
            let log = v.changes.0;
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
    let warnings = if viewer.owns(&row) && matches!(row.status, Status::Draft | Status::Published) {
        rules::warnings(&content, row.published_at.unwrap_or(now))
    } else {
        Vec::new()
    };
    Ok(TenderView {
        id: row.id,
        status: row.status,
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
        estimated_value: content.estimated_value,
        estimated_value_in_kroner: content
            .estimated_value
            .and_then(|v| in_kroner(v, &content.currency)),
        currency: content.currency,
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
        imported: crate::import::imported_from(conn, row.id)?,
    })
}

pub async fn get(app: &AppState, viewer: Option<&AuthUser>, id: TenderId) -> AppResult<TenderView> {
    let viewer = viewer.cloned();
    let now = app.clock.now();
    app.db
        .run(move |conn| {
            let row = model::find(conn, id)?;
            view_of(conn, row, Viewer(viewer.as_ref()), now)
        })
        .await
}
