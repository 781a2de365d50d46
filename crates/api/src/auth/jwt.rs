//! Session tokens: HS256-signed JWTs with `exp`, `iss`, `aud` and `jti`.
//!
//! The algorithm is pinned: a token with `alg: none`, RS256 or anything but HS256 is
//! refused, as are other audiences and issuers. Logout revokes a token's `jti`.

use chrono::{DateTime, Duration, Utc};
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

/// Who issues session tokens.
pub const ISSUER: &str = "tidings";
/// The audience of staff session tokens (one audience per token purpose).
pub const AUDIENCE: &str = "tidings-session";

/// The claims of a session token.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SessionClaims {
    /// The user id.
    pub sub: String,
    /// The user's organisation.
    pub org: i64,
    pub iat: i64,
    pub exp: i64,
    pub iss: String,
    pub aud: String,
    pub jti: String,
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

impl TokenKeys {
    pub fn new(secret: &[u8]) -> Self {
        Self { encoding: EncodingKey::from_secret(secret), decoding: DecodingKey::from_secret(secret) }
    }

    /// Signs a token for `user_id` valid for `ttl` from `now`.
    pub fn issue(
        &self,
        user_id: i64,
        organisation_id: i64,
        now: DateTime<Utc>,
        ttl: Duration,
    ) -> Result<IssuedToken, String> {
        let expires_at = now + ttl;
        let claims = SessionClaims {
            sub: user_id.to_string(),
            org: organisation_id,
            iat: now.timestamp(),
            exp: expires_at.timestamp(),
            iss: ISSUER.to_owned(),
            aud: AUDIENCE.to_owned(),
            jti: uuid::Uuid::new_v4().to_string(),
        };
        jsonwebtoken::encode(&Header::new(Algorithm::HS256), &claims, &self.encoding)
            .map(|token| IssuedToken { token, expires_at })
            .map_err(|e| format!("token signing failed: {e}"))
    }

    /// Verifies signature, algorithm, issuer, audience and expiry against `now`.
    pub fn verify(&self, token: &str, now: DateTime<Utc>) -> Result<SessionClaims, String> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        // Expiry is checked below against the injectable clock instead.
        validation.validate_exp = false;
        validation.leeway = 0;
        let data = jsonwebtoken::decode::<SessionClaims>(token, &self.decoding, &validation)
            .map_err(|e| format!("invalid token: {e}"))?;
        if data.claims.exp <= now.timestamp() {
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

    #[test]
    fn issued_tokens_verify_until_they_expire() {
        let now = Utc::now();
        let Ok(issued) = keys().issue(7, 3, now, Duration::minutes(10)) else { panic!("issue") };
        let Ok(claims) = keys().verify(&issued.token, now + Duration::minutes(9)) else { panic!("verify") };
        assert_eq!(claims.sub, "7");
        assert_eq!(claims.org, 3);
        assert!(keys().verify(&issued.token, now + Duration::minutes(10)).is_err());
    }

    #[test]
    fn another_secret_is_refused() {
        let now = Utc::now();
        let Ok(issued) = keys().issue(7, 3, now, Duration::minutes(10)) else { panic!("issue") };
        let other = TokenKeys::new(b"another secret of at least 32 bytes!!");
        assert!(other.verify(&issued.token, now).is_err());
    }
}
