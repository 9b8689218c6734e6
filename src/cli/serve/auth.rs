//! Passwords (argon2id), session tokens, CSRF tokens and the login rate limit.
//!
//! A session is a random 256-bit token in an HttpOnly, SameSite=Strict cookie; the database keeps
//! only its SHA-256, so a copied database (or backup) holds no usable session. Each session has
//! its own CSRF token, which the page reads from `GET /api/me` (same origin only) and sends back
//! in the `X-CSRF-Token` header with every request that changes something.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use argon2::password_hash::generate_salt;
use argon2::{Argon2, PasswordHash, PasswordHasher, PasswordVerifier};

use crate::load::fs::sha256_hex;

/// The session cookie's name.
pub(super) const COOKIE: &str = "kaohe_session";
/// How long a session lasts (a working day and a half).
pub(super) const SESSION_SECONDS: i64 = 12 * 3600;
/// Failed logins allowed per account and per client address within `WINDOW`.
const MAX_FAILURES: u32 = 5;
const WINDOW: Duration = Duration::from_secs(60);

pub(super) fn hash_password(password: &str) -> Result<String, String> {
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| e.to_string())
}

pub(super) fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// 256 random bits from the operating system, as hex.
pub(super) fn random_token() -> String {
    let mut out = String::with_capacity(64);
    for _ in 0..2 {
        for b in generate_salt() {
            out.push_str(&format!("{b:02x}"));
        }
    }
    out
}

pub(super) fn token_sha256(token: &str) -> String {
    sha256_hex(token.as_bytes())
}

/// Compare two tokens in time independent of where they differ.
pub(super) fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// Failed logins per key (an account name or a client address), in a sliding minute.
pub(super) struct Auth {
    failures: Mutex<HashMap<String, (u32, Instant)>>,
    /// Local mode's one CSRF token (no sessions there).
    pub local_csrf: String,
}

impl Auth {
    pub(super) fn new() -> Auth {
        Auth {
            failures: Mutex::new(HashMap::new()),
            local_csrf: random_token(),
        }
    }

    /// Whether any of `keys` has used up its failed attempts.
    pub(super) fn limited(&self, keys: &[&str]) -> bool {
        let map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        keys.iter().any(|k| {
            map.get(*k)
                .is_some_and(|(n, since)| *n >= MAX_FAILURES && since.elapsed() < WINDOW)
        })
    }

    pub(super) fn failed(&self, keys: &[&str]) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() > 100_000 {
            map.retain(|_, (_, since)| since.elapsed() < WINDOW);
        }
        for k in keys {
            let e = map.entry(k.to_string()).or_insert((0, Instant::now()));
            if e.1.elapsed() >= WINDOW {
                *e = (0, Instant::now());
            }
            e.0 += 1;
        }
    }

    pub(super) fn succeeded(&self, keys: &[&str]) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        for k in keys {
            map.remove(*k);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_round_trip() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse", &h));
        assert!(!verify_password("wrong horse", &h));
        assert!(!verify_password("correct horse", "not a hash"));
    }

    #[test]
    fn tokens_are_random_and_compared_whole() {
        let a = random_token();
        assert_eq!(a.len(), 64);
        assert_ne!(a, random_token());
        assert!(same_token(&a, &a.clone()));
        assert!(!same_token(&a, &a[..63]));
    }

    #[test]
    fn five_failures_lock_for_a_minute() {
        let auth = Auth::new();
        for _ in 0..4 {
            auth.failed(&["user:a"]);
        }
        assert!(!auth.limited(&["user:a"]));
        auth.failed(&["user:a"]);
        assert!(auth.limited(&["user:a", "ip:x"]));
        assert!(!auth.limited(&["user:b"]));
        auth.succeeded(&["user:a"]);
        assert!(!auth.limited(&["user:a"]));
    }
}
