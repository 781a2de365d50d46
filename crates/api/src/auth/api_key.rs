//! API keys: random secrets shown once, stored as SHA-256 hashes.
//!
//! A key is 32 random bytes, so a fast hash is enough (no dictionary to defend against)
//! and lets every request find its key by an indexed lookup.

use base64::Engine;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// Every API key starts with this, so a bearer value is told apart from a JWT at once.
pub const KEY_PREFIX: &str = "tdk_";

/// A new key: the secret to show once, its visible prefix and its hash to store.
pub struct GeneratedKey {
    pub secret: String,
    pub prefix: String,
    pub hash: String,
}

pub fn generate() -> GeneratedKey {
    let mut bytes = [0_u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let secret = format!("{KEY_PREFIX}{}", base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes));
    let prefix = secret.chars().take(KEY_PREFIX.len() + 6).collect();
    let hash = hash_key(&secret);
    GeneratedKey { secret, prefix, hash }
}

/// The stored form of a key.
pub fn hash_key(secret: &str) -> String {
    let digest = Sha256::digest(secret.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn looks_like_api_key(bearer: &str) -> bool {
    bearer.starts_with(KEY_PREFIX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_unique_and_hash_stably() {
        let a = generate();
        let b = generate();
        assert_ne!(a.secret, b.secret);
        assert!(looks_like_api_key(&a.secret));
        assert_eq!(hash_key(&a.secret), a.hash);
        assert_eq!(a.hash.len(), 64);
        assert!(a.secret.starts_with(&a.prefix));
    }
}
