//! The profile form: what it posts, reading it into a profile, its errors in
//! the order of its fields, and the page that shows it.

use axum::response::Html;
use chrono::Datelike;
use serde::Deserialize;
use serde_json::{Value, json};

use super::directory_page::{objective_options, option};
use crate::error::{AppResult, FieldError};
use crate::profiles::model::{DANISH_LEGAL_FORMS, EUROPEAN_LEGAL_FORMS, ProfileData, ProfileInput};
use crate::web::page::{FormError, Page};
use socialbid_codes::{Lang, country, cpv, money, nuts};

/// The profile form as posted. Numbers come as text, checkboxes as lists.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub(super) struct ProfileForm {
    organisation_name: String,
    country: String,
    cvr: String,
    national_id: String,
    vat_number: String,
    legal_form: String,
    legal_form_text: String,
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
    /// Regions abroad, typed as NUTS codes.
    nuts_typed: String,
    social_objectives: Vec<String>,
    max_contract_value: String,
    max_contract_currency: String,
    consortium: String,
    reserved_res_ws: String,
    res_ws_justification: String,
    reserved_res_pub_ser: String,
    res_pub_ser_justification: String,
    references: String,
    website: String,
    contact_email: String,
    contact_phone: String,
    pub(super) intent: String,
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
    pub(super) fn from_profile(p: &ProfileData) -> ProfileForm {
        let date = p.rsv_registered_on;
        ProfileForm {
            organisation_name: p.organisation_name.clone(),
            country: p.country.clone(),
            cvr: p.cvr.clone(),
            national_id: p.national_id.clone(),
            vat_number: p.vat_number.clone(),
            legal_form: p.legal_form.clone(),
            legal_form_text: p.legal_form_text.clone(),
            rsv_registered: if p.rsv_registered { "yes" } else { "no" }.into(),
            rsv_day: date.map(|d| d.day().to_string()).unwrap_or_default(),
            rsv_month: date.map(|d| d.month().to_string()).unwrap_or_default(),
            rsv_year: date.map(|d| d.year().to_string()).unwrap_or_default(),
            founded_year: p.founded_year.map(|y| y.to_string()).unwrap_or_default(),
            employees: p.employees.to_string(),
            target_group_employees: p.target_group_employees.to_string(),
            mission: p.mission.clone(),
            capabilities: p.capabilities.clone(),
            cpv: p.cpv.clone(),
            nuts: p
                .nuts
                .iter()
                .filter(|c| c.starts_with("DK"))
                .cloned()
                .collect(),
            nuts_typed: p
                .nuts
                .iter()
                .filter(|c| !c.starts_with("DK"))
                .cloned()
                .collect::<Vec<_>>()
                .join(" "),
            social_objectives: p.social_objectives.clone(),
            max_contract_value: p
                .max_contract_value
                .map(|v| v.to_string())
                .unwrap_or_default(),
            max_contract_currency: p.max_contract_currency.clone(),
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
    pub(super) fn input(&self) -> (ProfileInput, Vec<FieldError>) {
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
            country: self.country.clone(),
            cvr: self.cvr.clone(),
            national_id: self.national_id.clone(),
            vat_number: self.vat_number.clone(),
            legal_form: self.legal_form.clone(),
            legal_form_text: self.legal_form_text.clone(),
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
            nuts: self
                .nuts
                .iter()
                .cloned()
                .chain(
                    self.nuts_typed
                        .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
                        .filter(|c| !c.is_empty())
                        .map(str::to_owned),
                )
                .collect(),
            social_objectives: self.social_objectives.clone(),
            max_contract_value: number(&mut errors, "max_contract_value", &self.max_contract_value),
            max_contract_currency: self.max_contract_currency.clone(),
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
pub(super) fn merge_errors(mut first: Vec<FieldError>, rest: Vec<FieldError>) -> Vec<FieldError> {
    for e in rest {
        if !first.iter().any(|f| f.field == e.field) {
            first.push(e);
        }
    }
    const ORDER: [&str; 27] = [
        "organisation_name",
        "country",
        "cvr",
        "national_id",
        "vat_number",
        "legal_form",
        "legal_form_text",
        "rsv_registered",
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
        "max_contract_currency",
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

/// A CPV checkbox, its label marked with the language it is written in.
fn cpv_option(c: &cpv::Cpv, lang: Lang, selected: bool) -> Value {
    let mut option = option(&c.code, format!("{} {}", c.full, c.label(lang)), selected);
    option["lang"] = json!(c.label_lang(lang).code());
    option
}

pub(super) fn form_page(
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
        .map(|c| cpv_option(c, lang, true))
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
                cpv_options.push(cpv_option(c, lang, false));
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
    let legal_forms: Vec<Value> = DANISH_LEGAL_FORMS
        .iter()
        .chain(EUROPEAN_LEGAL_FORMS.iter())
        .chain(["other"].iter())
        .map(|f| json!({ "value": f, "label": socialbid_frontend::translate(lang, &format!("legal_form.{f}")) }))
        .collect();
    let countries: Vec<Value> = country::ALL
        .iter()
        .map(|c| json!({ "value": c.iso, "label": c.name(lang) }))
        .collect();
    page.render(
        "pages/profiles/form.html",
        json!({
            "editing": editing,
            "action": if editing { "/organisation/edit" } else { "/organisation/new" },
            "errors": errors,
            "values": {
                "organisation_name": form.organisation_name, "cvr": form.cvr,
                "country": if form.country.is_empty() { "DK" } else { form.country.as_str() },
                "national_id": form.national_id, "vat_number": form.vat_number,
                "legal_form_text": form.legal_form_text, "nuts_typed": form.nuts_typed,
                "legal_form": form.legal_form, "rsv_registered": form.rsv_registered,
                "rsv_day": form.rsv_day, "rsv_month": form.rsv_month, "rsv_year": form.rsv_year,
                "founded_year": form.founded_year, "employees": form.employees,
                "target_group_employees": form.target_group_employees,
                "mission": form.mission, "capabilities": form.capabilities,
                "cpv_query": form.cpv_query, "max_contract_value": form.max_contract_value,
                "max_contract_currency": if form.max_contract_currency.is_empty() { "DKK" } else { form.max_contract_currency.as_str() },
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
            "countries": countries,
            "currencies": money::CURRENCIES.iter().map(|c| json!({"value": c, "label": c})).collect::<Vec<_>>(),
        }),
    )
}
