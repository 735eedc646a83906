//! Reads the small `code,eng_label,dan_label` CSV codelists, whose labels
//! may be quoted and hold commas.

/// The fields of one CSV line; `""` inside quotes is a quote.
pub fn fields(line: &str) -> Vec<String> {
    let mut fields = Vec::new();
    let mut current = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                current.push('"');
                chars.next();
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(std::mem::take(&mut current)),
            (c, _) => current.push(c),
        }
    }
    fields.push(current);
    fields
}

#[cfg(test)]
mod tests {
    #[test]
    fn quoted_commas_and_quotes() {
        assert_eq!(
            super::fields(r#"a,"b, c","d ""e""""#),
            ["a", "b, c", "d \"e\""]
        );
    }
}
