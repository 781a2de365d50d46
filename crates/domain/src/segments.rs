//! SMS segment counting: which encoding a body needs and how many segments it costs.
//!
//! The composer's counter (in the browser) and the server (which stores `segments` and
//! `encoding` on every message and paces sends by segment) run this same code.
//!
//! Rules (TWILIO.md "Segments", 3GPP TS 23.038):
//! - A body made only of GSM-7 characters is sent as GSM-7. Each basic-table character
//!   is one septet; each extension-table character (`^ { } \ [ ~ ] | €` and form feed)
//!   is an escape plus the character, two septets. 160 septets fit one segment; a longer
//!   body is split into segments of 153.
//! - Any other character makes the whole body UCS-2, counted in UTF-16 code units: 70 fit
//!   one segment; a longer body is split into segments of 67. Characters outside the
//!   Basic Multilingual Plane (most emoji) take two units.
//! - A split never cuts a character in half: an extension character (two septets) or a
//!   surrogate pair (two units) that would straddle a boundary moves whole to the next
//!   segment, as handsets and Twilio's own segment calculator do. So the count is
//!   `ceil(units / 153)` (or `/ 67`) except when such a character sits on a boundary,
//!   where it may be one more.

use serde::{Deserialize, Serialize};

use crate::problem::FieldError;

/// Septets in a lone GSM-7 segment.
pub const GSM7_SINGLE_SEGMENT: usize = 160;
/// Septets per segment of a split GSM-7 body (7 go to the concatenation header).
pub const GSM7_MULTI_SEGMENT: usize = 153;
/// UTF-16 units in a lone UCS-2 segment.
pub const UCS2_SINGLE_SEGMENT: usize = 70;
/// UTF-16 units per segment of a split UCS-2 body.
pub const UCS2_MULTI_SEGMENT: usize = 67;
/// Twilio refuses a `Body` longer than this (error 21617).
pub const BODY_MAX_LENGTH: usize = 1600;

/// The GSM 03.38 basic table, minus the escape code (0x1B), which is not a character.
const GSM7_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?\
                          ¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// The GSM 03.38 extension table: each costs an escape septet plus its own.
const GSM7_EXTENSION: &str = "\u{c}^{}\\[~]|€";

/// How a body is encoded on the air.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    /// The GSM 7-bit default alphabet.
    Gsm7,
    /// UTF-16 (strictly UCS-2 on old handsets).
    Ucs2,
}

impl Encoding {
    /// The stored and wire spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Gsm7 => "gsm7",
            Encoding::Ucs2 => "ucs2",
        }
    }

    /// Parses the stored spelling; `None` for anything else.
    pub fn parse(value: &str) -> Option<Encoding> {
        match value {
            "gsm7" => Some(Encoding::Gsm7),
            "ucs2" => Some(Encoding::Ucs2),
            _ => None,
        }
    }

    /// A human label for the SPA.
    pub fn label(self) -> &'static str {
        match self {
            Encoding::Gsm7 => "GSM-7",
            Encoding::Ucs2 => "UCS-2",
        }
    }

    /// Units that fit a body sent as one segment.
    pub fn single_segment_units(self) -> usize {
        match self {
            Encoding::Gsm7 => GSM7_SINGLE_SEGMENT,
            Encoding::Ucs2 => UCS2_SINGLE_SEGMENT,
        }
    }

    /// Units per segment once a body is split.
    pub fn multi_segment_units(self) -> usize {
        match self {
            Encoding::Gsm7 => GSM7_MULTI_SEGMENT,
            Encoding::Ucs2 => UCS2_MULTI_SEGMENT,
        }
    }
}

/// What a body costs: the counter under the composer and the `segments`/`encoding`
/// stored with each message.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SegmentInfo {
    pub encoding: Encoding,
    /// Segments the body is billed and sent as; 0 for an empty body.
    pub segments: usize,
    /// Septets (GSM-7) or UTF-16 code units (UCS-2) of the whole body.
    pub units: usize,
    /// Capacity of each segment at this length: 160/70 while the body fits one segment,
    /// 153/67 once it is split.
    pub per_segment: usize,
    /// Units still free in the last segment before another one starts.
    pub remaining_in_segment: usize,
    /// The distinct characters that force UCS-2, in order of first appearance, so the
    /// composer can say "‘ makes this message Unicode".
    pub ucs2_chars: Vec<char>,
}

/// Septets a character takes in GSM-7, or `None` when GSM-7 cannot carry it.
pub fn gsm7_septets(c: char) -> Option<usize> {
    if GSM7_BASIC.contains(c) {
        Some(1)
    } else if GSM7_EXTENSION.contains(c) {
        Some(2)
    } else {
        None
    }
}

/// Whether GSM-7 can carry the whole text.
pub fn is_gsm7(text: &str) -> bool {
    text.chars().all(|c| gsm7_septets(c).is_some())
}

/// Counts the segments of a body. An empty body is 0 segments.
pub fn segment_info(text: &str) -> SegmentInfo {
    let mut ucs2_chars: Vec<char> = Vec::new();
    for c in text.chars() {
        if gsm7_septets(c).is_none() && !ucs2_chars.contains(&c) {
            ucs2_chars.push(c);
        }
    }
    let encoding = if ucs2_chars.is_empty() { Encoding::Gsm7 } else { Encoding::Ucs2 };
    let width = |c: char| match encoding {
        Encoding::Gsm7 => gsm7_septets(c).unwrap_or(1),
        Encoding::Ucs2 => c.len_utf16(),
    };
    let units: usize = text.chars().map(width).sum();
    let single = encoding.single_segment_units();

    if units <= single {
        return SegmentInfo {
            encoding,
            segments: usize::from(units > 0),
            units,
            per_segment: single,
            remaining_in_segment: single - units,
            ucs2_chars,
        };
    }

    // Fill segments character by character so a two-unit character never straddles
    // a boundary.
    let multi = encoding.multi_segment_units();
    let mut segments = 1;
    let mut used = 0;
    for c in text.chars() {
        let w = width(c);
        if used + w > multi {
            segments += 1;
            used = 0;
        }
        used += w;
    }
    SegmentInfo { encoding, segments, units, per_segment: multi, remaining_in_segment: multi - used, ucs2_chars }
}

/// The length Tidings holds a body to against Twilio's 1600-character `Body` limit:
/// UTF-16 code units, so an emoji counts two. Twilio does not say how it counts; the
/// larger count errs towards bodies it accepts.
pub fn body_length(body: &str) -> usize {
    body.encode_utf16().count()
}

/// Checks a message body an agent or integration is about to send: something other
/// than whitespace, and at most [`BODY_MAX_LENGTH`] (see [`body_length`]).
pub fn validate_message_body(body: &str, field: &str, errors: &mut Vec<FieldError>) {
    if body.trim().is_empty() {
        errors.push(FieldError::new(field, "must not be empty"));
    } else if body_length(body) > BODY_MAX_LENGTH {
        errors.push(FieldError::new(
            field,
            format!("must be at most {BODY_MAX_LENGTH} characters (it is {})", body_length(body)),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn info(text: &str) -> (Encoding, usize, usize, usize, usize) {
        let i = segment_info(text);
        (i.encoding, i.segments, i.units, i.per_segment, i.remaining_in_segment)
    }

    #[test]
    fn empty_text_is_zero_segments() {
        assert_eq!(info(""), (Encoding::Gsm7, 0, 0, 160, 160));
    }

    #[test]
    fn gsm7_single_segment_boundary_is_160() {
        assert_eq!(info("a"), (Encoding::Gsm7, 1, 1, 160, 159));
        assert_eq!(info(&"a".repeat(160)), (Encoding::Gsm7, 1, 160, 160, 0));
        assert_eq!(info(&"a".repeat(161)), (Encoding::Gsm7, 2, 161, 153, 145));
    }

    #[test]
    fn gsm7_split_boundaries_are_multiples_of_153() {
        assert_eq!(info(&"a".repeat(306)), (Encoding::Gsm7, 2, 306, 153, 0));
        assert_eq!(info(&"a".repeat(307)), (Encoding::Gsm7, 3, 307, 153, 152));
        assert_eq!(info(&"a".repeat(459)), (Encoding::Gsm7, 3, 459, 153, 0));
        assert_eq!(info(&"a".repeat(460)).1, 4);
    }

    #[test]
    fn every_extension_character_counts_two_septets() {
        for c in ['^', '{', '}', '\\', '[', '~', ']', '|', '€', '\u{c}'] {
            assert_eq!(gsm7_septets(c), Some(2), "{c:?}");
        }
        assert_eq!(info("€"), (Encoding::Gsm7, 1, 2, 160, 158));
    }

    #[test]
    fn basic_table_characters_count_one_septet() {
        for c in "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ¡ÄÖÑÜ§¿äöñüà !\"#¤%&'()*+,-./:;<=>?".chars()
        {
            assert_eq!(gsm7_septets(c), Some(1), "{c:?}");
        }
        // Lower-case ç, the backtick and curly quotes are not in the table.
        for c in ['ç', '`', '‘', '’', '“', 'á', '\u{1b}'] {
            assert_eq!(gsm7_septets(c), None, "{c:?}");
        }
    }

    #[test]
    fn extension_characters_at_the_single_segment_boundary() {
        // 158 + 2 = 160 septets: still one segment.
        let fits = format!("{}{}", "a".repeat(158), "€");
        assert_eq!(info(&fits), (Encoding::Gsm7, 1, 160, 160, 0));
        // 159 + 2 = 161 septets: split.
        let spills = format!("{}{}", "a".repeat(159), "[");
        assert_eq!(info(&spills), (Encoding::Gsm7, 2, 161, 153, 145));
    }

    #[test]
    fn an_extension_character_never_straddles_a_split() {
        // 152 septets, then a two-septet character at 153..154: it moves whole to the
        // second segment, which then holds 2 + 10.
        let text = format!("{}{}{}", "a".repeat(152), "{", "a".repeat(10));
        let i = segment_info(&text);
        assert_eq!(i.units, 164);
        assert_eq!(i.segments, 2);
        assert_eq!(i.remaining_in_segment, 153 - 12);
        // 305 septets with the character straddling the 306 boundary costs a third
        // segment although ceil(307 / 153) would say 3 anyway; at 306 exactly it is the
        // straddle alone that adds one.
        let straddle = format!("{}{}{}", "a".repeat(152), "}", "a".repeat(152));
        assert_eq!(segment_info(&straddle).units, 306);
        assert_eq!(segment_info(&straddle).segments, 3);
        let aligned = format!("{}{}{}", "a".repeat(151), "}", "a".repeat(153));
        assert_eq!(segment_info(&aligned).units, 306);
        assert_eq!(segment_info(&aligned).segments, 2);
    }

    #[test]
    fn ucs2_boundaries_are_70_and_67() {
        let c = "ç";
        assert_eq!(info(&c.repeat(70)), (Encoding::Ucs2, 1, 70, 70, 0));
        assert_eq!(info(&c.repeat(71)), (Encoding::Ucs2, 2, 71, 67, 63));
        assert_eq!(info(&c.repeat(134)), (Encoding::Ucs2, 2, 134, 67, 0));
        assert_eq!(info(&c.repeat(135)), (Encoding::Ucs2, 3, 135, 67, 66));
    }

    #[test]
    fn one_non_gsm_character_makes_the_whole_body_ucs2() {
        // 100 GSM characters would be one GSM-7 segment; one curly quote makes it two
        // UCS-2 segments, and extension characters then count one unit like any other.
        let text = format!("{}’{}", "a".repeat(99), "€");
        let i = segment_info(&text);
        assert_eq!(i.encoding, Encoding::Ucs2);
        assert_eq!(i.units, 101);
        assert_eq!(i.segments, 2);
        assert_eq!(i.ucs2_chars, vec!['’']);
    }

    #[test]
    fn emoji_outside_the_bmp_take_two_units() {
        assert_eq!(info("😀"), (Encoding::Ucs2, 1, 2, 70, 68));
        assert_eq!(info(&"😀".repeat(35)), (Encoding::Ucs2, 1, 70, 70, 0));
        assert_eq!(info(&"😀".repeat(36)).1, 2);
        // Within one segment a pair anywhere is fine.
        let i = segment_info(&format!("{}😀ç", "ç".repeat(66)));
        assert_eq!(i.units, 69);
        assert_eq!(i.segments, 1);
        // Split: 66 units then a surrogate pair at 67..68: the pair moves to segment two.
        let straddle = format!("{}😀{}", "ç".repeat(66), "ç".repeat(10));
        let i = segment_info(&straddle);
        assert_eq!(i.units, 78);
        assert_eq!(i.segments, 2);
        assert_eq!(i.remaining_in_segment, 67 - 12);
    }

    #[test]
    fn ucs2_characters_are_listed_once_in_order_of_appearance() {
        let i = segment_info("Hi “Ada” 😀 — see you 😀");
        assert_eq!(i.ucs2_chars, vec!['“', '”', '😀', '—']);
    }

    #[test]
    fn encoding_round_trips() {
        for e in [Encoding::Gsm7, Encoding::Ucs2] {
            assert_eq!(Encoding::parse(e.as_str()), Some(e));
        }
        assert_eq!(Encoding::parse("GSM-7"), None);
        assert_eq!(serde_json::to_string(&Encoding::Ucs2).ok().as_deref(), Some("\"ucs2\""));
    }

    #[test]
    fn body_limit_is_1600_utf16_units() {
        let mut errors = Vec::new();
        validate_message_body(&"a".repeat(1600), "body", &mut errors);
        assert!(errors.is_empty());
        validate_message_body(&"a".repeat(1601), "body", &mut errors);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "body");
        let mut errors = Vec::new();
        validate_message_body(&"😀".repeat(801), "body", &mut errors);
        assert_eq!(errors.len(), 1, "801 emoji are 1602 units");
        let mut errors = Vec::new();
        validate_message_body(" \n ", "body", &mut errors);
        assert_eq!(errors[0].reason, "must not be empty");
    }
}
