//! Creating and changing a profile: a new verified fact waits for review,
//! anything else goes live at once; a CVR number belongs to one organisation.

use axum::http::StatusCode;
use diesel::prelude::*;
use serde::Serialize;

use super::{Organisation, ReviewState, as_member, find, of_member, write_index};
use crate::app::AppState;
use crate::audit;
use crate::auth::AuthUser;
use crate::db::DbConn;
use crate::db::ids::OrganisationId;
use crate::db::schema::{organisation_members, organisations};
use crate::db::write_transaction;
use crate::error::{AppError, AppResult};
use crate::profiles::model::{ProfileData, ProfileInput};
use crate::{matching, search};

fn to_json<T: Serialize>(value: &T) -> AppResult<String> {
    serde_json::to_string(value).map_err(AppError::internal)
}

/// The field a taken registry key is reported on: the CVR number in
/// Denmark, the national identifier elsewhere.
fn key_field(profile: &ProfileData) -> &'static str {
    if profile.country == "DK" {
        "cvr"
    } else {
        "national_id"
    }
}

/// Refuses a CVR number (or a country's national identifier) another
/// organisation already uses (409).
fn check_key_free(
    conn: &mut DbConn,
    profile: &ProfileData,
    except: Option<OrganisationId>,
) -> AppResult<()> {
    let mut query = organisations::table
        .filter(organisations::registry_key.eq(profile.registry_key()))
        .select(organisations::id)
        .into_boxed();
    if let Some(id) = except {
        query = query.filter(organisations::id.ne(id));
    }
    let taken: Option<OrganisationId> = query.first(conn).optional()?;
    if taken.is_some() {
        return Err(AppError::conflict(key_field(profile), "taken"));
    }
    Ok(())
}

/// Creates the organisation with the caller as its first member; it waits
/// for an admin's review.
pub async fn create(
    app: &AppState,
    user: &AuthUser,
    input: ProfileInput,
) -> AppResult<Organisation> {
    let now = app.clock.now();
    let profile = input.validate(now.date()).map_err(AppError::invalid)?;
    let user = user.clone();
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                if of_member(conn, user.id)?.is_some() {
                    return Err(AppError::refused(StatusCode::CONFLICT, "already_member"));
                }
                check_key_free(conn, &profile, None)?;
                let id: OrganisationId = diesel::insert_into(organisations::table)
                    .values((
                        organisations::registry_key.eq(profile.registry_key()),
                        organisations::draft.eq(to_json(&profile)?),
                        organisations::review_state.eq(ReviewState::Pending.as_str()),
                        organisations::submitted_at.eq(now),
                        organisations::created_at.eq(now),
                        organisations::updated_at.eq(now),
                    ))
                    .returning(organisations::id)
                    .get_result(conn)
                    .map_err(|e| key_conflict(e, key_field(&profile)))?;
                diesel::insert_into(organisation_members::table)
                    .values((
                        organisation_members::organisation_id.eq(id),
                        organisation_members::user_id.eq(user.id),
                        organisation_members::created_at.eq(now),
                    ))
                    .execute(conn)?;
                write_index(conn, id, &profile, None)?;
                audit::record(
                    conn,
                    &user,
                    "profile.submit",
                    "organisation",
                    id.0,
                    None,
                    now,
                )?;
                Ok(find(conn, id)?)
            })
        })
        .await
}

fn key_conflict(error: diesel::result::Error, field: &'static str) -> AppError {
    if crate::db::is_unique_violation(&error) {
        AppError::conflict(field, "taken")
    } else {
        error.into()
    }
}

/// Saves a member's change. A new verified fact (name, CVR, RSV, reserved
/// contract eligibility), or any change to a profile never approved or sent
/// back, goes to review; the rest is public at once.
pub async fn update(
    app: &AppState,
    user: &AuthUser,
    organisation_id: OrganisationId,
    input: ProfileInput,
) -> AppResult<Organisation> {
    let now = app.clock.now();
    let profile = input.validate(now.date()).map_err(AppError::invalid)?;
    let user = user.clone();
    app.db
        .run(move |conn| {
            write_transaction(conn, |conn| {
                let org = as_member(conn, organisation_id, &user)?;
                check_key_free(conn, &profile, Some(org.id))?;
                let approved = org.facts()?;
                let facts_differ = approved.as_ref() != Some(&profile.facts());
                let needs_review = facts_differ
                    || matches!(
                        org.review_state,
                        ReviewState::Rejected | ReviewState::ChangesRequested
                    );
                let old_draft = org.draft()?;
                if needs_review {
                    diesel::update(organisations::table.find(org.id))
                        .set((
                            organisations::review_state.eq(ReviewState::Pending.as_str()),
                            organisations::review_reason.eq(None::<String>),
                            organisations::submitted_at.eq(now),
                        ))
                        .execute(conn)?;
                    let was_waiting = org.review_state == ReviewState::Pending
                        && old_draft.facts() == profile.facts();
                    if !was_waiting {
                        audit::record(
                            conn,
                            &user,
                            "profile.submit",
                            "organisation",
                            org.id.0,
                            None,
                            now,
                        )?;
                    }
                } else if org.review_state == ReviewState::Pending {
                    // The facts are back to those approved: nothing to review.
                    diesel::update(organisations::table.find(org.id))
                        .set(organisations::review_state.eq(ReviewState::Approved.as_str()))
                        .execute(conn)?;
                }
                diesel::update(organisations::table.find(org.id))
                    .set((
                        organisations::registry_key.eq(profile.registry_key()),
                        organisations::draft.eq(to_json(&profile)?),
                        organisations::updated_at.eq(now),
                    ))
                    .execute(conn)
                    .map_err(|e| key_conflict(e, key_field(&profile)))?;
                write_index(conn, org.id, &profile, approved.as_ref())?;
                search::changes::record_organisation(conn, org.id, now)?;
                matching::organisation_changed(conn, org.id, now)?;
                Ok(find(conn, org.id)?)
            })
        })
        .await
}
