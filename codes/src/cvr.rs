//! Danish CVR numbers: 8 digits whose weighted sum (weights 2,7,6,5,4,3,2,1)
//! is divisible by 11.

const WEIGHTS: [u32; 8] = [2, 7, 6, 5, 4, 3, 2, 1];

#[derive(Debug, PartialEq, Eq)]
pub enum CvrProblem {
    /// Not exactly 8 digits.
    Format,
    /// 8 digits, but the modulus-11 check fails.
    Checksum,
}

/// Checks a CVR number, allowing spaces between digit groups
/// ("1234 5678"); returns the 8 digits.
pub fn parse(input: &str) -> Result<String, CvrProblem> {
    let digits: String = input.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.len() != 8 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err(CvrProblem::Format);
    }
    let sum: u32 = digits
        .chars()
        .zip(WEIGHTS)
        .map(|(c, w)| c.to_digit(10).unwrap_or(0) * w)
        .sum();
    if !sum.is_multiple_of(11) {
        return Err(CvrProblem::Checksum);
    }
    Ok(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_real_cvr_numbers() {
        // Københavns Kommune and Aarhus Kommune.
        assert_eq!(parse("64942212"), Ok("64942212".into()));
        assert_eq!(parse("5513 3018"), Ok("55133018".into()));
    }

    #[test]
    fn refuses_wrong_length_letters_and_checksum() {
        assert_eq!(parse("1234567"), Err(CvrProblem::Format));
        assert_eq!(parse("123456789"), Err(CvrProblem::Format));
        assert_eq!(parse("1234567a"), Err(CvrProblem::Format));
        assert_eq!(parse(""), Err(CvrProblem::Format));
        assert_eq!(parse("64942213"), Err(CvrProblem::Checksum));
    }
}
