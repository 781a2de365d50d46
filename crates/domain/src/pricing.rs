//! What a campaign costs before it launches (DESIGN.md, Compliance: "cost before
//! launch"): segments × eligible contacts × the organisation's price per segment for
//! the sending number's type. Prices are whole micro-dollars (millionths of a US dollar),
//! so sums are exact; they are written and read as decimal dollars (`0.0083`).

use crate::phone_number::NumberType;

/// Micro-dollars in a dollar.
const MICROS_PER_DOLLAR: i64 = 1_000_000;
/// The highest price per segment accepted: a dollar (a typo guard, far above any real
/// carrier price).
pub const MAX_PRICE_MICROS: i64 = MICROS_PER_DOLLAR;

/// The organisation's price per segment, by number type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SegmentPrices {
    pub long_code: i64,
    pub toll_free: i64,
    pub short_code: i64,
}

impl SegmentPrices {
    /// Twilio's US list price per outbound SMS segment (2025), $0.0083 for each type;
    /// carrier fees come on top and are not counted. The simulator costs nothing.
    pub const DEFAULT: SegmentPrices = SegmentPrices { long_code: 8_300, toll_free: 8_300, short_code: 8_300 };

    /// The price of one segment sent from a number of `number_type`.
    pub fn for_type(self, number_type: NumberType) -> i64 {
        match number_type {
            NumberType::LongCode => self.long_code,
            NumberType::TollFree => self.toll_free,
            NumberType::ShortCode => self.short_code,
            NumberType::Simulator => 0,
        }
    }
}

impl Default for SegmentPrices {
    fn default() -> Self {
        Self::DEFAULT
    }
}

/// Reads a price in dollars (`0.0083`, `.01`, `0`): at most six decimals, from $0 to $1.
pub fn parse_price(text: &str) -> Result<i64, String> {
    let text = text.trim();
    let refusal = || format!("'{text}' is not a price in dollars from 0 to 1 with at most six decimals (0.0083)");
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if (whole.is_empty() && fraction.is_empty())
        || fraction.len() > 6
        || !whole.bytes().chain(fraction.bytes()).all(|b| b.is_ascii_digit())
    {
        return Err(refusal());
    }
    let whole: i64 = if whole.is_empty() { 0 } else { whole.parse().map_err(|_| refusal())? };
    let fraction_micros: i64 = format!("{fraction:0<6}").parse().map_err(|_| refusal())?;
    let micros =
        whole.checked_mul(MICROS_PER_DOLLAR).and_then(|w| w.checked_add(fraction_micros)).ok_or_else(refusal)?;
    if micros > MAX_PRICE_MICROS {
        return Err(refusal());
    }
    Ok(micros)
}

/// A price per segment as dollars, without trailing zeros beyond the cents' tenth:
/// 8300 → `0.0083`, 10000 → `0.01`, 0 → `0`.
pub fn price_text(micros: i64) -> String {
    let whole = micros / MICROS_PER_DOLLAR;
    let fraction = format!("{:06}", (micros % MICROS_PER_DOLLAR).abs());
    let fraction = fraction.trim_end_matches('0');
    if fraction.is_empty() {
        whole.to_string()
    } else {
        format!("{whole}.{fraction}")
    }
}

/// A total in dollars and cents, rounded half up: 20_069_400 → `$20.07`, with thousands
/// separated (`$1,234.50`).
pub fn dollars_text(micros: i64) -> String {
    let cents = (micros + 5_000) / 10_000;
    format!("${}.{:02}", thousands(cents / 100), cents % 100)
}

/// The same total as a plain amount for machines: `1234.50`.
pub fn amount_text(micros: i64) -> String {
    let cents = (micros + 5_000) / 10_000;
    format!("{}.{:02}", cents / 100, cents % 100)
}

/// `2418` → `2,418`.
pub fn thousands(n: i64) -> String {
    let digits = n.abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 {
        format!("-{out}")
    } else {
        out
    }
}

/// "about 2,418 segments, ≈ $20.07": what the wizard says beside the segment counter.
pub fn estimate_text(segments: i64, cost_micros: i64) -> String {
    let noun = if segments == 1 { "segment" } else { "segments" };
    format!("about {} {noun}, ≈ {}", thousands(segments), dollars_text(cost_micros))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_are_read_and_written_as_exact_dollars() {
        assert_eq!(parse_price("0.0083"), Ok(8_300));
        assert_eq!(parse_price(".01"), Ok(10_000));
        assert_eq!(parse_price("0"), Ok(0));
        assert_eq!(parse_price("1"), Ok(1_000_000));
        for bad in ["", ".", "-0.01", "0.0000001", "1.5", "abc", "0,01", "1e-3"] {
            assert!(parse_price(bad).is_err(), "{bad}");
        }
        assert_eq!(price_text(8_300), "0.0083");
        assert_eq!(price_text(10_000), "0.01");
        assert_eq!(price_text(0), "0");
        assert_eq!(price_text(1_000_000), "1");
    }

    #[test]
    fn the_estimate_is_segments_times_the_price_rounded_to_the_cent() {
        // 2,418 segments at $0.008: $19.344 → $19.34.
        assert_eq!(estimate_text(2_418, 2_418 * 8_000), "about 2,418 segments, ≈ $19.34");
        assert_eq!(dollars_text(5_000), "$0.01", "half a cent rounds up");
        assert_eq!(dollars_text(4_999), "$0.00");
        assert_eq!(dollars_text(1_234_500_000), "$1,234.50");
        assert_eq!(amount_text(1_234_500_000), "1234.50");
        assert_eq!(estimate_text(1, 0), "about 1 segment, ≈ $0.00");
        assert_eq!(SegmentPrices::DEFAULT.for_type(NumberType::Simulator), 0);
    }
}
