//! Tag rules shared by campaign tags and conversation tags.
//!
//! A tag is trimmed, not empty, at most [`TAG_MAX_CHARS`] characters (Unicode scalar
//! values, not bytes) and free of line breaks and other control characters. Tags of one
//! campaign or conversation are unique ignoring case; a duplicate is refused rather than
//! silently merged, so what the user typed is never quietly rewritten. Tags keep the
//! spelling they were given; [`tag_key`] is the case-folded form to compare, index and
//! filter by.

use crate::problem::FieldError;

/// Longest tag accepted, in characters.
pub const TAG_MAX_CHARS: usize = 30;
/// Most tags one conversation may carry (the guide: "up to two more tags").
pub const CONVERSATION_TAG_MAX: usize = 3;
/// Most tags one campaign may carry. The guide sets no number; ten keeps the Campaigns
/// table's tag column readable.
pub const CAMPAIGN_TAG_MAX: usize = 10;

/// Checks one tag; returns it trimmed, or the reason it is refused.
pub fn validate_tag(tag: &str) -> Result<String, String> {
    let trimmed = tag.trim();
    if trimmed.is_empty() {
        return Err("must not be empty".to_owned());
    }
    if trimmed.chars().any(char::is_control) {
        return Err("must not contain line breaks or control characters".to_owned());
    }
    let length = trimmed.chars().count();
    if length > TAG_MAX_CHARS {
        return Err(format!("must be at most {TAG_MAX_CHARS} characters (it is {length})"));
    }
    Ok(trimmed.to_owned())
}

/// The form tags are compared, indexed and filtered by: trimmed and lower-cased.
pub fn tag_key(tag: &str) -> String {
    tag.trim().to_lowercase()
}

/// Whether two tags are the same tag (ignoring case and surrounding whitespace).
pub fn same_tag(a: &str, b: &str) -> bool {
    tag_key(a) == tag_key(b)
}

/// Checks a whole set of tags (a `PATCH … tags` body). Returns the valid tags, trimmed,
/// in the order given. Problems go to `errors`: a bad or duplicate tag as `tags[i]`
/// (its index in `input`), too many as `tags`.
pub fn normalise_tags<S: AsRef<str>>(
    input: &[S],
    max_count: Option<usize>,
    errors: &mut Vec<FieldError>,
) -> Vec<String> {
    if let Some(max) = max_count {
        if input.len() > max {
            errors.push(FieldError::new("tags", format!("must be at most {max} tags")));
        }
    }
    let mut tags: Vec<String> = Vec::with_capacity(input.len());
    let mut keys: Vec<String> = Vec::with_capacity(input.len());
    for (index, raw) in input.iter().enumerate() {
        let field = format!("tags[{index}]");
        match validate_tag(raw.as_ref()) {
            Err(reason) => errors.push(FieldError::new(field, reason)),
            Ok(tag) => {
                let key = tag_key(&tag);
                if let Some(first) = keys.iter().position(|k| *k == key) {
                    errors
                        .push(FieldError::new(field, format!("repeats the tag '{}' (tags ignore case)", tags[first])));
                } else {
                    keys.push(key);
                    tags.push(tag);
                }
            }
        }
    }
    tags
}

/// Adds one tag to a set, as a tag input does when the user presses Enter (the
/// wizard's campaign tags, a conversation's tags). Returns the new set, or why the tag
/// cannot be added as a sentence the input shows.
pub fn add_tag(existing: &[String], candidate: &str, max_count: Option<usize>) -> Result<Vec<String>, String> {
    let tag = validate_tag(candidate).map_err(|reason| match candidate.trim() {
        "" => format!("A tag {reason}."),
        typed => format!("“{typed}” {reason}."),
    })?;
    if existing.iter().any(|t| same_tag(t, &tag)) {
        return Err(format!("“{tag}” is already a tag."));
    }
    if let Some(max) = max_count {
        if existing.len() >= max {
            return Err(format!("At most {max} tags."));
        }
    }
    let mut tags = existing.to_vec();
    tags.push(tag);
    Ok(tags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_are_trimmed_and_length_is_counted_in_characters() {
        assert_eq!(validate_tag("  VIP  "), Ok("VIP".to_owned()));
        assert_eq!(validate_tag(&"a".repeat(30)), Ok("a".repeat(30)));
        assert!(validate_tag(&"a".repeat(31)).is_err());
        // 30 two-byte characters are 60 bytes but 30 characters: accepted.
        assert_eq!(validate_tag(&"é".repeat(30)), Ok("é".repeat(30)));
        assert!(validate_tag(&"é".repeat(31)).is_err());
        // Surrounding whitespace does not count towards the limit.
        assert!(validate_tag(&format!("  {}  ", "a".repeat(30))).is_ok());
    }

    #[test]
    fn empty_and_control_characters_are_refused() {
        assert_eq!(validate_tag("   "), Err("must not be empty".to_owned()));
        assert!(validate_tag("two\nlines").is_err());
        assert!(validate_tag("tab\there").is_err());
        assert!(validate_tag("two words").is_ok());
    }

    #[test]
    fn duplicates_ignoring_case_are_errors_at_their_index() {
        let mut errors = Vec::new();
        let tags = normalise_tags(&["Follow-up", " VIP", "follow-UP "], Some(3), &mut errors);
        assert_eq!(tags, vec!["Follow-up", "VIP"]);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "tags[2]");
        assert!(errors[0].reason.contains("'Follow-up'"), "{}", errors[0].reason);
    }

    #[test]
    fn conversation_tags_stop_at_three() {
        let mut errors = Vec::new();
        let tags = normalise_tags(&["a", "b", "c"], Some(CONVERSATION_TAG_MAX), &mut errors);
        assert_eq!(tags.len(), 3);
        assert!(errors.is_empty());
        normalise_tags(&["a", "b", "c", "d"], Some(CONVERSATION_TAG_MAX), &mut errors);
        assert_eq!(errors, vec![FieldError::new("tags", "must be at most 3 tags")]);
        let mut errors = Vec::new();
        let none: Vec<String> = Vec::new();
        assert!(normalise_tags(&none, Some(CONVERSATION_TAG_MAX), &mut errors).is_empty());
        assert!(errors.is_empty());
    }

    #[test]
    fn each_bad_tag_is_reported() {
        let mut errors = Vec::new();
        let long = "a".repeat(31);
        let tags = normalise_tags(&["", "ok", long.as_str()], None, &mut errors);
        assert_eq!(tags, vec!["ok"]);
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, vec!["tags[0]", "tags[2]"]);
    }

    #[test]
    fn add_tag_refuses_duplicates_and_a_fourth_tag() {
        let tags = vec!["VIP".to_owned(), "Transfer".to_owned()];
        assert_eq!(add_tag(&tags, "vip", Some(3)), Err("“vip” is already a tag.".to_owned()));
        assert_eq!(add_tag(&tags, "  ", Some(3)), Err("A tag must not be empty.".to_owned()));
        let three = add_tag(&tags, " Visa ", Some(3));
        assert_eq!(three.as_deref(), Ok(&["VIP".to_owned(), "Transfer".to_owned(), "Visa".to_owned()][..]));
        let Ok(three) = three else { panic!("added") };
        assert_eq!(add_tag(&three, "Late", Some(3)), Err("At most 3 tags.".to_owned()));
        assert!(add_tag(&three, "Late", None).is_ok());
    }

    #[test]
    fn keys_fold_case() {
        assert_eq!(tag_key(" Follow-Up "), "follow-up");
        assert!(same_tag("ÉTÉ", "été"));
        assert!(!same_tag("a", "b"));
    }
}
