//! Session tokens and event-stream tickets: HS256-signed JWTs with `exp`, `iss`, `aud`
//! and `jti`.
//!
//! The algorithm is pinned: a token with `alg: none`, RS256 or anything but HS256 is
//! refused, as are other audiences and issuers, so a stream ticket is never a session
//! token nor the other way round. Logout revokes a token's `jti`; a session token
//! also carries its user's session generation, which password, role and deactivation
//! changes move on.

use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// Who issues session tokens.
pub const ISSUER: &str = "tidings";
/// The audience of staff session tokens (one audience per token purpose).
pub const AUDIENCE: &str = "tidings-session";
/// The audience of event-stream tickets.
pub const STREAM_AUDIENCE: &str = "tidings-stream";

/// The claims of a session token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SessionClaims {
    /// The user id.
    pub sub: String,
    /// The user's organisation.
    pub org: i64,
    /// The user's session generation when the token was issued.
    #[serde(default)]
    pub gen: i64,
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
    pub aud: String,
    pub jti: String,
}

/// What a stream ticket was bought with, checked again while the stream lasts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TicketSource {
    /// A session token: its `jti` (logout ends the stream) and expiry.
    Session { jti: String, exp: i64 },
    /// An API key, by id (revoking it ends the stream).
    ApiKey { id: i64 },
}

/// The claims of a short-lived, single-use event-stream ticket.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct StreamClaims {
    pub sub: String,
    pub org: i64,
    pub gen: i64,
    pub via: TicketSource,
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
    pub aud: String,
    pub jti: String,
}

/// Claims with an expiry, checked against the injectable clock.
trait Expiring {
    fn exp(&self) -> i64;
}

impl Expiring for SessionClaims {
    fn exp(&self) -> i64 {
        self.exp
    }
}

impl Expiring for StreamClaims {
    fn exp(&self) -> i64 {
        self.exp
    }
}

/// Signing and verification keys derived from the configured secret.
#[derive(Clone)]
pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl std::fmt::Debug for TokenKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TokenKeys(***)")
    }
}

/// A freshly issued token.
pub struct IssuedToken {
    pub token: String,
    pub expires_at: DateTime<Utc>,
}

/// Who a token is for: the user, their organisation and session generation.
#[derive(Debug, Clone, Copy)]
pub struct Subject {
    pub user_id: i64,
    pub organisation_id: i64,
    pub generation: i64,
}

impl TokenKeys {
    pub fn new(secret: &[u8]) -> Self {
        Self { encoding: EncodingKey::from_secret(secret), decoding: DecodingKey::from_secret(secret) }
    }

    /// Signs a session token for `subject` valid for `ttl` from `now`.
    pub fn issue(&self, subject: Subject, now: DateTime<Utc>, ttl: Duration) -> Result<IssuedToken, String> {
        let expires_at = now + ttl;
        let claims = SessionClaims {
            sub: subject.user_id.to_string(),
            org: subject.organisation_id,
            gen: subject.generation,
            iat: now.timestamp(),
            exp: expires_at.timestamp(),
            iss: ISSUER.to_owned(),
            aud: AUDIENCE.to_owned(),
            jti: uuid::Uuid::new_v4().to_string(),
        };
        self.sign(&claims, expires_at)
    }

    /// Signs a stream ticket for `subject`, bought with `via`, valid for `ttl`.
    pub fn issue_stream_ticket(
        &self,
        subject: Subject,
        via: TicketSource,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> Result<IssuedToken, String> {
        let expires_at = now + ttl;
        let claims = StreamClaims {
            sub: subject.user_id.to_string(),
            org: subject.organisation_id,
            gen: subject.generation,
            via,
            iat: now.timestamp(),
            exp: expires_at.timestamp(),
            iss: ISSUER.to_owned(),
            aud: STREAM_AUDIENCE.to_owned(),
            jti: uuid::Uuid::new_v4().to_string(),
        };
        self.sign(&claims, expires_at)
    }

    /// Verifies a session token's signature, algorithm, issuer, audience and expiry.
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<SessionClaims, String> {
        self.verify_for(token, AUDIENCE, now)
    }

    /// Verifies a stream ticket as [`TokenKeys::verify`] does a session token.
    pub fn verify_stream_ticket(&self, token: &str, now: DateTime<Utc>) -> Result<StreamClaims, String> {
        self.verify_for(token, STREAM_AUDIENCE, now)
    }

    fn sign(&self, claims: &impl Serialize, expires_at: DateTime<Utc>) -> Result<IssuedToken, String> {
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), claims, &self.encoding)
            .map(|token| IssuedToken { token, expires_at })
            .map_err(|e| format!("token signing failed: {e}"))
    }

    fn verify_for<C: DeserializeOwned + Expiring>(
        &self,
        token: &str,
        audience: &str,
        now: DateTime<Utc>,
    ) -> Result<C, String> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[audience]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        // Expiry is checked below against the injectable clock instead.
        validation.validate_exp = false;
        validation.leeway = 0;
        let data =
            jsonwebtoken::decode::<C>(token, &self.decoding, &validation).map_err(|e| format!("invalid token: {e}"))?;
        if data.claims.exp() <= now.timestamp() {
            return Err("token expired".to_owned());
        }
        Ok(data.claims)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> TokenKeys {
        TokenKeys::new(b"0123456789abcdef0123456789abcdef")
    }

    fn subject() -> Subject {
        Subject { user_id: 7, organisation_id: 3, generation: 2 }
    }

    #[test]
    fn issued_tokens_verify_until_they_expire() {
        let now = Utc::now();
        let Ok(issued) = keys().issue(subject(), now, Duration::minutes(10)) else { panic!("issue") };
        let Ok(claims) = keys().verify(&issued.token, now + Duration::minutes(9)) else { panic!("verify") };
        assert_eq!(claims.sub, "7");
        assert_eq!(claims.org, 3);
        assert_eq!(claims.gen, 2);
        assert!(keys().verify(&issued.token, now + Duration::minutes(10)).is_err());
    }

    #[test]
    fn another_secret_is_refused() {
        let now = Utc::now();
        let Ok(issued) = keys().issue(subject(), now, Duration::minutes(10)) else { panic!("issue") };
        let other = TokenKeys::new(b"another secret of at least 32 bytes!!");
        assert!(other.verify(&issued.token, now).is_err());
    }

    #[test]
    fn a_stream_ticket_is_not_a_session_token_nor_the_reverse() {
        let now = Utc::now();
        let via = TicketSource::ApiKey { id: 5 };
        let Ok(ticket) = keys().issue_stream_ticket(subject(), via.clone(), now, Duration::seconds(60)) else {
            panic!("ticket")
        };
        let Ok(session) = keys().issue(subject(), now, Duration::minutes(10)) else { panic!("issue") };
        assert!(keys().verify(&ticket.token, now).is_err(), "a ticket is refused as a session token");
        assert!(keys().verify_stream_ticket(&session.token, now).is_err(), "a session token is no ticket");
        let Ok(claims) = keys().verify_stream_ticket(&ticket.token, now) else { panic!("verify ticket") };
        assert_eq!(claims.via, via);
        assert!(keys().verify_stream_ticket(&ticket.token, now + Duration::seconds(60)).is_err());
    }
}
