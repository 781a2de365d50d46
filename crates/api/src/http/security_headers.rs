//! Security headers on every response, the SPA's and the API's alike.
//!
//! The Content-Security-Policy allows scripts only from this origin (the SPA's start-up
//! code is in `start.js`, never inline) plus the compilation of its wasm (the main
//! module and the chunks each screen fetches when first opened), so text that slips
//! into the page as HTML still cannot run. Inline styles stay
//! allowed: the SPA sets a few `style` attributes, and a style cannot run code. HSTS is
//! sent only when the public URL is HTTPS, since a browser that saw it over plain HTTP
//! would refuse the server afterwards.

use actix_web::middleware::DefaultHeaders;

/// What the pages may load and who may frame them.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; object-src 'none'; \
base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// One year, as browsers' preload lists expect.
const STRICT_TRANSPORT_SECURITY: &str = "max-age=31536000; includeSubDomains";

/// The headers, for a server reached at `public_url`. A handler's own value wins.
pub fn security_headers(public_url: &str) -> DefaultHeaders {
    let headers = DefaultHeaders::new()
        .add(("Content-Security-Policy", CONTENT_SECURITY_POLICY))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "no-referrer"))
        .add(("X-Frame-Options", "DENY"));
    if public_url.starts_with("https://") {
        headers.add(("Strict-Transport-Security", STRICT_TRANSPORT_SECURITY))
    } else {
        headers
    }
}
