//! Page and mail templates (minijinja), compiled once and embedded in the
//! binary. Every template can call `t("key")` for a translation in the page's
//! language (`t("key", count=n)` for a message with plural forms) and use
//! the `datetime` filter for a UTC timestamp and `number` for a number.

use std::sync::OnceLock;

use chrono::NaiveDateTime;
use minijinja::value::{Kwargs, Serde, Value};
use minijinja::{Environment, State, context};
use serde::Serialize;

use crate::i18n::{Arg, translate_args};
use crate::{Lang, format, translate};

/// A template failed to render: a bug in a template or its view struct.
#[derive(Debug)]
pub struct RenderError(minijinja::Error);

impl std::fmt::Display for RenderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "template error: {:#}", self.0)
    }
}

impl std::error::Error for RenderError {}

impl From<minijinja::Error> for RenderError {
    fn from(error: minijinja::Error) -> Self {
        RenderError(error)
    }
}

/// One email in one language, ready to hand to the mailer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedEmail {
    pub subject: String,
    pub text: String,
    pub html: String,
}

macro_rules! embedded_templates {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../templates/", $name)))),*]
    };
}

const TEMPLATES: &[(&str, &str)] = embedded_templates![
    "base.html",
    "macros.html",
    "pages/home.html",
    "pages/register.html",
    "pages/register_done.html",
    "pages/verify.html",
    "pages/login.html",
    "pages/forgot_password.html",
    "pages/forgot_password_sent.html",
    "pages/reset_password.html",
    "pages/account.html",
    "pages/account_deleted.html",
    "pages/start.html",
    "pages/admin_officers.html",
    "pages/admin_imports.html",
    "pages/accessibility.html",
    "pages/error.html",
    "pages/search/tenders.html",
    "pages/search/saved.html",
    "pages/tenders/show.html",
    "pages/tenders/dashboard.html",
    "pages/tenders/edit.html",
    "pages/tenders/check.html",
    "pages/tenders/cancel.html",
    "pages/tenders/documents.html",
    "pages/tenders/questions.html",
    "profiles_macros.html",
    "pages/profiles/directory.html",
    "pages/profiles/show.html",
    "pages/profiles/mine.html",
    "pages/profiles/form.html",
    "pages/profiles/members.html",
    "pages/profiles/invitation.html",
    "pages/moderation/queue.html",
    "pages/moderation/review.html",
    "pages/moderation/audit_log.html",
    "matching/_macros.html",
    "matching/_tenders_for_you.html",
    "matching/_who_could_bid.html",
    "matching/_reach.html",
    "pages/matching/tenders_for_you.html",
    "pages/notify/preferences.html",
    "pages/notify/unsubscribed.html",
    "pages/notify/failed.html",
    "pages/bids/form.html",
    "pages/bids/show.html",
    "pages/bids/receipt.html",
    "pages/bids/mine.html",
    "pages/bids/partners.html",
    "pages/bids/documents.html",
    "pages/evaluation/sealed.html",
    "pages/evaluation/overview.html",
    "pages/evaluation/score.html",
    "emails/layout.html",
    "emails/layout.txt",
    "emails/notify_match.txt",
    "emails/notify_match.html",
    "emails/notify_saved_search.txt",
    "emails/notify_saved_search.html",
    "emails/notify_last_chance.txt",
    "emails/notify_last_chance.html",
    "emails/notify_weekly_summary.txt",
    "emails/notify_weekly_summary.html",
    "emails/notify_digest.txt",
    "emails/notify_digest.html",
    "emails/verify_email.txt",
    "emails/verify_email.html",
    "emails/reset_password.txt",
    "emails/reset_password.html",
    "emails/registration_attempt.txt",
    "emails/registration_attempt.html",
    "emails/officer_decision.txt",
    "emails/officer_decision.html",
    "emails/question_answered.txt",
    "emails/question_answered.html",
    "emails/question_asked.txt",
    "emails/question_asked.html",
    "emails/question_declined.txt",
    "emails/question_declined.html",
    "emails/tender_amended.txt",
    "emails/tender_amended.html",
    "emails/tender_cancelled.txt",
    "emails/tender_cancelled.html",
    "emails/profile_decision.txt",
    "emails/profile_decision.html",
    "emails/organisation_invitation.txt",
    "emails/organisation_invitation.html",
    "emails/bid_receipt.txt",
    "emails/bid_receipt.html",
    "emails/bid_result.txt",
    "emails/bid_result.html",
    "emails/consortium_invitation.txt",
    "emails/consortium_invitation.html",
];

fn environment() -> &'static Environment<'static> {
    static ENV: OnceLock<Environment<'static>> = OnceLock::new();
    ENV.get_or_init(|| {
        let mut env = Environment::new();
        for (name, source) in TEMPLATES {
            env.add_template(name, source)
                .unwrap_or_else(|e| panic!("template {name} does not compile: {e:#}"));
        }
        env.add_function("t", t);
        env.add_function("asset", asset);
        env.add_filter("datetime", datetime);
        env.add_filter("number", number);
        env
    })
}

fn lang_of(state: &State) -> Lang {
    state
        .lookup("lang")
        .and_then(|v| v.as_str().and_then(Lang::from_code))
        .unwrap_or_default()
}

/// `t("key", name=value, ...)`: the translation of `key` in the page's
/// language with its placeholders filled from the keyword arguments.
/// Numbers are written as the language writes them, and for a message with
/// plural forms its count argument (`count=n`, `max=n`, ...) chooses the
/// form; leaving it out is an error, so a page test catches it.
fn t(state: &State, key: &str, kwargs: Kwargs) -> Result<String, minijinja::Error> {
    let lang = lang_of(state);
    let names: Vec<&str> = kwargs.args().collect();
    let mut values = Vec::with_capacity(names.len());
    for name in &names {
        let value: Value = kwargs.get(name)?;
        values.push(value);
    }
    let texts: Vec<String> = values.iter().map(Value::to_string).collect();
    let args: Vec<(&str, Arg)> = names
        .iter()
        .zip(values.iter().zip(texts.iter()))
        .map(|(name, (value, text))| (*name, template_arg(value, text)))
        .collect();
    translate_args(lang, key, &args)
        .map_err(|e| minijinja::Error::new(minijinja::ErrorKind::MissingArgument, e.to_string()))
}

/// A template value as a message argument: integers and decimals become
/// numbers of the language, anything else is shown as its text.
fn template_arg<'a>(value: &Value, text: &'a str) -> Arg<'a> {
    if !value.is_number() {
        return Arg::Text(text);
    }
    if let Ok(n) = i64::try_from(value.clone()) {
        Arg::Integer(n)
    } else if let Ok(n) = f64::try_from(value.clone()) {
        Arg::Decimal(n)
    } else {
        Arg::Text(text)
    }
}

/// `asset("style.css")`: the content-hashed path of an embedded static
/// file, which browsers may cache for good. Marked safe: the path is ours
/// (letters, digits, dots and slashes), and escaping would write each slash
/// as `&#x2f;`.
fn asset(name: &str) -> Result<Value, minijinja::Error> {
    crate::asset_path(name)
        .map(Value::from_safe_string)
        .ok_or_else(|| {
            minijinja::Error::new(
                minijinja::ErrorKind::InvalidOperation,
                format!("no static file {name}"),
            )
        })
}

/// `{{ n | number }}`: a number outside a message, with the language's
/// separators ("2.000.000", "2,000,000").
fn number(state: &State, value: Value) -> Result<String, minijinja::Error> {
    let text = value.to_string();
    match template_arg(&value, &text) {
        Arg::Integer(n) => Ok(format::integer(lang_of(state), n)),
        Arg::Decimal(n) => Ok(format::decimal(lang_of(state), n)),
        Arg::Text(_) => Err(minijinja::Error::new(
            minijinja::ErrorKind::InvalidOperation,
            format!("not a number: {text}"),
        )),
    }
}

/// `{{ some_utc_timestamp | datetime }}`: shown in Copenhagen time, in the
/// page's language. Takes RFC 3339 (as the API writes it, `...Z`) or a time
/// without a zone, which is UTC.
fn datetime(state: &State, value: String) -> Result<String, minijinja::Error> {
    // Views carry zone-less times, so that parse comes first; `FromStr`
    // reads ISO 8601 without interpreting a format string on every call.
    let parsed = value
        .parse::<NaiveDateTime>()
        .or_else(|_| chrono::DateTime::parse_from_rfc3339(&value).map(|t| t.naive_utc()))
        .map_err(|e| {
            minijinja::Error::new(
                minijinja::ErrorKind::InvalidOperation,
                format!("not a timestamp: {value}: {e}"),
            )
        })?;
    Ok(format::datetime(lang_of(state), parsed))
}

/// Renders the page template `name` (for example `pages/login.html`) in
/// `lang` with the view `ctx`.
pub fn render_page<S: Serialize>(name: &str, lang: Lang, ctx: S) -> Result<String, RenderError> {
    let template = environment().get_template(name)?;
    // One map with `lang` in it, rather than a merged context that every
    // variable lookup of the template would search twice.
    Ok(template.render(Value::from(Serde(WithLang {
        ctx,
        lang: lang.code(),
    })))?)
}

/// A view with the page's language beside its fields; `lang` comes last,
/// so it wins over a field of the view with that name.
#[derive(Serialize)]
struct WithLang<S> {
    #[serde(flatten)]
    ctx: S,
    lang: &'static str,
}

/// Renders the mail `name` (`verify_email`, `reset_password`, ...) in `lang`:
/// the subject from the catalogue, a plain-text body and an HTML body.
pub fn render_email<S: Serialize>(
    name: &str,
    lang: Lang,
    ctx: S,
) -> Result<RenderedEmail, RenderError> {
    let env = environment();
    let ctx = Value::from(Serde(&ctx));
    let ctx = context! { lang => lang.code(), ..ctx };
    let text = env
        .get_template(&format!("emails/{name}.txt"))?
        .render(&ctx)?;
    let html = env
        .get_template(&format!("emails/{name}.html"))?
        .render(&ctx)?;
    Ok(RenderedEmail {
        subject: translate(lang, &format!("email.{name}.subject")),
        text,
        html,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// The API's times (`...Z`) and zone-less UTC times read alike.
    #[test]
    fn datetime_takes_utc_with_and_without_z() {
        let env = environment();
        for value in [
            "2026-12-02T11:47:50Z",
            "2026-12-02T11:47:50",
            "2026-12-02T12:47:50+01:00",
        ] {
            let shown = env
                .render_str(
                    "{{ at | datetime }}",
                    context! { lang => "en", at => value },
                )
                .unwrap();
            assert!(shown.contains("12:47"), "{value}: {shown}");
        }
    }

    /// Every `t("key")` written in a template has a text in both languages.
    /// The text of a call that starts at `at`, up to its closing bracket.
    fn call_text(source: &str, at: usize) -> &str {
        let mut depth = 0;
        for (i, c) in source[at..].char_indices() {
            match c {
                '(' => depth += 1,
                ')' if depth == 1 => return &source[at..at + i],
                ')' => depth -= 1,
                _ => {}
            }
        }
        &source[at..]
    }

    /// Every `t("key")` written in a template has a text in both languages,
    /// and every call of a message with plural forms passes its count.
    #[test]
    fn every_key_a_template_uses_is_translated() {
        let mut missing = Vec::new();
        for (name, source) in TEMPLATES {
            let calls = source.match_indices("t(\"").filter(|(at, _)| {
                // `t(` itself, not the end of `text_input(`.
                !source[..*at].ends_with(|c: char| c.is_alphanumeric() || c == '_')
            });
            for (at, _) in calls {
                let key = source[at + 3..].split('"').next().unwrap_or_default();
                // A key built at run time ("approval." ~ state) ends with a dot.
                if key.ends_with('.') {
                    continue;
                }
                let call = call_text(source, at);
                for lang in Lang::ALL {
                    match crate::i18n::count_of(lang, key) {
                        None => missing.push(format!("{name}: {key} ({})", lang.code())),
                        Some(Some(count)) if !call.contains(&format!("{count}=")) => {
                            missing.push(format!("{name}: {key} needs {count}= ({})", lang.code()))
                        }
                        Some(_) => {}
                    }
                }
            }
        }
        assert!(
            missing.is_empty(),
            "untranslated keys or missing counts: {missing:#?}"
        );
    }

    /// What the profile and moderation pages need.
    fn profiles_sample() -> serde_json::Value {
        let mut sample = json!({
                        "id": 7,
                        "total": 1,
                        "items": [{"id": 7, "name": "Café Lyst ApS", "excerpt": "Unge i job", "legal_form": "aps",
                                   "rsv_registered": true, "reserved_res_ws": true, "reserved_res_pub_ser": false,
                                   "regions": ["Byen København"], "objectives": ["Beskæftigelse"]}],
                        "pagination": {"page": 2, "pages": 9, "previous": "/profiles", "next": "/profiles?page=3",
                                       "items": [{"number": 1, "href": "/profiles", "current": false}, {"ellipsis": true},
                                                 {"number": 2, "href": "/profiles?page=2", "current": true},
                                                 {"number": 9, "href": "/profiles?page=9", "current": false}]},
                        "chips": [{"label": "85300000 Social work", "href": "/profiles"}],
                        "region_options": [{"value": "DK01", "label": "Region Hovedstaden"}],
                        "objective_options": [{"value": "opp", "label": "Beskæftigelse", "checked": true}],
                        "profile": sample_profile(),
                        "approved": sample_profile(),
                        "organisation": {"id": 7, "state": "changes_requested", "reason": "Ret CVR", "public": true,
                                         "changed_facts": ["organisation_name"], "profile": sample_profile(),
                                         "submitted_at": "2026-11-28T16:30:00"},
                        "organisation_name": "Café Lyst ApS",
                        "editing": true,
                        "action": "/organisation/edit",
                        "cpv_options": [{"value": "85300000", "label": "85300000-2 Social work", "checked": true}],
                        "cpv_searched": true,
                        "cpv_found": 1,
                        "dk_checked": false,
                        "nuts_groups": [{"region": {"value": "DK01", "label": "Region Hovedstaden", "checked": true},
                                         "parts": [{"value": "DK011", "label": "Byen København", "checked": false}]}],
                        "legal_forms": [{"value": "aps", "label": "ApS"}],
        });
        let more = json!({
                        "members": [{"name": "Anna", "email": "a@b.dk", "joined_at": "2026-11-28T16:30:00", "me": true}],
                        "invitations": [{"id": 4, "email": "bo@b.dk", "expires_at": "2026-12-05T16:30:00"}],
                        "last_member": true,
                        "invited_email": "bo@b.dk",
                        "login_href": "/login?next=%2F",
                        "problem": null,
                        "pending": [{"id": 7, "name": "Café Lyst ApS", "cvr": "12345674", "first_submission": false,
                                     "changed_facts": ["cvr"], "submitted_at": "2026-11-28T16:30:00"}],
                        "flags": [{"id": 3, "organisation_id": 7, "organisation_name": "Café Lyst ApS", "reason": "Forkert",
                                   "reporter_email": "o@b.dk", "created_at": "2026-11-28T16:30:00"}],
                        "state": "suspended",
                        "public": false,
                        "is_pending": true,
                        "can_suspend": true,
                        "suspended": true,
                        "changed_facts": ["cvr", "rsv_registered"],
                        "submitted_at": "2026-11-28T16:30:00",
                        "members_count": 2,
                        "action_options": [{"value": "profile.approve", "label": "profile.approve"}],
                        "state_options": [{"value": "approved", "label": "Godkendt"}],
                        "all": [{"id": 7, "name": "Café Lyst ApS", "cvr": "12345674", "state": "approved", "public": true,
                                 "submitted_at": "2026-11-28T16:30:00"}],
                        "all_total": 1,
                        "all_pagination": {"page": 1, "pages": 1, "items": [], "previous": null, "next": null},
                        "subject_options": [{"value": "organisation", "label": "Organisation"}],
                        "entries": [{"id": 1, "actor_email": "a@b.dk", "action": "profile.reject", "subject_type": "organisation",
                                     "subject_id": 7, "reason": "Forkert CVR", "created_at": "2026-11-28T16:30:00"},
                                    {"id": 2, "actor_email": null, "action": "flag.resolve", "subject_type": "flag",
                                     "subject_id": 3, "reason": null, "created_at": "2026-11-28T16:30:00"}],
        });
        if let (Some(sample), serde_json::Value::Object(more)) = (sample.as_object_mut(), more) {
            sample.extend(more);
        }
        sample
    }

    fn sample_profile() -> serde_json::Value {
        json!({
            "organisation_name": "Café Lyst ApS", "cvr": "12345674", "legal_form": "aps",
            "rsv_registered": true, "rsv_registered_on": "15. marts 2019", "founded_year": 2015,
            "employees": 12, "target_group_employees": 7, "target_share": 58, "bar_class": "bar__fill--w60",
            "mission": "Unge i job", "capabilities": "Kantine",
            "cpv": [{"code": "85300000", "full": "85300000-2", "label": "Social work"}],
            "nuts": [{"code": "DK011", "name": "Byen København"}],
            "objectives": [{"code": "opp", "label": "Beskæftigelse"}],
            "max_contract_value": "2.000.000 kr.", "consortium": true,
            "reserved_res_ws": true, "res_ws_justification": "Over 30 % med handicap",
            "reserved_res_pub_ser": false, "res_pub_ser_justification": "",
            "references": ["Kantine for Aarhus Kommune"], "website": "https://cafelyst.dk",
            "contact_email": "kontakt@cafelyst.dk", "contact_phone": "+45 12 34 56 78",
        })
    }

    fn page_meta(user: serde_json::Value) -> serde_json::Value {
        json!({
            "path": "/",
            "languages": [
                {"code": "da", "name": "Dansk", "href": "/lang?to=da&back=%2F", "current": true},
                {"code": "en", "name": "English", "href": "/lang?to=en&back=%2F", "current": false}
            ],
            "csrf_token": "token",
            "user": user,
            "accessibility_url": "/accessibility",
            "contact_email": "kontakt@socialbid.test",
            "contact_phone": "+45 33 66 33 66",
            "operator_name": "Københavns Kommune",
            "flash": "flash.logged_in",
        })
    }

    /// Every page renders in both languages, with and without errors, for
    /// an anonymous visitor and for a logged-in admin: templates compile
    /// only when first used, so a broken one would otherwise show up only
    /// in production.
    #[test]
    fn every_page_renders_in_both_languages() {
        let error = json!([{"field": "email", "message": "Indtast en e-mailadresse"}]);
        let admin = json!({"email": "a@b.dk", "name": "Ada", "role": "admin"});
        for (name, _) in TEMPLATES.iter().filter(|(n, _)| n.starts_with("pages/")) {
            for lang in Lang::ALL {
                for (user, errors) in [(json!(null), json!([])), (admin.clone(), error.clone())] {
                    let mut ctx = json!({
                        "page": page_meta(user),
                        "errors": errors,
                        "values": {"email": "a@b.dk"},
                        "email": "a@b.dk",
                        "next": "/account",
                        "ok": false,
                        "reason": "expired",
                        "token": "t",
                        "token_ok": true,
                        "nuts_options": [{"value": "DK011", "label": "Byen København"}],
                        "officers": [{"id": 1, "name": "Ole", "email": "o@b.dk", "authority_name": "Aarhus Kommune",
                                      "authority_cvr": "55133018", "authority_nuts": "Østjylland",
                                      "created_at": "2026-11-28T16:30:00", "state": "pending"}],
                        "user": {"email": "a@b.dk", "name": "Ada", "role": "officer", "locale": "da",
                                 "created_at": "2026-11-28T16:30:00", "email_verified_at": "2026-11-28T16:30:00",
                                 "approval_state": "pending", "approval_reason": null,
                                 "authority": {"name": "Aarhus Kommune", "cvr": "55133018", "nuts": "Østjylland"}},
                        "status": 404,
                        "title_key": "error_page.not_found.title",
                        "message": "Siden findes ikke",
                    });
                    ctx.as_object_mut()
                        .unwrap()
                        .extend(tender_sample().as_object().unwrap().clone());
                    if let (Some(ctx), serde_json::Value::Object(more)) =
                        (ctx.as_object_mut(), profiles_sample())
                    {
                        ctx.extend(more);
                    }
                    if let (Some(ctx), serde_json::Value::Object(more)) =
                        (ctx.as_object_mut(), bids_sample())
                    {
                        ctx.extend(more);
                    }
                    let html = render_page(name, lang, &ctx).unwrap_or_else(|e| {
                        panic!("{name} ({}) does not render: {e}", lang.code())
                    });
                    assert!(
                        html.contains(&format!("<html lang=\"{}\"", lang.code())),
                        "{name}"
                    );
                }
            }
        }
    }

    /// What the tender pages need, as the backend builds it.
    const TENDER_SAMPLE: &str = r##"{
            "tender": {
                "id": 7, "status": "published", "version": 2, "authority": "Aarhus Kommune",
                "authority_nuts": "Østjylland", "title": "Rengøring", "language": "da",
                "description": [{"paragraph": "Daglig rengøring."}, {"list": ["12 adresser", "4.800 m²"]}],
                "contract_nature": "Tjenesteydelser", "procedure_type": "Offentligt udbud",
                "main_cpv": {"code": "90911200", "full": "90911200-8", "label": "Bygningsrengøring"},
                "additional_cpv": [{"code": "90919200", "full": "90919200-4", "label": "Kontorrengøring"}],
                "nuts": ["Østjylland"], "value": "2.400.000 kr.",
                "submission_deadline": "2026-12-28T11:00:00", "question_deadline": "2026-12-18T11:00:00",
                "reserved": "res-ws", "reserved_label": "Forbeholdt", "strategic": ["Sociale mål"],
                "lots": [{"title": "Vest", "description": [{"paragraph": "6 institutioner"}],
                          "cpv": [{"code": "90911200", "full": "90911200-8", "label": "Bygningsrengøring"}], "value": "1.200.000 kr."}],
                "criteria": [{"name": "Beskæftigelse", "kind": "social", "weight": 30, "width": 30, "description": "Antal ledige i job", "objectives": ["Beskæftigelsesmuligheder"]}, {"name": "Pris", "kind": "price", "weight": 70, "width": 70, "description": "", "objectives": []}],
                "weight_sum": 100, "social_weight": 30, "cancel_reason": "Budget",
                "published_at": "2026-11-28T16:30:00", "closed_at": null, "cancelled_at": null,
                "versions": [{"version": 2, "kind": "amend", "created_at": "2026-11-29T16:30:00", "reason": "Mere tid",
                              "changes": [{"field": "submission_deadline", "before": "a", "after": "b"}]},
                             {"version": 1, "kind": "publish", "created_at": "2026-11-28T16:30:00", "reason": null, "changes": []}],
                "questions": [{"id": 1, "question": "Hvor mange?", "answer": "Tolv.", "asked_at": "2026-11-28T16:30:00",
                               "answered_at": "2026-11-28T17:30:00", "mine": true,
                               "asked_by": {"id": 3, "name": "Anna", "email": "anna@cafe.dk"}},
                              {"id": 2, "question": "Hvornår?", "answer": null, "asked_at": "2026-11-28T16:30:00",
                               "answered_at": null, "mine": false}],
                "documents": [{"id": 1, "file_name": "udbud.pdf", "kind": "pdf", "size": "2 MB"}],
                "warnings": ["Kort frist"], "following": false
            },
            "owner": true, "role": "officer", "can_ask": true, "can_follow": true, "max_question": 4000,
            "tenders": [{"id": 7, "title": "Rengøring", "status": "published", "authority": "Aarhus Kommune",
                         "cpv": {"code": "90911200", "full": "90911200-8", "label": "Bygningsrengøring"},
                         "value": "2.400.000 kr.", "deadline": "2026-12-28T11:00:00", "reserved": "res-pub-ser",
                         "social_weight": 30, "published_at": "2026-11-28T16:30:00"}],
            "total": 41, "page_number": 2, "pages": 3,
            "pagination": {"page": 2, "pages": 3, "previous": "/tenders?page=1", "next": "/tenders?page=3",
                           "items": [{"number": 1, "href": "/tenders?page=1", "current": false}, {"ellipsis": true},
                                     {"number": 2, "href": "/tenders?page=2", "current": true}]},
            "groups": [{"status": "draft", "tenders": [{"id": 7, "title": "Rengøring", "deadline": null,
                        "updated_at": "2026-11-28T16:30:00", "social_weight": 30}]},
                       {"status": "closed", "tenders": []}],
            "id": 7, "mode": "amend", "sections": ["basics", "cpv", "place", "dates", "lots", "criteria", "reserved"],
            "step": 2, "steps": 7, "back": "check", "cpv_q": "rengøring", "cpv_searched": true, "cpv_hits": 1,
            "cpv_choices": [{"value": "90911200", "label": "90911200-8 Bygningsrengøring"}],
            "lot_rows": [{"index": 0, "number": 1, "title": "Vest", "description": "", "cpv": "90911200", "value": "1200000"}],
            "criteria_rows": [{"index": 0, "number": 1, "name": "Pris", "kind": "price", "weight": "70", "objectives": [], "description": ""},
                              {"index": 1, "number": 2, "name": "", "kind": "", "weight": "", "objectives": ["opp"], "description": ""}],
            "natures": [{"value": "services", "label": "Tjenesteydelser"}],
            "procedures": [{"value": "open", "label": "Offentligt udbud"}],
            "reserved_options": [{"value": "none", "label": "Nej"}],
            "strategic_options": [{"value": "soc-obj", "label": "Sociale mål"}],
            "objectives": [{"value": "opp", "label": "Beskæftigelse"}],
            "regions": [{"value": "DK042", "label": "Østjylland", "level": 3}],
            "query": "q=reng%C3%B8ring", "can_save": true, "clear_href": "/tenders",
            "procedure_options": [{"value": "open", "label": "Offentligt udbud"}],
            "results": {"total": 21, "items": [{"id": 7, "title": "Rengøring", "status": "published",
                         "authority": "Aarhus Kommune", "cpv": {"code": "90911200", "full": "90911200-8", "label": "Bygningsrengøring"},
                         "value": "2.400.000 kr.", "deadline": "2026-12-28T11:00:00", "reserved": "res-ws", "social_weight": 30,
                         "snippet": {"lang": "da", "parts": [{"text": "Daglig ", "matched": false}, {"text": "rengøring", "matched": true}]}}],
                        "facets": [{"heading": "CPV", "values": [{"label": "90 Kloak", "count": 3, "href": "/tenders?cpv=90"}]}],
                        "pagination": {"page": 1, "pages": 2, "previous": null, "next": "/tenders?page=2",
                                       "items": [{"number": 1, "href": "/tenders", "current": true}]}},
            "max_title": 200, "max_description": 20000, "max_mb": 20,
            "who_could_bid": {"total": 1, "items": [{"id": 3, "name": "Café Lyst", "percent": 72, "reasons": [
                {"kind": "cpv", "text": "CPV 85311000", "percent": 32}, {"kind": "reserved", "text": "Artikel 20", "percent": 0}]}]},
            "reach": {"summary": "2 af 4", "fitting": 2, "total": 4, "changes": ["Uden DK011 kommer 2 til"]},
            "tenders_for_you": {"organisation": 3, "public": true, "total": 1, "items": [{"id": 7, "title": "Rengøring",
                "authority": "Aarhus Kommune", "deadline": "2026-12-28T11:00:00", "reserved": "res-ws", "percent": 72,
                "reasons": [{"kind": "region", "text": "Region Hovedstaden", "percent": 15}]}],
                "dismissed": [{"id": 8, "title": "Vinduespolering", "language": "da"}]}
        }"##;

    /// What the bid and evaluation pages show: a bid with its check page,
    /// a receipt, the ranking of a lot with its award, and a score form.
    fn bids_sample() -> serde_json::Value {
        let bid = json!({
            "id": 7, "tender_id": 1, "tender_title": "Rengøring", "tender_language": "da", "lot": 0, "lot_title": null,
            "organisation_id": 3, "organisation_name": "Café Lyst ApS", "state": "submitted",
            "currency": "DKK", "declarations_asked": ["no_exclusion_grounds"],
            "content": {"price": 1950000, "answers": [{"criterion": 1, "text": "Faste hold"}],
                        "commitments": [{"criterion": 2, "what": "Job", "how_many": 4,
                                         "for_whom": "Ledige", "months": 12}],
                        "declarations": ["no_exclusion_grounds"]},
            "content_sha256": "ab".repeat(32), "submitted_at": "2026-11-28T16:30:00Z",
            "withdrawn_at": null, "submission_deadline": "2026-12-28T11:00:00Z",
            "updated_at": "2026-11-28T16:30:00Z", "read_as": "lead",
            "members": [
                {"organisation_id": 3, "name": "Café Lyst ApS", "lead": true, "role": null,
                 "share_percent": 60, "state": null},
                {"organisation_id": 4, "name": "Grøn Rengøring", "lead": false, "role": "Rengøring",
                 "share_percent": 40, "state": "invited"}
            ],
        });
        let coverage = json!({"cpv": [{"code": "90910000", "label": "9091 Rengøring", "lang": null}],
                              "regions": [{"code": "DK042", "label": "Østjylland"}],
                              "value": "2.000.000 kr.", "empty": false});
        let partners = json!({
            "needs": coverage, "lead_covers": coverage, "lead_missing": coverage,
            "suggestions": [{"partners": [{"organisation_id": 4, "name": "Grøn Rengøring", "asked": false,
                                           "brings": coverage,
                                           "reasons": [{"kind": "cpv", "text": "De tilbyder rengøring", "percent": 40}]}],
                             "covers": coverage, "missing": coverage}],
            "found": [{"organisation_id": 5, "name": "Fjordens Have", "mission": "Haver", "asked": true}],
        });
        let criteria = json!([
            {"criterion": 0, "name": "Pris", "kind": "price", "weight": 60, "score": null, "reason": null, "points": 60.0},
            {"criterion": 1, "name": "Kvalitet", "kind": "quality", "weight": 20, "score": 8, "reason": "God plan", "points": 16.0},
            {"criterion": 2, "name": "Ledige", "kind": "social", "weight": 20, "score": 6, "reason": "Konkret", "points": 12.0}
        ]);
        let scored = json!({"bid_id": 7, "organisation_id": 3, "organisation_name": "Café Lyst ApS",
                            "price": 1950000, "criteria": criteria, "total": 88.0, "rank": 1});
        let award = json!({"lot": 0, "bid_id": 7, "organisation_id": 3, "organisation_name": "Café Lyst ApS",
                           "partners": [{"organisation_id": 4, "name": "Grøn Rengøring", "lead": false, "role": "Rengøring", "share_percent": 40, "state": "accepted"}],
                           "price": 1950000, "commitments": [], "awarded_at": "2026-12-01T10:00:00Z",
                           "standstill_ends_at": "2026-12-11T23:00:00Z", "signed_at": null});
        let form_tender = json!({"id": 1, "title": "Rengøring", "currency": "DKK", "lot": 0, "lot_title": null,
            "asks_price": true, "max_answer": 10000, "submission_deadline": "2026-12-28T11:00:00Z",
            "criteria": [{"index": 0, "name": "Pris", "kind": "price", "weight": 60, "description": ""},
                         {"index": 1, "name": "Kvalitet", "kind": "quality", "weight": 20, "description": ""},
                         {"index": 2, "name": "Ledige", "kind": "social", "weight": 20, "description": ""}],
            "declarations": [{"value": "no_exclusion_grounds", "label_key": "bids.declaration.no_exclusion_grounds"}]});
        let document = json!({"id": 1, "label": "Referencer", "file_name": "referencer.pdf", "kind": "pdf",
                              "size": "840 KB", "sha256": "cd".repeat(32)});
        json!({
            "view": {"bid": bid, "tender": form_tender, "open": true, "documents": [document]},
            "receipt": {"bid_id": 7, "tender_id": 1, "tender_title": "Rengøring", "lot": 0, "lot_title": null,
                        "organisation_name": "Café Lyst ApS", "submitted_at": "2026-11-28T16:30:00Z",
                        "content_sha256": "ab".repeat(32),
                        "documents": [{"id": 1, "file_name": "referencer.pdf", "title": "Referencer",
                                       "content_type": "application/pdf", "size_bytes": 860_000,
                                       "sha256": "cd".repeat(32), "created_at": "2026-11-28T16:00:00Z"}]},
            "documents": [document],
            "can_change": true,
            "full": false,
            "max_documents": 20,
            "bids": [bid],
            "bid": bid,
            "declared": [],
            "tender_id": 1,
            "scored": scored,
            "scale_max": 10,
            "may_open": true,
            "evaluation": {"tender_id": 1, "currency": "DKK", "opened_at": "2026-12-01T09:00:00Z", "scale_max": 10,
                           "lots": [{"lot": 0, "title": null, "bids": [scored], "award": null},
                                    {"lot": 1, "title": "Vest", "bids": [scored], "award": award}]},
            "awards": [award],
            "partners": partners,
            "q": "have",
            "searched": true,
            "max_role": 200,
            "can_invite": true,
            "partner_invitations": [{"bid_id": 7, "tender_id": 1, "tender_title": "Rengøring", "tender_language": "da", "lot": 0,
                                     "lot_title": null, "lead_name": "Café Lyst ApS", "role": "Rengøring",
                                     "share_percent": 40, "submission_deadline": "2026-12-28T11:00:00Z",
                                     "invited_at": "2026-11-28T16:30:00Z"}],
        })
    }

    fn tender_sample() -> serde_json::Value {
        serde_json::from_str(TENDER_SAMPLE).expect("sample JSON")
    }

    #[test]
    fn every_mail_renders_in_both_languages() {
        for name in [
            "verify_email",
            "reset_password",
            "registration_attempt",
            "officer_decision",
            "question_answered",
            "question_asked",
            "question_declined",
            "tender_amended",
            "tender_cancelled",
            "profile_decision",
            "organisation_invitation",
            "bid_receipt",
            "bid_result",
            "consortium_invitation",
        ] {
            for lang in Lang::ALL {
                let mail = render_email(
                    name,
                    lang,
                    json!({"name": "Anna", "link": "http://socialbid.test/x?token=abc", "expires_hours": 24,
                           "expires_minutes": 60, "approved": false, "reason": "Forkert CVR",
                           "title": "Rengøring", "question": "Hvor mange?", "answer": "Tre.", "version": 2,
                           "organisation": "Café Lyst ApS", "decision": "rejected", "inviter": "Anna",
                           "expires_days": 7, "login_link": "http://socialbid.test/login",
                           "sha256": "ab", "submitted_at": "2026-11-28T16:30:00Z", "lot": "Vest",
                           "won": false, "criteria": [{"name": "Kvalitet", "points": 16.0, "weight": 20, "reason": "God"}],
                           "total": 88.0, "rank": 2, "winner": "Beta", "winner_total": 90.0,
                           "standstill_ends_at": "2026-12-11T23:00:00Z", "lead": "Café Lyst ApS",
                           "role": "Rengøring", "share": 30, "deadline": "2026-12-11T11:00:00Z"}),
                )
                .unwrap_or_else(|e| panic!("{name} ({}) does not render: {e}", lang.code()));
                assert!(!mail.subject.starts_with("email."), "{name}: no subject");
                assert!(
                    mail.text.contains("http://socialbid.test/x?token=abc"),
                    "{name}: {}",
                    mail.text
                );
            }
        }
    }
}
