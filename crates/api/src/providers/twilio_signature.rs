//! `X-Twilio-Signature`: how Twilio signs the webhooks it sends us (inbound messages,
//! status callbacks), so a forged request can be refused before it changes anything.
//!
//! The signed string is the full URL Twilio requested followed by every form parameter's
//! name and value, sorted by name, with nothing in between; the signature is the base64
//! HMAC-SHA1 of it keyed with the account's Auth Token (TWILIO.md).

use base64::Engine;
use hmac::{Hmac, Mac};
use sha1::Sha1;

/// The header Twilio puts the signature in.
pub const SIGNATURE_HEADER: &str = "X-Twilio-Signature";

type HmacSha1 = Hmac<Sha1>;

/// The URL Twilio requested, rebuilt from the public URL (`TIDINGS_PUBLIC_URL`): behind
/// a proxy the request we see names an internal host, but Twilio signed the public one.
/// `path_and_query` is the path (and query string, as received) relative to the public
/// URL, e.g. `/webhooks/twilio/inbound?office=2`.
pub fn signed_url(public_url: &str, path_and_query: &str) -> String {
    let base = public_url.trim_end_matches('/');
    if path_and_query.starts_with('/') {
        format!("{base}{path_and_query}")
    } else {
        format!("{base}/{path_and_query}")
    }
}

/// The string Twilio signs: the URL, then `name` + `value` per parameter. Names sort in
/// byte order; a repeated name's values sort too and duplicates count once, as Twilio's
/// helper library does (`twilio-python` `RequestValidator.compute_signature`:
/// `sorted(set(params))`, then `sorted(set(values))`).
fn signed_string(url: &str, params: &[(String, String)]) -> String {
    let mut pairs: Vec<(&str, &str)> = params.iter().map(|(name, value)| (name.as_str(), value.as_str())).collect();
    pairs.sort_unstable();
    pairs.dedup();
    let mut data = String::with_capacity(url.len() + pairs.iter().map(|(n, v)| n.len() + v.len()).sum::<usize>());
    data.push_str(url);
    for (name, value) in pairs {
        data.push_str(name);
        data.push_str(value);
    }
    data
}

fn mac_of(auth_token: &str, url: &str, params: &[(String, String)]) -> Option<HmacSha1> {
    // HMAC takes keys of any length, so this never answers None in practice; if it did,
    // no signature would validate (fail closed).
    let mut mac = HmacSha1::new_from_slice(auth_token.as_bytes()).ok()?;
    mac.update(signed_string(url, params).as_bytes());
    Some(mac)
}

/// The signature Twilio would send for a request to `url` with these form parameters
/// (tests and tools sign requests with it).
pub fn compute_signature(auth_token: &str, url: &str, params: &[(String, String)]) -> String {
    mac_of(auth_token, url, params)
        .map(|mac| base64::engine::general_purpose::STANDARD.encode(mac.finalize().into_bytes()))
        .unwrap_or_default()
}

/// Whether `header` (the `X-Twilio-Signature` value, `None` when absent) signs this
/// request: the public URL + path and query, and every form parameter received (all of
/// them — Twilio adds parameters without notice, and each one is signed).
///
/// The comparison is constant-time (`Mac::verify_slice`), so response timing tells a
/// forger nothing about how close a guess was.
pub fn is_valid_signature(
    auth_token: &str,
    public_url: &str,
    path_and_query: &str,
    params: &[(String, String)],
    header: Option<&str>,
) -> bool {
    let Some(header) = header else { return false };
    let Ok(claimed) = base64::engine::general_purpose::STANDARD.decode(header.trim()) else {
        return false;
    };
    let url = signed_url(public_url, path_and_query);
    mac_of(auth_token, &url, params).is_some_and(|mac| mac.verify_slice(&claimed).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter().map(|(n, v)| ((*n).to_owned(), (*v).to_owned())).collect()
    }

    // Twilio's documented example (webhook security docs; `api-snippets`
    // security/signature_validation): Auth Token `12345`, this URL and these
    // parameters are signed `GvWf1cFY/Q7PnoempGyD5oXAezc=`. Re-checked independently
    // with `printf %s 'https://mycompany.com/myapp.php?foo=1&bar=2CallSidCA1234567890ABCDE
    // Caller+14158675310Digits1234From+14158675310To+18005551212' | openssl dgst -sha1
    // -hmac 12345 -binary | base64` (one line, no spaces).
    const DOC_TOKEN: &str = "12345";
    const DOC_BASE: &str = "https://mycompany.com";
    const DOC_PATH: &str = "/myapp.php?foo=1&bar=2";
    const DOC_SIGNATURE: &str = "GvWf1cFY/Q7PnoempGyD5oXAezc=";

    fn doc_params() -> Vec<(String, String)> {
        // Deliberately not in sorted order: the signer sorts.
        pairs(&[
            ("To", "+18005551212"),
            ("Digits", "1234"),
            ("CallSid", "CA1234567890ABCDE"),
            ("From", "+14158675310"),
            ("Caller", "+14158675310"),
        ])
    }

    #[test]
    fn twilio_documented_example_signs_and_validates() {
        let url = signed_url(DOC_BASE, DOC_PATH);
        assert_eq!(url, "https://mycompany.com/myapp.php?foo=1&bar=2");
        assert_eq!(compute_signature(DOC_TOKEN, &url, &doc_params()), DOC_SIGNATURE);
        assert!(is_valid_signature(DOC_TOKEN, DOC_BASE, DOC_PATH, &doc_params(), Some(DOC_SIGNATURE)));
        // A trailing slash on the configured public URL does not change the URL.
        assert!(is_valid_signature(DOC_TOKEN, "https://mycompany.com/", DOC_PATH, &doc_params(), Some(DOC_SIGNATURE)));
    }

    #[test]
    fn url_with_port_and_no_params() {
        // printf %s 'http://127.0.0.1:8080/webhooks/twilio/status' \
        //   | openssl dgst -sha1 -hmac 12345 -binary | base64
        let url = signed_url("http://127.0.0.1:8080", "/webhooks/twilio/status");
        assert_eq!(compute_signature(DOC_TOKEN, &url, &[]), "bH+nGlLwZ7iPBBKzj6PsaZu5k34=");
    }

    #[test]
    fn repeated_names_sort_their_values_and_count_duplicates_once() {
        // printf %s 'https://example.com/hookMediaUrlaMediaUrlbTo+1' \
        //   | openssl dgst -sha1 -hmac 12345 -binary | base64
        let expected = "XZ5wBidQCeslrdOsxeWfgSywZdY=";
        let url = "https://example.com/hook";
        let params = pairs(&[("To", "+1"), ("MediaUrl", "b"), ("MediaUrl", "a")]);
        assert_eq!(compute_signature(DOC_TOKEN, url, &params), expected);
        let doubled = pairs(&[("MediaUrl", "b"), ("To", "+1"), ("MediaUrl", "a"), ("MediaUrl", "b")]);
        assert_eq!(compute_signature(DOC_TOKEN, url, &doubled), expected);
    }

    #[test]
    fn names_sort_in_byte_order() {
        // Uppercase sorts before lowercase in byte order: `Zeta` before `alpha`.
        // printf %s 'https://example.com/hookZeta1alpha2' \
        //   | openssl dgst -sha1 -hmac 12345 -binary | base64
        let params = pairs(&[("alpha", "2"), ("Zeta", "1")]);
        assert_eq!(compute_signature(DOC_TOKEN, "https://example.com/hook", &params), "WGlmimiOL2qP8z4hIMXr0DC2ZAE=");
    }

    #[test]
    fn tampering_invalidates() {
        let valid = |base: &str, path: &str, params: &[(String, String)], token: &str, header: Option<&str>| {
            is_valid_signature(token, base, path, params, header)
        };
        let params = doc_params();
        // Tampered URL: another host, path, query or scheme.
        assert!(!valid("https://evil.com", DOC_PATH, &params, DOC_TOKEN, Some(DOC_SIGNATURE)));
        assert!(!valid(DOC_BASE, "/myapp.php?foo=1&bar=3", &params, DOC_TOKEN, Some(DOC_SIGNATURE)));
        assert!(!valid("http://mycompany.com", DOC_PATH, &params, DOC_TOKEN, Some(DOC_SIGNATURE)));
        // Tampered body value.
        let mut changed = params.clone();
        changed[1].1 = "9999".to_owned();
        assert!(!valid(DOC_BASE, DOC_PATH, &changed, DOC_TOKEN, Some(DOC_SIGNATURE)));
        // A parameter missing, or one added.
        let missing: Vec<_> = params.iter().filter(|(n, _)| n != "Digits").cloned().collect();
        assert!(!valid(DOC_BASE, DOC_PATH, &missing, DOC_TOKEN, Some(DOC_SIGNATURE)));
        let mut added = params.clone();
        added.push(("Body".to_owned(), "STOP".to_owned()));
        assert!(!valid(DOC_BASE, DOC_PATH, &added, DOC_TOKEN, Some(DOC_SIGNATURE)));
        // Wrong token.
        assert!(!valid(DOC_BASE, DOC_PATH, &params, "54321", Some(DOC_SIGNATURE)));
        // Wrong, malformed, truncated, empty or absent header.
        assert!(!valid(DOC_BASE, DOC_PATH, &params, DOC_TOKEN, Some("bH+nGlLwZ7iPBBKzj6PsaZu5k34=")));
        assert!(!valid(DOC_BASE, DOC_PATH, &params, DOC_TOKEN, Some("not base64 at all!")));
        assert!(!valid(DOC_BASE, DOC_PATH, &params, DOC_TOKEN, Some(&DOC_SIGNATURE[..20])));
        assert!(!valid(DOC_BASE, DOC_PATH, &params, DOC_TOKEN, Some("")));
        assert!(!valid(DOC_BASE, DOC_PATH, &params, DOC_TOKEN, None));
        // The untampered request still passes.
        assert!(valid(DOC_BASE, DOC_PATH, &params, DOC_TOKEN, Some(DOC_SIGNATURE)));
    }
}
