//! Passwords: argon2id hashes, and the rules a new password must meet.

use argon2::password_hash::rand_core::OsRng;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::error::{AppError, AppResult, FieldError};
use crate::web::metrics::Metrics;

pub const MIN_LEN: usize = 12;
pub const MAX_LEN: usize = 128;

/// What hashing a new password costs. A stored hash names the cost it
/// was made with, and is verified at that cost whatever this is now.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum HashCost {
    /// argon2id with 19 MiB and two passes, OWASP's recommendation: tens
    /// of milliseconds of one core per hash.
    #[default]
    Standard,
    /// argon2id with 64 KiB and one pass, for the test suite, which hashes
    /// hundreds of passwords nobody has: never for real passwords.
    Minimal,
}

impl HashCost {
    fn hasher(self) -> Argon2<'static> {
        match self {
            HashCost::Standard => Argon2::default(),
            HashCost::Minimal => Argon2::new(
                Algorithm::Argon2id,
                Version::V0x13,
                Params::new(64, 1, 1, None).expect("valid argon2 parameters"),
            ),
        }
    }
}

pub fn hash(password: &str, cost: HashCost) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    cost.hasher()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing failed: {e}"))
}

pub fn verify(password: &str, stored_hash: &str) -> bool {
    PasswordHash::new(stored_hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Verifies against a fixed hash of the cost new passwords get, so that an
/// unknown email costs as much time as a wrong password and cannot be told
/// apart by timing.
pub fn verify_against_nothing(password: &str, cost: HashCost) {
    static DUMMIES: std::sync::OnceLock<[String; 2]> = std::sync::OnceLock::new();
    let dummies = DUMMIES.get_or_init(|| {
        [HashCost::Standard, HashCost::Minimal]
            .map(|cost| hash("a password nobody has", cost).unwrap_or_default())
    });
    verify(password, &dummies[cost as usize]);
}

/// Hashes on tokio's blocking pool: argon2 is tens of milliseconds of CPU
/// by design, and on a runtime thread it would stall every other request
/// that thread serves.
pub async fn hash_off_runtime(
    metrics: &Metrics,
    cost: HashCost,
    password: String,
) -> AppResult<String> {
    metrics.password_hashed();
    tokio::task::spawn_blocking(move || hash(&password, cost))
        .await
        .map_err(AppError::internal)?
        .map_err(AppError::internal)
}

/// Verifies on tokio's blocking pool (see `hash_off_runtime`). With no
/// stored hash (an unknown account) it does the same work against a fixed
/// hash and answers false, so timing tells nothing.
pub async fn verify_off_runtime(
    metrics: &Metrics,
    cost: HashCost,
    password: String,
    stored_hash: Option<String>,
) -> AppResult<bool> {
    metrics.password_hashed();
    tokio::task::spawn_blocking(move || match stored_hash {
        Some(stored) => verify(&password, &stored),
        None => {
            verify_against_nothing(&password, cost);
            false
        }
    })
    .await
    .map_err(AppError::internal)
}

/// The rules for a new password, reported on `field`: long enough to resist
/// guessing, short enough to hash quickly, and not the email address.
pub fn check_rules(field: &'static str, password: &str, email: &str) -> Option<FieldError> {
    let length = password.chars().count();
    if password.is_empty() {
        Some(FieldError::new(field, "required"))
    } else if length < MIN_LEN {
        Some(FieldError::new(field, "too_short").with("min", MIN_LEN))
    } else if length > MAX_LEN {
        Some(FieldError::new(field, "too_long").with("max", MAX_LEN))
    } else if password.trim().eq_ignore_ascii_case(email.trim()) {
        Some(FieldError::new(field, "same_as_email"))
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_verifies_only_the_same_password() {
        for cost in [HashCost::Standard, HashCost::Minimal] {
            let stored = hash("correct horse battery", cost).unwrap();
            assert!(stored.starts_with("$argon2id$"));
            assert!(verify("correct horse battery", &stored));
            assert!(!verify("correct horse batterY", &stored));
        }
        let standard = hash("correct horse battery", HashCost::Standard).unwrap();
        assert!(standard.contains("$m=19456,t=2,p=1$"), "{standard}");
        assert!(!verify("anything", "not a hash"));
    }

    /// On a runtime with a single thread, another task keeps running while
    /// a password is hashed and verified: the work is not on that thread.
    #[tokio::test(flavor = "current_thread")]
    async fn hashing_leaves_the_runtime_free() {
        let metrics = std::sync::Arc::new(Metrics::default());
        let worker = {
            let metrics = metrics.clone();
            tokio::spawn(async move {
                let cost = HashCost::Standard;
                let stored = hash_off_runtime(&metrics, cost, "a long passphrase".into()).await?;
                verify_off_runtime(&metrics, cost, "a long passphrase".into(), Some(stored)).await
            })
        };
        let mut turns_meanwhile = 0u32;
        while !worker.is_finished() {
            tokio::task::yield_now().await;
            turns_meanwhile += 1;
        }
        assert!(worker.await.unwrap().unwrap(), "the password verifies");
        assert_eq!(metrics.password_hashes(), 2);
        // Inline hashing would block the only thread: one or two turns.
        assert!(turns_meanwhile > 100, "{turns_meanwhile} turns");
    }

    #[test]
    fn rules_name_what_is_wrong() {
        let rule = |p: &str| check_rules("password", p, "a@b.dk").map(|e| e.rule);
        assert_eq!(rule(""), Some("required"));
        assert_eq!(rule("short"), Some("too_short"));
        assert_eq!(rule(&"x".repeat(129)), Some("too_long"));
        assert_eq!(rule("A@B.DK"), Some("too_short"));
        assert_eq!(
            check_rules("password", "someone@example.dk", "someone@example.dk").map(|e| e.rule),
            Some("same_as_email")
        );
        assert_eq!(rule("a long enough passphrase"), None);
    }
}
