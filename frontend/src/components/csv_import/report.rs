//! The per-row report of a contact list import: what was imported, and each row that
//! was not (or was kept but has opted out), by its row number in the file.

use crate::components::phone::display_phone;
use leptos::prelude::*;
use leptos_router::components::A;
use tidings_domain::contact_list::{ImportReport, RowProblemKind};

/// `list` is the new list's id and name, or `None` when nothing could be imported;
/// `for_campaign` when it became the campaign's list (else the report links to it).
#[component]
pub fn ImportReportView(list: Option<(i64, String)>, report: ImportReport, for_campaign: bool) -> impl IntoView {
    let headline = match &list {
        Some((_, name)) => format!(
            "Imported {} of {} rows into “{name}”{}",
            report.imported,
            report.rows_read,
            if for_campaign { ", now this campaign's contact list." } else { "." }
        ),
        None => format!("No row of {} could be imported, so no list was made.", report.rows_read),
    };
    let problems = report.problems.clone();
    let opted_out = report.opted_out_rows.clone();
    view! {
        <section class="import-report" aria-labelledby="import-report-heading">
            <h3 id="import-report-heading">"Import report"</h3>
            <p class=if list.is_some() { "notice" } else { "alert" } role="status">{headline}</p>
            {list.filter(|_| !for_campaign).map(|(id, _)| view! {
                <p><A href=format!("/contact-lists/{id}")>"Browse its contacts"</A></p>
            })}
            <dl class="report-counts">
                <dt>"Rows read"</dt>
                <dd>{report.rows_read}</dd>
                <dt>"Imported"</dt>
                <dd>{report.imported}</dd>
                <dt>"Invalid"</dt>
                <dd>{report.invalid}</dd>
                <dt>"Duplicates"</dt>
                <dd>{report.duplicates}</dd>
                <dt>"Opted out (kept, never texted)"</dt>
                <dd>{report.opted_out}</dd>
                <dt>"Undeliverable (kept, never texted)"</dt>
                <dd>{report.undeliverable}</dd>
            </dl>
            {(!problems.is_empty()).then(|| view! {
                <div class="table-wrap">
                    <table class="report-table">
                        <caption>"Rows not imported"</caption>
                        <thead>
                            <tr>
                                <th scope="col">"Row"</th>
                                <th scope="col">"Problem"</th>
                                <th scope="col">"Value"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {problems
                                .into_iter()
                                .map(|problem| {
                                    let what = match (problem.kind, problem.duplicate_of) {
                                        (RowProblemKind::Duplicate, Some(earlier)) => {
                                            format!("{} (same number as row {earlier})", problem.reason)
                                        }
                                        _ => format!("{}: {}", field_label(&problem.field), problem.reason),
                                    };
                                    view! {
                                        <tr>
                                            <td>{problem.row}</td>
                                            <td>{what}</td>
                                            <td><code>{problem.value.unwrap_or_default()}</code></td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                </div>
            })}
            {report.problems_truncated.then(|| view! {
                <p class="muted">"Only the first rows with problems are listed; the counts cover every row."</p>
            })}
            {(!opted_out.is_empty()).then(|| view! {
                <p>
                    "On the suppression list (imported, but no campaign texts them): "
                    {opted_out
                        .iter()
                        .map(|row| {
                            let why = if row.undeliverable { ", cannot receive texts" } else { ", opted out" };
                            format!("row {} ({}{why})", row.row, display_phone(&row.phone))
                        })
                        .collect::<Vec<_>>()
                        .join(", ")}
                </p>
            })}
            <p class="hint">"Rows are numbered from the first row after the column names (the file's first row when it has none)."</p>
        </section>
    }
}

fn field_label(field: &str) -> &str {
    match field {
        "first_name" => "First name",
        "last_name" => "Last name",
        "phone" => "Phone",
        "row" => "Row",
        other => other,
    }
}
