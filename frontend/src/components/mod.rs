//! The widgets several screens share. A page uses these, never another page's own
//! modules, so each screen can change without breaking the others.
//!
//! `dialog` the one modal dialog and the confirmation built on it; `text_field` labelled
//! inputs with their errors; `search_box` the debounced search; `filters` a
//! list's search and tag filter; `tab_list` tabs as
//! links; `paged` a list loaded page by page; `admin_table` the management pages'
//! tables; `office_choice` which office a page shows; `local_time` an
//! instant in a zone; `inbox_count` the navigation's Needs Attention count; `phone` phone numbers as people
//! read them; `segment_counter` what a message costs; `campaign_links` where a campaign
//! lives and the outcome handed to the next page; `csv_import` the CSV upload with its column mapping and report
//! (the wizard and the Contact lists page); `conversation` the conversation list
//! and panel of the Activity tab and the inbox; `audit` audit entries in words (the
//! audit log and a campaign's history); `download` files the page fetches and saves
//! (exports, transcripts); `template_picker` the template library where text is
//! written (the wizard, the composer, the assistant script editor); `new_text` a
//! one-to-one text (the inbox, a contact list's rows, a campaign's Contacts tab).

pub mod admin_table;
pub mod audit;
pub mod campaign_links;
pub mod conversation;
pub mod csv_import;
pub mod dialog;
pub mod download;
pub mod filters;
pub mod inbox_count;
pub mod local_time;
pub mod new_text;
pub mod office_choice;
pub mod paged;
pub mod phone;
pub mod search_box;
pub mod segment_counter;
pub mod tab_list;
pub mod template_picker;
pub mod text_field;
