//! How long from an officer publishing a tender until the SMTP server has
//! accepted the match mail to the social enterprise it fits.
//!
//! `cargo build --release --bin socialbid -p socialbid-tests --example bench_publish_to_mail`,
//! then `SOCIALBID_TEST_BIN=target/release/socialbid target/release/examples/bench_publish_to_mail`
//! (`BENCH_TENDERS` sets how many tenders, 100 by default).
//!
//! Everything is real and in its own process: `socialbid serve` on the
//! embedded SQLite database with its job worker and index follower, filled
//! with `socialbid demo`, and an aiosmtpd server storing what it accepts in
//! a Maildir. Anna of Café Lyst (catering, Copenhagen) asks for match mail
//! at once; the Copenhagen officer then publishes catering tenders in
//! Copenhagen one after another through the JSON API. For each, the time is
//! taken from just before the publish request to the modification time of
//! the file aiosmtpd wrote for the mail to Anna that links to the tender
//! (it writes the file before it answers `250`). Prints p50, p99 and the
//! largest.

use std::collections::HashSet;
use std::path::Path;
use std::time::{Duration, Instant, SystemTime};

use serde_json::{Value, json};
use socialbid_tests::{ReceivedMail, SmtpServer, SocialbidProcess};

const PASSWORD: &str = "socialbid-demo-2026";
const ANNA: &str = "anna@cafe-lyst.socialbid.demo";
const OFFICER: &str = "mette.kjaer@kk.socialbid.demo";

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let tenders: usize = std::env::var("BENCH_TENDERS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100);
    let smtp = SmtpServer::start().await;
    let server = SocialbidProcess::start(&[("SOCIALBID_SMTP_URL", smtp.url())]).await;
    server.load_demo().await;
    server.index_caught_up().await;
    let http = reqwest::Client::new();
    let anna = login(&http, &server, ANNA).await;
    let chosen = http
        .put(server.url("/api/v1/me/notifications"))
        .bearer_auth(&anna)
        .json(&json!({
            "match": "now", "amendment": "now", "answer": "now", "cancellation": "now",
            "min_match_percent": 0, "digest_hour": 8, "digest_weekday": 1, "language": "da",
        }))
        .send()
        .await
        .expect("the preferences answer");
    assert!(chosen.status().is_success(), "{:?}", chosen.text().await);
    let officer = login(&http, &server, OFFICER).await;
    let mut arrivals = Arrivals::new(smtp.maildir());
    // The demo's own mail (its queued jobs) is not what is measured.
    tokio::time::sleep(Duration::from_secs(3)).await;
    arrivals.skip_what_is_there();

    let mut latencies = Vec::with_capacity(tenders);
    for n in 1..=tenders {
        let draft = http
            .post(server.url("/api/v1/tenders"))
            .bearer_auth(&officer)
            .json(&catering(n))
            .send()
            .await
            .expect("the draft answers");
        assert_eq!(draft.status(), 201, "{:?}", draft.text().await);
        let id = draft.json::<Value>().await.expect("JSON")["id"]
            .as_i64()
            .expect("an id");
        let link = format!("/tenders/{id}");
        let published_at = SystemTime::now();
        let started = Instant::now();
        let published = http
            .post(server.url(&format!("/api/v1/tenders/{id}/publish")))
            .bearer_auth(&officer)
            .send()
            .await
            .expect("publishing answers");
        assert!(
            published.status().is_success(),
            "{:?}",
            published.text().await
        );
        let accepted_at = loop {
            if let Some(at) =
                arrivals.find(|mail| mail.to.contains(ANNA) && mail.text.contains(&link))
            {
                break at;
            }
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "no match mail for tender {id} within a minute\n{}",
                server.logs()
            );
            tokio::time::sleep(Duration::from_millis(5)).await;
        };
        let latency = accepted_at.duration_since(published_at).unwrap_or_default();
        latencies.push(latency);
    }
    latencies.sort();
    let at = |q: f64| {
        latencies[((latencies.len() as f64 * q).ceil() as usize).clamp(1, latencies.len()) - 1]
    };
    println!(
        "publish to match mail accepted by SMTP, {} tenders: p50 {:.0} ms, p99 {:.0} ms, max {:.0} ms",
        latencies.len(),
        at(0.50).as_secs_f64() * 1000.0,
        at(0.99).as_secs_f64() * 1000.0,
        latencies.last().copied().unwrap_or_default().as_secs_f64() * 1000.0,
    );
}

async fn login(http: &reqwest::Client, server: &SocialbidProcess, email: &str) -> String {
    let response = http
        .post(server.url("/api/v1/auth/login"))
        .json(&json!({ "email": email, "password": PASSWORD }))
        .send()
        .await
        .expect("login answers");
    assert_eq!(
        response.status(),
        200,
        "{email}: {:?}",
        response.text().await
    );
    response.json::<Value>().await.expect("JSON")["access_token"]
        .as_str()
        .expect("an access token")
        .to_owned()
}

/// A catering tender in Copenhagen that fits Café Lyst.
fn catering(n: usize) -> Value {
    let in_days = |days: i64| (chrono::Utc::now() + chrono::Duration::days(days)).to_rfc3339();
    json!({
        "title": format!("Kantinedrift på rådhus nr. {n}"),
        "description": "Drift af kantinen med frokost til 120 medarbejdere, hvor unge uden uddannelse trænes i køkkenet.",
        "contract_nature": "services",
        "procedure_type": "open",
        "main_cpv": "55520000",
        "additional_cpv": [],
        "nuts_codes": ["DK011"],
        "estimated_value": 1_400_000,
        "currency": "DKK",
        "submission_deadline": in_days(40),
        "question_deadline": in_days(30),
        "reserved": [],
        "strategic": ["soc-obj"],
        "lots": [],
        "criteria": [
            {"name": "Pris", "kind": "price", "weight": 60},
            {"name": "Kvalitet", "kind": "quality", "weight": 20},
            {"name": "Unge i job", "kind": "social", "weight": 20, "social_objectives": ["opp"]}
        ]
    })
}

/// The mail aiosmtpd has stored, read once per file as it arrives.
struct Arrivals<'a> {
    maildir: &'a Path,
    seen: HashSet<std::path::PathBuf>,
}

impl<'a> Arrivals<'a> {
    fn new(maildir: &'a Path) -> Arrivals<'a> {
        Arrivals {
            maildir,
            seen: HashSet::new(),
        }
    }

    fn files(&self) -> Vec<std::path::PathBuf> {
        ["new", "cur"]
            .iter()
            .filter_map(|sub| std::fs::read_dir(self.maildir.join(sub)).ok())
            .flatten()
            .filter_map(Result::ok)
            .map(|entry| entry.path())
            .collect()
    }

    fn skip_what_is_there(&mut self) {
        self.seen.extend(self.files());
    }

    /// The time the first new mail matching `wanted` was stored.
    fn find(&mut self, wanted: impl Fn(&ReceivedMail) -> bool) -> Option<SystemTime> {
        for path in self.files() {
            if self.seen.contains(&path) {
                continue;
            }
            let Ok(raw) = std::fs::read(&path) else {
                continue;
            };
            self.seen.insert(path.clone());
            let mail = ReceivedMail::parse(&raw).expect("a mail that parses");
            if wanted(&mail) {
                return std::fs::metadata(&path).and_then(|m| m.modified()).ok();
            }
        }
        None
    }
}
