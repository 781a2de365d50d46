//! How a person reads a phone number on screen: North American numbers in their
//! national format, `(415) 555-0100`, and anything else (other countries, short
//! codes) as stored. The API, exports and searches keep E.164; only the eye changes.
//!
//! Without the numbering plan's metadata (too large for the SPA) other countries'
//! groupings are unknown, so they stay in E.164, which is unambiguous.

/// The number as staff read it: `+14155550100` → `(415) 555-0100`.
pub fn display_phone(e164: &str) -> String {
    match north_american_digits(e164) {
        Some(d) => format!("({}) {}-{}", &d[..3], &d[3..6], &d[6..]),
        None => e164.to_owned(),
    }
}

/// The ten national digits of a North American number (`+1` and an area code that
/// starts with 2–9), or `None`.
fn north_american_digits(e164: &str) -> Option<&str> {
    let digits = e164.strip_prefix("+1")?;
    let valid =
        digits.len() == 10 && digits.bytes().all(|b| b.is_ascii_digit()) && matches!(digits.as_bytes()[0], b'2'..=b'9');
    valid.then_some(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn north_american_numbers_read_in_the_national_format() {
        assert_eq!(display_phone("+14155550100"), "(415) 555-0100");
        assert_eq!(display_phone("+12025550123"), "(202) 555-0123");
    }

    #[test]
    fn other_numbers_and_short_codes_stay_as_stored() {
        assert_eq!(display_phone("+447700900123"), "+447700900123");
        assert_eq!(display_phone("+33612345678"), "+33612345678");
        assert_eq!(display_phone("12345"), "12345");
        // Not a valid North American number: an area code cannot start with 0 or 1.
        assert_eq!(display_phone("+11235550100"), "+11235550100");
        assert_eq!(display_phone("+1415555010"), "+1415555010");
        assert_eq!(display_phone(""), "");
    }
}
