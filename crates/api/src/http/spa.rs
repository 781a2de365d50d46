//! Serving the SPA: static files from the build directory, and `index.html` for every
//! other non-API path so deep links survive a reload.

use std::path::PathBuf;

use actix_files::NamedFile;
use actix_web::http::header;
use actix_web::{web, HttpRequest, HttpResponse};

use crate::error::ApiError;
use crate::state::AppState;

/// Paths that belong to the server, never to the SPA: an unknown one is a 404 problem.
const SERVER_PREFIXES: [&str; 5] = ["/api/", "/webhooks/", "/healthz", "/readyz", "/metrics"];

/// The default service: a static file when one exists, `index.html` otherwise.
pub async fn spa_fallback(state: web::Data<AppState>, req: HttpRequest) -> Result<HttpResponse, ApiError> {
    let path = req.path();
    if path == "/api" || SERVER_PREFIXES.iter().any(|prefix| path.starts_with(prefix)) {
        return Err(ApiError::not_found("This endpoint"));
    }
    if req.method() != actix_web::http::Method::GET && req.method() != actix_web::http::Method::HEAD {
        return Err(ApiError::not_found("This endpoint"));
    }
    let root = &state.config.static_dir;
    if let Some(file) = static_file(root, path) {
        if let Ok(named) = NamedFile::open(&file) {
            return Ok(named.into_response(&req));
        }
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
    fn path_traversal_is_refused() {
        let root = std::env::temp_dir();
        assert_eq!(static_file(&root, "/../etc/passwd"), None);
        assert_eq!(static_file(&root, "/a/../../b"), None);
        assert_eq!(static_file(&root, "/"), None);
    }
}
