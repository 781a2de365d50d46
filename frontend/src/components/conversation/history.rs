//! The composer's undo and redo, a word or an edit at a time: typing within a word
//! extends one step, a space or punctuation starts the next, and an inserted emoji or a
//! paste is a step of its own. The composer keeps its own history because the
//! browser's forgets changes a script makes, such as an emoji put in by the picker.

/// Steps kept; older ones are dropped.
const MAX_STEPS: usize = 200;

/// The texts the composer has held, and which one it shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct History {
    steps: Vec<String>,
    at: usize,
    /// Whether the last step was typed (and may grow while the word goes on).
    typing: bool,
}

impl Default for History {
    fn default() -> Self {
        History { steps: vec![String::new()], at: 0, typing: false }
    }
}

/// Whether going from `before` to `after` only adds or removes word characters at the
/// end: the same word being typed (or erased) on.
fn continues_word(before: &str, after: &str) -> bool {
    let changed = if let Some(added) = after.strip_prefix(before) {
        added
    } else if let Some(removed) = before.strip_prefix(after) {
        removed
    } else {
        return false;
    };
    // Not `char::is_alphanumeric`: its Unicode tables would weigh on the page, and
    // "not a space or punctuation" draws the same line in every script people type.
    let in_word = |c: char| !(c.is_whitespace() || c.is_ascii_punctuation()) || c == '\'' || c == '’';
    // A word goes on only from a word character (a step ends after a space).
    !changed.is_empty()
        && changed.chars().count() <= 2
        && changed.chars().all(in_word)
        && after.chars().last().is_none_or(in_word)
        && before.chars().last().is_none_or(in_word)
}

impl History {
    /// The text shown now.
    pub fn current(&self) -> &str {
        &self.steps[self.at]
    }

    /// Records what the user typed: within a word it extends the step being typed.
    pub fn type_text(&mut self, text: String) {
        let latest = self.at + 1 == self.steps.len();
        if self.typing && latest && self.at > 0 && continues_word(self.current(), &text) {
            self.steps[self.at] = text;
            return;
        }
        self.record(text);
        self.typing = true;
    }

    /// Records an edit as a step of its own: anything undone before it can no longer be
    /// redone.
    pub fn record(&mut self, text: String) {
        self.typing = false;
        if text == self.current() {
            return;
        }
        self.steps.truncate(self.at + 1);
        self.steps.push(text);
        if self.steps.len() > MAX_STEPS {
            self.steps.remove(0);
        }
        self.at = self.steps.len() - 1;
    }

    pub fn can_undo(&self) -> bool {
        self.at > 0
    }

    pub fn can_redo(&self) -> bool {
        self.at + 1 < self.steps.len()
    }

    /// Steps back; the text to show.
    pub fn undo(&mut self) -> &str {
        self.typing = false;
        self.at = self.at.saturating_sub(1);
        self.current()
    }

    /// Steps forward again; the text to show.
    pub fn redo(&mut self) -> &str {
        self.typing = false;
        if self.can_redo() {
            self.at += 1;
        }
        self.current()
    }
}

/// `text` with `insert` put at `at`, counted in UTF-16 units as the browser counts a
/// caret; the caret after the insertion. A position inside a surrogate pair, or past
/// the end, inserts at the end.
pub fn insert_at(text: &str, at: u32, insert: &str) -> (String, u32) {
    let mut units: Vec<u16> = text.encode_utf16().collect();
    let mut at = (at as usize).min(units.len());
    if at < units.len() && (0xDC00..=0xDFFF).contains(&units[at]) {
        at = units.len();
    }
    let added: Vec<u16> = insert.encode_utf16().collect();
    let caret = at + added.len();
    units.splice(at..at, added);
    (String::from_utf16_lossy(&units), caret as u32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn undo_and_redo_walk_the_edits() {
        let mut history = History::default();
        history.record("H".into());
        history.record("Hi".into());
        assert_eq!(history.undo(), "H");
        assert_eq!(history.undo(), "");
        assert!(!history.can_undo());
        assert_eq!(history.redo(), "H");
        history.record("Ho".into());
        assert!(!history.can_redo(), "a new edit drops what was undone");
        assert_eq!(history.undo(), "H");
    }

    /// Types `text` one character at a time, as keystrokes arrive.
    fn type_out(history: &mut History, text: &str) {
        let mut typed = history.current().to_owned();
        for c in text.chars() {
            typed.push(c);
            history.type_text(typed.clone());
        }
    }

    #[test]
    fn typing_is_undone_a_word_at_a_time() {
        let mut history = History::default();
        type_out(&mut history, "See you soon");
        assert_eq!(history.undo(), "See you ");
        assert_eq!(history.undo(), "See you");
        assert_eq!(history.undo(), "See ");
        assert_eq!(history.undo(), "See");
        assert_eq!(history.undo(), "");
        assert_eq!(history.redo(), "See");
        type_out(&mut history, "!");
        assert_eq!(history.current(), "See!");
        assert_eq!(history.undo(), "See", "punctuation is a step of its own");
    }

    #[test]
    fn an_emoji_or_a_paste_is_one_step() {
        let mut history = History::default();
        type_out(&mut history, "Hi");
        history.record("Hi👍".into());
        type_out(&mut history, "ok");
        assert_eq!(history.undo(), "Hi👍");
        assert_eq!(history.undo(), "Hi");
        history.type_text("Hi there, pasted".into());
        assert_eq!(history.undo(), "Hi", "a paste adds many characters at once: one step");
    }

    #[test]
    fn insertion_counts_utf16_units_like_the_caret() {
        assert_eq!(insert_at("ab", 1, "😀"), ("a😀b".to_owned(), 3));
        assert_eq!(insert_at("😀b", 2, "!"), ("😀!b".to_owned(), 3));
        assert_eq!(insert_at("😀", 1, "!"), ("😀!".to_owned(), 3), "never splits a pair");
        assert_eq!(insert_at("ab", 9, "c"), ("abc".to_owned(), 3));
    }
}
