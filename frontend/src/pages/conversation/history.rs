//! The composer's undo and redo: every edit (typing, an inserted emoji) is a step. The
//! composer keeps its own history because the browser's forgets changes a script
//! makes, such as an emoji put in by the picker.

/// Steps kept; older ones are dropped.
const MAX_STEPS: usize = 200;

/// The texts the composer has held, and which one it shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct History {
    steps: Vec<String>,
    at: usize,
}

impl Default for History {
    fn default() -> Self {
        History { steps: vec![String::new()], at: 0 }
    }
}

impl History {
    /// The text shown now.
    pub fn current(&self) -> &str {
        &self.steps[self.at]
    }

    /// Records an edit: anything undone before it can no longer be redone.
    pub fn record(&mut self, text: String) {
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
        self.at = self.at.saturating_sub(1);
        self.current()
    }

    /// Steps forward again; the text to show.
    pub fn redo(&mut self) -> &str {
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

    #[test]
    fn insertion_counts_utf16_units_like_the_caret() {
        assert_eq!(insert_at("ab", 1, "😀"), ("a😀b".to_owned(), 3));
        assert_eq!(insert_at("😀b", 2, "!"), ("😀!b".to_owned(), 3));
        assert_eq!(insert_at("😀", 1, "!"), ("😀!".to_owned(), 3), "never splits a pair");
        assert_eq!(insert_at("ab", 9, "c"), ("abc".to_owned(), 3));
    }
}
