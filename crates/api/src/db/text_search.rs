//! Case-insensitive substring search that works the same on both backends:
//! `lower(column) LIKE '%needle%'` with the needle's wildcards taken literally; and the
//! one name-or-phone search the lists of people share.

diesel::define_sql_function! {
    /// SQL `lower()`: ASCII-only on SQLite, Unicode-aware on PostgreSQL.
    fn lower(text: diesel::sql_types::Text) -> diesel::sql_types::Text;
}

/// The escape character of `LIKE` patterns built by [`contains_pattern`].
pub const LIKE_ESCAPE: char = '\\';

/// A `LIKE` pattern matching `needle` anywhere, with `%`, `_` and the escape character
/// taken literally. Use with `.escape(LIKE_ESCAPE)`.
pub fn contains_pattern(needle: &str) -> String {
    let mut pattern = String::with_capacity(needle.len() + 2);
    pattern.push('%');
    for c in needle.chars() {
        if c == '%' || c == '_' || c == LIKE_ESCAPE {
            pattern.push(LIKE_ESCAPE);
        }
        pattern.push(c);
    }
    pattern.push('%');
    pattern
}

/// What a person search typed into a list means: part of "first last", and — when it
/// looks like a phone number ("(415) 200", "+1415…") — part of the phone's digits.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameOrPhone {
    /// Lower-cased part of "first last".
    pub name: Option<String>,
    /// Digits of the phone.
    pub digits: Option<String>,
}

impl NameOrPhone {
    /// The search `q` asks for; blank or absent matches everyone.
    pub fn parse(q: Option<&str>) -> Self {
        let q = q.map(str::trim).filter(|q| !q.is_empty());
        Self { name: q.map(str::to_lowercase), digits: q.and_then(phone_digits) }
    }
}

/// A search that looks like a phone number — digits and the punctuation people write
/// around them — as its digits.
pub fn phone_digits(q: &str) -> Option<String> {
    let phone_like = q.chars().all(|c| c.is_ascii_digit() || " +-().".contains(c));
    let digits: String = q.chars().filter(char::is_ascii_digit).collect();
    (phone_like && !digits.is_empty()).then_some(digits)
}

/// Narrows a boxed query of people (contacts, conversations) to those whose full name
/// contains the search's name or whose phone contains its digits — either, when both
/// are given — the one search the contact, campaign-contact and conversation lists
/// share. A macro, not a function: each list's columns are their own diesel types.
///
/// `filter_name_or_phone!(query, first_name_column, last_name_column, phone_column,
/// search: &NameOrPhone)`
#[macro_export]
macro_rules! filter_name_or_phone {
    ($query:ident, $first:expr, $last:expr, $phone:expr, $search:expr) => {{
        use $crate::db::text_search::{contains_pattern, lower, NameOrPhone, LIKE_ESCAPE};
        let full_name = lower($first.concat(" ").concat($last));
        let search: &NameOrPhone = $search;
        match (search.name.as_ref(), search.digits.as_ref()) {
            (Some(name), Some(digits)) => {
                $query = $query.filter(
                    full_name
                        .like(contains_pattern(name))
                        .escape(LIKE_ESCAPE)
                        .or($phone.like(contains_pattern(digits)).escape(LIKE_ESCAPE)),
                );
            }
            (Some(name), None) => $query = $query.filter(full_name.like(contains_pattern(name)).escape(LIKE_ESCAPE)),
            (None, Some(digits)) => $query = $query.filter($phone.like(contains_pattern(digits)).escape(LIKE_ESCAPE)),
            (None, None) => {}
        }
    }};
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phone_like_searches_give_their_digits() {
        assert_eq!(phone_digits("(415) 200-0001"), Some("4152000001".to_owned()));
        assert_eq!(phone_digits("contact1"), None);
        assert_eq!(phone_digits(" - "), None);
    }

    #[test]
    fn a_search_is_a_name_and_when_it_looks_like_one_a_phone() {
        let search = NameOrPhone::parse(Some("  Ada L "));
        assert_eq!(search, NameOrPhone { name: Some("ada l".to_owned()), digits: None });
        let search = NameOrPhone::parse(Some("(415) 200"));
        assert_eq!(search.digits.as_deref(), Some("415200"));
        assert_eq!(NameOrPhone::parse(Some("   ")), NameOrPhone::default());
    }

    #[test]
    fn wildcards_are_taken_literally() {
        assert_eq!(contains_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }
}
