//! The management pages' table (offices, users, phone numbers, contact lists): a
//! caption for screen readers, one header row whose last column holds each row's
//! actions, and the rows the page renders.

use leptos::prelude::*;

/// The header of the row-actions column, aligned with the buttons below it.
const ACTIONS: &str = "Actions";

/// A table named by `caption` with `columns` as its header; `children` are the rows.
#[component]
pub fn AdminTable(caption: &'static str, columns: &'static [&'static str], children: Children) -> impl IntoView {
    view! {
        <div class="table-wrap">
            <table class="campaign-table admin-table">
                <caption class="visually-hidden">{caption}</caption>
                <thead>
                    <tr>
                        {columns
                            .iter()
                            .map(|column| view! { <th scope="col" class:actions-cell=*column == ACTIONS>{*column}</th> })
                            .collect_view()}
                    </tr>
                </thead>
                <tbody>{children()}</tbody>
            </table>
        </div>
    }
}
