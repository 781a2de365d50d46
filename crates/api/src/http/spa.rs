//! Serving the SPA: static files from the build directory, and `index.html` for every
//! other non-API path so deep links survive a reload.
//!
//! `make spa` writes the app's wasm modules and js, and the stylesheet, also compressed at
//! the highest levels (`name.br`, `name.gz`); those copies are sent to browsers that
//! accept them. The `Compress` middleware would otherwise gzip on the fly at its
//! fastest level, which ships about 15% more.

use std::path::{Path, PathBuf};

use actix_files::NamedFile;
use actix_web::http::header::{self, ContentEncoding};
use actix_web::{web, HttpRequest, HttpResponse};

use crate::error::ApiError;
use crate::state::AppState;

/// Paths that belong to the server, never to the SPA: an unknown one is a 404 problem.
const SERVER_PREFIXES: [&str; 5] = ["/api/", "/webhooks/", "/healthz", "/readyz", "/metrics"];

/// The SPA's compiled modules: a missing one is a 404, never `index.html`, so a screen
/// whose chunk is gone (an old page after a new build) fails to load rather than
/// reading a web page as wasm.
const MODULE_PREFIX: &str = "/pkg/";

/// The default service: a static file when one exists, `index.html` otherwise.
pub async fn spa_fallback(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let path = req.path();
    if path == "/api" || SERVER_PREFIXES.iter().any(|prefix| path.starts_with(prefix)) {
        // A route asked with a method it does not answer (the route itself would have).
        // A path spelt out as a route of its own answers that route's methods only,
        // not those of a `{id}` route it also fits.
        let allowed =
            super::route_table::literal_route_methods(path).or_else(|| super::route_table::allowed_methods(path));
        if let Some(allowed) = allowed {
            return Ok(super::route_table::method_not_allowed(path, &allowed));
        }
        return Err(ApiError::not_found("This endpoint"));
    }
    if req.method() != actix_web::http::Method::GET && req.method() != actix_web::http::Method::HEAD {
        return Err(ApiError::not_found("This endpoint"));
    }
    let root = &state.config.static_dir;
    if let Some(file) = static_file(root, path) {
        if let Some(response) = precompressed(&file, &req) {
            return Ok(response);
        }
        if let Ok(named) = NamedFile::open(&file) {
            return Ok(named.into_response(&req));
        }
    }
    if path.starts_with(MODULE_PREFIX) {
        return Err(ApiError::not_found("This file of the web app"));
    }
    let index = root.join("index.html");
    match NamedFile::open(&index) {
        Ok(named) => {
            let mut response = named.into_response(&req);
            // The shell must be fetched fresh so a new build's asset names are seen.
            response.headers_mut().insert(header::CACHE_CONTROL, header::HeaderValue::from_static("no-cache"));
            Ok(response)
        }
        Err(_) => Err(ApiError::unavailable(format!(
            "The web app is not built ({} is missing). Run `make run`, or `make spa`.",
            index.display()
        ))),
    }
}

/// The compressed copy of `file` the request accepts (brotli first, then gzip), served
/// with the original's type and the copy's encoding.
fn precompressed(file: &Path, req: &HttpRequest) -> Option<HttpResponse> {
    let accepted = req.headers().get(header::ACCEPT_ENCODING)?.to_str().ok()?;
    let content_type = actix_files::file_extension_to_mime(file.extension()?.to_str()?);
    // (the encoding's name in `Accept-Encoding`, the copy's file suffix)
    let copies = [("br", "br", ContentEncoding::Brotli), ("gzip", "gz", ContentEncoding::Gzip)];
    copies.into_iter().find_map(|(name, suffix, encoding)| {
        if !accepts(accepted, name) {
            return None;
        }
        let mut copy = file.as_os_str().to_owned();
        copy.push(format!(".{suffix}"));
        let named = NamedFile::open(PathBuf::from(copy)).ok()?;
        let mut response = named
            .set_content_type(content_type.clone())
            .set_content_encoding(encoding)
            .disable_content_disposition()
            .into_response(req);
        response.headers_mut().insert(header::VARY, header::HeaderValue::from_static("accept-encoding"));
        Some(response)
    })
}

/// Whether an `Accept-Encoding` value lists `encoding` without refusing it (`;q=0`).
fn accepts(accept_encoding: &str, encoding: &str) -> bool {
    accept_encoding.split(',').any(|item| {
        let mut parts = item.split(';').map(str::trim);
        let named = parts.next().is_some_and(|name| name.eq_ignore_ascii_case(encoding));
        let refused = parts
            .any(|param| param.strip_prefix("q=").and_then(|q| q.trim().parse::<f32>().ok()).is_some_and(|q| q == 0.0));
        named && !refused
    })
}

/// The file under `root` for a request path, refusing anything that climbs out.
fn static_file(root: &std::path::Path, path: &str) -> Option<PathBuf> {
    let relative = path.trim_start_matches('/');
    if relative.is_empty() {
        return None;
    }
    let mut file = root.to_path_buf();
    for part in relative.split('/') {
        if part.is_empty() || part == "." || part == ".." || part.contains('\\') {
            return None;
        }
        file.push(part);
    }
    file.is_file().then_some(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_encodings_are_read_with_their_weights() {
        assert!(accepts("gzip, deflate, br, zstd", "br"));
        assert!(accepts("GZIP;q=0.5", "gzip"));
        assert!(!accepts("gzip;q=0, br", "gzip"));
        assert!(!accepts("deflate", "gzip"));
        assert!(!accepts("x-gzip", "gzip"));
    }

    #[test]
    fn path_traversal_is_refused() {
        let root = std::env::temp_dir();
        assert_eq!(static_file(&root, "/../etc/passwd"), None);
        assert_eq!(static_file(&root, "/a/../../b"), None);
        assert_eq!(static_file(&root, "/"), None);
    }
}
