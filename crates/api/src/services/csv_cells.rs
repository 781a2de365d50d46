//! CSV written for spreadsheets (the Contacts tab's export, a campaign's transcript):
//! records of equal width, with every cell a spreadsheet would run as a formula
//! neutralised.

use crate::error::{ApiError, ApiResult};

/// A spreadsheet cannot run a cell that starts with one of these as a formula once it
/// is prefixed with an apostrophe (CSV injection).
pub fn neutralised(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell.to_owned()
    }
}

/// `cells` as `lines` CSV records of equal width, formulas neutralised.
pub fn csv_lines(cells: &[String], lines: usize) -> ApiResult<Vec<u8>> {
    let write_error = |e: csv::Error| ApiError::internal(format!("writing a CSV export: {e}"));
    let mut writer = csv::Writer::from_writer(Vec::new());
    let width = cells.len().checked_div(lines).unwrap_or(0).max(1);
    for record in cells.chunks(width) {
        writer.write_record(record.iter().map(|cell| neutralised(cell))).map_err(write_error)?;
    }
    writer.into_inner().map_err(|e| ApiError::internal(format!("writing a CSV export: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised_and_other_cells_kept() {
        assert_eq!(neutralised("=SUM(A1)"), "'=SUM(A1)");
        assert_eq!(neutralised("@cmd"), "'@cmd");
        assert_eq!(neutralised("Ada"), "Ada");
        let cells = ["a", "=b", "c", "d"].map(str::to_owned);
        assert_eq!(csv_lines(&cells, 2).unwrap(), b"a,'=b\nc,d\n");
    }
}
