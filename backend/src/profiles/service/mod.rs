//! The rules of profiles, shared by the JSON API and the pages: creating
//! and changing a profile (a change to a verified fact waits for review,
//! anything else goes live at once), members and invitations, flags,
//! deleting an organisation.

mod deleting;
mod editing;
mod flags;
mod invitations;
mod members;
mod organisation;

pub use deleting::{delete, delete_orphaned_by};
pub use editing::{create, update};
pub use flags::{MAX_FLAG_REASON, check_reason, flag};
pub use invitations::{
    INVITATION_DAYS, InvitationInfo, accept_invitation, invitation_organisation, invite,
    revoke_invitation,
};
pub use members::{InvitationView, MemberView, Members, leave, member_ids, members};
mod review_state;

pub use organisation::{
    Hold, Organisation, OrganisationView, as_member, display_state_schema, display_states, find,
    hold, is_member, of_member,
};
pub use review_state::ReviewState;

use diesel::prelude::*;

use crate::db::DbConn;
use crate::db::ids::{OrganisationId, UserId};
use crate::db::schema::{organisation_codes, organisations};
use crate::error::AppResult;
use crate::profiles::model::{ProfileData, VerifiedFacts};

/// Rewrites what the directory filters on: the codes of the profile and the
/// verified facts last approved.
pub fn write_index(
    conn: &mut DbConn,
    org_id: OrganisationId,
    profile: &ProfileData,
    facts: Option<&VerifiedFacts>,
) -> QueryResult<()> {
    diesel::delete(
        organisation_codes::table.filter(organisation_codes::organisation_id.eq(org_id)),
    )
    .execute(conn)?;
    let rows = profile
        .cpv
        .iter()
        .map(|c| ("cpv", c))
        .chain(profile.nuts.iter().map(|c| ("nuts", c)))
        .chain(profile.social_objectives.iter().map(|c| ("objective", c)));
    for (kind, code) in rows {
        diesel::insert_into(organisation_codes::table)
            .values((
                organisation_codes::organisation_id.eq(org_id),
                organisation_codes::kind.eq(kind),
                organisation_codes::code.eq(code),
            ))
            .execute(conn)?;
    }
    diesel::update(organisations::table.find(org_id))
        .set((
            organisations::public_name.eq(facts.map(|f| f.organisation_name.clone())),
            organisations::public_rsv.eq(facts.is_some_and(|f| f.rsv_registered)),
            organisations::public_res_ws.eq(facts.is_some_and(|f| f.reserved_res_ws)),
            organisations::public_res_pub_ser.eq(facts.is_some_and(|f| f.reserved_res_pub_ser)),
        ))
        .execute(conn)?;
    Ok(())
}

/// The organisation of `user_id`, for the personal-data export.
pub fn export_for(conn: &mut DbConn, user_id: UserId) -> AppResult<Option<OrganisationView>> {
    of_member(conn, user_id)?
        .map(|org| OrganisationView::new(&org))
        .transpose()
}
