//! Sealing bid content at rest: ChaCha20-Poly1305 (an authenticated
//! cipher, RFC 8439) under one key per instance, a fresh random nonce per
//! write, and the bid's place (tender, organisation, lot) as associated
//! data, so a sealed text copied into another bid's row does not open.
//!
//! The key comes from `SOCIALBID_BID_KEY` (64 hex digits), or, for the
//! embedded default, from a file generated once in the data folder (mode
//! 0600), like the token signing key. Losing the key loses every sealed
//! bid; it is kept apart from the database on purpose, so a copy of the
//! database alone reads nothing.

use std::fs;
use std::io::Write;
use std::path::Path;

use anyhow::{Context, bail};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, Key, Nonce};
use rand::RngCore;
use secrecy::{ExposeSecret, SecretString};

/// The file the embedded default keeps its key in.
pub const KEY_FILE: &str = "bid-key";
/// A stored sealed text starts with the scheme, so a later change of
/// cipher or key can tell old rows from new ones.
const SCHEME: &str = "v1:";
const NONCE_LEN: usize = 12;

pub struct BidSeal {
    cipher: ChaCha20Poly1305,
}

impl BidSeal {
    /// The seal for a key written as 64 hex digits.
    pub fn from_hex(hex_key: &SecretString) -> anyhow::Result<BidSeal> {
        let bytes = hex::decode(hex_key.expose_secret().trim())
            .context("the bid key is not hexadecimal")?;
        let Ok(key) = <[u8; 32]>::try_from(bytes.as_slice()) else {
            bail!("the bid key must be 32 bytes (64 hex digits)");
        };
        Ok(BidSeal {
            cipher: ChaCha20Poly1305::new(&Key::from(key)),
        })
    }

    /// The key in the data folder, generated on first use.
    pub fn from_data_dir(data_dir: &Path) -> anyhow::Result<BidSeal> {
        BidSeal::from_hex(&load_or_create_key(data_dir)?)
    }

    /// `v1:` and base64 of nonce and ciphertext (with its tag), for a
    /// text column.
    pub fn seal(&self, place: &str, plaintext: &[u8]) -> anyhow::Result<String> {
        let (nonce, ciphertext) = self.encrypt(place, plaintext)?;
        let mut stored = nonce.to_vec();
        stored.extend(ciphertext);
        Ok(format!("{SCHEME}{}", STANDARD.encode(stored)))
    }

    /// The plaintext, or an error when the text was sealed for another
    /// place, with another key, or changed since.
    pub fn open(&self, place: &str, sealed: &str) -> anyhow::Result<Vec<u8>> {
        let encoded = sealed
            .strip_prefix(SCHEME)
            .context("a sealed bid of an unknown scheme")?;
        let bytes = STANDARD
            .decode(encoded)
            .context("a sealed bid that is not base64")?;
        self.decrypt(place, &bytes)
    }

    /// `v1:`, nonce and ciphertext as bytes, for a file: a bid's
    /// documents are stored so.
    pub fn seal_bytes(&self, place: &str, plaintext: &[u8]) -> anyhow::Result<Vec<u8>> {
        let (nonce, ciphertext) = self.encrypt(place, plaintext)?;
        let mut stored = Vec::with_capacity(SCHEME.len() + NONCE_LEN + ciphertext.len());
        stored.extend_from_slice(SCHEME.as_bytes());
        stored.extend_from_slice(&nonce);
        stored.extend(ciphertext);
        Ok(stored)
    }

    /// What `seal_bytes` sealed for the same place with the same key.
    pub fn open_bytes(&self, place: &str, sealed: &[u8]) -> anyhow::Result<Vec<u8>> {
        let bytes = sealed
            .strip_prefix(SCHEME.as_bytes())
            .context("a sealed file of an unknown scheme")?;
        self.decrypt(place, bytes)
    }

    fn encrypt(&self, place: &str, plaintext: &[u8]) -> anyhow::Result<([u8; NONCE_LEN], Vec<u8>)> {
        let mut nonce = [0u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let ciphertext = self
            .cipher
            .encrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: plaintext,
                    aad: place.as_bytes(),
                },
            )
            .map_err(|_| anyhow::anyhow!("sealing a bid failed"))?;
        Ok((nonce, ciphertext))
    }

    /// Nonce and ciphertext in, plaintext out.
    fn decrypt(&self, place: &str, bytes: &[u8]) -> anyhow::Result<Vec<u8>> {
        if bytes.len() < NONCE_LEN {
            bail!("a sealed bid too short to hold its nonce");
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let nonce = <[u8; NONCE_LEN]>::try_from(nonce)?;
        self.cipher
            .decrypt(
                &Nonce::from(nonce),
                Payload {
                    msg: ciphertext,
                    aad: place.as_bytes(),
                },
            )
            .map_err(|_| {
                anyhow::anyhow!("a sealed bid does not open: another key, place or a changed row")
            })
    }
}

fn load_or_create_key(data_dir: &Path) -> anyhow::Result<SecretString> {
    let path = data_dir.join(KEY_FILE);
    if path.exists() {
        let key =
            fs::read_to_string(&path).with_context(|| format!("cannot read {}", path.display()))?;
        return Ok(SecretString::from(key.trim().to_owned()));
    }
    fs::create_dir_all(data_dir)
        .with_context(|| format!("cannot create the data folder {}", data_dir.display()))?;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let key = hex::encode(bytes);
    let mut options = fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options
        .open(&path)
        .with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(key.as_bytes())?;
    tracing::info!(path = %path.display(), "generated a new bid sealing key");
    Ok(SecretString::from(key))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seal() -> BidSeal {
        BidSeal::from_hex(&SecretString::from("11".repeat(32))).unwrap()
    }

    #[test]
    fn opens_only_what_it_sealed_for_the_same_place() {
        let seal = seal();
        let sealed = seal.seal("1:2:0", b"pris 1.000.000").unwrap();
        assert!(!sealed.contains("pris"));
        assert_eq!(seal.open("1:2:0", &sealed).unwrap(), b"pris 1.000.000");
        assert!(seal.open("1:3:0", &sealed).is_err());
        let other = BidSeal::from_hex(&SecretString::from("22".repeat(32))).unwrap();
        assert!(other.open("1:2:0", &sealed).is_err());
        let mut tampered = sealed.clone();
        tampered.replace_range(10..11, if &sealed[10..11] == "A" { "B" } else { "A" });
        assert!(seal.open("1:2:0", &tampered).is_err());
    }

    #[test]
    fn files_open_only_for_their_place() {
        let seal = seal();
        let sealed = seal
            .seal_bytes("bid:1:2:0:doc:ab", b"%PDF-1.7 tilbud")
            .unwrap();
        assert!(sealed.starts_with(b"v1:"));
        assert!(!sealed.windows(6).any(|w| w == b"tilbud"));
        assert_eq!(
            seal.open_bytes("bid:1:2:0:doc:ab", &sealed).unwrap(),
            b"%PDF-1.7 tilbud"
        );
        assert!(seal.open_bytes("bid:1:2:0:doc:cd", &sealed).is_err());
        assert!(seal.open_bytes("bid:1:2:0:doc:ab", &sealed[..10]).is_err());
    }

    #[test]
    fn two_seals_of_the_same_text_differ() {
        let seal = seal();
        assert_ne!(seal.seal("p", b"x").unwrap(), seal.seal("p", b"x").unwrap());
    }

    #[test]
    fn refuses_a_short_key() {
        assert!(BidSeal::from_hex(&SecretString::from("ab".to_owned())).is_err());
    }
}
