//! Checks on what a person types when registering, each naming the field
//! and the rule.

use std::str::FromStr;

use serde::Deserialize;

use crate::auth::{Role, password};
use crate::error::FieldError;
use socialbid_codes::{cvr, nuts};

pub const MAX_EMAIL: usize = 254;
pub const MAX_NAME: usize = 200;

/// What a registration form or request carries, as typed.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct Registration {
    pub email: String,
    pub password: String,
    pub name: String,
    pub role: String,
    pub authority_name: String,
    pub authority_cvr: String,
    pub authority_nuts: String,
}

/// A registration that passed every check.
#[derive(Clone)]
pub struct ValidRegistration {
    pub email: String,
    pub password: String,
    pub name: String,
    pub role: Role,
    pub authority: Option<ValidAuthority>,
}

#[derive(Clone)]
pub struct ValidAuthority {
    pub name: String,
    pub cvr: String,
    pub nuts_code: String,
}

pub fn check_email(field: &'static str, email: &str) -> Result<String, FieldError> {
    let email = crate::accounts::model::normalize_email(email);
    if email.is_empty() {
        return Err(FieldError::new(field, "required"));
    }
    if email.chars().count() > MAX_EMAIL {
        return Err(FieldError::new(field, "too_long").with("max", MAX_EMAIL));
    }
    // The address must be one we can send to; a dot in the domain rules out
    // addresses that only work on a local network.
    let parsed =
        lettre::Address::from_str(&email).map_err(|_| FieldError::new(field, "invalid"))?;
    if !parsed.domain().contains('.') {
        return Err(FieldError::new(field, "invalid"));
    }
    Ok(email)
}

fn check_text(field: &'static str, value: &str, max: usize) -> Result<String, FieldError> {
    let value = value.trim();
    if value.is_empty() {
        Err(FieldError::new(field, "required"))
    } else if value.chars().count() > max {
        Err(FieldError::new(field, "too_long").with("max", max))
    } else {
        Ok(value.to_owned())
    }
}

impl Registration {
    /// Checks every field and reports every problem at once.
    pub fn validate(&self) -> Result<ValidRegistration, Vec<FieldError>> {
        let mut errors = Vec::new();
        let name = check_text("name", &self.name, MAX_NAME)
            .map_err(|e| errors.push(e))
            .ok();
        let email = check_email("email", &self.email)
            .map_err(|e| errors.push(e))
            .ok();
        if let Some(e) = password::check_rules("password", &self.password, &self.email) {
            errors.push(e);
        }
        let role = match self.role.trim() {
            "" => {
                errors.push(FieldError::new("role", "required"));
                None
            }
            // Admins are made with the command line, never by registering.
            "entrepreneur" => Some(Role::Entrepreneur),
            "officer" => Some(Role::Officer),
            _ => {
                errors.push(FieldError::new("role", "invalid"));
                None
            }
        };
        let authority = if role == Some(Role::Officer) {
            let name = check_text("authority_name", &self.authority_name, MAX_NAME)
                .map_err(|e| errors.push(e))
                .ok();
            let cvr = match self.authority_cvr.trim() {
                "" => {
                    errors.push(FieldError::new("authority_cvr", "required"));
                    None
                }
                value => match cvr::parse(value) {
                    Ok(cvr) => Some(cvr),
                    Err(cvr::CvrProblem::Format) => {
                        errors.push(FieldError::new("authority_cvr", "format"));
                        None
                    }
                    Err(cvr::CvrProblem::Checksum) => {
                        errors.push(FieldError::new("authority_cvr", "checksum"));
                        None
                    }
                },
            };
            let nuts_code = match self.authority_nuts.trim() {
                "" => {
                    errors.push(FieldError::new("authority_nuts", "required"));
                    None
                }
                code => match nuts::authority_regions().find(|r| r.code == code) {
                    Some(region) => Some(region.code.clone()),
                    None => {
                        errors.push(FieldError::new("authority_nuts", "unknown"));
                        None
                    }
                },
            };
            match (name, cvr, nuts_code) {
                (Some(name), Some(cvr), Some(nuts_code)) => Some(ValidAuthority {
                    name,
                    cvr,
                    nuts_code,
                }),
                _ => None,
            }
        } else {
            None
        };
        match (errors.is_empty(), email, name, role) {
            (true, Some(email), Some(name), Some(role)) => Ok(ValidRegistration {
                email,
                password: self.password.clone(),
                name,
                role,
                authority,
            }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn officer() -> Registration {
        Registration {
            email: "Indkob@Aarhus.dk ".into(),
            password: "a long enough passphrase".into(),
            name: "Mette Hansen".into(),
            role: "officer".into(),
            authority_name: "Aarhus Kommune".into(),
            authority_cvr: "55133018".into(),
            authority_nuts: "DK042".into(),
        }
    }

    fn rules(r: &Registration) -> Vec<String> {
        r.validate()
            .err()
            .unwrap_or_default()
            .iter()
            .map(|e| e.key())
            .collect()
    }

    #[test]
    fn a_complete_officer_registration_passes_and_is_normalized() {
        let valid = officer().validate().ok().unwrap();
        assert_eq!(valid.email, "indkob@aarhus.dk");
        assert_eq!(valid.authority.unwrap().cvr, "55133018");
    }

    #[test]
    fn every_problem_is_reported_at_once() {
        let empty = Registration {
            role: "officer".into(),
            ..Registration::default()
        };
        assert_eq!(
            rules(&empty),
            [
                "error.name.required",
                "error.email.required",
                "error.password.required",
                "error.authority_name.required",
                "error.authority_cvr.required",
                "error.authority_nuts.required"
            ]
        );
    }

    #[test]
    fn bad_values_name_their_rule() {
        let mut r = officer();
        r.email = "not-an-address".into();
        r.authority_cvr = "55133019".into();
        r.authority_nuts = "SE11".into();
        assert_eq!(
            rules(&r),
            [
                "error.email.invalid",
                "error.authority_cvr.checksum",
                "error.authority_nuts.unknown"
            ]
        );
        r = officer();
        r.role = "admin".into();
        assert_eq!(rules(&r), ["error.role.invalid"]);
        r = officer();
        r.email = "a@localhost".into();
        assert_eq!(rules(&r), ["error.email.invalid"]);
        r.email = format!("{}@example.dk", "a".repeat(250));
        assert_eq!(rules(&r), ["error.email.too_long"]);
    }

    #[test]
    fn entrepreneurs_need_no_authority() {
        let mut r = officer();
        r.role = "entrepreneur".into();
        r.authority_cvr = "nonsense".into();
        assert!(r.validate().ok().unwrap().authority.is_none());
    }
}
