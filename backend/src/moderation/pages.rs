//! Moderation pages: the queue, one organisation's review with a form per
//! decision, and the audit log with filters.

use crate::db::ids::{FlagId, OrganisationId};
use crate::web::extract::{Path, Query};
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum_extra::extract::Form;
use serde::Deserialize;
use serde_json::{Value, json};
use socialbid_frontend::Lang;

use crate::app::AppState;
use crate::auth::Admin;
use crate::error::AppResult;
use crate::moderation::service::{self, ACTIONS, AuditFilter, Decision, OrganisationFilter};
use crate::profiles::pages::describe;
use crate::web::page::{FormError, Page, pagination};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/profiles", get(queue_page))
        .route("/admin/profiles/{id}", get(review_page))
        .route("/admin/profiles/{id}/{decision}", post(decide))
        .route("/admin/flags/{id}/resolve", post(resolve_flag))
        .route("/admin/audit-log", get(audit_page))
}

async fn queue_page(
    State(app): State<AppState>,
    page: Page,
    _admin: Admin,
    Query(filter): Query<OrganisationFilter>,
) -> AppResult<Response> {
    let queue = service::queue(&app).await?;
    let (all, errors) = match service::organisations(&app, filter.clone()).await {
        Ok(all) => (Some(all), Vec::new()),
        Err(error) => (None, page.errors_of(error, "state")?),
    };
    let link = |n: i64| {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        if !filter.state.is_empty() {
            q.append_pair("state", &filter.state);
        }
        if !filter.cvr.is_empty() {
            q.append_pair("cvr", &filter.cvr);
        }
        if n > 1 {
            q.append_pair("page", &n.to_string());
        }
        let q = q.finish();
        if q.is_empty() {
            "/admin/profiles#all".to_owned()
        } else {
            format!("/admin/profiles?{q}#all")
        }
    };
    let (items, total, pager) = match &all {
        Some(a) => (
            serde_json::to_value(&a.items).unwrap_or_default(),
            a.total,
            pagination(a.page, a.pages, link),
        ),
        None => (json!([]), 0, pagination(1, 1, link)),
    };
    let state_options: Vec<Value> = crate::profiles::service::display_states()
        .map(|s| json!({ "value": s, "label": socialbid_frontend::translate(page.lang, &format!("profile_state.{s}")) }))
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    let html = page.render(
        "pages/moderation/queue.html",
        json!({
            "pending": queue.pending, "flags": queue.flags, "errors": errors,
            "values": { "state": filter.state, "cvr": filter.cvr },
            "state_options": state_options, "all": items, "all_total": total, "all_pagination": pager,
        }),
    )?;
    Ok((status, html).into_response())
}

async fn review_view(
    app: &AppState,
    page: &Page,
    id: OrganisationId,
    errors: Vec<FormError>,
    values: Value,
) -> AppResult<Html<String>> {
    let review = service::review(app, id).await?;
    let org = &review.organisation;
    let approved = org
        .approved_facts
        .as_ref()
        .map(|f| describe(&org.profile.with_facts(f), page.lang));
    page.render(
        "pages/moderation/review.html",
        json!({
            "id": org.id,
            "state": org.state,
            "reason": org.reason,
            "public": org.public,
            "is_pending": org.state == "pending",
            "can_suspend": org.approved_facts.is_some() && org.state != "suspended",
            "suspended": org.state == "suspended",
            "changed_facts": org.changed_facts,
            "identity_checks": org.identity_checks,
            "profile": describe(&org.profile, page.lang),
            "approved": approved,
            "members": review.members,
            "flags": review.flags,
            "submitted_at": org.submitted_at,
            "errors": errors,
            "values": values,
        }),
    )
}

async fn review_page(
    State(app): State<AppState>,
    page: Page,
    _admin: Admin,
    Path(id): Path<OrganisationId>,
) -> AppResult<Html<String>> {
    review_view(&app, &page, id, Vec::new(), json!({})).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ReasonForm {
    reason: String,
}

async fn decide(
    State(app): State<AppState>,
    page: Page,
    Admin(admin): Admin,
    Path((id, decision)): Path<(OrganisationId, String)>,
    Form(form): Form<ReasonForm>,
) -> AppResult<Response> {
    let decision = match decision.as_str() {
        "approve" => Decision::Approve,
        "reject" => Decision::Reject,
        "request-changes" => Decision::RequestChanges,
        "suspend" => Decision::Suspend,
        "unsuspend" => Decision::Unsuspend,
        _ => return Err(crate::error::AppError::not_found()),
    };
    let reason = Some(form.reason.clone()).filter(|r| !r.trim().is_empty());
    match service::decide(&app, &admin, id, decision, reason).await {
        Ok(()) => Ok(Redirect::to(&format!(
            "/admin/profiles/{id}?notice=profile_{}",
            decision.code()
        ))
        .into_response()),
        Err(error) => {
            let field = format!("reason-{}", decision.code());
            let status = error.status();
            let mut errors = page.errors_of(error, &field)?;
            for e in &mut errors {
                e.retarget(&field);
            }
            let html = review_view(&app, &page, id, errors, json!({ field: form.reason })).await?;
            Ok((status, html).into_response())
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ResolveForm {
    resolution: String,
}

async fn resolve_flag(
    State(app): State<AppState>,
    Admin(admin): Admin,
    Path(id): Path<FlagId>,
    Form(form): Form<ResolveForm>,
) -> AppResult<Response> {
    let organisation_id = service::resolve_flag(&app, &admin, id, Some(form.resolution)).await?;
    Ok(Redirect::to(&format!(
        "/admin/profiles/{organisation_id}?notice=flag_resolved"
    ))
    .into_response())
}

fn audit_query(filter: &AuditFilter, page: Option<i64>) -> String {
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    for (k, v) in [
        ("action", filter.action.as_str()),
        ("subject_type", filter.subject_type.as_str()),
        ("actor", filter.actor.as_str()),
        ("from", filter.from.as_str()),
        ("to", filter.to.as_str()),
    ] {
        if !v.trim().is_empty() {
            q.append_pair(k, v.trim());
        }
    }
    if let Some(id) = filter.subject_id {
        q.append_pair("subject_id", &id.to_string());
    }
    if let Some(page) = page.filter(|p| *p > 1) {
        q.append_pair("page", &page.to_string());
    }
    q.finish()
}

fn link(query: String) -> String {
    if query.is_empty() {
        "/admin/audit-log".into()
    } else {
        format!("/admin/audit-log?{query}")
    }
}

/// The query string as typed: an empty `subject_id` box is no filter.
#[derive(Deserialize, Default)]
#[serde(default)]
struct AuditForm {
    action: String,
    subject_type: String,
    subject_id: String,
    actor: String,
    from: String,
    to: String,
    page: Option<i64>,
}

/// An action in words (`Profil godkendt`); one the log does not know stays
/// as typed.
fn action_label(lang: Lang, action: &str) -> String {
    if ACTIONS.contains(&action) {
        socialbid_frontend::translate(lang, &format!("audit.action.{action}"))
    } else {
        action.to_owned()
    }
}

fn subject_label(lang: Lang, subject: &str) -> String {
    if SUBJECTS.contains(&subject) {
        socialbid_frontend::translate(lang, &format!("audit.subject.{subject}"))
    } else {
        subject.to_owned()
    }
}

/// The kinds of subject the audit log holds, for the filter's choices.
const SUBJECTS: [&str; 4] = ["organisation", "user", "flag", "tender"];

async fn audit_page(
    State(app): State<AppState>,
    page: Page,
    _admin: Admin,
    Query(form): Query<AuditForm>,
) -> AppResult<Response> {
    let mut errors = Vec::new();
    let subject_id = match form.subject_id.trim() {
        "" => None,
        raw => match raw.parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => {
                errors.push(crate::error::FieldError::new("subject_id", "not_a_number"));
                None
            }
        },
    };
    let filter = AuditFilter {
        action: form.action.clone(),
        subject_type: form.subject_type.clone(),
        subject_id,
        actor: form.actor.clone(),
        from: form.from.clone(),
        to: form.to.clone(),
        page: form.page,
    };
    let mut form_errors = page.form_errors(&errors);
    let result = if errors.is_empty() {
        match service::audit_log(&app, filter.clone()).await {
            Ok(r) => Some(r),
            Err(error) => {
                form_errors = page.errors_of(error, "from")?;
                None
            }
        }
    } else {
        None
    };
    let mut chips = Vec::new();
    let mut chip = |label: String, without: AuditFilter| {
        chips.push(json!({ "label": label, "href": link(audit_query(&without, None)) }));
    };
    if !filter.action.trim().is_empty() {
        chip(
            action_label(page.lang, filter.action.trim()),
            AuditFilter {
                action: String::new(),
                ..filter.clone()
            },
        );
    }
    if !filter.subject_type.trim().is_empty() {
        chip(
            subject_label(page.lang, filter.subject_type.trim()),
            AuditFilter {
                subject_type: String::new(),
                ..filter.clone()
            },
        );
    }
    if let Some(id) = filter.subject_id {
        chip(
            format!("#{id}"),
            AuditFilter {
                subject_id: None,
                ..filter.clone()
            },
        );
    }
    if !filter.actor.trim().is_empty() {
        chip(
            filter.actor.clone(),
            AuditFilter {
                actor: String::new(),
                ..filter.clone()
            },
        );
    }
    if !filter.from.trim().is_empty() {
        chip(
            format!("≥ {}", filter.from),
            AuditFilter {
                from: String::new(),
                ..filter.clone()
            },
        );
    }
    if !filter.to.trim().is_empty() {
        chip(
            format!("≤ {}", filter.to),
            AuditFilter {
                to: String::new(),
                ..filter.clone()
            },
        );
    }
    let names = match &result {
        Some(r) => service::subject_names(&app, &r.entries).await?,
        None => Default::default(),
    };
    let (entries, total, pager) = match &result {
        Some(r) => (
            r.entries
                .iter()
                .map(|e| {
                    let mut entry = serde_json::to_value(e).unwrap_or_default();
                    entry["subject_name"] =
                        json!(names.get(&(e.subject_type.clone(), e.subject_id)));
                    entry
                })
                .collect(),
            r.total,
            pagination(r.page, r.pages, |n| link(audit_query(&filter, Some(n)))),
        ),
        None => (json!([]), 0, pagination(1, 1, |_| link(String::new()))),
    };
    let subject_options: Vec<Value> = SUBJECTS
        .iter()
        .map(|s| json!({ "value": s, "label": subject_label(page.lang, s) }))
        .collect();
    let html = page.render(
        "pages/moderation/audit_log.html",
        json!({
            "errors": form_errors,
            "values": {
                "action": form.action, "subject_type": form.subject_type, "subject_id": form.subject_id,
                "actor": form.actor, "from": form.from, "to": form.to,
            },
            "action_options": ACTIONS.iter().map(|a| json!({ "value": a, "label": action_label(page.lang, a) })).collect::<Vec<_>>(),
            "subject_options": subject_options,
            "chips": chips,
            "entries": entries,
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
