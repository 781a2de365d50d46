//! A file written page by page as the client takes it (the Contacts export, a
//! campaign's transcript): refusals come before the first byte, then each page is read
//! with a connection of its own, so a long download never holds one.

use actix_web::web::Bytes;
use actix_web::HttpResponse;
use futures_util::StreamExt;

use crate::db::DbConnection;
use crate::error::ApiResult;
use crate::state::AppState;

/// The response: `head` (written once the request was checked), then each page `next`
/// writes from the export state it was given, until it answers `None`. A failure part
/// way ends the body early, and is logged naming `what`.
pub fn paged_download<E, F>(
    state: &AppState,
    head: Vec<u8>,
    export: E,
    next: F,
    (content_type, file_name): (&'static str, String),
    what: &'static str,
) -> HttpResponse
where
    E: Send + 'static,
    F: Fn(&mut DbConnection, E) -> ApiResult<(E, Option<Vec<u8>>)> + Clone + Send + 'static,
{
    let state = state.clone();
    let first = futures_util::stream::once(futures_util::future::ready(Ok::<_, actix_web::Error>(Bytes::from(head))));
    let pages = futures_util::stream::unfold(Some(export), move |export| {
        let (state, next) = (state.clone(), next.clone());
        async move {
            let export = export?;
            match state.db(move |conn| next(conn, export)).await {
                Ok((export, Some(page))) => Some((Ok(Bytes::from(page)), Some(export))),
                Ok((_, None)) => None,
                Err(error) => {
                    tracing::error!(%error, what, "a download stopped part way");
                    Some((Err(error.into()), None))
                }
            }
        }
    });
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header(("Content-Disposition", format!("attachment; filename=\"{file_name}\"")))
        .streaming(first.chain(pages))
}
