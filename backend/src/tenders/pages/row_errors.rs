//! Where a lot's or a criterion's error stands on the edit page. The rules
//! name the list ("lots", "criteria") and the row's number, as the API
//! reports them; a page puts each message beside the row's own field, so
//! the error summary's link lands on that field and not on the first row.

use crate::error::{AppError, AppResult, FieldError};
use crate::web::page::{FormError, Page};

/// The errors of a refused edit form, worded for `page`, each pointing at
/// the field it belongs beside; a refusal stands beside `refusal_field`.
pub(super) fn edit_errors(
    page: &Page,
    error: AppError,
    refusal_field: &str,
) -> AppResult<Vec<FormError>> {
    let targets: Vec<Option<String>> = match &error {
        AppError::Invalid { fields, .. } => fields.iter().map(row_field).collect(),
        _ => Vec::new(),
    };
    let mut errors = page.errors_of(error, refusal_field)?;
    for (error, target) in errors.iter_mut().zip(targets) {
        if let Some(target) = target {
            error.retarget(&target);
        }
    }
    Ok(errors)
}

/// The id of the field an error about a row (or about all rows) belongs
/// beside: the edit template names a row's fields `lot_title_{i}`,
/// `crit_weight_{i}` and so on, counting from 0. A rule about the whole
/// list stands beside the first row's field it is about.
fn row_field(error: &FieldError) -> Option<String> {
    let row = |name: &str| {
        error
            .params
            .iter()
            .find(|(key, _)| *key == name)
            .and_then(|(_, value)| value.parse::<usize>().ok())
            .and_then(|number| number.checked_sub(1))
    };
    let field = |prefix: &str, index: Option<usize>| index.map(|i| format!("{prefix}_{i}"));
    match (error.field.as_ref(), error.rule) {
        ("lots", "too_many") => field("lot_title", Some(0)),
        ("lots", "title_required" | "title_too_long") => field("lot_title", row("lot")),
        ("lots", "description_too_long") => field("lot_description", row("lot")),
        ("lots", "cpv_unknown") => field("lot_cpv", row("lot")),
        ("lots", "value_not_positive") => field("lot_value", row("lot")),
        ("criteria", "none" | "too_many") => field("crit_name", Some(0)),
        ("criteria", "weights_sum") => field("crit_weight", Some(0)),
        ("criteria", "name_required" | "name_too_long") => field("crit_name", row("criterion")),
        ("criteria", "weight_range") => field("crit_weight", row("criterion")),
        ("criteria", "objective_unknown" | "objectives_required") => {
            field("crit_obj", row("criterion"))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_row_error_points_at_its_own_row() {
        let third = FieldError::new("criteria", "weight_range").with("criterion", 3);
        assert_eq!(row_field(&third).as_deref(), Some("crit_weight_2"));
        let second = FieldError::new("lots", "cpv_unknown")
            .with("lot", 2)
            .with("code", "1");
        assert_eq!(row_field(&second).as_deref(), Some("lot_cpv_1"));
        let sum = FieldError::new("criteria", "weights_sum").with("sum", 90);
        assert_eq!(row_field(&sum).as_deref(), Some("crit_weight_0"));
        assert_eq!(row_field(&FieldError::new("title", "required")), None);
    }
}
