//! Case-insensitive substring search that works the same on both backends:
//! `lower(column) LIKE '%needle%'` with the needle's wildcards taken literally.

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

/// Narrows a boxed query of people (contacts, conversations) to those whose full name
/// contains `$name` (lower-cased) or whose phone contains `$digits` — either, when both
/// are given — the one search the contact, campaign-contact and conversation lists
/// share. A macro, not a function: each list's columns are their own diesel types.
///
/// `filter_name_or_phone!(query, first_name_column, last_name_column, phone_column,
/// name: Option<&String>, digits: Option<&String>)`
#[macro_export]
macro_rules! filter_name_or_phone {
    ($query:ident, $first:expr, $last:expr, $phone:expr, $name:expr, $digits:expr) => {{
        use $crate::db::text_search::{contains_pattern, lower, LIKE_ESCAPE};
        let full_name = lower($first.concat(" ").concat($last));
        match ($name, $digits) {
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
    fn wildcards_are_taken_literally() {
        assert_eq!(contains_pattern("50%_off\\"), "%50\\%\\_off\\\\%");
    }
}
