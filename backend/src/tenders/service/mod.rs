//! Every rule about tenders, used by both the JSON API and the pages:
//! drafting, publishing, amending, cancelling, closing at the deadline,
//! reading (drafts only by their authority), questions and followers.

mod activity;
mod amending;
mod cancelling;
mod closing;
mod drafting;
mod following;
mod listing;
mod publishing;
mod questions;
mod reading;

pub use activity::{Activity, WaitingQuestion, activity_for_authority, waiting_questions};
pub use amending::amend;
pub use cancelling::cancel;
pub(crate) use closing::schedule_deadline;
pub use closing::{CloseTender, close_if_due};
pub use drafting::{create_draft, delete_draft, update_draft};
pub use following::{FollowedTender, follow, followed_by, followed_tenders};
pub use listing::{
    MAX_PER_PAGE, PER_PAGE, TenderPage, TenderSummary, list_for_authority, list_public,
    summaries_by_id,
};
pub(crate) use publishing::{Deadline, publish_with};
pub use publishing::{draft_warnings, publish};
pub use questions::{AskedQuestion, answer, ask, decline, questions, questions_asked_by};
pub use reading::{AskerView, AuthorityRef, QuestionView, TenderView, VersionView, get, view_of};

use axum::http::StatusCode;
use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::auth::{AuthUser, Role};
use crate::db::DbConn;
use crate::db::ids::{TenderId, UserId};
use crate::db::schema::{tender_followers, tender_versions, tenders};
use crate::error::{AppError, AppResult, FieldError};
use crate::tenders::model::{self, ChangeLog, Content, Status, TenderRow, to_json};

/// Who is looking: decides what a tender shows and whether a draft exists.
#[derive(Clone, Copy)]
pub struct Viewer<'a>(pub Option<&'a AuthUser>);

impl Viewer<'_> {
    /// An approved officer of the authority that owns the tender.
    pub fn owns(&self, row: &TenderRow) -> bool {
        self.0
            .is_some_and(|u| u.is_approved_officer() && u.authority_id == Some(row.authority_id))
    }

    pub fn is_admin(&self) -> bool {
        self.0.is_some_and(|u| u.role == Role::Admin)
    }

    /// Drafts exist only for their authority: anyone else gets 404.
    pub fn can_see(&self, row: &TenderRow) -> bool {
        row.status != Status::Draft || self.owns(row)
    }
}

/// Loads a tender the caller must own: 404 when it may not even know the
/// tender exists, 403 when it may see it but not change it.
fn owned(conn: &mut DbConn, user: &AuthUser, id: TenderId) -> AppResult<TenderRow> {
    let row = model::find(conn, id)?;
    let viewer = Viewer(Some(user));
    if !viewer.can_see(&row) {
        return Err(AppError::not_found());
    }
    if !viewer.owns(&row) {
        return Err(AppError::forbidden("tender_not_yours"));
    }
    if crate::import::is_imported(conn, id)? {
        return Err(AppError::refused(StatusCode::CONFLICT, "tender_imported"));
    }
    Ok(row)
}

/// A tender's content in the columns it is stored in, for an insert and
/// for an update alike (a `None` clears its column).
#[derive(Insertable, AsChangeset)]
#[diesel(table_name = tenders, treat_none_as_null = true)]
pub(crate) struct ContentColumns<'a> {
    language: &'a str,
    title: &'a str,
    description: &'a str,
    contract_nature: Option<&'a str>,
    procedure_type: Option<&'a str>,
    main_cpv: Option<&'a str>,
    additional_cpv: String,
    nuts_codes: String,
    estimated_value_hundredths: Option<i64>,
    currency: &'a str,
    submission_deadline: Option<NaiveDateTime>,
    question_deadline: Option<NaiveDateTime>,
    reserved: String,
    strategic: String,
    lots: String,
    criteria: String,
    social_weight: i32,
}

impl<'a> ContentColumns<'a> {
    pub(crate) fn of(content: &'a Content) -> ContentColumns<'a> {
        ContentColumns {
            language: &content.language,
            title: &content.title,
            description: &content.description,
            contract_nature: content.contract_nature.as_deref(),
            procedure_type: content.procedure_type.as_deref(),
            main_cpv: content.main_cpv.as_deref(),
            additional_cpv: to_json(&content.additional_cpv),
            nuts_codes: to_json(&content.nuts_codes),
            estimated_value_hundredths: content.estimated_value.map(|v| v.hundredths()),
            currency: &content.currency,
            submission_deadline: content.submission_deadline,
            question_deadline: content.question_deadline,
            reserved: to_json(&content.reserved),
            strategic: to_json(&content.strategic),
            lots: to_json(&content.lots),
            criteria: to_json(&content.criteria),
            social_weight: content.social_weight(),
        }
    }
}

pub(crate) fn set_content(
    conn: &mut DbConn,
    id: TenderId,
    content: &Content,
    now: NaiveDateTime,
) -> QueryResult<()> {
    diesel::update(tenders::table.find(id))
        .set((ContentColumns::of(content), tenders::updated_at.eq(now)))
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

#[expect(clippy::too_many_arguments, reason = "one row of tender_versions")]
pub(crate) fn insert_version(
    conn: &mut DbConn,
    id: TenderId,
    version: i32,
    kind: &str,
    content: &Content,
    log: &ChangeLog,
    user_id: UserId,
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

/// Who is told about a tender's amendments, answers and cancellation: its
/// followers, the members of every organisation in a bid on it (the lead
/// and the partners who accepted, whatever the bid's state: a withdrawn
/// bid may be sent again), and `extra` (the asker of an answered
/// question). A bidder needs to know more than a follower does, and does
/// not have to follow as well.
fn followers_and_bidders(
    conn: &mut DbConn,
    tender_id: TenderId,
    extra: Option<UserId>,
) -> QueryResult<Vec<UserId>> {
    use crate::bids::consortium::store::PartnerState;
    use crate::db::ids::{BidId, OrganisationId};
    use crate::db::schema::{bid_partners, bids};

    let mut ids: Vec<UserId> = tender_followers::table
        .filter(tender_followers::tender_id.eq(tender_id))
        .select(tender_followers::user_id)
        .load(conn)?;
    let (bid_ids, mut organisations): (Vec<BidId>, Vec<OrganisationId>) = bids::table
        .filter(bids::tender_id.eq(tender_id))
        .select((bids::id, bids::organisation_id))
        .load::<(BidId, OrganisationId)>(conn)?
        .into_iter()
        .unzip();
    let partners: Vec<OrganisationId> = bid_partners::table
        .filter(bid_partners::bid_id.eq_any(&bid_ids))
        .filter(bid_partners::state.eq(PartnerState::Accepted.as_str()))
        .select(bid_partners::organisation_id)
        .load(conn)?;
    organisations.extend(partners);
    let bidders = crate::profiles::service::member_ids(conn, &organisations)?;
    for id in bidders.into_iter().chain(extra) {
        if !ids.contains(&id) {
            ids.push(id);
        }
    }
    Ok(ids)
}
