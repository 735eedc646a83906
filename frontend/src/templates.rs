//! Page and mail templates (minijinja), compiled once and embedded in the
//! binary. Every template can call `t("key")` for a translation in the page's
//! language and use the `datetime` filter for a UTC timestamp.

use std::sync::OnceLock;

use chrono::NaiveDateTime;
use minijinja::value::{Kwargs, Serde, Value};
use minijinja::{Environment, State, context};
use serde::Serialize;

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
    "pages/admin_officers.html",
    "pages/accessibility.html",
    "pages/error.html",
    "emails/layout.html",
    "emails/verify_email.txt",
    "emails/verify_email.html",
    "emails/reset_password.txt",
    "emails/reset_password.html",
    "emails/officer_decision.txt",
    "emails/officer_decision.html",
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
        env.add_filter("datetime", datetime);
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
fn t(state: &State, key: &str, kwargs: Kwargs) -> Result<String, minijinja::Error> {
    let lang = lang_of(state);
    let names: Vec<&str> = kwargs.args().collect();
    let mut values = Vec::with_capacity(names.len());
    for name in &names {
        let value: Value = kwargs.get(name)?;
        values.push(value.to_string());
    }
    let args: Vec<(&str, &str)> = names
        .iter()
        .zip(values.iter())
        .map(|(n, v)| (*n, v.as_str()))
        .collect();
    Ok(crate::translate_with(lang, key, &args))
}

/// `{{ some_utc_timestamp | datetime }}`: shown in Copenhagen time, in the
/// page's language.
fn datetime(state: &State, value: String) -> Result<String, minijinja::Error> {
    let parsed = NaiveDateTime::parse_from_str(&value, "%Y-%m-%dT%H:%M:%S%.f").map_err(|e| {
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
    let ctx = Value::from(Serde(&ctx));
    Ok(template.render(context! { lang => lang.code(), ..ctx })?)
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
