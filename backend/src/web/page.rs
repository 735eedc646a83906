//! What every page needs besides its own view: the language, the language
//! switch, the CSRF token for its forms, who is logged in, footer links and
//! an optional success banner. Page handlers take a `Page` and call
//! `render`.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::Html;
use serde::Serialize;
use socialbid_frontend::{Lang, render_page};

use crate::app::AppState;
use crate::auth::MaybeUser;
use crate::auth::csrf::CsrfToken;
use crate::error::{AppError, AppResult, FieldError};
use crate::web::errors::field_message;
use crate::web::lang::UserLang;

#[derive(Serialize, Clone)]
pub struct LanguageLink {
    code: &'static str,
    name: &'static str,
    href: String,
    current: bool,
}

#[derive(Serialize, Clone)]
pub struct PageUser {
    pub email: String,
    pub name: String,
    pub role: &'static str,
}

#[derive(Serialize, Clone)]
pub struct PageMeta {
    path: String,
    languages: Vec<LanguageLink>,
    csrf_token: String,
    pub user: Option<PageUser>,
    accessibility_url: String,
    contact_email: String,
    contact_phone: Option<String>,
    operator_name: String,
    flash: Option<String>,
}

/// The language switch: each language in its own name, linking back to
/// `path` (the current page).
fn language_links(lang: Lang, path: &str) -> Vec<LanguageLink> {
    let back = url::form_urlencoded::byte_serialize(path.as_bytes()).collect::<String>();
    Lang::ALL
        .iter()
        .map(|l| LanguageLink {
            code: l.code(),
            name: l.endonym(),
            href: format!("/lang?to={}&back={back}", l.code()),
            current: *l == lang,
        })
        .collect()
}

/// Success banners a redirect may ask for with `?notice=...`; anything else
/// is ignored, so a link cannot put arbitrary words on a page.
const NOTICES: &[&str] = &[
    "logged_in",
    "logged_out",
    "password_changed",
    "password_reset",
    "email_verified",
    "officer_approved",
    "officer_rejected",
    "tender_published",
    "tender_amended",
    "tender_cancelled",
    "draft_deleted",
    "question_sent",
    "answer_published",
    "question_declined",
    "following",
    "not_following",
    "document_added",
    "document_removed",
    // Profiles and moderation.
    "profile_submitted",
    "profile_saved",
    "flag_sent",
    "invitation_sent",
    "invitation_revoked",
    "invitation_accepted",
    "organisation_left",
    "organisation_deleted",
    "profile_approved",
    "profile_rejected",
    "profile_changes_requested",
    "profile_suspended",
    "profile_unsuspended",
    "flag_resolved",
    // The notifier.
    "notifications_saved",
    // Saved searches.
    "search_saved",
    "search_deleted",
    "mail_retried",
    // Matching.
    "tender_dismissed",
    "tender_restored",
    // Bids.
    "bid_saved",
    "bid_withdrawn",
    "partner_invited",
    "partner_removed",
    "partner_joined",
    "invitation_declined",
];

pub struct Page {
    pub lang: Lang,
    pub meta: PageMeta,
    pub user: Option<crate::auth::AuthUser>,
}

impl FromRequestParts<AppState> for Page {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, app: &AppState) -> Result<Self, AppError> {
        let UserLang(lang) = UserLang::from_request_parts(parts, app)
            .await
            .unwrap_or(UserLang(Lang::default()));
        let MaybeUser(user) = MaybeUser::from_request_parts(parts, app).await?;
        let csrf_token = parts
            .extensions
            .get::<CsrfToken>()
            .map(|t| t.0.clone())
            .unwrap_or_default();
        let path = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_else(|| "/".into());
        let flash = parts.uri.query().and_then(|q| {
            url::form_urlencoded::parse(q.as_bytes())
                .find(|(k, _)| k == "notice")
                .and_then(|(_, v)| {
                    NOTICES
                        .iter()
                        .find(|n| **n == v)
                        .map(|n| format!("flash.{n}"))
                })
        });
        let languages = language_links(lang, &path);
        Ok(Page {
            lang,
            meta: PageMeta {
                path,
                languages,
                csrf_token,
                user: user.as_ref().map(|u| PageUser {
                    email: u.email.clone(),
                    name: u.name.clone(),
                    role: u.role.as_str(),
                }),
                accessibility_url: app.config.accessibility_url.clone(),
                contact_email: app.config.contact_email.clone(),
                contact_phone: app.config.contact_phone.clone(),
                operator_name: app.config.operator_name.clone(),
                flash,
            },
            user,
        })
    }
}

/// A page's view with `page` beside its own fields, serialised straight
/// into the template's values (no JSON copy on the way). `page` comes
/// last, so it wins over a field of the view with that name.
#[derive(Serialize)]
struct WithPage<'a, V> {
    #[serde(flatten)]
    view: V,
    page: &'a PageMeta,
}

#[derive(Serialize)]
pub struct FormError {
    field: String,
    message: String,
}

impl FormError {
    /// The field id the error points at.
    pub fn field(&self) -> &str {
        &self.field
    }

    /// Points the error at another field id (a form repeated on one page).
    pub fn retarget(&mut self, field: &str) {
        self.field = field.to_owned();
    }
}

impl Page {
    /// Renders `template` with `view`, adding `page`.
    pub fn render<V: Serialize>(&self, template: &str, view: V) -> AppResult<Html<String>> {
        render_page(
            template,
            self.lang,
            WithPage {
                view,
                page: &self.meta,
            },
        )
        .map(Html)
        .map_err(AppError::internal)
    }

    /// Whether `html` holds this visitor's form token (a form to post), so
    /// that it is theirs alone.
    pub fn carries_form_token(&self, html: &str) -> bool {
        !self.meta.csrf_token.is_empty() && html.contains(&self.meta.csrf_token)
    }

    /// The errors of a refused form, worded for this page: each broken rule
    /// beside its field, and a refusal (wrong password, too many attempts)
    /// beside `field`. Anything else is not about the form and is returned.
    pub fn errors_of(&self, error: AppError, field: &str) -> AppResult<Vec<FormError>> {
        match &error {
            AppError::Invalid { fields, .. } => Ok(self.form_errors(fields)),
            AppError::Refused { .. } if !error.status().is_server_error() => {
                let report = crate::error::ErrorReport {
                    code: error.code(),
                    params: error.params().to_vec(),
                    fields: Vec::new(),
                };
                Ok(vec![FormError {
                    field: field.to_owned(),
                    message: crate::web::errors::message(self.lang, &report),
                }])
            }
            _ => Err(error),
        }
    }

    /// Field errors worded for this page, in the order the form shows them.
    pub fn form_errors(&self, errors: &[FieldError]) -> Vec<FormError> {
        errors
            .iter()
            .map(|e| {
                let m = field_message(self.lang, e);
                FormError {
                    field: m.field,
                    message: m.message,
                }
            })
            .collect()
    }
}

/// Page links for a paginated list (the `pagination` macro draws them):
/// the first and last always, neighbours of the current one, ellipses
/// between, previous and next; `link(n)` is page n's address.
pub fn pagination(page: i64, pages: i64, link: impl Fn(i64) -> String) -> serde_json::Value {
    let mut items = Vec::new();
    let mut last_shown = 0;
    for n in 1..=pages {
        if n == 1 || n == pages || (n - page).abs() <= 1 {
            if n - last_shown > 1 {
                items.push(serde_json::json!({ "ellipsis": true }));
            }
            items.push(serde_json::json!({ "number": n, "href": link(n), "current": n == page }));
            last_shown = n;
        }
    }
    serde_json::json!({
        "page": page,
        "pages": pages,
        "items": items,
        "previous": (page > 1).then(|| link(page - 1)),
        "next": (page < pages).then(|| link(page + 1)),
    })
}

/// The error page for a request refused before it reached the router (a
/// form without its CSRF token, an unknown method) or unfit for a page of
/// its own: it has no user or CSRF token, so it offers no forms.
pub fn render_bare_error(
    app: &AppState,
    lang: Lang,
    status: u16,
    title_key: &str,
    message: &str,
) -> String {
    let languages = language_links(lang, "/");
    let ctx = serde_json::json!({
        "status": status,
        "title_key": title_key,
        "message": message,
        "page": {
            "path": "/",
            "languages": languages,
            "csrf_token": "",
            "user": null,
            "accessibility_url": app.config.accessibility_url,
            "contact_email": app.config.contact_email,
            "contact_phone": app.config.contact_phone,
            "operator_name": app.config.operator_name,
            "flash": null,
        }
    });
    render_page("pages/error.html", lang, ctx).unwrap_or_else(|e| {
        tracing::error!(error = %e, "the error page does not render");
        format!("<!doctype html><html lang=\"{}\"><title>{status}</title><main><h1>{status}</h1></main></html>", lang.code())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anonymous_page(csrf_token: &str) -> Page {
        Page {
            lang: Lang::Da,
            meta: PageMeta {
                path: "/".into(),
                languages: language_links(Lang::Da, "/"),
                csrf_token: csrf_token.into(),
                user: None,
                accessibility_url: "/accessibility".into(),
                contact_email: "kontakt@socialbid.test".into(),
                contact_phone: None,
                operator_name: "Socialbid".into(),
                flash: None,
            },
            user: None,
        }
    }

    /// A page holding the visitor's token is theirs; one without it (or
    /// made where there is no token) is anyone's, and `web::page_cache`
    /// may keep it.
    #[test]
    fn a_page_with_the_visitors_form_token_is_theirs() {
        let page = anonymous_page("tok3n-of-this-visitor");
        let form = r#"<form method="post"><input type="hidden" name="csrf_token" value="tok3n-of-this-visitor"></form>"#;
        assert!(page.carries_form_token(form));
        assert!(!page.carries_form_token("<p>Udbud</p>"));
        assert!(!anonymous_page("").carries_form_token(form));

        let shareable = |page: &Page, html: &str| {
            crate::web::conditional::page(page, Html(html.to_owned()))
                .extensions()
                .get::<crate::web::page_cache::Shareable>()
                .is_some()
        };
        assert!(!shareable(&page, form));
        assert!(shareable(&page, "<p>Udbud</p>"));
    }
}
