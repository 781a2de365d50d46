//! The API's route table, read from the OpenAPI document (which every route is in, as
//! the contract test checks): the methods a path answers. A known path asked with
//! another method is then a 405 with `Allow`, not a 404 that says it does not exist.

use std::sync::OnceLock;

use utoipa::OpenApi;

/// A path template split at `/`, with `{…}` segments matching any one segment.
struct Route {
    segments: Vec<String>,
    methods: Vec<&'static str>,
}

fn routes() -> &'static [Route] {
    static ROUTES: OnceLock<Vec<Route>> = OnceLock::new();
    ROUTES.get_or_init(|| {
        let document = crate::openapi::ApiDoc::openapi();
        document
            .paths
            .paths
            .iter()
            .map(|(template, item)| {
                let methods = [
                    ("GET", item.get.is_some()),
                    ("PUT", item.put.is_some()),
                    ("POST", item.post.is_some()),
                    ("DELETE", item.delete.is_some()),
                    ("PATCH", item.patch.is_some()),
                ]
                .into_iter()
                .filter_map(|(method, present)| present.then_some(method))
                .collect();
                Route { segments: template.split('/').map(str::to_owned).collect(), methods }
            })
            .collect()
    })
}

/// The methods `path` answers, when it is an API route.
pub fn allowed_methods(path: &str) -> Option<Vec<&'static str>> {
    methods_where(path, |template, segment| {
        (template.starts_with('{') && template.ends_with('}') && !segment.is_empty()) || template == segment
    })
}

/// The methods of a route spelt exactly as `path`, without parameters
/// (`/api/v1/campaigns/calendar`): a `PATCH` there is a 405 for that route, not a bad
/// id for `/api/v1/campaigns/{id}`, whose pattern the router matched instead.
pub fn literal_route_methods(path: &str) -> Option<Vec<&'static str>> {
    methods_where(path, |template, segment| template == segment)
}

fn methods_where(path: &str, matches: impl Fn(&str, &str) -> bool) -> Option<Vec<&'static str>> {
    let asked: Vec<&str> = path.split('/').collect();
    let mut allowed: Vec<&'static str> = routes()
        .iter()
        .filter(|route| {
            route.segments.len() == asked.len()
                && route.segments.iter().zip(&asked).all(|(template, segment)| matches(template, segment))
        })
        .flat_map(|route| route.methods.iter().copied())
        .collect();
    allowed.sort_unstable();
    allowed.dedup();
    (!allowed.is_empty()).then_some(allowed)
}

/// The 405 problem for `path`, with `Allow` naming what it answers.
pub fn method_not_allowed(path: &str, allowed: &[&str]) -> actix_web::HttpResponse {
    use actix_web::http::header;
    let refusal = crate::error::ApiError::with_status(
        actix_web::http::StatusCode::METHOD_NOT_ALLOWED,
        Some(format!("{path} answers {}.", allowed.join(", "))),
    );
    let mut response = actix_web::ResponseError::error_response(&refusal);
    if let Ok(value) = header::HeaderValue::from_str(&allowed.join(", ")) {
        response.headers_mut().insert(header::ALLOW, value);
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_paths_name_their_methods() {
        assert_eq!(allowed_methods("/api/v1/auth/login"), Some(vec!["POST"]));
        let campaign = allowed_methods("/api/v1/campaigns/42").unwrap_or_default();
        assert!(campaign.contains(&"GET") && campaign.contains(&"PATCH"), "{campaign:?}");
        assert_eq!(allowed_methods("/api/v1/nothing-here"), None);
        assert_eq!(allowed_methods("/api/v1/campaigns/42/nothing"), None);
        assert_eq!(literal_route_methods("/api/v1/campaigns/calendar"), Some(vec!["GET"]));
        assert_eq!(literal_route_methods("/api/v1/campaigns/42"), None);
    }
}
