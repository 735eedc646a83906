//! SMTP connections of our own, pooled. lettre still speaks SMTP on them;
//! what it could not do is open its sockets with `TCP_NODELAY`. It writes
//! a message's body and the closing dot in two writes, so with Nagle's
//! algorithm the dot waited for the server's delayed ACK (40 ms on Linux)
//! and one connection sent about 23 mails a second. Here the socket is
//! ours: plain and STARTTLS relays get `TCP_NODELAY`. A relay on implicit
//! TLS (`smtps://`) is connected by lettre itself, whose TLS layer needs
//! the socket from the start, and keeps the wait.

use std::borrow::Cow;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use lettre::address::Envelope;
use lettre::transport::smtp::authentication::{Credentials, Mechanism};
use lettre::transport::smtp::client::{AsyncSmtpConnection, TlsParameters};
use lettre::transport::smtp::extension::ClientId;
use tokio::net::TcpStream;
use tokio::sync::Semaphore;

/// How long connecting, or one whole mail, may take before the attempt is
/// given up (the job is tried again later).
const TIMEOUT: Duration = Duration::from_secs(60);
/// An idle connection older than this is closed rather than reused: relays
/// drop idle clients after a few minutes.
const IDLE_LIMIT: Duration = Duration::from_secs(60);
/// An idle connection older than this is asked `NOOP` before it is reused.
const FRESH: Duration = Duration::from_secs(5);

enum Security {
    Plain,
    /// STARTTLS; `required` refuses a relay that does not offer it.
    StartTls {
        parameters: TlsParameters,
        required: bool,
    },
    /// TLS from the first byte (`smtps://`).
    Implicit(TlsParameters),
}

/// Where mail goes, read from `SOCIALBID_SMTP_URL` the way lettre reads
/// it: `smtp://host[:25]`, `smtp://host[:587]?tls=required` (or
/// `opportunistic`), `smtps://host[:465]`, with `user:password@` for
/// authentication and a path naming the EHLO host.
struct Relay {
    host: String,
    port: u16,
    security: Security,
    credentials: Option<Credentials>,
    hello: ClientId,
}

impl Relay {
    fn parse(address: &str) -> anyhow::Result<Relay> {
        let url = url::Url::parse(address)?;
        let host = url
            .host_str()
            .ok_or_else(|| anyhow::anyhow!("no host"))?
            .to_owned();
        let tls = url
            .query_pairs()
            .find(|(key, _)| key == "tls")
            .map(|(_, value)| value.into_owned());
        let parameters = || TlsParameters::new(host.clone());
        let (default_port, security) = match (url.scheme(), tls.as_deref()) {
            ("smtp", None) => (25, Security::Plain),
            ("smtp", Some(how @ ("required" | "opportunistic"))) => (
                587,
                Security::StartTls {
                    parameters: parameters()?,
                    required: how == "required",
                },
            ),
            ("smtps", _) => (465, Security::Implicit(parameters()?)),
            (scheme, tls) => {
                anyhow::bail!("unknown scheme {scheme:?} or tls parameter {tls:?}")
            }
        };
        let decode = |text: &str| -> anyhow::Result<String> {
            Ok(percent_encoding::percent_decode_str(text)
                .decode_utf8()
                .map(Cow::into_owned)?)
        };
        let credentials = match url.password() {
            Some(password) => Some(Credentials::new(decode(url.username())?, decode(password)?)),
            None => None,
        };
        let hello = match url.path().trim_matches('/') {
            "" => ClientId::default(),
            name => ClientId::Domain(name.to_owned()),
        };
        Ok(Relay {
            port: url.port().unwrap_or(default_port),
            host,
            security,
            credentials,
            hello,
        })
    }

    async fn connect(&self) -> anyhow::Result<AsyncSmtpConnection> {
        let mut connection = match &self.security {
            Security::Implicit(parameters) => {
                AsyncSmtpConnection::connect_tokio1(
                    (self.host.as_str(), self.port),
                    Some(TIMEOUT),
                    &self.hello,
                    Some(parameters.clone()),
                    None,
                )
                .await?
            }
            Security::Plain | Security::StartTls { .. } => {
                let stream = TcpStream::connect((self.host.as_str(), self.port)).await?;
                stream.set_nodelay(true)?;
                AsyncSmtpConnection::connect_with_transport(Box::new(stream), &self.hello).await?
            }
        };
        if let Security::StartTls {
            parameters,
            required,
        } = &self.security
            && (*required || connection.can_starttls())
        {
            connection.starttls(parameters.clone(), &self.hello).await?;
        }
        if let Some(credentials) = &self.credentials {
            connection
                .auth(&[Mechanism::Plain, Mechanism::Login], credentials)
                .await?;
        }
        Ok(connection)
    }
}

/// At most `size` connections to the relay, each reused while it is fresh.
pub struct SmtpPool {
    relay: Relay,
    idle: Mutex<Vec<(AsyncSmtpConnection, Instant)>>,
    slots: Semaphore,
}

impl SmtpPool {
    pub fn new(address: &str, size: u32) -> anyhow::Result<SmtpPool> {
        let size = usize::try_from(size.max(1))?;
        Ok(SmtpPool {
            relay: Relay::parse(address)?,
            idle: Mutex::new(Vec::with_capacity(size)),
            slots: Semaphore::new(size),
        })
    }

    /// Hands one formatted message to the relay. An SMTP refusal comes back
    /// as lettre's error inside the `anyhow::Error`, so a caller can tell a
    /// permanent one (5xx) from the rest.
    pub async fn send(&self, envelope: &Envelope, message: &[u8]) -> anyhow::Result<()> {
        let _slot = self.slots.acquire().await?;
        let mut connection = match self.reusable().await {
            Some(connection) => connection,
            None => tokio::time::timeout(TIMEOUT, self.relay.connect())
                .await
                .map_err(|_| anyhow::anyhow!("connecting to the SMTP server timed out"))??,
        };
        let sent = tokio::time::timeout(TIMEOUT, connection.send(envelope, message)).await;
        match sent {
            Ok(Ok(_)) => {
                self.lock_idle().push((connection, Instant::now()));
                Ok(())
            }
            // A refusal leaves the connection usable; lettre marks it
            // broken when it is not.
            Ok(Err(error)) => {
                if !connection.has_broken() {
                    self.lock_idle().push((connection, Instant::now()));
                }
                Err(error.into())
            }
            Err(_) => anyhow::bail!("sending to the SMTP server timed out"),
        }
    }

    /// An idle connection that still answers, newest first; stale ones are
    /// closed on the way.
    async fn reusable(&self) -> Option<AsyncSmtpConnection> {
        loop {
            let (mut connection, since) = self.lock_idle().pop()?;
            let idle = since.elapsed();
            if idle > IDLE_LIMIT {
                connection.abort().await;
                continue;
            }
            if idle <= FRESH || connection.test_connected().await {
                return Some(connection);
            }
            connection.abort().await;
        }
    }

    fn lock_idle(&self) -> std::sync::MutexGuard<'_, Vec<(AsyncSmtpConnection, Instant)>> {
        // The list is only pushed to and popped from: a panic elsewhere
        // while it was held cannot have left it half-changed.
        self.idle
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::{Relay, Security};

    #[test]
    fn relay_addresses_read_as_lettre_reads_them() {
        let plain = Relay::parse("smtp://127.0.0.1:2525").unwrap();
        assert_eq!((plain.host.as_str(), plain.port), ("127.0.0.1", 2525));
        assert!(matches!(plain.security, Security::Plain));
        assert!(plain.credentials.is_none());

        let submission = Relay::parse("smtp://mail.example.dk?tls=required").unwrap();
        assert_eq!(submission.port, 587);
        assert!(matches!(
            submission.security,
            Security::StartTls { required: true, .. }
        ));

        let implicit = Relay::parse("smtps://anna%40kk.dk:hemmelig%2F1@smtp.example.dk").unwrap();
        assert_eq!(implicit.port, 465);
        assert!(matches!(implicit.security, Security::Implicit(_)));
        assert_eq!(
            implicit.credentials,
            Some(lettre::transport::smtp::authentication::Credentials::new(
                "anna@kk.dk".into(),
                "hemmelig/1".into()
            ))
        );

        assert!(Relay::parse("http://example.dk").is_err());
        assert!(Relay::parse("smtp://example.dk?tls=sometimes").is_err());
    }
}
