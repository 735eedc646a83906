//! Access tokens (JWT, 15 minutes, issuer and audience checked) and the
//! opaque random tokens used for refresh and for links in mail, which are
//! stored only as SHA-256 hashes.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::NaiveDateTime;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::db::ids::{SessionId, UserId};
use crate::error::AppError;

pub const ISSUER: &str = "socialbid";
pub const AUDIENCE: &str = "socialbid-api";
pub const ACCESS_TOKEN_MINUTES: i64 = 15;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Claims {
    /// The user id.
    pub sub: String,
    /// The session the token belongs to; revoking the session revokes it.
    pub sid: SessionId,
    pub iss: String,
    pub aud: String,
    pub iat: i64,
    pub exp: i64,
}

impl Claims {
    pub fn user_id(&self) -> Option<UserId> {
        self.sub.parse().ok().map(UserId)
    }
}

pub struct TokenKeys {
    encoding: EncodingKey,
    decoding: DecodingKey,
}

impl TokenKeys {
    pub fn new(secret: &[u8]) -> TokenKeys {
        TokenKeys {
            encoding: EncodingKey::from_secret(secret),
            decoding: DecodingKey::from_secret(secret),
        }
    }

    pub fn issue(
        &self,
        user_id: UserId,
        session_id: SessionId,
        now: NaiveDateTime,
    ) -> anyhow::Result<String> {
        let iat = now.and_utc().timestamp();
        let claims = Claims {
            sub: user_id.to_string(),
            sid: session_id,
            iss: ISSUER.into(),
            aud: AUDIENCE.into(),
            iat,
            exp: iat + ACCESS_TOKEN_MINUTES * 60,
        };
        Ok(jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            &self.encoding,
        )?)
    }

    /// Checks signature, algorithm, issuer and audience; expiry is checked
    /// against the application clock, not the system one.
    pub fn decode(&self, token: &str, now: NaiveDateTime) -> Result<Claims, AppError> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_issuer(&[ISSUER]);
        validation.set_audience(&[AUDIENCE]);
        validation.validate_exp = false;
        validation.set_required_spec_claims(&["exp", "iss", "aud", "sub"]);
        let claims = jsonwebtoken::decode::<Claims>(token, &self.decoding, &validation)
            .map_err(|_| AppError::unauthenticated("token_invalid"))?
            .claims;
        if claims.exp <= now.and_utc().timestamp() {
            return Err(AppError::unauthenticated("token_expired"));
        }
        Ok(claims)
    }
}

/// A fresh random token for a person to hold, and its hash for us to store.
pub fn random_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let raw = URL_SAFE_NO_PAD.encode(bytes);
    let hashed = hash_token(&raw);
    (raw, hashed)
}

pub fn hash_token(raw: &str) -> String {
    hex::encode(Sha256::digest(raw.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> NaiveDateTime {
        chrono::Utc::now().naive_utc()
    }

    #[test]
    fn a_token_round_trips_until_it_expires() {
        let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef");
        let token = keys.issue(UserId(7), SessionId(3), now()).unwrap();
        let claims = keys.decode(&token, now()).unwrap();
        assert_eq!(
            (claims.user_id(), claims.sid),
            (Some(UserId(7)), SessionId(3))
        );
        let later = now() + chrono::Duration::minutes(ACCESS_TOKEN_MINUTES + 1);
        assert_eq!(
            keys.decode(&token, later).unwrap_err().code(),
            "token_expired"
        );
    }

    #[test]
    fn a_tampered_or_foreign_token_is_refused() {
        let keys = TokenKeys::new(b"0123456789abcdef0123456789abcdef");
        let other = TokenKeys::new(b"another key that is long enough!!");
        let token = other.issue(UserId(7), SessionId(3), now()).unwrap();
        assert_eq!(
            keys.decode(&token, now()).unwrap_err().code(),
            "token_invalid"
        );
        let mut tampered = keys.issue(UserId(7), SessionId(3), now()).unwrap();
        tampered.insert(tampered.len() / 2, 'x');
        assert_eq!(
            keys.decode(&tampered, now()).unwrap_err().code(),
            "token_invalid"
        );
    }

    #[test]
    fn random_tokens_are_unique_and_hashed() {
        let (a, ha) = random_token();
        let (b, _) = random_token();
        assert_ne!(a, b);
        assert_eq!(hash_token(&a), ha);
        assert_ne!(a, ha);
    }
}
