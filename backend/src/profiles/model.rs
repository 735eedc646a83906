//! A profile as members type it, the checks on it, and the split between
//! the facts an admin verifies and everything else.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::error::FieldError;
use socialbid_codes::{country, cpv, cvr, eforms, money, nuts, vat};

pub const MAX_NAME: usize = 200;
pub const MAX_MISSION: usize = 2000;
pub const MAX_CAPABILITIES: usize = 4000;
pub const MAX_JUSTIFICATION: usize = 1000;
pub const MAX_REFERENCE: usize = 300;
pub const MAX_REFERENCES: usize = 20;
pub const MAX_CODES: usize = 50;
pub const MAX_URL: usize = 300;
pub const MAX_PHONE: usize = 30;
pub const MAX_NATIONAL_ID: usize = 40;
pub const MAX_LEGAL_FORM_TEXT: usize = 100;

/// Legal forms of Danish businesses a social enterprise takes.
pub const DANISH_LEGAL_FORMS: [&str; 7] =
    ["aps", "as", "ivs", "amba", "forening", "fond", "enkeltmand"];

/// The kinds of legal form every member state knows, and the European
/// forms (SE, SCE); anything else is `other` with the form in free text.
pub const EUROPEAN_LEGAL_FORMS: [&str; 8] = [
    "private_company",
    "public_company",
    "cooperative",
    "association",
    "foundation",
    "sole_trader",
    "sce",
    "se",
];

/// Whether `form` is on either list or is `other`.
pub fn is_legal_form(form: &str) -> bool {
    form == "other" || DANISH_LEGAL_FORMS.contains(&form) || EUROPEAN_LEGAL_FORMS.contains(&form)
}

fn denmark() -> String {
    "DK".into()
}

fn kroner() -> String {
    "DKK".into()
}

/// A profile as stored: every field checked and normalised. CPV codes are
/// 8 digits (`853` is stored as `85300000`), NUTS and BT-775 codes as in
/// their lists.
///
/// Profiles stored before organisations from other member states were
/// taken are Danish: their missing `country` reads as `DK` and the new
/// identifiers as empty.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct ProfileData {
    pub organisation_name: String,
    /// ISO 3166-1 alpha-2 code of the member state the organisation is
    /// registered in.
    #[serde(default = "denmark")]
    pub country: String,
    /// The Danish CVR number; empty for an organisation registered abroad.
    pub cvr: String,
    /// The national business identifier of an organisation registered
    /// abroad (Handelsregister number, organisationsnummer, SIREN, ...);
    /// empty for a Danish one, whose identifier is its CVR number.
    #[serde(default)]
    pub national_id: String,
    /// The VAT number with its country prefix (`DE123456789`); optional.
    #[serde(default)]
    pub vat_number: String,
    pub legal_form: String,
    /// The legal form in words when `legal_form` is `other`.
    #[serde(default)]
    pub legal_form_text: String,
    pub rsv_registered: bool,
    pub rsv_registered_on: Option<NaiveDate>,
    /// Optional: a new enterprise may have none to give.
    pub founded_year: Option<i32>,
    pub employees: i32,
    pub target_group_employees: i32,
    pub mission: String,
    pub capabilities: String,
    pub cpv: Vec<String>,
    pub nuts: Vec<String>,
    pub social_objectives: Vec<String>,
    /// The largest contract value the organisation can take on, in whole
    /// units of `max_contract_currency`.
    pub max_contract_value: Option<i64>,
    /// ISO 4217, one of the currencies with a reference rate; profiles
    /// stored before other currencies were taken are in kroner.
    #[serde(default = "kroner")]
    pub max_contract_currency: String,
    /// Will bid as a partner or subcontractor in a consortium.
    pub consortium: bool,
    /// Article 20 (`res-ws`): integration of disabled or disadvantaged persons.
    pub reserved_res_ws: bool,
    pub res_ws_justification: String,
    /// Article 77 (`res-pub-ser`): public-service mission, profits reinvested.
    pub reserved_res_pub_ser: bool,
    pub res_pub_ser_justification: String,
    pub references: Vec<String>,
    pub website: String,
    pub contact_email: String,
    pub contact_phone: String,
}

/// The facts an admin verifies. A change to any of them waits for review;
/// until then the last approved facts stay public. Besides who the
/// organisation is (name, CVR, legal form, RSV, reservations), that is
/// everything on the public profile a buyer would act on or that could
/// carry abuse: the website and contact routes (a changed website is a
/// phishing link waiting to happen) and the free texts. The codes, counts
/// and capacity change at once: they are checked against the standards and
/// only steer matching.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
pub struct VerifiedFacts {
    pub organisation_name: String,
    #[serde(default = "denmark")]
    pub country: String,
    pub cvr: String,
    #[serde(default)]
    pub national_id: String,
    #[serde(default)]
    pub vat_number: String,
    pub legal_form: String,
    #[serde(default)]
    pub legal_form_text: String,
    pub rsv_registered: bool,
    pub rsv_registered_on: Option<NaiveDate>,
    pub reserved_res_ws: bool,
    pub res_ws_justification: String,
    pub reserved_res_pub_ser: bool,
    pub res_pub_ser_justification: String,
    pub mission: String,
    pub capabilities: String,
    pub website: String,
    pub contact_email: String,
    pub contact_phone: String,
}

impl ProfileData {
    pub fn facts(&self) -> VerifiedFacts {
        VerifiedFacts {
            organisation_name: self.organisation_name.clone(),
            country: self.country.clone(),
            cvr: self.cvr.clone(),
            national_id: self.national_id.clone(),
            vat_number: self.vat_number.clone(),
            legal_form: self.legal_form.clone(),
            legal_form_text: self.legal_form_text.clone(),
            rsv_registered: self.rsv_registered,
            rsv_registered_on: self.rsv_registered_on,
            reserved_res_ws: self.reserved_res_ws,
            res_ws_justification: self.res_ws_justification.clone(),
            reserved_res_pub_ser: self.reserved_res_pub_ser,
            res_pub_ser_justification: self.res_pub_ser_justification.clone(),
            mission: self.mission.clone(),
            capabilities: self.capabilities.clone(),
            website: self.website.clone(),
            contact_email: self.contact_email.clone(),
            contact_phone: self.contact_phone.clone(),
        }
    }

    /// This profile with `facts` in place of its own verified facts: what
    /// the public sees while a change waits for review.
    pub fn with_facts(&self, facts: &VerifiedFacts) -> ProfileData {
        ProfileData {
            organisation_name: facts.organisation_name.clone(),
            country: facts.country.clone(),
            cvr: facts.cvr.clone(),
            national_id: facts.national_id.clone(),
            vat_number: facts.vat_number.clone(),
            legal_form: facts.legal_form.clone(),
            legal_form_text: facts.legal_form_text.clone(),
            rsv_registered: facts.rsv_registered,
            rsv_registered_on: facts.rsv_registered_on,
            reserved_res_ws: facts.reserved_res_ws,
            res_ws_justification: facts.res_ws_justification.clone(),
            reserved_res_pub_ser: facts.reserved_res_pub_ser,
            res_pub_ser_justification: facts.res_pub_ser_justification.clone(),
            mission: facts.mission.clone(),
            capabilities: facts.capabilities.clone(),
            website: facts.website.clone(),
            contact_email: facts.contact_email.clone(),
            contact_phone: facts.contact_phone.clone(),
            ..self.clone()
        }
    }

    /// What makes the organisation one of a kind on the platform: its CVR
    /// number in Denmark, its country and national identifier elsewhere
    /// (`DE:HRB 12345`).
    pub fn registry_key(&self) -> String {
        registry_key(&self.country, &self.cvr, &self.national_id)
    }

    /// Share of employees from the target groups, in whole percent.
    pub fn target_share(&self) -> i32 {
        if self.employees <= 0 {
            0
        } else {
            (self.target_group_employees * 100 + self.employees / 2) / self.employees
        }
    }
}

pub fn registry_key(country: &str, cvr: &str, national_id: &str) -> String {
    if country == "DK" {
        cvr.to_owned()
    } else {
        format!("{country}:{national_id}")
    }
}

/// One check a reviewer is told about: what it is, and whether the
/// platform made it or the reviewer must.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct IdentityCheck {
    /// `cvr_checksum`, `vat_format`, `national_id_register`, `vat_vies`,
    /// `rsv_register`.
    pub check: &'static str,
    /// Made by the platform when the profile was saved (and passed, or the
    /// profile would not have been saved).
    pub made: bool,
}

impl VerifiedFacts {
    /// What the platform checked about who the organisation is, and what
    /// it could not: a Danish CVR number's modulus 11 and a VAT number's
    /// shape are checked; no register (CVR, a national register, VIES,
    /// RSV) is asked, so those stay with the reviewer.
    pub fn identity_checks(&self) -> Vec<IdentityCheck> {
        let mut checks = Vec::new();
        if self.country == "DK" {
            checks.push(IdentityCheck {
                check: "cvr_checksum",
                made: true,
            });
            checks.push(IdentityCheck {
                check: "cvr_register",
                made: false,
            });
        } else {
            checks.push(IdentityCheck {
                check: "national_id_register",
                made: false,
            });
        }
        if !self.vat_number.is_empty() {
            let shaped = country::find(&self.country)
                .and_then(|c| vat::parse(c, &self.vat_number).ok())
                .is_some_and(|(_, how)| how == vat::VatCheck::Format);
            checks.push(IdentityCheck {
                check: "vat_format",
                made: shaped,
            });
            checks.push(IdentityCheck {
                check: "vat_vies",
                made: false,
            });
        }
        if self.rsv_registered {
            checks.push(IdentityCheck {
                check: "rsv_register",
                made: false,
            });
        }
        checks
    }

    /// The names of the facts that differ: what the admin must check.
    pub fn changed_fields(&self, other: &VerifiedFacts) -> Vec<&'static str> {
        let mut changed = Vec::new();
        if self.organisation_name != other.organisation_name {
            changed.push("organisation_name");
        }
        if self.country != other.country {
            changed.push("country");
        }
        if self.cvr != other.cvr {
            changed.push("cvr");
        }
        if self.national_id != other.national_id {
            changed.push("national_id");
        }
        if self.vat_number != other.vat_number {
            changed.push("vat_number");
        }
        if self.rsv_registered != other.rsv_registered
            || self.rsv_registered_on != other.rsv_registered_on
        {
            changed.push("rsv_registered");
        }
        if self.reserved_res_ws != other.reserved_res_ws
            || self.res_ws_justification != other.res_ws_justification
        {
            changed.push("reserved_res_ws");
        }
        if self.reserved_res_pub_ser != other.reserved_res_pub_ser
            || self.res_pub_ser_justification != other.res_pub_ser_justification
        {
            changed.push("reserved_res_pub_ser");
        }
        let texts = [
            ("legal_form", &self.legal_form, &other.legal_form),
            (
                "legal_form_text",
                &self.legal_form_text,
                &other.legal_form_text,
            ),
            ("mission", &self.mission, &other.mission),
            ("capabilities", &self.capabilities, &other.capabilities),
            ("website", &self.website, &other.website),
            ("contact_email", &self.contact_email, &other.contact_email),
            ("contact_phone", &self.contact_phone, &other.contact_phone),
        ];
        changed.extend(
            texts
                .into_iter()
                .filter(|(_, ours, theirs)| ours != theirs)
                .map(|(field, _, _)| field),
        );
        changed
    }
}

/// A profile as typed, in a request or a form. Missing fields are empty.
#[derive(Debug, Clone, Default, Deserialize, ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ProfileInput {
    #[schema(example = "Café Lyst ApS")]
    pub organisation_name: String,
    /// ISO 3166-1 alpha-2 code of an EU or EEA member state; `DK` when
    /// left out.
    #[schema(example = "DK")]
    pub country: String,
    /// Danish organisations: 8 digits with a valid modulus-11 check; one
    /// profile per CVR number.
    #[schema(example = "12345674")]
    pub cvr: String,
    /// Organisations registered abroad: the national business identifier
    /// (one profile per country and identifier).
    pub national_id: String,
    /// Optional; with or without the country prefix, checked against the
    /// country's format (the Danish one is the CVR number, modulus 11).
    pub vat_number: String,
    /// Danish: `aps`, `as`, `ivs`, `amba`, `forening`, `fond`,
    /// `enkeltmand`; European: `private_company`, `public_company`,
    /// `cooperative`, `association`, `foundation`, `sole_trader`, `sce`,
    /// `se`; or `other` with `legal_form_text`.
    pub legal_form: String,
    /// The legal form in words, when `legal_form` is `other`.
    pub legal_form_text: String,
    pub rsv_registered: bool,
    /// `YYYY-MM-DD`; required when RSV-registered.
    pub rsv_registered_on: Option<String>,
    pub founded_year: Option<i32>,
    pub employees: Option<i32>,
    /// How many of the employees come from the target groups.
    pub target_group_employees: Option<i32>,
    pub mission: String,
    pub capabilities: String,
    /// CPV codes at any level: `853`, `85311000` or `85311000-2`.
    pub cpv: Vec<String>,
    /// NUTS 2021 codes of the EU and EEA at any level: `DK`, `DK01`,
    /// `DK011`, `DEF`, `SE224`.
    pub nuts: Vec<String>,
    /// eForms BT-775 codes: `acc-all`, `et-eq`, `gen-eq`, `hum-right`, `opp`, `work-cond`, `other`.
    pub social_objectives: Vec<String>,
    /// Whole units of `max_contract_currency`.
    pub max_contract_value: Option<i64>,
    /// ISO 4217 (`DKK`, `EUR`, `SEK`, ...); `DKK` when left out. Compared
    /// with tender values in kroner at the ECB reference rate.
    #[schema(example = "DKK")]
    pub max_contract_currency: String,
    pub consortium: bool,
    pub reserved_res_ws: bool,
    pub res_ws_justification: String,
    pub reserved_res_pub_ser: bool,
    pub res_pub_ser_justification: String,
    pub references: Vec<String>,
    pub website: String,
    pub contact_email: String,
    pub contact_phone: String,
}

fn text(
    errors: &mut Vec<FieldError>,
    field: &'static str,
    value: &str,
    required: bool,
    max: usize,
) -> String {
    let value = value.trim().to_owned();
    if required && value.is_empty() {
        errors.push(FieldError::new(field, "required"));
    } else if value.chars().count() > max {
        errors.push(FieldError::new(field, "too_long").with("max", max));
    }
    value
}

fn codes(
    errors: &mut Vec<FieldError>,
    field: &'static str,
    values: &[String],
    normalise: impl Fn(&str) -> Option<String>,
) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut unknown: Vec<&str> = Vec::new();
    for value in values.iter().map(|v| v.trim()).filter(|v| !v.is_empty()) {
        match normalise(value) {
            Some(code) => {
                if !out.contains(&code) {
                    out.push(code);
                }
            }
            None => unknown.push(value),
        }
    }
    // Every unknown code at once, as the tender checks list them.
    if !unknown.is_empty() {
        for value in unknown {
            errors.push(FieldError::new(field, "unknown").with("code", value));
        }
    } else if out.is_empty() {
        errors.push(FieldError::new(field, "required"));
    } else if out.len() > MAX_CODES {
        errors.push(FieldError::new(field, "too_many").with("max", MAX_CODES));
    }
    out.sort();
    out
}

/// Reads a CVR number; the error names the rule broken.
pub fn check_cvr(field: &'static str, value: &str) -> Result<String, FieldError> {
    if value.trim().is_empty() {
        return Err(FieldError::new(field, "required"));
    }
    cvr::parse(value).map_err(|p| match p {
        cvr::CvrProblem::Format => FieldError::new(field, "format"),
        cvr::CvrProblem::Checksum => FieldError::new(field, "checksum"),
    })
}

impl ProfileInput {
    /// Checks every field and returns the profile, or every broken rule.
    pub fn validate(&self, today: NaiveDate) -> Result<ProfileData, Vec<FieldError>> {
        let mut errors = Vec::new();
        let identity = self.check_identity(&mut errors);
        let (legal_form, legal_form_text) = self.check_legal_form(&mut errors);
        let rsv_registered_on = self.check_rsv(&mut errors, identity.country == "DK", today);
        let founded_year = self.check_founded_year(&mut errors, today);
        let (employees, target_group_employees) = self.check_workforce(&mut errors);
        let mission = text(&mut errors, "mission", &self.mission, true, MAX_MISSION);
        let capabilities = text(
            &mut errors,
            "capabilities",
            &self.capabilities,
            false,
            MAX_CAPABILITIES,
        );
        let codes = self.check_codes(&mut errors);
        let max_contract_currency = self.check_capacity(&mut errors);
        let (res_ws_justification, res_pub_ser_justification) =
            self.check_reservations(&mut errors);
        let references = self.check_references(&mut errors);
        let contact = self.check_contact(&mut errors);
        if !errors.is_empty() {
            return Err(errors);
        }
        Ok(ProfileData {
            organisation_name: identity.organisation_name,
            country: identity.country,
            cvr: identity.cvr,
            national_id: identity.national_id,
            vat_number: identity.vat_number,
            legal_form,
            legal_form_text,
            rsv_registered: self.rsv_registered,
            rsv_registered_on,
            founded_year,
            employees,
            target_group_employees,
            mission,
            capabilities,
            cpv: codes.cpv,
            nuts: codes.nuts,
            social_objectives: codes.social_objectives,
            max_contract_value: self.max_contract_value,
            max_contract_currency,
            consortium: self.consortium,
            reserved_res_ws: self.reserved_res_ws,
            res_ws_justification,
            reserved_res_pub_ser: self.reserved_res_pub_ser,
            res_pub_ser_justification,
            references,
            website: contact.website,
            contact_email: contact.email,
            contact_phone: contact.phone,
        })
    }

    fn check_identity(&self, errors: &mut Vec<FieldError>) -> Identity {
        let organisation_name = text(
            errors,
            "organisation_name",
            &self.organisation_name,
            true,
            MAX_NAME,
        );
        let country_code = match self.country.trim() {
            "" => "DK".to_owned(),
            typed => typed.to_uppercase(),
        };
        let member_state = country::find(&country_code);
        if member_state.is_none() {
            errors.push(FieldError::new("country", "unknown").with("code", &country_code));
        }
        let danish = country_code == "DK";
        let (cvr, national_id) = if danish {
            let cvr = check_cvr("cvr", &self.cvr).unwrap_or_else(|e| {
                errors.push(e);
                String::new()
            });
            (cvr, String::new())
        } else {
            let id = text(
                errors,
                "national_id",
                &self.national_id,
                true,
                MAX_NATIONAL_ID,
            );
            (String::new(), id)
        };
        let vat_number = check_vat_number(errors, member_state, &self.vat_number, danish, &cvr);
        Identity {
            organisation_name,
            country: country_code,
            cvr,
            national_id,
            vat_number,
        }
    }

    fn check_legal_form(&self, errors: &mut Vec<FieldError>) -> (String, String) {
        let legal_form = self.legal_form.trim().to_owned();
        if legal_form.is_empty() {
            errors.push(FieldError::new("legal_form", "required"));
        } else if !is_legal_form(&legal_form) {
            errors.push(FieldError::new("legal_form", "invalid"));
        }
        let legal_form_text = text(
            errors,
            "legal_form_text",
            &self.legal_form_text,
            legal_form == "other",
            MAX_LEGAL_FORM_TEXT,
        );
        let legal_form_text = if legal_form == "other" {
            legal_form_text
        } else {
            String::new()
        };
        (legal_form, legal_form_text)
    }

    fn check_rsv(
        &self,
        errors: &mut Vec<FieldError>,
        danish: bool,
        today: NaiveDate,
    ) -> Option<NaiveDate> {
        // RSV is the Danish register of social enterprises.
        if self.rsv_registered && !danish {
            errors.push(FieldError::new("rsv_registered", "danish_only"));
        }
        match (self.rsv_registered, self.rsv_registered_on.as_deref()) {
            (false, _) => None,
            (true, None) | (true, Some("")) => {
                errors.push(FieldError::new("rsv_registered_on", "required"));
                None
            }
            (true, Some(date)) => match NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d") {
                Ok(date) if date > today => {
                    errors.push(FieldError::new("rsv_registered_on", "future"));
                    None
                }
                // The register opened with Act 711/2014.
                Ok(date) if date.year() < 2014 => {
                    errors.push(FieldError::new("rsv_registered_on", "before_register"));
                    None
                }
                Ok(date) => Some(date),
                Err(_) => {
                    errors.push(FieldError::new("rsv_registered_on", "invalid"));
                    None
                }
            },
        }
    }

    fn check_founded_year(&self, errors: &mut Vec<FieldError>, today: NaiveDate) -> Option<i32> {
        match self.founded_year {
            Some(year) if !(1800..=today.year()).contains(&year) => {
                errors.push(
                    FieldError::new("founded_year", "range")
                        .with("from", 1800)
                        .with("to", today.year()),
                );
                Some(year)
            }
            year => year,
        }
    }

    /// The number of employees and how many of them come from the target
    /// groups.
    fn check_workforce(&self, errors: &mut Vec<FieldError>) -> (i32, i32) {
        let employees = match self.employees {
            None => {
                errors.push(FieldError::new("employees", "required"));
                0
            }
            Some(n) if !(0..=1_000_000).contains(&n) => {
                errors.push(FieldError::new("employees", "negative"));
                n
            }
            Some(n) => n,
        };
        let target_group_employees = match self.target_group_employees {
            None => {
                errors.push(FieldError::new("target_group_employees", "required"));
                0
            }
            Some(n) if n < 0 => {
                errors.push(FieldError::new("target_group_employees", "negative"));
                n
            }
            Some(n) if self.employees.is_some() && n > employees => {
                errors.push(
                    FieldError::new("target_group_employees", "more_than_employees")
                        .with("employees", employees),
                );
                n
            }
            Some(n) => n,
        };
        (employees, target_group_employees)
    }

    fn check_codes(&self, errors: &mut Vec<FieldError>) -> Codes {
        let cpv = codes(errors, "cpv", &self.cpv, |c| {
            cpv::parse(c).ok().map(|c| c.code.clone())
        });
        let nuts = codes(errors, "nuts", &self.nuts, |c| {
            nuts::find(&c.to_uppercase()).map(|r| r.code.clone())
        });
        let social_objectives = codes(errors, "social_objectives", &self.social_objectives, |c| {
            eforms::social_objectives().find(c).map(|o| o.code.clone())
        });
        Codes {
            cpv,
            nuts,
            social_objectives,
        }
    }

    /// Checks the largest contract value and returns its currency.
    fn check_capacity(&self, errors: &mut Vec<FieldError>) -> String {
        if let Some(value) = self.max_contract_value
            && value < 0
        {
            errors.push(FieldError::new("max_contract_value", "negative"));
        }
        match self.max_contract_currency.trim() {
            "" => kroner(),
            code if money::is_currency(&code.to_ascii_uppercase()) => code.to_ascii_uppercase(),
            code => {
                errors.push(FieldError::new("max_contract_currency", "unknown").with("code", code));
                kroner()
            }
        }
    }

    /// The justifications of the `res-ws` and `res-pub-ser` reservations.
    fn check_reservations(&self, errors: &mut Vec<FieldError>) -> (String, String) {
        let res_ws_justification = justification(
            errors,
            "res_ws_justification",
            self.reserved_res_ws,
            &self.res_ws_justification,
        );
        let res_pub_ser_justification = justification(
            errors,
            "res_pub_ser_justification",
            self.reserved_res_pub_ser,
            &self.res_pub_ser_justification,
        );
        (res_ws_justification, res_pub_ser_justification)
    }

    fn check_references(&self, errors: &mut Vec<FieldError>) -> Vec<String> {
        let references: Vec<String> = self
            .references
            .iter()
            .map(|r| r.trim().to_owned())
            .filter(|r| !r.is_empty())
            .collect();
        if references.len() > MAX_REFERENCES {
            errors.push(FieldError::new("references", "too_many").with("max", MAX_REFERENCES));
        } else if references.iter().any(|r| r.chars().count() > MAX_REFERENCE) {
            errors.push(FieldError::new("references", "too_long").with("max", MAX_REFERENCE));
        }
        references
    }

    fn check_contact(&self, errors: &mut Vec<FieldError>) -> Contact {
        let website = text(errors, "website", &self.website, false, MAX_URL);
        if !website.is_empty()
            && !(url::Url::parse(&website)
                .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some()))
        {
            errors.push(FieldError::new("website", "invalid"));
        }
        let email =
            match crate::accounts::validate::check_email("contact_email", &self.contact_email) {
                Ok(email) => email,
                Err(e) => {
                    errors.push(e);
                    String::new()
                }
            };
        let phone = text(
            errors,
            "contact_phone",
            &self.contact_phone,
            false,
            MAX_PHONE,
        );
        if !phone.is_empty()
            && !phone
                .chars()
                .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '+' | '-'))
        {
            errors.push(FieldError::new("contact_phone", "invalid"));
        }
        Contact {
            website,
            email,
            phone,
        }
    }
}

/// Who the organisation is, as checked.
struct Identity {
    organisation_name: String,
    country: String,
    cvr: String,
    national_id: String,
    vat_number: String,
}

/// The CPV, NUTS and BT-775 codes, as checked.
struct Codes {
    cpv: Vec<String>,
    nuts: Vec<String>,
    social_objectives: Vec<String>,
}

/// The public contact routes, as checked.
struct Contact {
    website: String,
    email: String,
    phone: String,
}

fn check_vat_number(
    errors: &mut Vec<FieldError>,
    member_state: Option<&country::Country>,
    typed: &str,
    danish: bool,
    cvr: &str,
) -> String {
    match (member_state, typed.trim()) {
        (_, "") | (None, _) => String::new(),
        (Some(state), typed) => match vat::parse(state, typed) {
            Ok((number, _)) => {
                // The Danish VAT number is the CVR number.
                if danish && !cvr.is_empty() && number[2..] != *cvr {
                    errors.push(FieldError::new("vat_number", "not_cvr"));
                }
                number
            }
            Err(vat::VatProblem::Format) => {
                errors.push(FieldError::new("vat_number", "format").with("country", state.prefix));
                String::new()
            }
            Err(vat::VatProblem::Checksum) => {
                errors.push(FieldError::new("vat_number", "checksum"));
                String::new()
            }
        },
    }
}

/// A reservation's justification: required when the reservation is
/// claimed, dropped when it is not.
fn justification(
    errors: &mut Vec<FieldError>,
    field: &'static str,
    claimed: bool,
    value: &str,
) -> String {
    let value = text(errors, field, value, claimed, MAX_JUSTIFICATION);
    if claimed { value } else { String::new() }
}

impl From<&ProfileData> for ProfileInput {
    fn from(p: &ProfileData) -> ProfileInput {
        ProfileInput {
            organisation_name: p.organisation_name.clone(),
            country: p.country.clone(),
            cvr: p.cvr.clone(),
            national_id: p.national_id.clone(),
            vat_number: p.vat_number.clone(),
            legal_form: p.legal_form.clone(),
            legal_form_text: p.legal_form_text.clone(),
            rsv_registered: p.rsv_registered,
            rsv_registered_on: p.rsv_registered_on.map(|d| d.to_string()),
            founded_year: p.founded_year,
            employees: Some(p.employees),
            target_group_employees: Some(p.target_group_employees),
            mission: p.mission.clone(),
            capabilities: p.capabilities.clone(),
            cpv: p.cpv.clone(),
            nuts: p.nuts.clone(),
            social_objectives: p.social_objectives.clone(),
            max_contract_value: p.max_contract_value,
            max_contract_currency: p.max_contract_currency.clone(),
            consortium: p.consortium,
            reserved_res_ws: p.reserved_res_ws,
            res_ws_justification: p.res_ws_justification.clone(),
            reserved_res_pub_ser: p.reserved_res_pub_ser,
            res_pub_ser_justification: p.res_pub_ser_justification.clone(),
            references: p.references.clone(),
            website: p.website.clone(),
            contact_email: p.contact_email.clone(),
            contact_phone: p.contact_phone.clone(),
        }
    }
}
