//! Contact lists: wire types, and the CSV column mapping the server and the SPA share.
//!
//! A contact list is imported from a CSV file (UTF-8, header row) or from JSON rows.
//! First name, last name and phone are required columns; every other column is kept
//! as a named field, in file order. [`map_headers`] finds the required columns among
//! the headers people actually write ("First Name", "first_name", "Mobile", "Cell
//! Phone" …); [`resolve_mapping`] applies an explicit mapping chosen in the SPA's
//! column-mapping step (or sent by an integration), for files without a header row or
//! with headers no alias matches.

use std::collections::HashSet;
use std::fmt;

use chrono::{DateTime, Utc};
use serde::de::{self, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};

use crate::problem::FieldError;
use crate::template::placeholder_key;

/// Longest contact list name accepted.
pub const CONTACT_LIST_NAME_MAX: usize = 200;
/// Most per-row problems (and, separately, opted-out flags) an import report lists; the
/// counts always cover every row.
pub const MAX_REPORTED_ROWS: usize = 1000;

/// Columns a contact list may have, first name, last name and phone included: enough
/// for any student or patient export, and a bound on what one row costs to store.
pub const MAX_COLUMNS: usize = 50;

/// A column every contact list must have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RequiredColumn {
    FirstName,
    LastName,
    Phone,
}

impl RequiredColumn {
    pub const ALL: [RequiredColumn; 3] = [RequiredColumn::FirstName, RequiredColumn::LastName, RequiredColumn::Phone];

    /// The field name used in reports and mappings: `first_name`, `last_name`, `phone`.
    pub fn field(self) -> &'static str {
        match self {
            RequiredColumn::FirstName => "first_name",
            RequiredColumn::LastName => "last_name",
            RequiredColumn::Phone => "phone",
        }
    }

    /// How a person calls it.
    pub fn label(self) -> &'static str {
        match self {
            RequiredColumn::FirstName => "first name",
            RequiredColumn::LastName => "last name",
            RequiredColumn::Phone => "phone",
        }
    }

    /// Header spellings recognised for this column, as [`alias_key`]s, in tiers: a
    /// column matching an earlier tier wins over one matching a later tier (a "Mobile"
    /// column is a better number to text than a "Phone" column), and within a tier the
    /// first column of the file wins.
    pub fn alias_tiers(self) -> &'static [&'static [&'static str]] {
        match self {
            RequiredColumn::FirstName => {
                &[&["firstname", "first", "givenname", "fname", "forename", "firstnames", "givennames"]]
            }
            RequiredColumn::LastName => &[&["lastname", "last", "surname", "familyname", "lname"]],
            RequiredColumn::Phone => &[
                &[
                    "mobile",
                    "mobilephone",
                    "mobilenumber",
                    "mobilephonenumber",
                    "mobileno",
                    "mobile#",
                    "cell",
                    "cellphone",
                    "cellnumber",
                    "cellphonenumber",
                    "cellno",
                    "cell#",
                    "sms",
                    "smsnumber",
                    "textnumber",
                ],
                &[
                    "phone",
                    "phonenumber",
                    "phoneno",
                    "phone#",
                    "telephone",
                    "telephonenumber",
                    "tel",
                    "contactnumber",
                    "primaryphone",
                ],
            ],
        }
    }
}

/// The key headers are compared by: lower-cased, without spaces, underscores, hyphens
/// and dots. "First Name", "first_name", "FIRST-NAME" and "firstname" are one key.
pub fn alias_key(header: &str) -> String {
    header
        .trim()
        .chars()
        .filter(|c| !(c.is_whitespace() || matches!(c, '_' | '-' | '.')))
        .flat_map(char::to_lowercase)
        .collect()
}

/// One kept column: where it is and the field name it is stored under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MappedField {
    /// 0-based column index in the file.
    pub column: usize,
    pub name: String,
}

/// Which column holds what. Column indices are 0-based.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HeaderMapping {
    pub first_name: Option<usize>,
    pub last_name: Option<usize>,
    pub phone: Option<usize>,
    /// Every other kept column, in the order its values are stored (file order unless
    /// an explicit mapping chose another).
    pub fields: Vec<MappedField>,
}

impl HeaderMapping {
    /// The column of a required value, if mapped.
    pub fn column(&self, column: RequiredColumn) -> Option<usize> {
        match column {
            RequiredColumn::FirstName => self.first_name,
            RequiredColumn::LastName => self.last_name,
            RequiredColumn::Phone => self.phone,
        }
    }

    /// The required columns no header matched.
    pub fn missing(&self) -> Vec<RequiredColumn> {
        RequiredColumn::ALL.into_iter().filter(|c| self.column(*c).is_none()).collect()
    }

    pub fn is_complete(&self) -> bool {
        self.missing().is_empty()
    }

    /// The field names, in storage order.
    pub fn field_names(&self) -> Vec<String> {
        self.fields.iter().map(|f| f.name.clone()).collect()
    }

    /// The highest column index the mapping reads, plus one.
    pub fn width(&self) -> usize {
        RequiredColumn::ALL
            .into_iter()
            .filter_map(|c| self.column(c))
            .chain(self.fields.iter().map(|f| f.column))
            .max()
            .map_or(0, |max| max + 1)
    }
}

/// Field names of one list, kept apart by their [`placeholder_key`] so every field can
/// be addressed in a message template: a name that folds to a name already taken (or
/// to `first_name`, `last_name`, `phone`) gets a " (2)", " (3)" … suffix.
#[derive(Debug, Clone)]
pub struct FieldNames {
    taken: HashSet<String>,
}

impl Default for FieldNames {
    fn default() -> Self {
        Self { taken: crate::template::BUILTIN_PLACEHOLDERS.iter().map(|p| (*p).to_owned()).collect() }
    }
}

impl FieldNames {
    /// The name a column is kept under: its trimmed header, `Column N` (1-based) when
    /// the header is blank, made unique.
    pub fn claim(&mut self, header: Option<&str>, column: usize) -> String {
        let base = header.map(str::trim).filter(|h| !h.is_empty()).map_or_else(|| column_label(column), str::to_owned);
        let mut name = base.clone();
        let mut n = 2;
        while !self.taken.insert(placeholder_key(&name)) {
            name = format!("{base} ({n})");
            n += 1;
        }
        name
    }

    /// Claims `name` exactly; `false` when it is already taken.
    pub fn claim_exact(&mut self, name: &str) -> bool {
        self.taken.insert(placeholder_key(name))
    }
}

/// Why columns chosen by hand (the upload form's mapping, by column number) cannot be
/// sent yet. The same rules [`resolve_mapping`] applies on the server, in the words the
/// form shows beside the choice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MappingProblem {
    /// A required column is not chosen.
    Unchosen(RequiredColumn),
    /// Two required values were given the same column.
    SameColumn,
    /// A kept column has no field name.
    UnnamedField { column: usize },
    /// A kept column's name is taken (by another field, or by first_name, last_name,
    /// phone, which templates address the same way).
    NameTaken { column: usize, name: String },
}

impl std::fmt::Display for MappingProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MappingProblem::Unchosen(which) => write!(f, "Choose the column that holds the {}.", which.label()),
            MappingProblem::SameColumn => {
                f.write_str("First name, last name and phone must be three different columns.")
            }
            MappingProblem::UnnamedField { column } => {
                write!(f, "{} is kept, so it needs a field name.", column_label(*column))
            }
            MappingProblem::NameTaken { column, name } => {
                write!(f, "{}: “{name}” is already the name of another field.", column_label(*column))
            }
        }
    }
}

/// Checks a mapping chosen by column numbers: `required` the column of each required
/// value (unchosen ones `None`), `fields` each kept column with the name typed for it.
pub fn check_chosen_columns(
    required: [(RequiredColumn, Option<usize>); 3],
    fields: &[(usize, &str)],
) -> Vec<MappingProblem> {
    let mut problems: Vec<MappingProblem> = required
        .iter()
        .filter(|(_, column)| column.is_none())
        .map(|(which, _)| MappingProblem::Unchosen(*which))
        .collect();
    let chosen: Vec<usize> = required.iter().filter_map(|(_, column)| *column).collect();
    if (1..chosen.len()).any(|i| chosen[..i].contains(&chosen[i])) {
        problems.push(MappingProblem::SameColumn);
    }
    let mut names = FieldNames::default();
    for (column, name) in fields {
        let name = name.trim();
        if name.is_empty() {
            problems.push(MappingProblem::UnnamedField { column: *column });
        } else if !names.claim_exact(name) {
            problems.push(MappingProblem::NameTaken { column: *column, name: name.to_owned() });
        }
    }
    problems
}

/// "Column 3" for the 0-based column 2.
pub fn column_label(column: usize) -> String {
    format!("Column {}", column + 1)
}

/// The delimiter of a CSV file: whichever of comma, semicolon and tab is most common in
/// its first line (spreadsheets in many locales write semicolons), comma on a tie. The
/// server reads uploads with it and the SPA previews them with it, so both see the same
/// columns.
pub fn sniff_delimiter(bytes: &[u8]) -> u8 {
    let first_line = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    let count = |d: u8| first_line.iter().filter(|b| **b == d).count();
    let (comma, semicolon, tab) = (count(b','), count(b';'), count(b'\t'));
    if semicolon > comma && semicolon >= tab {
        b';'
    } else if tab > comma && tab > semicolon {
        b'\t'
    } else {
        b','
    }
}

/// Maps a header row: each required column to the best-matching header (see
/// [`RequiredColumn::alias_tiers`]), every other column to a field named after its
/// header. Required columns no header matches are left `None`; see
/// [`HeaderMapping::missing`].
pub fn map_headers<S: AsRef<str>>(headers: &[S]) -> HeaderMapping {
    let keys: Vec<String> = headers.iter().map(|h| alias_key(h.as_ref())).collect();
    let mut mapping = HeaderMapping::default();
    for required in RequiredColumn::ALL {
        let found = required.alias_tiers().iter().find_map(|tier| {
            keys.iter().enumerate().position(|(i, key)| tier.contains(&key.as_str()) && !is_mapped(&mapping, i))
        });
        match required {
            RequiredColumn::FirstName => mapping.first_name = found,
            RequiredColumn::LastName => mapping.last_name = found,
            RequiredColumn::Phone => mapping.phone = found,
        }
    }
    let mut names = FieldNames::default();
    for (column, header) in headers.iter().enumerate() {
        if !is_mapped(&mapping, column) {
            let name = names.claim(Some(header.as_ref()), column);
            mapping.fields.push(MappedField { column, name });
        }
    }
    mapping
}

fn is_mapped(mapping: &HeaderMapping, column: usize) -> bool {
    RequiredColumn::ALL.into_iter().any(|c| mapping.column(c) == Some(column))
}

/// A column named by its 0-based index or by its header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(untagged)]
pub enum ColumnRef {
    Index(usize),
    Header(String),
}

/// An extra field of an explicit mapping.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct FieldMapping {
    pub column: ColumnRef,
    /// The field's name; defaults to the column's header (or `Column N`).
    #[serde(default)]
    pub name: Option<String>,
}

/// An explicit column mapping (the `mapping` part of a CSV upload): which column holds
/// each required value and which other columns to keep. Without `fields`, every other
/// column is kept, in file order, under its header's name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ColumnMapping {
    pub first_name: ColumnRef,
    pub last_name: ColumnRef,
    pub phone: ColumnRef,
    #[serde(default)]
    pub fields: Option<Vec<FieldMapping>>,
}

/// Applies an explicit mapping to a file with `column_count` columns and, when it has a
/// header row, these `headers`. Errors name the mapping's field (`mapping.phone`,
/// `mapping.fields[1].name` …).
pub fn resolve_mapping(
    headers: Option<&[String]>,
    column_count: usize,
    mapping: &ColumnMapping,
) -> Result<HeaderMapping, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut used: Vec<(usize, String)> = Vec::new();
    let mut resolve = |reference: &ColumnRef, field: String, errors: &mut Vec<FieldError>| -> Option<usize> {
        let column = match reference {
            ColumnRef::Index(i) if *i < column_count => Some(*i),
            ColumnRef::Index(i) => {
                errors.push(FieldError::new(
                    &field,
                    format!("names column {i} but the file has {column_count} columns (numbered from 0)"),
                ));
                None
            }
            ColumnRef::Header(name) => match headers {
                None => {
                    errors.push(FieldError::new(&field, "must be a column number: the file has no header row"));
                    None
                }
                Some(headers) => {
                    let exact = headers.iter().position(|h| h.trim() == name.trim());
                    let found = exact.or_else(|| headers.iter().position(|h| alias_key(h) == alias_key(name)));
                    if found.is_none() {
                        errors.push(FieldError::new(&field, format!("names '{name}', which is not in the header row")));
                    }
                    found
                }
            },
        }?;
        if let Some((_, other)) = used.iter().find(|(c, _)| *c == column) {
            errors.push(FieldError::new(&field, format!("names the same column as {other}")));
            return None;
        }
        used.push((column, field));
        Some(column)
    };
    let mut resolved = HeaderMapping {
        first_name: resolve(&mapping.first_name, "mapping.first_name".to_owned(), &mut errors),
        last_name: resolve(&mapping.last_name, "mapping.last_name".to_owned(), &mut errors),
        phone: resolve(&mapping.phone, "mapping.phone".to_owned(), &mut errors),
        fields: Vec::new(),
    };
    let header_of = |column: usize| headers.and_then(|h| h.get(column)).map(String::as_str);
    let mut names = FieldNames::default();
    match &mapping.fields {
        Some(fields) => {
            for (i, field) in fields.iter().enumerate() {
                let Some(column) = resolve(&field.column, format!("mapping.fields[{i}].column"), &mut errors) else {
                    continue;
                };
                let name = match field.name.as_deref().map(str::trim) {
                    Some("") => {
                        errors.push(FieldError::new(format!("mapping.fields[{i}].name"), "must not be empty"));
                        continue;
                    }
                    Some(name) => {
                        if !names.claim_exact(name) {
                            errors.push(FieldError::new(
                                format!("mapping.fields[{i}].name"),
                                format!(
                                    "'{name}' is already the name of another field (or first_name, last_name, phone)"
                                ),
                            ));
                        }
                        name.to_owned()
                    }
                    None => names.claim(header_of(column), column),
                };
                resolved.fields.push(MappedField { column, name });
            }
        }
        None => {
            for column in 0..column_count {
                if !is_mapped(&resolved, column) {
                    let name = names.claim(header_of(column), column);
                    resolved.fields.push(MappedField { column, name });
                }
            }
        }
    }
    if errors.is_empty() {
        Ok(resolved)
    } else {
        Err(errors)
    }
}

/// A contact list as the API answers it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactList {
    pub id: i64,
    pub name: String,
    pub office_id: i64,
    pub office_name: String,
    /// The names of the fields beyond first name, last name and phone, in file order.
    pub field_names: Vec<String>,
    /// The field read as each contact's time zone for texting hours (an IANA zone, a US
    /// state or a US ZIP code), found by its header: "Time zone", "Timezone", "TZ",
    /// "Zone", else "State", else "ZIP"/"ZIP code"/"Postal code".
    #[serde(default)]
    pub time_zone_field: Option<String>,
    pub contact_count: i64,
    /// Campaigns that left draft (scheduled, active or archived) and use this list.
    pub in_use_by_campaigns: i64,
    /// Whether the list may be deleted now (no campaign that left draft uses it).
    pub deletable: bool,
    pub created_by: Option<i64>,
    #[serde(deserialize_with = "crate::wire_time::instant")]
    pub created_at: DateTime<Utc>,
    #[serde(deserialize_with = "crate::wire_time::instant")]
    pub updated_at: DateTime<Utc>,
}

/// A page of contact lists, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactListPage {
    pub items: Vec<ContactList>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// One named value of a contact beyond first name, last name and phone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactField {
    pub name: String,
    pub value: String,
}

/// A contact of a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Contact {
    pub id: i64,
    /// The contact's data row in the imported file (1 = first data row).
    pub row_number: i64,
    pub first_name: String,
    pub last_name: String,
    /// E.164, e.g. `+12025550123`.
    pub phone: String,
    /// The list's fields, in the list's field order.
    pub fields: Vec<ContactField>,
    /// The number is on the organisation's suppression list: no campaign texts it.
    pub opted_out: bool,
    #[serde(deserialize_with = "crate::wire_time::instant")]
    pub created_at: DateTime<Utc>,
}

/// A page of contacts, in file order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactPage {
    pub items: Vec<Contact>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// What is wrong with a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RowProblemKind {
    /// A required value (first name, last name, phone) is blank. Not imported.
    MissingValue,
    /// The phone is not a valid number. Not imported.
    InvalidPhone,
    /// The phone (as E.164) is the same as an earlier imported row's. Not imported.
    Duplicate,
    /// The row has values beyond the header's columns (often an unquoted comma).
    /// Not imported.
    TooManyValues,
}

/// One problem of one row. A row may have several (blank last name and invalid phone).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RowProblem {
    /// The data row (1 = first row after the header; for JSON, the 1-based index in
    /// `rows`).
    pub row: u64,
    /// `first_name`, `last_name`, `phone`, or `row` for the row as a whole.
    pub field: String,
    pub kind: RowProblemKind,
    /// Why, in words a user can act on.
    pub reason: String,
    /// The offending value as written, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// For duplicates: the earlier row with the same number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duplicate_of: Option<u64>,
}

/// An imported row whose number is on the organisation's suppression list: it is kept
/// in the list, but no campaign will text it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct OptedOutRow {
    pub row: u64,
    pub phone: String,
    /// On the list because the provider said the number cannot receive texts, not
    /// because the person opted out.
    #[serde(default)]
    pub undeliverable: bool,
}

/// What an import did with each row. Counts cover every row; the lists stop after
/// [`MAX_REPORTED_ROWS`] entries each and say so with their `_truncated` flag.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportReport {
    /// Data rows read (blank rows are skipped and not counted).
    pub rows_read: u64,
    /// Rows stored as contacts.
    pub imported: u64,
    /// Rows not stored because a required value is blank, the phone is invalid or the
    /// row has too many values.
    pub invalid: u64,
    /// Rows not stored because an earlier row has the same number.
    pub duplicates: u64,
    /// Imported rows whose number has opted out (kept, flagged, never texted).
    pub opted_out: u64,
    /// Imported rows whose number is on the suppression list as undeliverable (kept,
    /// never texted).
    #[serde(default)]
    pub undeliverable: u64,
    pub problems: Vec<RowProblem>,
    pub problems_truncated: bool,
    pub opted_out_rows: Vec<OptedOutRow>,
    pub opted_out_rows_truncated: bool,
}

impl ImportReport {
    /// Lists a problem, unless the list is full.
    pub fn push_problem(&mut self, problem: RowProblem) {
        if self.problems.len() < MAX_REPORTED_ROWS {
            self.problems.push(problem);
        } else {
            self.problems_truncated = true;
        }
    }

    /// Counts an imported row whose number is on the suppression list (opted out or
    /// undeliverable) and lists it, unless the list is full.
    pub fn push_opted_out(&mut self, row: OptedOutRow) {
        if row.undeliverable {
            self.undeliverable += 1;
        } else {
            self.opted_out += 1;
        }
        if self.opted_out_rows.len() < MAX_REPORTED_ROWS {
            self.opted_out_rows.push(row);
        } else {
            self.opted_out_rows_truncated = true;
        }
    }
}

/// `201` answer of an import: the new list and what happened to each row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ContactListImport {
    pub contact_list: ContactList,
    pub report: ImportReport,
}

/// `POST /api/v1/contact-lists` as JSON (for integrations).
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateContactListRows {
    pub name: String,
    pub office_id: i64,
    pub rows: Vec<ContactRowInput>,
}

/// One contact of a JSON import. Missing or blank required values are reported per
/// row like a CSV's; numbers are accepted for any value.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct ContactRowInput {
    #[serde(default, deserialize_with = "lenient_text")]
    pub first_name: Option<String>,
    #[serde(default, deserialize_with = "lenient_text")]
    pub last_name: Option<String>,
    #[serde(default, deserialize_with = "lenient_text")]
    pub phone: Option<String>,
    /// Other fields by name, e.g. `{"Student ID": "S1", "Program": "Nursing"}`. The
    /// list's field order is the order names first appear in the rows; a list has at
    /// most 47 of them (50 columns with first name, last name and phone).
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub fields: OrderedFields,
}

/// Named values in the order they were written. Deserialises from a JSON object (key
/// order kept, unlike a map) or from a list of `{name, value}`; values may be strings,
/// numbers, booleans or null (blank).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct OrderedFields(pub Vec<ContactField>);

impl<'de> Deserialize<'de> for OrderedFields {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct FieldsVisitor;

        impl<'de> Visitor<'de> for FieldsVisitor {
            type Value = OrderedFields;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object of field names to values, or a list of {name, value}")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<OrderedFields, A::Error> {
                let mut fields = Vec::new();
                while let Some((name, value)) = map.next_entry::<String, LenientText>()? {
                    fields.push(ContactField { name, value: value.0 });
                }
                Ok(OrderedFields(fields))
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<OrderedFields, A::Error> {
                #[derive(Deserialize)]
                #[serde(deny_unknown_fields)]
                struct Entry {
                    name: String,
                    #[serde(default)]
                    value: LenientText,
                }
                let mut fields = Vec::new();
                while let Some(entry) = seq.next_element::<Entry>()? {
                    fields.push(ContactField { name: entry.name, value: entry.value.0 });
                }
                Ok(OrderedFields(fields))
            }

            fn visit_unit<E: de::Error>(self) -> Result<OrderedFields, E> {
                Ok(OrderedFields::default())
            }
        }

        deserializer.deserialize_any(FieldsVisitor)
    }
}

/// A value given as a string, number, boolean or null (blank).
#[derive(Debug, Clone, Default)]
struct LenientText(String);

impl<'de> Deserialize<'de> for LenientText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;

        impl Visitor<'_> for TextVisitor {
            type Value = LenientText;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string, number, boolean or null")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<LenientText, E> {
                Ok(LenientText(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<LenientText, E> {
                Ok(LenientText(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<LenientText, E> {
                Ok(LenientText(v.to_string()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<LenientText, E> {
                Ok(LenientText(v.to_string()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<LenientText, E> {
                Ok(LenientText(v.to_string()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<LenientText, E> {
                Ok(LenientText(v.to_string()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<LenientText, E> {
                Ok(LenientText(String::new()))
            }
        }

        deserializer.deserialize_any(TextVisitor)
    }
}

fn lenient_text<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<String>, D::Error> {
    Option::<LenientText>::deserialize(deserializer).map(|v| v.map(|t| t.0))
}

/// Checks a contact list name: trimmed, not empty, not too long. Returns the trimmed name.
pub fn validate_contact_list_name(name: &str, errors: &mut Vec<FieldError>) -> String {
    let trimmed = name.trim();
    if trimmed.is_empty() {
        errors.push(FieldError::new("name", "must not be empty"));
    } else if trimmed.chars().count() > CONTACT_LIST_NAME_MAX {
        errors.push(FieldError::new("name", format!("must be at most {CONTACT_LIST_NAME_MAX} characters")));
    }
    trimmed.to_owned()
}

#[cfg(test)]
mod tests {
    #[test]
    fn columns_chosen_by_hand_are_checked_by_the_server_rules() {
        use RequiredColumn::{FirstName, LastName, Phone};
        let all = |f, l, p| [(FirstName, f), (LastName, l), (Phone, p)];
        assert!(check_chosen_columns(all(Some(0), Some(1), Some(2)), &[(3, "Program")]).is_empty());
        assert_eq!(
            check_chosen_columns(all(None, Some(1), Some(1)), &[]),
            [MappingProblem::Unchosen(FirstName), MappingProblem::SameColumn]
        );
        let problems =
            check_chosen_columns(all(Some(0), Some(1), Some(2)), &[(3, " "), (4, "Phone"), (5, "Year"), (6, "year")]);
        assert_eq!(
            problems,
            [
                MappingProblem::UnnamedField { column: 3 },
                MappingProblem::NameTaken { column: 4, name: "Phone".to_owned() },
                MappingProblem::NameTaken { column: 6, name: "year".to_owned() },
            ]
        );
        assert_eq!(problems[0].to_string(), "Column 4 is kept, so it needs a field name.");
    }

    use super::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn common_header_spellings_find_the_required_columns() {
        let mapping = map_headers(&["First Name", "Last Name", "Mobile", "Student ID", "Program"]);
        assert_eq!((mapping.first_name, mapping.last_name, mapping.phone), (Some(0), Some(1), Some(2)));
        assert_eq!(mapping.field_names(), ["Student ID", "Program"]);
        assert_eq!(mapping.fields[0].column, 3);
        assert!(mapping.is_complete());

        let mapping = map_headers(&["phone_number", "SURNAME", "first_name"]);
        assert_eq!((mapping.first_name, mapping.last_name, mapping.phone), (Some(2), Some(1), Some(0)));
        let mapping = map_headers(&["  given-name ", "Family Name", "Cell Phone"]);
        assert!(mapping.is_complete());
        let mapping = map_headers(&["fname", "lname", "tel"]);
        assert!(mapping.is_complete());
    }

    #[test]
    fn a_mobile_column_wins_over_a_generic_phone_column() {
        let mapping = map_headers(&["First", "Last", "Phone", "Cell"]);
        assert_eq!(mapping.phone, Some(3));
        assert_eq!(mapping.field_names(), ["Phone (2)"], "the home phone is kept, addressable in templates");
        let mapping = map_headers(&["First", "Last", "Phone", "Telephone"]);
        assert_eq!(mapping.phone, Some(2), "within a tier the first column wins");
        assert_eq!(mapping.field_names(), ["Telephone"]);
    }

    #[test]
    fn missing_required_columns_are_named() {
        let mapping = map_headers(&["Name", "Email"]);
        assert_eq!(mapping.missing(), [RequiredColumn::FirstName, RequiredColumn::LastName, RequiredColumn::Phone]);
        let mapping = map_headers(&["First Name", "Last Name", "Email"]);
        assert_eq!(mapping.missing(), [RequiredColumn::Phone]);
        assert!(!mapping.is_complete());
        assert_eq!(map_headers::<&str>(&[]).missing().len(), 3);
    }

    #[test]
    fn field_names_stay_unique_and_never_blank() {
        let mapping = map_headers(&["First Name", "Last Name", "Phone", "Program", "program", "", "First Name"]);
        assert_eq!(mapping.field_names(), ["Program", "program (2)", "Column 6", "First Name (2)"]);
    }

    #[test]
    fn an_explicit_mapping_uses_indices_or_headers() {
        let headers = strings(&["Nom", "Prénom", "Portable", "Ville"]);
        let mapping = ColumnMapping {
            first_name: ColumnRef::Header("prénom".to_owned()),
            last_name: ColumnRef::Index(0),
            phone: ColumnRef::Header("Portable".to_owned()),
            fields: None,
        };
        let Ok(resolved) = resolve_mapping(Some(&headers), 4, &mapping) else { panic!("resolves") };
        assert_eq!((resolved.first_name, resolved.last_name, resolved.phone), (Some(1), Some(0), Some(2)));
        assert_eq!(resolved.field_names(), ["Ville"]);

        let chosen = ColumnMapping {
            first_name: ColumnRef::Index(1),
            last_name: ColumnRef::Index(0),
            phone: ColumnRef::Index(2),
            fields: Some(vec![FieldMapping { column: ColumnRef::Index(3), name: Some("City".to_owned()) }]),
        };
        let Ok(resolved) = resolve_mapping(None, 5, &chosen) else {
            panic!("resolves without headers when columns are numbers")
        };
        assert_eq!(resolved.fields, [MappedField { column: 3, name: "City".to_owned() }]);
    }

    #[test]
    fn an_explicit_mapping_names_its_mistakes() {
        let headers = strings(&["a", "b", "c"]);
        let mapping = ColumnMapping {
            first_name: ColumnRef::Index(0),
            last_name: ColumnRef::Index(0),
            phone: ColumnRef::Header("zzz".to_owned()),
            fields: Some(vec![
                FieldMapping { column: ColumnRef::Index(9), name: None },
                FieldMapping { column: ColumnRef::Index(2), name: Some("first name".to_owned()) },
            ]),
        };
        let Err(errors) = resolve_mapping(Some(&headers), 3, &mapping) else { panic!("refused") };
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["mapping.last_name", "mapping.phone", "mapping.fields[0].column", "mapping.fields[1].name"]
        );
        let Err(errors) = resolve_mapping(None, 3, &ColumnMapping { phone: ColumnRef::Index(2), ..mapping }) else {
            panic!("refused")
        };
        assert!(errors.iter().all(|e| !e.reason.is_empty()));
    }

    #[test]
    fn the_report_counts_everything_but_lists_a_bounded_number() {
        let mut report = ImportReport::default();
        for row in 1..=(MAX_REPORTED_ROWS as u64 + 5) {
            report.push_problem(RowProblem {
                row,
                field: "phone".to_owned(),
                kind: RowProblemKind::InvalidPhone,
                reason: "is not a phone number".to_owned(),
                value: Some("x".to_owned()),
                duplicate_of: None,
            });
            report.push_opted_out(OptedOutRow { row, phone: "+12025550123".to_owned(), undeliverable: false });
        }
        assert_eq!(report.problems.len(), MAX_REPORTED_ROWS);
        assert!(report.problems_truncated);
        assert_eq!(report.opted_out, MAX_REPORTED_ROWS as u64 + 5);
        assert!(report.opted_out_rows_truncated);
        report.push_opted_out(OptedOutRow { row: 1, phone: "+12025550124".to_owned(), undeliverable: true });
        assert_eq!((report.opted_out, report.undeliverable), (MAX_REPORTED_ROWS as u64 + 5, 1), "counted apart");
    }

    #[test]
    fn json_rows_keep_field_order_and_accept_numbers() {
        let row: ContactRowInput = match serde_json::from_str(
            r#"{"first_name": "Ada", "last_name": null, "phone": 2025550123,
                "fields": {"Zeta": "z", "Alpha": 1, "Mid": true, "Blank": null}}"#,
        ) {
            Ok(row) => row,
            Err(e) => panic!("parses: {e}"),
        };
        assert_eq!(row.last_name, None);
        assert_eq!(row.phone.as_deref(), Some("2025550123"));
        let names: Vec<&str> = row.fields.0.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["Zeta", "Alpha", "Mid", "Blank"]);
        assert_eq!(row.fields.0[1].value, "1");
        assert_eq!(row.fields.0[3].value, "");

        let listed: OrderedFields = match serde_json::from_str(r#"[{"name": "B", "value": "x"}, {"name": "A"}]"#) {
            Ok(fields) => fields,
            Err(e) => panic!("parses: {e}"),
        };
        assert_eq!(
            listed.0,
            [
                ContactField { name: "B".into(), value: "x".into() },
                ContactField { name: "A".into(), value: String::new() }
            ]
        );
        assert!(serde_json::from_str::<OrderedFields>("42").is_err());
    }

    #[test]
    fn the_delimiter_is_the_commonest_of_the_first_line() {
        assert_eq!(sniff_delimiter(b"First;Last;Phone\nA,B;C;D\n"), b';');
        assert_eq!(sniff_delimiter(b"First\tLast\tPhone"), b'\t');
        assert_eq!(sniff_delimiter(b"First,Last;Phone,Notes"), b',');
        assert_eq!(sniff_delimiter(b"First,Last;Phone"), b',', "a tie is a comma");
        assert_eq!(sniff_delimiter(b""), b',');
    }

    #[test]
    fn list_names_are_trimmed_and_bounded() {
        let mut errors = Vec::new();
        assert_eq!(validate_contact_list_name("  Fall intake ", &mut errors), "Fall intake");
        assert!(errors.is_empty());
        validate_contact_list_name(" ", &mut errors);
        validate_contact_list_name(&"x".repeat(CONTACT_LIST_NAME_MAX + 1), &mut errors);
        assert_eq!(errors.len(), 2);
    }
}

/// Headers read as a contact's time zone, most specific first (then "State", then a
/// ZIP code: most lists that know where people live have one of them).
const TIME_ZONE_HEADERS: [&[&str]; 3] = [
    &["time zone", "timezone", "time_zone", "tz", "zone"],
    &["state"],
    &["zip", "zip code", "zipcode", "zip_code", "postal code"],
];

/// The field of a list that names each contact's time zone, if one of its headers says
/// so (any case, spaces trimmed).
pub fn time_zone_field(field_names: &[String]) -> Option<&String> {
    TIME_ZONE_HEADERS.iter().find_map(|aliases| {
        field_names.iter().find(|name| aliases.iter().any(|alias| name.trim().eq_ignore_ascii_case(alias)))
    })
}

#[cfg(test)]
mod time_zone_field_tests {
    use super::time_zone_field;

    #[test]
    fn a_time_zone_header_is_found_before_a_state() {
        let names = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        assert_eq!(
            time_zone_field(&names(&["Program", "State", " Time Zone "])).map(String::as_str),
            Some(" Time Zone ")
        );
        assert_eq!(time_zone_field(&names(&["Program", "state"])).map(String::as_str), Some("state"));
        assert_eq!(time_zone_field(&names(&["Program", "Statement"])), None);
        assert_eq!(time_zone_field(&names(&["ZIP code", "Program"])).map(String::as_str), Some("ZIP code"));
    }
}
