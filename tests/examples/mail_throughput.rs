//! Mails per second through the application's mailer (`mail::send`: the
//! pooled SMTP connections, the rate limit, the headers of a notification) to
//! an SMTP sink on loopback that accepts everything and stores nothing.
//!
//! ```text
//! cargo run --release -p socialbid-tests --example mail_throughput -- 2000
//! ```
//!
//! For each number of pooled connections it sends the mails from as many
//! concurrent senders and prints mails per second, so what one connection
//! sends and what more connections buy can be read side by side.

use std::time::Instant;

use secrecy::SecretString;
use socialbid::app::AppState;
use socialbid::config::Config;
use socialbid::mail::{self, Outgoing};
use socialbid_frontend::RenderedEmail;
use socialbid_tests::smtp_sink;

fn config(dir: &std::path::Path, port: u16, connections: u32) -> Config {
    Config {
        addr: "127.0.0.1:0".parse().expect("address"),
        data_dir: dir.to_path_buf(),
        database_url: format!("sqlite://{}", dir.join("bench.db").display()),
        smtp_url: Some(SecretString::from(format!("smtp://127.0.0.1:{port}"))),
        jwt_secret: SecretString::from("a benchmark signing key that is long enough".to_owned()),
        public_url: "https://socialbid.example".into(),
        mail_from: "Socialbid <noreply@socialbid.example>".into(),
        accessibility_url: "/accessibility".into(),
        accessibility_prepared_on: chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("date"),
        accessibility_reviewed_on: chrono::NaiveDate::from_ymd_opt(2026, 12, 1).expect("date"),
        contact_email: "kontakt@socialbid.example".into(),
        operator_name: "Socialbid".into(),
        contact_phone: None,
        db_pool_size: 1,
        trust_forwarded_for: false,
        ocid_prefix: "ocds-socialbid".into(),
        mail_rate: None,
        smtp_connections: connections,
        worker_lanes: 1,
        page_cache_ms: 0,
        password_cost: Default::default(),
        bid_key: None,
    }
}

fn outgoing(n: usize) -> Outgoing {
    Outgoing {
        to: format!("person{n}@example.dk"),
        message_id: format!("<bench-{n}@socialbid.example>"),
        rendered: RenderedEmail {
            subject: "Et nyt udbud passer til jeres organisation".into(),
            text: "Bostøtte til unge i Københavns Kommune\n\nhttps://socialbid.example/tenders/1\n"
                .repeat(20),
            html: "<p>Bostøtte til unge i Københavns Kommune</p>".repeat(20),
        },
        headers: vec![
            (
                "List-Unsubscribe",
                "<https://socialbid.example/notifications/unsubscribe?token=x>".into(),
            ),
            ("List-Unsubscribe-Post", "List-Unsubscribe=One-Click".into()),
        ],
        file_id: n.to_string(),
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mails: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(2000);
    let port = smtp_sink().await?;
    println!("{mails} mails to an SMTP sink on 127.0.0.1:{port}");
    println!("connections  senders  seconds  mails/s");
    for connections in [1u32, 4, 16, 32] {
        let dir = tempfile::tempdir()?;
        let app = AppState::new(config(dir.path(), port, connections))?;
        let senders = connections as usize;
        let started = Instant::now();
        let mut tasks = tokio::task::JoinSet::new();
        for sender in 0..senders {
            let app = app.clone();
            tasks.spawn(async move {
                let mut n = sender;
                while n < mails {
                    mail::send(&app, outgoing(n)).await?;
                    n += senders;
                }
                anyhow::Ok(())
            });
        }
        while let Some(done) = tasks.join_next().await {
            done??;
        }
        let seconds = started.elapsed().as_secs_f64();
        println!(
            "{connections:>11}  {senders:>7}  {seconds:>7.2}  {:>7.0}",
            mails as f64 / seconds
        );
    }
    Ok(())
}
