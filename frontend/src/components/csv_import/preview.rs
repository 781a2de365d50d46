//! The first rows of a CSV file, read in the browser so the user can map its columns
//! before uploading it. It reads the file the way the server will (same delimiter
//! rule, same csv crate), so the columns shown are the columns imported.

use tidings_domain::contact_list::{check_chosen_columns, column_label, map_headers, sniff_delimiter, RequiredColumn};

/// Data rows shown under the column mapping.
pub const PREVIEW_ROWS: usize = 3;

/// What the mapping step needs from a file: its columns and a few data rows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CsvPreview {
    /// The first row's cells (the header, when the file has one).
    pub first_row: Vec<String>,
    /// The rows after the first one, at most [`PREVIEW_ROWS`] + 1.
    pub next_rows: Vec<Vec<String>>,
}

impl CsvPreview {
    /// Reads the start of a file: the first kilobytes hold far more rows than the
    /// preview shows. `None` when there is no row at all.
    pub fn read(bytes: &[u8]) -> Option<CsvPreview> {
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(sniff_delimiter(bytes))
            .from_reader(bytes);
        let mut rows = reader
            .records()
            .map_while(Result::ok)
            .filter(|record| record.iter().any(|cell| !cell.trim().is_empty()))
            .take(PREVIEW_ROWS + 2)
            .map(|record| record.iter().map(|cell| cell.trim().to_owned()).collect::<Vec<_>>());
        let first_row = rows.next()?;
        Some(CsvPreview { first_row, next_rows: rows.collect() })
    }

    /// How many columns the mapping offers: the widest row read.
    pub fn column_count(&self) -> usize {
        self.next_rows.iter().map(Vec::len).chain([self.first_row.len()]).max().unwrap_or(0)
    }

    /// A column's name for people: its header, or "Column N" without a header row.
    pub fn column_name(&self, column: usize, has_header: bool) -> String {
        match self.first_row.get(column).filter(|h| has_header && !h.is_empty()) {
            Some(header) => header.clone(),
            None => column_label(column),
        }
    }

    /// The data rows to show.
    pub fn data_rows(&self, has_header: bool) -> Vec<Vec<String>> {
        let rows = if has_header {
            self.next_rows.clone()
        } else {
            [vec![self.first_row.clone()], self.next_rows.clone()].concat()
        };
        rows.into_iter().take(PREVIEW_ROWS).collect()
    }
}

/// The columns chosen for the required values, and each other column kept or not under
/// a field name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChosenColumns {
    pub first_name: Option<usize>,
    pub last_name: Option<usize>,
    pub phone: Option<usize>,
    /// Every column: whether it is kept as a field (ignored for the required ones) and
    /// the field's name.
    pub extra: Vec<ExtraColumn>,
}

/// One column the file may keep as a named field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtraColumn {
    pub column: usize,
    pub keep: bool,
    pub name: String,
}

impl ChosenColumns {
    /// The server's own guess (header aliases such as "Mobile" or "Surname") as the
    /// starting point; without a header the user chooses every required column.
    pub fn guess(preview: &CsvPreview, has_header: bool) -> ChosenColumns {
        let count = preview.column_count();
        let mapping = has_header.then(|| map_headers(&preview.first_row));
        let extra = (0..count)
            .map(|column| {
                let name = mapping
                    .as_ref()
                    .and_then(|m| m.fields.iter().find(|f| f.column == column).map(|f| f.name.clone()))
                    .unwrap_or_else(|| preview.column_name(column, has_header));
                ExtraColumn { column, keep: true, name }
            })
            .collect();
        ChosenColumns {
            first_name: mapping.as_ref().and_then(|m| m.first_name),
            last_name: mapping.as_ref().and_then(|m| m.last_name),
            phone: mapping.as_ref().and_then(|m| m.phone),
            extra,
        }
    }

    /// The column chosen for a required value.
    pub fn get(&self, which: RequiredColumn) -> Option<usize> {
        match which {
            RequiredColumn::FirstName => self.first_name,
            RequiredColumn::LastName => self.last_name,
            RequiredColumn::Phone => self.phone,
        }
    }

    /// Chooses the column for a required value.
    pub fn set(&mut self, which: RequiredColumn, column: Option<usize>) {
        match which {
            RequiredColumn::FirstName => self.first_name = column,
            RequiredColumn::LastName => self.last_name = column,
            RequiredColumn::Phone => self.phone = column,
        }
    }

    /// The required value `column` holds, if any.
    pub fn role_of(&self, column: usize) -> Option<RequiredColumn> {
        RequiredColumn::ALL.into_iter().find(|which| self.get(*which) == Some(column))
    }

    /// Whether `column` holds a required value.
    pub fn is_required(&self, column: usize) -> bool {
        [self.first_name, self.last_name, self.phone].contains(&Some(column))
    }

    /// What stops this mapping from being sent, in words; empty when it can be. The
    /// domain's rules, the server's own.
    pub fn problems(&self) -> Vec<String> {
        let required = RequiredColumn::ALL.map(|which| (which, self.get(which)));
        let fields: Vec<(usize, &str)> = self.kept().map(|e| (e.column, e.name.as_str())).collect();
        check_chosen_columns(required, &fields).iter().map(ToString::to_string).collect()
    }

    /// The extra columns kept as fields, in file order.
    pub fn kept(&self) -> impl Iterator<Item = &ExtraColumn> {
        self.extra.iter().filter(|e| e.keep && !self.is_required(e.column))
    }

    /// The `mapping` part of the upload, columns by index.
    pub fn to_mapping(&self) -> Option<tidings_domain::contact_list::ColumnMapping> {
        use tidings_domain::contact_list::{ColumnMapping, ColumnRef, FieldMapping};
        Some(ColumnMapping {
            first_name: ColumnRef::Index(self.first_name?),
            last_name: ColumnRef::Index(self.last_name?),
            phone: ColumnRef::Index(self.phone?),
            fields: Some(
                self.kept()
                    .map(|e| FieldMapping { column: ColumnRef::Index(e.column), name: Some(e.name.trim().to_owned()) })
                    .collect(),
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_whole_rows_and_guesses_like_the_server() {
        let file =
            b"Given name;Family name;Cell;Program\nAda;Lovelace;(202) 555-0100;Maths\nAlan;Turing;(202) 555-0101\n";
        let Some(preview) = CsvPreview::read(file) else { panic!("has rows") };
        assert_eq!(preview.first_row, ["Given name", "Family name", "Cell", "Program"]);
        assert_eq!(preview.column_count(), 4);
        let chosen = ChosenColumns::guess(&preview, true);
        assert_eq!((chosen.first_name, chosen.last_name, chosen.phone), (Some(0), Some(1), Some(2)));
        assert_eq!(chosen.kept().map(|e| e.name.as_str()).collect::<Vec<_>>(), ["Program"]);
        assert!(chosen.problems().is_empty());
    }

    #[test]
    fn without_a_header_every_column_is_chosen_by_hand() {
        let Some(preview) = CsvPreview::read(b"Ada,Lovelace,2025550100\n") else { panic!("has rows") };
        let mut chosen = ChosenColumns::guess(&preview, false);
        assert_eq!(chosen.problems().len(), 3);
        assert_eq!(preview.data_rows(false).len(), 1);
        chosen.first_name = Some(0);
        chosen.last_name = Some(0);
        chosen.phone = Some(2);
        assert_eq!(chosen.problems(), ["First name, last name and phone must be three different columns."]);
        chosen.last_name = Some(1);
        assert!(chosen.problems().is_empty());
        assert_eq!(chosen.kept().count(), 0);
    }

    #[test]
    fn an_empty_file_has_no_preview() {
        assert_eq!(CsvPreview::read(b"\n\n"), None);
    }
}
