//! Profile pages: the public directory and profile pages, and for members
//! their organisation, its form, members and invitations. Forms post back
//! and come back with everything typed and the errors beside their fields.

use axum::Router;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::Form;
use chrono::Datelike;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use socialbid_frontend::{Lang, format_date, format_money};

use crate::app::AppState;
use crate::auth::{AuthUser, Entrepreneur};
use crate::codes::{cpv, eforms, nuts};
use crate::error::{AppError, AppResult, FieldError};
use crate::profiles::directory::{self, Filter};
use crate::profiles::model::{LEGAL_FORMS, ProfileData, ProfileInput};
use crate::profiles::service::{self, Organisation, OrganisationView};
use crate::web::page::{FormError, Page, pagination};

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
        "cvr": p.cvr,
        "legal_form": p.legal_form,
        "rsv_registered": p.rsv_registered,
        "rsv_registered_on": p.rsv_registered_on.map(|d| format_date(lang, d)),
        "founded_year": p.founded_year,
        "employees": p.employees,
        "target_group_employees": p.target_group_employees,
        "target_share": share,
        "bar_class": format!("bar__fill--w{}", (share.clamp(0, 100) + 5) / 10 * 10),
        "mission": p.mission,
        "capabilities": p.capabilities,
        "cpv": p.cpv.iter().map(|c| cpv::view(c, lang)).collect::<Vec<_>>(),
        "nuts": p.nuts.iter().map(|c| json!({ "code": c, "name": nuts_name(c, lang) })).collect::<Vec<_>>(),
        "objectives": p.social_objectives.iter().map(|c| json!({ "code": c, "label": objective_label(c, lang) })).collect::<Vec<_>>(),
        "max_contract_value": p.max_contract_value.map(|v| format_money(lang, v)),
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

// ---------- The directory ----------

/// The first `max` characters, cut at a word, with an ellipsis.
fn excerpt(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map(|(a, _)| a).unwrap_or(&cut);
    format!("{}…", cut.trim_end_matches([',', '.', ';', ':']))
}

#[derive(Serialize)]
struct Link {
    label: String,
    href: String,
}

fn query_string(filter: &Filter, page: Option<i64>) -> String {
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in [
        ("cpv", &filter.cpv),
        ("nuts", &filter.nuts),
        ("objective", &filter.objective),
        ("rsv", &filter.rsv),
        ("reserved", &filter.reserved),
    ] {
        if !v.trim().is_empty() {
            q.append_pair(k, v.trim());
        }
    }
    if let Some(page) = page.filter(|p| *p > 1) {
        q.append_pair("page", &page.to_string());
    }
    q.finish()
}

fn href(path: &str, query: &str) -> String {
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    }
}

fn option(value: &str, label: String, selected: bool) -> Value {
    json!({ "value": value, "label": label, "checked": selected })
}

fn objective_options(lang: Lang, selected: &[String]) -> Vec<Value> {
    eforms::social_objectives()
        .codes()
        .iter()
        .map(|o| {
            option(
                &o.code,
                o.label(lang).to_owned(),
                selected.contains(&o.code),
            )
        })
        .collect()
}

fn region_options(lang: Lang) -> Vec<Value> {
    nuts::danish_regions()
        .iter()
        .filter(|r| r.code != "DK0")
        .map(|r| {
            let indent = match r.level() {
                0 | 1 => "",
                2 => "– ",
                _ => "– – ",
            };
            json!({ "value": r.code, "label": format!("{indent}{}", r.name(lang)) })
        })
        .collect()
}

async fn directory_page(
    State(app): State<AppState>,
    page: Page,
    Query(filter): Query<Filter>,
) -> AppResult<Response> {
    let lang = page.lang;
    let (result, errors) = match directory::search(&app, &filter).await {
        Ok(result) => (Some(result), Vec::new()),
        Err(error) => (None, page.errors_of(error, "cpv")?),
    };
    let mut chips = Vec::new();
    let without = |field: &str| {
        let mut f = filter.clone();
        match field {
            "cpv" => f.cpv.clear(),
            "nuts" => f.nuts.clear(),
            "objective" => f.objective.clear(),
            "rsv" => f.rsv.clear(),
            _ => f.reserved.clear(),
        }
        href("/profiles", &query_string(&f, None))
    };
    if let Some(c) = cpv::parse(&filter.cpv)
        .ok()
        .filter(|_| !filter.cpv.trim().is_empty())
    {
        chips.push(Link {
            label: format!("{} {}", c.code, c.label(lang)),
            href: without("cpv"),
        });
    }
    if let Some(r) = nuts::find(&filter.nuts.trim().to_uppercase()) {
        chips.push(Link {
            label: r.name(lang).to_owned(),
            href: without("nuts"),
        });
    }
    if let Some(o) = eforms::social_objectives().find(filter.objective.trim()) {
        chips.push(Link {
            label: o.label(lang).to_owned(),
            href: without("objective"),
        });
    }
    if filter.rsv == "yes" {
        chips.push(Link {
            label: socialbid_frontend::translate(lang, "directory.filter.rsv_chip"),
            href: without("rsv"),
        });
    }
    if matches!(filter.reserved.as_str(), "res-ws" | "res-pub-ser") {
        chips.push(Link {
            label: socialbid_frontend::translate(
                lang,
                &format!("directory.filter.reserved.{}", filter.reserved),
            ),
            href: without("reserved"),
        });
    }
    let (items, total, pager) = match &result {
        Some(r) => {
            let items: Vec<Value> = r
                .items
                .iter()
                .map(|p| {
                    json!({
                        "id": p.id,
                        "name": p.name,
                        "excerpt": excerpt(&p.mission, 240),
                        "legal_form": p.legal_form,
                        "rsv_registered": p.rsv_registered,
                        "reserved_res_ws": p.reserved_res_ws,
                        "reserved_res_pub_ser": p.reserved_res_pub_ser,
                        "regions": p.nuts.iter().map(|c| nuts_name(c, lang)).collect::<Vec<_>>(),
                        "objectives": p.social_objectives.iter().map(|c| objective_label(c, lang)).collect::<Vec<_>>(),
                    })
                })
                .collect();
            let pager = pagination(r.page, r.pages, |n| {
                href("/profiles", &query_string(&filter, Some(n)))
            });
            (items, r.total, pager)
        }
        None => (Vec::new(), 0, pagination(1, 1, |_| "/profiles".into())),
    };
    let html = page.render(
        "pages/profiles/directory.html",
        json!({
            "errors": errors,
            "values": {
                "cpv": filter.cpv, "nuts": filter.nuts, "objective": filter.objective,
                "rsv": filter.rsv, "reserved": filter.reserved,
            },
            "objective_options": objective_options(lang, &[]),
            "region_options": region_options(lang),
            "chips": chips,
            "items": items,
            "total": total,
            "pagination": pager,
        }),
    )?;
    let status = if result.is_some() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    Ok((status, html).into_response())
}

async fn profile_page_with(
    app: &AppState,
    page: &Page,
    id: i64,
    errors: Vec<FormError>,
    reason: &str,
) -> AppResult<Html<String>> {
    let profile = directory::public(app, id).await?;
    page.render(
        "pages/profiles/show.html",
        json!({
            "id": id,
            "profile": describe(&profile.profile, page.lang),
            "errors": errors,
            "values": { "flag_reason": reason },
        }),
    )
}

async fn profile_page(
    State(app): State<AppState>,
    page: Page,
    Path(id): Path<i64>,
) -> AppResult<Html<String>> {
    profile_page_with(&app, &page, id, Vec::new(), "").await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct FlagForm {
    flag_reason: String,
}

async fn flag(
    State(app): State<AppState>,
    page: Page,
    user: AuthUser,
    Path(id): Path<i64>,
    Form(form): Form<FlagForm>,
) -> AppResult<Response> {
    match service::flag(&app, &user, id, form.flag_reason.clone()).await {
        Ok(_) => Ok(Redirect::to(&format!("/profiles/{id}?notice=flag_sent")).into_response()),
        Err(error) => {
            let errors = page.errors_of(error, "flag_reason")?;
            Ok(unprocessable(
                profile_page_with(&app, &page, id, errors, &form.flag_reason).await?,
            ))
        }
    }
}

// ---------- My organisation ----------

async fn mine(app: &AppState, user_id: i64) -> AppResult<Option<Organisation>> {
    app.db
        .run(move |conn| service::of_member(conn, user_id).map_err(AppError::from))
        .await
}

async fn my_organisation(
    State(app): State<AppState>,
    page: Page,
    Entrepreneur(user): Entrepreneur,
) -> AppResult<Html<String>> {
    let org = mine(&app, user.id).await?;
    let view = match &org {
        None => json!(null),
        Some(org) => {
            let v = OrganisationView::new(org)?;
            let public = org.public_profile()?.map(|p| describe(&p, page.lang));
            json!({
                "id": v.id,
                "state": v.state,
                "reason": v.reason,
                "public": v.public,
                "changed_facts": v.changed_facts,
                "profile": describe(&v.profile, page.lang),
                "public_profile": public,
                "submitted_at": v.submitted_at,
            })
        }
    };
    page.render(
        "pages/profiles/mine.html",
        json!({ "organisation": view, "errors": [], "values": {} }),
    )
}

/// The profile form as posted. Numbers come as text, checkboxes as lists.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct ProfileForm {
    organisation_name: String,
    cvr: String,
    legal_form: String,
    rsv_registered: String,
    rsv_day: String,
    rsv_month: String,
    rsv_year: String,
    founded_year: String,
    employees: String,
    target_group_employees: String,
    mission: String,
    capabilities: String,
    cpv: Vec<String>,
    cpv_query: String,
    nuts: Vec<String>,
    social_objectives: Vec<String>,
    max_contract_value: String,
    consortium: String,
    reserved_res_ws: String,
    res_ws_justification: String,
    reserved_res_pub_ser: String,
    res_pub_ser_justification: String,
    references: String,
    website: String,
    contact_email: String,
    contact_phone: String,
    intent: String,
}

fn number<T: std::str::FromStr>(
    errors: &mut Vec<FieldError>,
    field: &'static str,
    raw: &str,
) -> Option<T> {
    let cleaned: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '.' && *c != ',')
        .collect();
    if cleaned.is_empty() {
        return None;
    }
    match cleaned.parse() {
        Ok(n) => Some(n),
        Err(_) => {
            errors.push(FieldError::new(field, "not_a_number"));
            None
        }
    }
}

impl ProfileForm {
    fn from_profile(p: &ProfileData) -> ProfileForm {
        let date = p.rsv_registered_on;
        ProfileForm {
            organisation_name: p.organisation_name.clone(),
            cvr: p.cvr.clone(),
            legal_form: p.legal_form.clone(),
            rsv_registered: if p.rsv_registered { "yes" } else { "no" }.into(),
            rsv_day: date.map(|d| d.day().to_string()).unwrap_or_default(),
            rsv_month: date.map(|d| d.month().to_string()).unwrap_or_default(),
            rsv_year: date.map(|d| d.year().to_string()).unwrap_or_default(),
            founded_year: p.founded_year.to_string(),
            employees: p.employees.to_string(),
            target_group_employees: p.target_group_employees.to_string(),
            mission: p.mission.clone(),
            capabilities: p.capabilities.clone(),
            cpv: p.cpv.clone(),
            nuts: p.nuts.clone(),
            social_objectives: p.social_objectives.clone(),
            max_contract_value: p
                .max_contract_value
                .map(|v| v.to_string())
                .unwrap_or_default(),
            consortium: if p.consortium {
                "yes".into()
            } else {
                String::new()
            },
            reserved_res_ws: if p.reserved_res_ws {
                "yes".into()
            } else {
                String::new()
            },
            res_ws_justification: p.res_ws_justification.clone(),
            reserved_res_pub_ser: if p.reserved_res_pub_ser {
                "yes".into()
            } else {
                String::new()
            },
            res_pub_ser_justification: p.res_pub_ser_justification.clone(),
            references: p.references.join("\n"),
            website: p.website.clone(),
            contact_email: p.contact_email.clone(),
            contact_phone: p.contact_phone.clone(),
            ..ProfileForm::default()
        }
    }

    /// The input for the service, and the numbers that are not numbers.
    fn input(&self) -> (ProfileInput, Vec<FieldError>) {
        let mut errors = Vec::new();
        let date_parts = [&self.rsv_day, &self.rsv_month, &self.rsv_year];
        let rsv_registered_on = if date_parts.iter().all(|p| p.trim().is_empty()) {
            None
        } else {
            Some(format!(
                "{}-{:0>2}-{:0>2}",
                self.rsv_year.trim(),
                self.rsv_month.trim(),
                self.rsv_day.trim()
            ))
        };
        let input = ProfileInput {
            organisation_name: self.organisation_name.clone(),
            cvr: self.cvr.clone(),
            legal_form: self.legal_form.clone(),
            rsv_registered: self.rsv_registered == "yes",
            rsv_registered_on,
            founded_year: number(&mut errors, "founded_year", &self.founded_year),
            employees: number(&mut errors, "employees", &self.employees),
            target_group_employees: number(
                &mut errors,
                "target_group_employees",
                &self.target_group_employees,
            ),
            mission: self.mission.clone(),
            capabilities: self.capabilities.clone(),
            cpv: self.cpv.clone(),
            nuts: self.nuts.clone(),
            social_objectives: self.social_objectives.clone(),
            max_contract_value: number(&mut errors, "max_contract_value", &self.max_contract_value),
            consortium: self.consortium == "yes",
            reserved_res_ws: self.reserved_res_ws == "yes",
            res_ws_justification: self.res_ws_justification.clone(),
            reserved_res_pub_ser: self.reserved_res_pub_ser == "yes",
            res_pub_ser_justification: self.res_pub_ser_justification.clone(),
            references: self.references.lines().map(str::to_owned).collect(),
            website: self.website.clone(),
            contact_email: self.contact_email.clone(),
            contact_phone: self.contact_phone.clone(),
        };
        (input, errors)
    }
}

/// Orders field errors as the form shows its fields, so the summary reads
/// top to bottom; errors found on the page replace the service's for the
/// same field.
fn merge_errors(mut first: Vec<FieldError>, rest: Vec<FieldError>) -> Vec<FieldError> {
    for e in rest {
        if !first.iter().any(|f| f.field == e.field) {
            first.push(e);
        }
    }
    const ORDER: [&str; 21] = [
        "organisation_name",
        "cvr",
        "legal_form",
        "rsv_registered_on",
        "founded_year",
        "employees",
        "target_group_employees",
        "mission",
        "capabilities",
        "cpv",
        "nuts",
        "social_objectives",
        "max_contract_value",
        "res_ws_justification",
        "res_pub_ser_justification",
        "references",
        "website",
        "contact_email",
        "contact_phone",
        "intent",
        "email",
    ];
    first.sort_by_key(|e| {
        ORDER
            .iter()
            .position(|f| *f == e.field)
            .unwrap_or(ORDER.len())
    });
    first
}

fn form_page(
    page: &Page,
    editing: bool,
    form: &ProfileForm,
    errors: Vec<FormError>,
) -> AppResult<Html<String>> {
    let lang = page.lang;
    // Chosen codes first (they stay ticked), then what the search found.
    let mut cpv_options: Vec<Value> = form
        .cpv
        .iter()
        .filter_map(|c| cpv::parse(c).ok())
        .map(|c| option(&c.code, format!("{} {}", c.full, c.label(lang)), true))
        .collect();
    let searched = !form.cpv_query.trim().is_empty() && form.intent == "search_cpv";
    let mut found = 0;
    if searched {
        for c in cpv::search(&form.cpv_query, lang, 25) {
            found += 1;
            if !form
                .cpv
                .iter()
                .any(|s| cpv::parse(s).is_ok_and(|p| p.code == c.code))
            {
                cpv_options.push(option(
                    &c.code,
                    format!("{} {}", c.full, c.label(lang)),
                    false,
                ));
            }
        }
    }
    let regions = nuts::danish_regions();
    let selected_nuts: Vec<String> = form.nuts.iter().map(|c| c.trim().to_uppercase()).collect();
    let groups: Vec<Value> = regions
        .iter()
        .filter(|r| r.level() == 2)
        .map(|r| {
            json!({
                "region": option(&r.code, r.name(lang).to_owned(), selected_nuts.contains(&r.code)),
                "parts": regions.iter().filter(|p| p.level() == 3 && p.code.starts_with(&r.code))
                    .map(|p| option(&p.code, p.name(lang).to_owned(), selected_nuts.contains(&p.code)))
                    .collect::<Vec<_>>(),
            })
        })
        .collect();
    let legal_forms: Vec<Value> = LEGAL_FORMS
        .iter()
        .map(|f| json!({ "value": f, "label": socialbid_frontend::translate(lang, &format!("legal_form.{f}")) }))
        .collect();
    page.render(
        "pages/profiles/form.html",
        json!({
            "editing": editing,
            "action": if editing { "/organisation/edit" } else { "/organisation/new" },
            "errors": errors,
            "values": {
                "organisation_name": form.organisation_name, "cvr": form.cvr,
                "legal_form": form.legal_form, "rsv_registered": form.rsv_registered,
                "rsv_day": form.rsv_day, "rsv_month": form.rsv_month, "rsv_year": form.rsv_year,
                "founded_year": form.founded_year, "employees": form.employees,
                "target_group_employees": form.target_group_employees,
                "mission": form.mission, "capabilities": form.capabilities,
                "cpv_query": form.cpv_query, "max_contract_value": form.max_contract_value,
                "consortium": form.consortium == "yes",
                "reserved_res_ws": form.reserved_res_ws == "yes",
                "res_ws_justification": form.res_ws_justification,
                "reserved_res_pub_ser": form.reserved_res_pub_ser == "yes",
                "res_pub_ser_justification": form.res_pub_ser_justification,
                "references": form.references, "website": form.website,
                "contact_email": form.contact_email, "contact_phone": form.contact_phone,
            },
            "cpv_options": cpv_options,
            "cpv_searched": searched,
            "cpv_found": found,
            "dk_checked": selected_nuts.iter().any(|c| c == "DK"),
            "nuts_groups": groups,
            "objective_options": objective_options(lang, &form.social_objectives),
            "legal_forms": legal_forms,
        }),
    )
}

async fn new_form(
    State(app): State<AppState>,
    page: Page,
    Entrepreneur(user): Entrepreneur,
) -> AppResult<Response> {
    if mine(&app, user.id).await?.is_some() {
        return Ok(Redirect::to("/organisation").into_response());
    }
    Ok(form_page(&page, false, &ProfileForm::default(), Vec::new())?.into_response())
}

async fn edit_form(
    State(app): State<AppState>,
    page: Page,
    Entrepreneur(user): Entrepreneur,
) -> AppResult<Response> {
    let Some(org) = mine(&app, user.id).await? else {
        return Ok(Redirect::to("/organisation/new").into_response());
    };
    let form = ProfileForm::from_profile(&org.draft()?);
    Ok(form_page(&page, true, &form, Vec::new())?.into_response())
}

async fn save(
    app: &AppState,
    page: &Page,
    user: &AuthUser,
    editing: bool,
    form: ProfileForm,
) -> AppResult<Response> {
    if form.intent == "search_cpv" {
        // The search button: the same form again, with what it found.
        return Ok(form_page(page, editing, &form, Vec::new())?.into_response());
    }
    let (input, number_errors) = form.input();
    let result = if !number_errors.is_empty() {
        let today = app.clock.now().date();
        let rest = input.validate(today).err().unwrap_or_default();
        Err(AppError::invalid(merge_errors(number_errors, rest)))
    } else if editing {
        match mine(app, user.id).await? {
            Some(org) => service::update(app, user, org.id, input).await,
            None => Err(AppError::not_found()),
        }
    } else {
        service::create(app, user, input).await
    };
    match result {
        Ok(org) => {
            let notice = if org.review_state == service::state::PENDING {
                "profile_submitted"
            } else {
                "profile_saved"
            };
            Ok(Redirect::to(&format!("/organisation?notice={notice}")).into_response())
        }
        Err(AppError::Invalid { status, fields }) => {
            let errors = page.form_errors(&merge_errors(Vec::new(), fields));
            Ok((status, form_page(page, editing, &form, errors)?).into_response())
        }
        Err(error) => {
            let status = error.status();
            let errors = page.errors_of(error, "organisation_name")?;
            Ok((status, form_page(page, editing, &form, errors)?).into_response())
        }
    }
}

async fn create(
    State(app): State<AppState>,
    page: Page,
    Entrepreneur(user): Entrepreneur,
    Form(form): Form<ProfileForm>,
) -> AppResult<Response> {
    save(&app, &page, &user, false, form).await
}

async fn update(
    State(app): State<AppState>,
    page: Page,
    Entrepreneur(user): Entrepreneur,
    Form(form): Form<ProfileForm>,
) -> AppResult<Response> {
    save(&app, &page, &user, true, form).await
}

// ---------- Members and invitations ----------

async fn members_view(
    app: &AppState,
    page: &Page,
    user: &AuthUser,
    errors: Vec<FormError>,
    email: &str,
) -> AppResult<Response> {
    let Some(org) = mine(app, user.id).await? else {
        return Ok(Redirect::to("/organisation/new").into_response());
    };
    let members = service::members(app, user, org.id).await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let html = page.render(
        "pages/profiles/members.html",
        json!({
            "organisation_name": org.draft()?.organisation_name,
            "members": members.members.iter().map(|m| json!({
                "name": m.name, "email": m.email, "joined_at": m.joined_at, "me": m.user_id == user.id,
            })).collect::<Vec<_>>(),
            "invitations": members.invitations.iter().map(|i| json!({
                "id": i.id, "email": i.email, "expires_at": i.expires_at,
            })).collect::<Vec<_>>(),
            "last_member": members.members.len() <= 1,
            "errors": errors,
            "values": { "email": email },
        }),
    )?;
    Ok((status, html).into_response())
}

async fn members_page(
    State(app): State<AppState>,
    page: Page,
    Entrepreneur(user): Entrepreneur,
) -> AppResult<Response> {
    members_view(&app, &page, &user, Vec::new(), "").await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct InviteForm {
    email: String,
}

async fn invite(
    State(app): State<AppState>,
    page: Page,
    Entrepreneur(user): Entrepreneur,
    Form(form): Form<InviteForm>,
) -> AppResult<Response> {
    let Some(org) = mine(&app, user.id).await? else {
        return Err(AppError::not_found());
    };
    match service::invite(&app, &user, org.id, form.email.clone()).await {
        Ok(()) => Ok(Redirect::to("/organisation/members?notice=invitation_sent").into_response()),
        Err(error) => {
            let errors = page.errors_of(error, "email")?;
            members_view(&app, &page, &user, errors, &form.email).await
        }
    }
}

async fn revoke(
    State(app): State<AppState>,
    Entrepreneur(user): Entrepreneur,
    Path(id): Path<i64>,
) -> AppResult<Response> {
    let Some(org) = mine(&app, user.id).await? else {
        return Err(AppError::not_found());
    };
    service::revoke_invitation(&app, &user, org.id, id).await?;
    Ok(Redirect::to("/organisation/members?notice=invitation_revoked").into_response())
}

async fn leave(
    State(app): State<AppState>,
    page: Page,
    Entrepreneur(user): Entrepreneur,
) -> AppResult<Response> {
    let Some(org) = mine(&app, user.id).await? else {
        return Err(AppError::not_found());
    };
    match service::leave(&app, &user, org.id).await {
        Ok(()) => Ok(Redirect::to("/organisation?notice=organisation_left").into_response()),
        Err(error) => {
            let errors = page.errors_of(error, "leave")?;
            members_view(&app, &page, &user, errors, "").await
        }
    }
}

async fn delete(
    State(app): State<AppState>,
    Entrepreneur(user): Entrepreneur,
) -> AppResult<Response> {
    let Some(org) = mine(&app, user.id).await? else {
        return Err(AppError::not_found());
    };
    service::delete(&app, &user, org.id).await?;
    Ok(Redirect::to("/organisation?notice=organisation_deleted").into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct TokenForm {
    token: String,
}

async fn invitation_view(
    app: &AppState,
    page: &Page,
    token: &str,
    errors: Vec<FormError>,
) -> AppResult<Response> {
    let (status, organisation, email, problem) =
        match service::invitation_organisation(app, token.to_owned()).await {
            Ok((info, name)) => (StatusCode::OK, Some(name), Some(info.email), None),
            Err(AppError::Refused { status, code, .. }) if code.starts_with("link_") => {
                (status, None, None, Some(code.trim_start_matches("link_")))
            }
            Err(other) => return Err(other),
        };
    let status = if errors.is_empty() {
        status
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let html = page.render(
        "pages/profiles/invitation.html",
        json!({
            "token": token, "organisation_name": organisation, "invited_email": email,
            "login_href": format!("/login?next={}", url::form_urlencoded::byte_serialize(
                format!("/invitations/accept?token={token}").as_bytes()).collect::<String>()),
            "problem": problem, "errors": errors, "values": {},
        }),
    )?;
    Ok((status, html).into_response())
}

async fn invitation_page(
    State(app): State<AppState>,
    page: Page,
    Query(query): Query<TokenForm>,
) -> AppResult<Response> {
    invitation_view(&app, &page, &query.token, Vec::new()).await
}

async fn accept(
    State(app): State<AppState>,
    page: Page,
    Entrepreneur(user): Entrepreneur,
    Form(form): Form<TokenForm>,
) -> AppResult<Response> {
    match service::accept_invitation(&app, &user, form.token.clone()).await {
        Ok(_) => Ok(Redirect::to("/organisation?notice=invitation_accepted").into_response()),
        Err(error) => {
            let errors = page.errors_of(error, "accept")?;
            invitation_view(&app, &page, &form.token, errors).await
        }
    }
}
