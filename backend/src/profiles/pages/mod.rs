//! Profile pages: the public directory and profile pages, and for members
//! their organisation, its form, members and invitations. Forms post back
//! and come back with everything typed and the errors beside their fields.

mod directory_page;
mod editing;
mod invitation;
mod members;
mod my_organisation;
mod profile_form;
mod public_profile;

use axum::Router;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use serde_json::{Value, json};
use socialbid_frontend::{Lang, format_date};

use crate::app::AppState;
use crate::profiles::model::ProfileData;
use crate::tenders::money::Amount;
use crate::tenders::pages::value_label;
use socialbid_codes::{country, cpv, eforms, nuts, text_language};

use directory_page::directory_page;
pub(crate) use directory_page::{objective_options, region_options};
use editing::{create, edit_form, new_form, update};
use invitation::{accept, invitation_page};
use members::{invite, leave, members_page, revoke};
use my_organisation::{delete, my_organisation};
use public_profile::{flag, profile_page};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/profiles", get(directory_page))
        .route("/profiles/{id}", get(profile_page))
        .route("/profiles/{id}/flag", post(flag))
        .route("/organisation", get(my_organisation))
        .route("/organisation/new", get(new_form).post(create))
        .route("/organisation/edit", get(edit_form).post(update))
        .route("/organisation/members", get(members_page))
        .route("/organisation/invitations", post(invite))
        .route("/organisation/invitations/{id}/revoke", post(revoke))
        .route("/organisation/leave", post(leave))
        .route("/organisation/delete", post(delete))
        .route("/invitations/accept", get(invitation_page).post(accept))
}

fn unprocessable(html: Html<String>) -> Response {
    (StatusCode::UNPROCESSABLE_ENTITY, html).into_response()
}

fn nuts_name(code: &str, lang: Lang) -> String {
    nuts::find(code)
        .map(|r| r.name(lang).to_owned())
        .unwrap_or_else(|| code.to_owned())
}

fn objective_label(code: &str, lang: Lang) -> String {
    eforms::social_objectives()
        .find(code)
        .map(|o| o.label(lang).to_owned())
        .unwrap_or_else(|| code.to_owned())
}

/// A profile ready to show: codes with their names, dates and amounts in
/// the page's language, the share from the target groups as a bar.
pub fn describe(p: &ProfileData, lang: Lang) -> Value {
    let share = p.target_share();
    json!({
        "organisation_name": p.organisation_name,
        "country": p.country,
        "country_name": country::find(&p.country).map(|c| c.name(lang)),
        "cvr": p.cvr,
        "national_id": p.national_id,
        "vat_number": p.vat_number,
        "legal_form": p.legal_form,
        "legal_form_text": p.legal_form_text,
        "rsv_registered": p.rsv_registered,
        "rsv_registered_on": p.rsv_registered_on.map(|d| format_date(lang, d)),
        "founded_year": p.founded_year,
        "employees": p.employees,
        "target_group_employees": p.target_group_employees,
        "target_share": share,
        "bar_class": format!("bar__fill--w{}", (share.clamp(0, 100) + 5) / 10 * 10),
        "mission": p.mission,
        "capabilities": p.capabilities,
        // Members write in Danish or English whatever the interface
        // language; the page marks which (WCAG 3.1.2), as the index does.
        "text_lang": text_language::guess_da_or_en(&format!("{} {}", p.mission, p.capabilities)),
        "cpv": p.cpv.iter().map(|c| cpv::view(c, lang)).collect::<Vec<_>>(),
        "nuts": p.nuts.iter().map(|c| json!({ "code": c, "name": nuts_name(c, lang) })).collect::<Vec<_>>(),
        "objectives": p.social_objectives.iter().map(|c| json!({ "code": c, "label": objective_label(c, lang) })).collect::<Vec<_>>(),
        // In its own currency, with the kroner it is compared in.
        "max_contract_value": p.max_contract_value.map(|v| {
            value_label(Amount(v.saturating_mul(100)), &p.max_contract_currency, lang)
        }),
        "consortium": p.consortium,
        "reserved_res_ws": p.reserved_res_ws,
        "res_ws_justification": p.res_ws_justification,
        "reserved_res_pub_ser": p.reserved_res_pub_ser,
        "res_pub_ser_justification": p.res_pub_ser_justification,
        "references": p.references,
        "website": p.website,
        "contact_email": p.contact_email,
        "contact_phone": p.contact_phone,
    })
}
