//! The CPU step of an import: reading a CSV file or JSON rows, mapping columns with the
//! domain's rules, normalising phones and reporting every row's problem by number.

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

use serde_json::json;
use tidings_domain::contact_list::{
    map_headers, resolve_mapping, sniff_delimiter, ColumnMapping, ContactRowInput, FieldNames, HeaderMapping,
    ImportReport, RequiredColumn, RowProblem, RowProblemKind, MAX_COLUMNS,
};
use tidings_domain::template::placeholder_key;
use tidings_domain::FieldError;

use crate::error::{ApiError, ApiResult};
use crate::services::phones::{self, DefaultRegion};

/// One row ready to store.
#[derive(Debug, Clone)]
pub struct ParsedContact {
    pub row: u64,
    pub first_name: String,
    pub last_name: String,
    pub phone: String,
    /// JSON array of the field values, aligned with `ParsedImport::field_names`.
    pub fields: String,
}

/// The rows of an import that passed, and the report so far.
#[derive(Debug, Clone, Default)]
pub struct ParsedImport {
    /// The request field the rows came from (`file` or `rows`), for errors.
    pub source: &'static str,
    pub field_names: Vec<String>,
    pub contacts: Vec<ParsedContact>,
    pub report: ImportReport,
}

/// Checks rows one by one: required values, phone, duplicates.
struct RowChecker {
    region: DefaultRegion,
    /// E.164 → the row that imported it.
    seen: HashMap<String, u64>,
    parsed: ParsedImport,
}

impl RowChecker {
    fn new(region: DefaultRegion, source: &'static str, field_names: Vec<String>) -> Self {
        Self { region, seen: HashMap::new(), parsed: ParsedImport { source, field_names, ..ParsedImport::default() } }
    }

    fn problem(&mut self, row: u64, field: &str, kind: RowProblemKind, reason: String, value: Option<&str>) {
        self.parsed.report.push_problem(RowProblem {
            row,
            field: field.to_owned(),
            kind,
            reason,
            value: value.map(str::to_owned),
            duplicate_of: None,
        });
    }

    /// Checks one row; `extra_values` is how many non-blank values lie beyond the
    /// file's columns.
    fn check(
        &mut self,
        row: u64,
        first_name: &str,
        last_name: &str,
        phone: &str,
        fields: &[&str],
        extra_values: usize,
    ) {
        self.parsed.report.rows_read += 1;
        let (first_name, last_name, raw_phone) = (first_name.trim(), last_name.trim(), phone.trim());
        let mut ok = true;
        for (column, value) in [(RequiredColumn::FirstName, first_name), (RequiredColumn::LastName, last_name)] {
            if value.is_empty() {
                let reason = format!("the {} is blank", column.label());
                self.problem(row, column.field(), RowProblemKind::MissingValue, reason, None);
                ok = false;
            }
        }
        let phone = if raw_phone.is_empty() {
            self.problem(row, "phone", RowProblemKind::MissingValue, "the phone is blank".to_owned(), None);
            None
        } else {
            match phones::normalise(raw_phone, self.region) {
                Ok(phone) => Some(phone),
                Err(error) => {
                    let reason = format!("the phone {error}");
                    self.problem(row, "phone", RowProblemKind::InvalidPhone, reason, Some(raw_phone));
                    None
                }
            }
        };
        if extra_values > 0 {
            let reason = format!(
                "the row has {extra_values} more value(s) than the file has columns; check for an unquoted comma"
            );
            self.problem(row, "row", RowProblemKind::TooManyValues, reason, None);
            ok = false;
        }
        let Some(phone) = phone.filter(|_| ok) else {
            self.parsed.report.invalid += 1;
            return;
        };
        if let Some(first) = self.seen.get(&phone) {
            let duplicate_of = *first;
            self.parsed.report.duplicates += 1;
            self.parsed.report.push_problem(RowProblem {
                row,
                field: "phone".to_owned(),
                kind: RowProblemKind::Duplicate,
                reason: format!("the phone {phone} is already on row {duplicate_of}"),
                value: Some(raw_phone.to_owned()),
                duplicate_of: Some(duplicate_of),
            });
            return;
        }
        self.seen.insert(phone.clone(), row);
        let values: Vec<&str> = fields.iter().map(|v| v.trim()).collect();
        let fields = serde_json::to_string(&values).unwrap_or_else(|_| "[]".to_owned());
        self.parsed.contacts.push(ParsedContact {
            row,
            first_name: first_name.to_owned(),
            last_name: last_name.to_owned(),
            phone,
            fields,
        });
    }

    fn finish(self) -> ParsedImport {
        self.parsed
    }
}

/// How a CSV upload is to be read.
#[derive(Debug, Clone)]
pub struct CsvOptions {
    /// Whether the first row names the columns (the default).
    pub has_header: bool,
    /// An explicit column mapping; without one the header row is mapped by aliases.
    pub mapping: Option<ColumnMapping>,
}

const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

fn file_error(reason: impl Into<String>) -> ApiError {
    ApiError::invalid("file", reason)
}

/// Reads a CSV file row by row into contacts and a report. Refuses the file as a whole
/// (422) when it is empty, not UTF-8, not CSV, or lacks a required column.
pub fn parse_csv(bytes: &[u8], options: &CsvOptions, region: DefaultRegion) -> ApiResult<ParsedImport> {
    let bytes = bytes.strip_prefix(UTF8_BOM).unwrap_or(bytes);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(file_error("is empty"));
    }
    if let Err(error) = std::str::from_utf8(bytes) {
        return Err(file_error(format!(
            "is not UTF-8 text (byte {} is not valid UTF-8); save it as \"CSV UTF-8\"",
            error.valid_up_to() + 1
        )));
    }
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(sniff_delimiter(bytes))
        .from_reader(bytes);
    let mut record = csv::StringRecord::new();
    let read = |reader: &mut csv::Reader<&[u8]>, record: &mut csv::StringRecord| {
        reader.read_record(record).map_err(|error| {
            let line = error.position().map(|p| p.line()).unwrap_or_default();
            file_error(format!("is not a readable CSV file near line {line}"))
        })
    };
    if !read(&mut reader, &mut record)? {
        return Err(file_error("is empty"));
    }
    let (headers, mapping, mut pending_first_row) = if options.has_header {
        let headers: Vec<String> = record.iter().map(|h| h.trim().to_owned()).collect();
        let mapping = match &options.mapping {
            Some(explicit) => resolve_mapping(Some(&headers), headers.len(), explicit).map_err(ApiError::validation)?,
            None => header_mapping(&headers)?,
        };
        (Some(headers), mapping, false)
    } else {
        let explicit = options
            .mapping
            .as_ref()
            .ok_or_else(|| ApiError::invalid("mapping", "is required when the file has no header row"))?;
        let mapping = resolve_mapping(None, record.len(), explicit).map_err(ApiError::validation)?;
        (None, mapping, true)
    };
    let column_count = headers.as_ref().map_or(record.len(), Vec::len).max(mapping.width());
    if column_count > MAX_COLUMNS {
        return Err(file_error(format!(
            "has {column_count} columns; a contact list has at most {MAX_COLUMNS} (remove the ones you do not need)"
        )));
    }
    let mut checker = RowChecker::new(region, "file", mapping.field_names());
    let cell = |record: &csv::StringRecord, column: Option<usize>| -> String {
        column.and_then(|c| record.get(c)).unwrap_or("").to_owned()
    };
    let mut row = 0_u64;
    loop {
        if pending_first_row {
            pending_first_row = false;
        } else if !read(&mut reader, &mut record)? {
            break;
        }
        row += 1;
        if record.iter().all(|value| value.trim().is_empty()) {
            continue;
        }
        let extra_values = record.iter().skip(column_count).filter(|value| !value.trim().is_empty()).count();
        let field_values: Vec<&str> = mapping.fields.iter().map(|f| record.get(f.column).unwrap_or("")).collect();
        let (first, last, phone) =
            (cell(&record, mapping.first_name), cell(&record, mapping.last_name), cell(&record, mapping.phone));
        checker.check(row, &first, &last, &phone, &field_values, extra_values);
    }
    let parsed = checker.finish();
    if parsed.report.rows_read == 0 {
        return Err(file_error("has no data rows"));
    }
    Ok(parsed)
}

/// Maps a header row by aliases; a missing required column refuses the file, naming it.
fn header_mapping(headers: &[String]) -> ApiResult<HeaderMapping> {
    let mapping = map_headers(headers);
    let missing = mapping.missing();
    if missing.is_empty() {
        return Ok(mapping);
    }
    let examples = |column: RequiredColumn| match column {
        RequiredColumn::FirstName => "'First Name' or 'first_name'",
        RequiredColumn::LastName => "'Last Name' or 'Surname'",
        RequiredColumn::Phone => "'Phone', 'Mobile' or 'Cell'",
    };
    let errors = missing
        .iter()
        .map(|column| {
            FieldError::new(
                "file",
                format!("has no {} column: name one {}, or send a mapping", column.label(), examples(*column)),
            )
        })
        .collect();
    Err(ApiError::validation(errors).with_extensions(json!({
        "missing_columns": missing,
        "headers": headers,
    })))
}

/// The head of a JSON import — its name and office — read before its rows, which are
/// skipped here and checked one by one by [`JsonRowsSeed`] once the office (and so the
/// phone region) is known.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonImportHead {
    pub name: String,
    pub office_id: i64,
    #[expect(dead_code, reason = "required here; read by JsonRowsSeed")]
    rows: IgnoredAny,
}

/// Reads a JSON import's `rows` straight from the body, checking each row like a CSV's
/// and dropping it before the next is read: a large import never holds every row as
/// text and as parsed fields at once. The list's fields are every name used in
/// `fields`, in the order they first appear; names that differ only in case, spaces or
/// underscores are one field.
pub struct JsonRowsSeed {
    stream: RowStream,
}

impl JsonRowsSeed {
    pub fn new(region: DefaultRegion) -> Self {
        Self { stream: RowStream::new(region) }
    }
}

/// The rows checked so far and the field names they introduced.
struct RowStream {
    names: FieldNames,
    index_by_key: HashMap<String, usize>,
    checker: RowChecker,
    /// How many field values each stored contact was written with (later rows may
    /// name new fields; earlier contacts are padded with blanks at the end).
    widths: Vec<usize>,
}

impl RowStream {
    fn new(region: DefaultRegion) -> Self {
        Self {
            names: FieldNames::default(),
            index_by_key: HashMap::new(),
            checker: RowChecker::new(region, "rows", Vec::new()),
            widths: Vec::new(),
        }
    }

    /// Checks one row; `Err` names the field limit when the row passes it.
    fn push<'a>(&mut self, number: u64, row: &'a ContactRowInput) -> Result<(), String> {
        let field_names = &mut self.checker.parsed.field_names;
        for field in &row.fields.0 {
            if let Entry::Vacant(slot) = self.index_by_key.entry(placeholder_key(&field.name)) {
                if field_names.len() + 3 >= MAX_COLUMNS {
                    return Err(format!(
                        "name more than {} different fields; a contact list has at most that many besides first \
                         name, last name and phone (row {number} adds \"{}\")",
                        MAX_COLUMNS - 3,
                        field.name
                    ));
                }
                slot.insert(field_names.len());
                let name = self.names.claim(Some(&field.name), field_names.len());
                field_names.push(name);
            }
        }
        let mut values = vec![""; field_names.len()];
        for field in &row.fields.0 {
            if let Some(index) = self.index_by_key.get(&placeholder_key(&field.name)) {
                values[*index] = &field.value;
            }
        }
        let width = values.len();
        let stored = self.checker.parsed.contacts.len();
        let text = |value: &'a Option<String>| value.as_deref().unwrap_or_default();
        self.checker.check(number, text(&row.first_name), text(&row.last_name), text(&row.phone), &values, 0);
        if self.checker.parsed.contacts.len() > stored {
            self.widths.push(width);
        }
        Ok(())
    }

    fn finish(self) -> ApiResult<ParsedImport> {
        let mut parsed = self.checker.finish();
        if parsed.report.rows_read == 0 {
            return Err(ApiError::invalid("rows", "must contain at least one row"));
        }
        let width = parsed.field_names.len();
        for (contact, written) in parsed.contacts.iter_mut().zip(self.widths) {
            pad_fields(&mut contact.fields, written, width);
        }
        Ok(parsed)
    }
}

/// Appends blank values to a JSON array of `written` strings until it holds `width`.
fn pad_fields(fields: &mut String, written: usize, width: usize) {
    if written >= width || !fields.ends_with(']') {
        return;
    }
    fields.pop();
    for i in written..width {
        fields.push_str(if i == 0 { "\"\"" } else { ",\"\"" });
    }
    fields.push(']');
}

/// Every row of a JSON import, checked; [`CheckedRows::finish`] gives the import.
pub struct CheckedRows(RowStream);

impl CheckedRows {
    /// The rows that passed and the report; an import without rows is refused.
    pub fn finish(self) -> ApiResult<ParsedImport> {
        self.0.finish()
    }
}

impl<'de> DeserializeSeed<'de> for JsonRowsSeed {
    type Value = CheckedRows;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<CheckedRows, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for JsonRowsSeed {
    type Value = CheckedRows;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object with name, office_id and rows")
    }

    fn visit_map<A: MapAccess<'de>>(mut self, mut map: A) -> Result<CheckedRows, A::Error> {
        let mut read_rows = false;
        while let Some(key) = map.next_key::<String>()? {
            if key == "rows" && !read_rows {
                read_rows = true;
                map.next_value_seed(RowsSeed { stream: &mut self.stream })?;
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        if !read_rows {
            return Err(de::Error::missing_field("rows"));
        }
        Ok(CheckedRows(self.stream))
    }
}

/// The `rows` array, each element checked as it is read.
struct RowsSeed<'a> {
    stream: &'a mut RowStream,
}

impl<'de> DeserializeSeed<'de> for RowsSeed<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for RowsSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of contact rows")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut number = 0_u64;
        while let Some(row) = seq.next_element::<ContactRowInput>()? {
            number += 1;
            self.stream.push(number, &row).map_err(de::Error::custom)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use tidings_domain::contact_list::ColumnRef;

    fn us() -> DefaultRegion {
        DefaultRegion::for_time_zone("America/New_York")
    }

    fn header_csv(body: &str) -> ApiResult<ParsedImport> {
        parse_csv(body.as_bytes(), &CsvOptions { has_header: true, mapping: None }, us())
    }

    #[test]
    fn rows_are_checked_and_reported_by_row_number() {
        let csv = "First Name,Last Name,Mobile,Program\n\
                   Ada,Lovelace,(202) 555-0101,Math\n\
                   Alan,,202-555-0102,CS\n\
                   Grace,Hopper,12345,Navy\n\
                   ,,,\n\
                   Ada,Byron,+1 202 555 0101,Poetry\n\
                   Edsger,Dijkstra,202 555 0103,Algo,extra\n";
        let Ok(parsed) = header_csv(csv) else { panic!("parses") };
        let report = &parsed.report;
        assert_eq!((report.rows_read, report.invalid, report.duplicates), (5, 3, 1));
        assert_eq!(parsed.contacts.len(), 1);
        assert_eq!(parsed.contacts[0].phone, "+12025550101");
        assert_eq!(parsed.contacts[0].fields, r#"["Math"]"#);
        let seen: Vec<(u64, &str, RowProblemKind)> =
            report.problems.iter().map(|p| (p.row, p.field.as_str(), p.kind)).collect();
        assert_eq!(
            seen,
            [
                (2, "last_name", RowProblemKind::MissingValue),
                (3, "phone", RowProblemKind::InvalidPhone),
                (5, "phone", RowProblemKind::Duplicate),
                (6, "row", RowProblemKind::TooManyValues),
            ]
        );
        assert_eq!(report.problems[2].duplicate_of, Some(1));
    }

    #[test]
    fn files_without_rows_or_columns_are_refused() {
        for body in ["", "  \n", "First Name,Last Name,Phone\n", "First Name,Last Name,Phone\n,,\n"] {
            let Err(error) = header_csv(body) else { panic!("{body:?} refused") };
            assert_eq!(error.status().as_u16(), 422);
        }
        let Err(error) = header_csv("First Name,Last Name,Email\nA,B,c@d.e\n") else { panic!("refused") };
        let problem = error.problem();
        assert_eq!(problem.errors[0].field, "file");
        assert!(problem.errors[0].reason.contains("phone"));
        let Err(error) = parse_csv(b"A,B,\xff\n", &CsvOptions { has_header: true, mapping: None }, us()) else {
            panic!("refused")
        };
        assert!(error.problem().errors[0].reason.contains("UTF-8"));
    }

    #[test]
    fn semicolons_a_bom_and_headerless_files_with_a_mapping_are_read() {
        let Ok(parsed) = header_csv("\u{feff}First Name;Last Name;Handy;Cell\nA;B;x;2025550101\n") else {
            panic!("reads a semicolon file with a byte order mark")
        };
        assert_eq!(parsed.contacts[0].phone, "+12025550101");
        assert_eq!(parsed.field_names, ["Handy"]);

        let mapping = ColumnMapping {
            first_name: ColumnRef::Index(1),
            last_name: ColumnRef::Index(2),
            phone: ColumnRef::Index(0),
            fields: None,
        };
        let Ok(parsed) = parse_csv(
            b"2025550101,Ada,Lovelace,Math\n2025550102,Alan,Turing,CS\n",
            &CsvOptions { has_header: false, mapping: Some(mapping.clone()) },
            us(),
        ) else {
            panic!("reads without a header")
        };
        assert_eq!(parsed.contacts.len(), 2);
        assert_eq!(parsed.field_names, ["Column 4"]);
        assert_eq!(parsed.contacts[1].row, 2);
        let Err(error) =
            parse_csv(b"2025550101,Ada,Lovelace\n", &CsvOptions { has_header: false, mapping: None }, us())
        else {
            panic!("a headerless file needs a mapping")
        };
        assert_eq!(error.problem().errors[0].field, "mapping");
    }

    fn json_rows(body: &str) -> ApiResult<ParsedImport> {
        crate::http::json::parse_json_seed(body.as_bytes(), JsonRowsSeed::new(us()))?.finish()
    }

    #[test]
    fn json_rows_share_the_checks() {
        let Ok(parsed) = json_rows(
            r#"{"name": "L", "office_id": 1, "rows": [
                {"first_name": "Ada", "last_name": "Lovelace", "phone": "2025550101", "fields": {"Program": "Math"}},
                {"first_name": "Alan", "last_name": "Turing", "phone": "nope", "fields": {"program": "CS", "Year": 2}},
                {"first_name": "Grace", "last_name": "Hopper", "phone": "2025550103", "fields": {"Year": 3}}]}"#,
        ) else {
            panic!("parses")
        };
        assert_eq!(parsed.field_names, ["Program", "Year"]);
        assert_eq!(parsed.contacts.len(), 2);
        // Ada was checked before "Year" appeared: her values are padded to the list's width.
        assert_eq!(parsed.contacts[0].fields, r#"["Math",""]"#);
        assert_eq!(parsed.contacts[1].fields, r#"["","3"]"#);
        assert_eq!(parsed.report.problems[0].row, 2);
    }

    #[test]
    fn json_imports_without_rows_or_with_too_many_fields_are_refused_naming_rows() {
        for body in [r#"{"name": "L", "office_id": 1, "rows": []}"#, r#"{"name": "L", "office_id": 1}"#] {
            let Err(error) = json_rows(body) else { panic!("{body} refused") };
            assert_eq!((error.status().as_u16(), error.problem().errors[0].field.as_str()), (422, "rows"), "{body}");
        }
        let fields: Vec<String> = (0..MAX_COLUMNS - 2).map(|i| format!(r#""f{i}": "v""#)).collect();
        let body = format!(
            r#"{{"name": "L", "office_id": 1, "rows": [{{"first_name": "A", "last_name": "B", "phone": "2025550101", "fields": {{{}}}}}]}}"#,
            fields.join(",")
        );
        let Err(error) = json_rows(&body) else { panic!("too many fields refused") };
        let problem = error.problem();
        assert_eq!((error.status().as_u16(), problem.errors[0].field.as_str()), (422, "rows"));
        assert!(problem.errors[0].reason.contains("at most"), "{}", problem.errors[0].reason);
        let Err(error) = json_rows(r#"{"name": "L", "office_id": 1, "rows": [{"phone": {"x": 1}}]}"#) else {
            panic!("a row of the wrong shape is refused")
        };
        assert_eq!(error.problem().errors[0].field, "rows[0].phone");
    }
}
