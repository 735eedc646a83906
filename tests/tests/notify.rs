//! The notifier against a real SMTP server in its own process (aiosmtpd),
//! on both databases: a published tender mails every matched member once
//! and no one else, reserved tenders only reach eligible organisations,
//! digests gather at the person's hour (the application clock moves, no
//! sleeping), one-click unsubscribe works without a session and stops one
//! kind only, a stopped SMTP server loses nothing and duplicates nothing, a
//! permanent refusal is recorded, not retried and shown to admins, the
//! preferences API checks what it is given, and the mails read as reviewed
//! (a match, a saved search's find, a digest, the last chance and the
//! officers' weekly summary, in Danish and English). Administrators'
//! decisions on profiles and officers' accounts follow the same choices.

use axum::http::{Method, StatusCode};
use chrono::{Duration, NaiveDateTime, TimeZone};
use serde_json::{Value, json};
use socialbid_tests::{
    AARHUS_CVR, Backend, KOBENHAVN_CVR, PageSession, Person, ReceivedMail, SmtpServer,
    TenderBuilder, TestApp, complete_bid, cvr, in_days, on_both_databases, profile_body,
};

on_both_databases!(
    publishing_mails_every_matched_member_once_and_no_one_else,
    a_reserved_tender_never_mails_an_ineligible_organisation,
    a_digest_gathers_several_events_into_one_mail_at_its_hour,
    one_click_unsubscribe_works_without_a_session_and_stops_that_kind_only,
    a_stopped_smtp_server_loses_nothing_and_sends_nothing_twice,
    a_permanent_refusal_is_recorded_not_retried_and_shown_to_admins,
    preferences_are_read_and_checked_through_the_api,
    the_mails_read_as_reviewed_in_both_languages,
    the_last_chance_reaches_who_has_not_bid_three_working_days_before_the_deadline,
    officers_are_told_each_monday_how_far_their_open_tenders_reached,
    the_preferences_page_offers_each_role_its_own_kinds_of_mail,
    administrators_decisions_are_mailed_as_each_person_chose,
    bidders_hear_of_amendments_answers_and_cancellation_without_following,
);

const MATCH_SUBJECT: &str = "Et nyt udbud passer til jeres organisation";

/// A tender for supported housing in Copenhagen.
fn social_work(app: &TestApp, title: &str) -> TenderBuilder {
    TenderBuilder::new(app)
        .set("title", json!(title))
        .set(
            "description",
            json!("Socialpædagogisk bostøtte til unge mellem 18 og 25 år i egen bolig."),
        )
        .set("main_cpv", json!("85311000"))
        .set("additional_cpv", json!([]))
        .set("nuts_codes", json!(["DK011"]))
        .set("estimated_value", json!(1_500_000))
}

/// A profile offering social work (853) in Region Hovedstaden.
fn social_enterprise(name: &str, n: u32, article_20: bool) -> Value {
    let mut body = profile_body(name, &cvr(n));
    body["reserved_res_ws"] = json!(article_20);
    if !article_20 {
        body["res_ws_justification"] = json!("");
    }
    body
}

/// A cleaning company in Central Jutland: matches none of these tenders.
fn cleaner(name: &str, n: u32) -> Value {
    let mut body = social_enterprise(name, n, false);
    body["cpv"] = json!(["90911200"]);
    body["nuts"] = json!(["DK04"]);
    body["mission"] = json!("Vi giver ledige et job med rengøring.");
    body["capabilities"] = json!("Rengøring af kontorer og institutioner.");
    body
}

struct World {
    smtp: SmtpServer,
    app: TestApp,
    admin: Person,
    officer: Person,
}

async fn world(backend: Backend) -> World {
    let smtp = SmtpServer::start().await;
    let app = TestApp::with_smtp(backend, &smtp).await;
    let admin = app.admin("admin@socialbid.test").await;
    let officer = app.officer("indkoeber@kk.dk", KOBENHAVN_CVR).await;
    World {
        smtp,
        app,
        admin,
        officer,
    }
}

fn preferences(changes: Value) -> Value {
    let mut body = json!({
        "match": "daily", "amendment": "now", "answer": "now", "cancellation": "now",
        "min_match_percent": 0, "digest_hour": 8, "digest_weekday": 1, "language": "da",
    });
    for (key, value) in changes.as_object().expect("an object") {
        body[key] = value.clone();
    }
    body
}

impl World {
    /// An entrepreneur with an approved organisation and the given mail
    /// choices (changes to the defaults).
    async fn enterprise(&self, email: &str, body: Value, choices: Value) -> (Person, i64) {
        let member = self.app.entrepreneur(email).await;
        self.choose(&member, choices).await;
        let id = self
            .app
            .approved_organisation(&member, &self.admin, body)
            .await;
        (member, id)
    }

    async fn choose(&self, person: &Person, choices: Value) {
        let response = self
            .app
            .api(
                Method::PUT,
                "/api/v1/me/notifications",
                Some(&person.access_token),
                Some(preferences(choices)),
            )
            .await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    }

    async fn publish(&self, tender: TenderBuilder) -> i64 {
        let id = tender.publish(&self.app, &self.officer).await;
        self.app.run_jobs().await;
        id
    }

    async fn follow(&self, person: &Person, tender: i64) {
        let response = self
            .app
            .api(
                Method::PUT,
                &format!("/api/v1/tenders/{tender}/follow"),
                Some(&person.access_token),
                None,
            )
            .await;
        assert_eq!(
            response.status,
            StatusCode::NO_CONTENT,
            "{}",
            response.text()
        );
    }

    async fn amend(&self, tender: i64, builder: TenderBuilder, reason: &str) {
        let body = json!({ "tender": builder.body, "reason": reason });
        let response = self
            .app
            .api(
                Method::POST,
                &format!("/api/v1/tenders/{tender}/amend"),
                Some(&self.officer.access_token),
                Some(body),
            )
            .await;
        assert_eq!(response.status, StatusCode::OK, "{}", response.text());
        self.app.run_jobs().await;
    }

    fn mails_to(&self, address: &str, subject: &str) -> Vec<ReceivedMail> {
        self.smtp
            .messages_to(address)
            .into_iter()
            .filter(|m| m.subject == subject)
            .collect()
    }

    /// Moves the application clock to the next `hour` o'clock in
    /// Copenhagen (and a minute), as the days pass for a running server.
    fn move_clock_to_local_hour(&self, hour: u32) -> NaiveDateTime {
        let now = self.app.state.clock.now();
        let due = socialbid::notify::next_digest(now, socialbid::notify::Cadence::Daily, hour, 1)
            .expect("a daily digest is due some time");
        self.app
            .state
            .clock
            .advance(due - now + Duration::minutes(1));
        due
    }
}

async fn publishing_mails_every_matched_member_once_and_no_one_else(backend: Backend) {
    let w = world(backend).await;
    let at_once = json!({ "match": "now" });
    let (anna, _) = w
        .enterprise(
            "anna@cafe-lyst.dk",
            social_enterprise("Café Lyst", 1, false),
            at_once.clone(),
        )
        .await;
    let (carl, _) = w
        .enterprise(
            "carl@bo.dk",
            social_enterprise("Bo Godt", 3, false),
            at_once.clone(),
        )
        .await;
    let (bo, _) = w
        .enterprise("bo@rent.dk", cleaner("Rent Arbejde", 2), at_once)
        .await;
    let tender = w
        .publish(social_work(
            &w.app,
            "Bostøtte til unge i Københavns Kommune",
        ))
        .await;

    for member in [&anna, &carl] {
        let mails = w.mails_to(&member.email, MATCH_SUBJECT);
        assert_eq!(mails.len(), 1, "{mails:#?}");
        let mail = &mails[0];
        assert!(
            mail.text.contains("Bostøtte til unge i Københavns Kommune"),
            "{}",
            mail.text
        );
        let link = format!("http://socialbid.test/tenders/{tender}");
        // The HTML part writes the slashes as entities; a mail client reads
        // them as slashes.
        assert!(mail.text.contains(&link), "{}", mail.text);
        assert!(
            mail.html.contains(&link.replace('/', "&#x2f;")),
            "{}",
            mail.html
        );
        // The reasons, worded for the reader.
        assert!(mail.text.contains("CPV 85311000"), "{}", mail.text);
        assert!(mail.html.contains("CPV 85311000"), "{}", mail.html);
        assert!(
            mail.list_unsubscribe
                .starts_with("<http://socialbid.test/notifications/unsubscribe?token="),
            "{}",
            mail.list_unsubscribe
        );
        assert_eq!(mail.list_unsubscribe_post, "List-Unsubscribe=One-Click");
        assert!(
            mail.message_id.contains("@socialbid.test"),
            "{}",
            mail.message_id
        );
    }
    assert!(w.mails_to(&bo.email, MATCH_SUBJECT).is_empty());
    assert!(w.mails_to(&w.officer.email, MATCH_SUBJECT).is_empty());

    // A person's data export holds the choice of e-mails and what they
    // were told of.
    let export = w
        .app
        .api(
            Method::GET,
            "/api/v1/me/export",
            Some(&anna.access_token),
            None,
        )
        .await
        .json();
    assert_eq!(export["notification_settings"]["match"], "now");
    // Besides the approval of the organisation's profile: the match.
    let told: Vec<&Value> = export["notifications"]
        .as_array()
        .expect("notifications")
        .iter()
        .filter(|n| n["kind"] != "profile_decision")
        .collect();
    assert_eq!(told.len(), 1, "{told:#?}");
    assert_eq!(told[0]["kind"], "match");
    assert_eq!(told[0]["tender_id"], tender);
    assert!(told[0]["sent_at"].is_string(), "{told:#?}");

    // The matches computed again (an amendment, a retry): nobody is told twice.
    w.amend(
        tender,
        social_work(&w.app, "Bostøtte til unge i Københavns Kommune")
            .set("estimated_value", json!(1_800_000)),
        "Ny anslået værdi",
    )
    .await;
    for member in [&anna, &carl] {
        assert_eq!(w.mails_to(&member.email, MATCH_SUBJECT).len(), 1);
    }
}

async fn a_reserved_tender_never_mails_an_ineligible_organisation(backend: Backend) {
    let w = world(backend).await;
    let at_once = json!({ "match": "now" });
    let (eligible, _) = w
        .enterprise(
            "anna@vaerkstedet.dk",
            social_enterprise("Værkstedet", 1, true),
            at_once.clone(),
        )
        .await;
    let (ineligible, _) = w
        .enterprise(
            "carl@bo.dk",
            social_enterprise("Bo Godt", 3, false),
            at_once,
        )
        .await;
    w.publish(social_work(&w.app, "Beskyttet beskæftigelse").set("reserved", json!(["res-ws"])))
        .await;
    assert_eq!(w.mails_to(&eligible.email, MATCH_SUBJECT).len(), 1);
    assert!(w.mails_to(&ineligible.email, MATCH_SUBJECT).is_empty());
}

async fn a_digest_gathers_several_events_into_one_mail_at_its_hour(backend: Backend) {
    let w = world(backend).await;
    // The defaults: matches in a daily digest at 8 in Copenhagen.
    let (anna, _) = w
        .enterprise(
            "anna@cafe-lyst.dk",
            social_enterprise("Café Lyst", 1, false),
            json!({}),
        )
        .await;
    let first = w.publish(social_work(&w.app, "Bostøtte i Valby")).await;
    let second = w.publish(social_work(&w.app, "Bostøtte på Amager")).await;
    assert!(
        w.smtp
            .messages_to(&anna.email)
            .iter()
            .all(|m| !m.text.contains("Bostøtte"))
    );

    let due = w.move_clock_to_local_hour(8);
    let local = chrono_tz::Europe::Copenhagen.from_utc_datetime(&due);
    assert_eq!(local.format("%H:%M").to_string(), "08:00");
    w.app.run_jobs().await;
    let digests = w.mails_to(&anna.email, "Nyt om udbud på Socialbid");
    assert_eq!(digests.len(), 1, "{digests:#?}");
    let digest = &digests[0];
    for (title, id) in [("Bostøtte i Valby", first), ("Bostøtte på Amager", second)] {
        assert!(digest.text.contains(title), "{}", digest.text);
        assert!(
            digest
                .text
                .contains(&format!("http://socialbid.test/tenders/{id}"))
        );
    }
    assert!(
        digest.text.contains("Her er 2 nyheder siden sidst"),
        "{}",
        digest.text
    );
    assert!(!digest.list_unsubscribe.is_empty());

    // A day later with nothing new: no mail.
    w.move_clock_to_local_hour(8);
    w.app.run_jobs().await;
    assert_eq!(
        w.mails_to(&anna.email, "Nyt om udbud på Socialbid").len(),
        1
    );
}

async fn one_click_unsubscribe_works_without_a_session_and_stops_that_kind_only(backend: Backend) {
    let w = world(backend).await;
    let bo = w.app.entrepreneur("bo@rent.dk").await;
    let tender = w.publish(social_work(&w.app, "Bostøtte i Valby")).await;
    w.follow(&bo, tender).await;
    w.amend(
        tender,
        social_work(&w.app, "Bostøtte i Valby").set("estimated_value", json!(1_700_000)),
        "Ny anslået værdi",
    )
    .await;
    let amended = w.mails_to(&bo.email, "Et udbud, du følger eller byder på, er ændret");
    assert_eq!(amended.len(), 1);
    let link = amended[0]
        .list_unsubscribe
        .trim_start_matches('<')
        .trim_end_matches('>')
        .to_owned();
    let path = link.trim_start_matches("http://socialbid.test");
    assert!(
        path.starts_with("/notifications/unsubscribe?token="),
        "{path}"
    );

    // The mail client's POST: no cookie, no CSRF token.
    let posted = w
        .app
        .raw(
            Method::POST,
            path,
            Some("application/x-www-form-urlencoded"),
            "List-Unsubscribe=One-Click",
        )
        .await;
    assert_eq!(posted.status, StatusCode::OK, "{}", posted.text());
    // A token changed by one character is refused.
    let forged = w
        .app
        .raw(
            Method::POST,
            &format!("{path}x"),
            Some("application/x-www-form-urlencoded"),
            "List-Unsubscribe=One-Click",
        )
        .await;
    assert_eq!(forged.status, StatusCode::NOT_FOUND);

    let choices = w
        .app
        .api(
            Method::GET,
            "/api/v1/me/notifications",
            Some(&bo.access_token),
            None,
        )
        .await
        .json();
    assert_eq!(choices["amendment"], "never");
    assert_eq!(choices["answer"], "now");

    // Another amendment: no mail. An answer: mailed.
    w.amend(
        tender,
        social_work(&w.app, "Bostøtte i Valby").set("estimated_value", json!(1_900_000)),
        "Igen ny værdi",
    )
    .await;
    assert_eq!(
        w.mails_to(&bo.email, "Et udbud, du følger eller byder på, er ændret")
            .len(),
        1
    );
    let anna = w.app.entrepreneur("anna@cafe.dk").await;
    let asked = w
        .app
        .api(
            Method::POST,
            &format!("/api/v1/tenders/{tender}/questions"),
            Some(&anna.access_token),
            Some(json!({ "question": "Hvor mange borgere?" })),
        )
        .await;
    assert_eq!(asked.status, StatusCode::CREATED, "{}", asked.text());
    let question = asked.json()["id"].as_i64().expect("id");
    let answered = w
        .app
        .api(
            Method::POST,
            &format!("/api/v1/tenders/{tender}/questions/{question}/answer"),
            Some(&w.officer.access_token),
            Some(json!({ "answer": "Omkring 40." })),
        )
        .await;
    assert!(answered.status.is_success(), "{}", answered.text());
    w.app.run_jobs().await;
    let answers: Vec<_> = w
        .smtp
        .messages_to(&bo.email)
        .into_iter()
        .filter(|m| m.text.contains("Omkring 40."))
        .collect();
    assert_eq!(answers.len(), 1);

    // The link opened in a browser says what was switched off.
    let page = w.app.page(Method::GET, path, "", None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.text()
            .contains("Ændringer i udbud, du følger eller byder på"),
        "{}",
        page.text()
    );
}

async fn a_stopped_smtp_server_loses_nothing_and_sends_nothing_twice(backend: Backend) {
    let mut w = world(backend).await;
    let mut members = Vec::new();
    for (n, email) in ["anna@a.dk", "bo@b.dk", "carl@c.dk"].iter().enumerate() {
        let (member, _) = w
            .enterprise(
                email,
                social_enterprise(&format!("Værksted {n}"), n as u32 + 1, false),
                json!({ "match": "now" }),
            )
            .await;
        members.push(member);
    }
    w.smtp.stop();
    let tender = w.publish(social_work(&w.app, "Bostøtte i Valby")).await;
    // Refused connections: the mails wait with back-off.
    assert!(w.app.pending_jobs().await >= 3);
    w.app.run_jobs().await;
    w.smtp.restart().await;
    // Long enough for every back-off so far.
    w.app.state.clock.advance(Duration::hours(1));
    w.app.run_jobs().await;
    w.app.state.clock.advance(Duration::hours(1));
    w.app.run_jobs().await;
    for member in &members {
        let mails = w.mails_to(&member.email, MATCH_SUBJECT);
        assert_eq!(mails.len(), 1, "{}: {mails:#?}", member.email);
        assert!(mails[0].text.contains(&format!("/tenders/{tender}")));
    }
}

async fn a_permanent_refusal_is_recorded_not_retried_and_shown_to_admins(backend: Backend) {
    let w = world(backend).await;
    // The SMTP server refuses list mail to addresses starting with "bounce" (550).
    let (bounce, _) = w
        .enterprise(
            "bounce@cafe-lyst.dk",
            social_enterprise("Café Lyst", 1, false),
            json!({ "match": "now" }),
        )
        .await;
    w.publish(social_work(&w.app, "Bostøtte i Valby")).await;
    assert!(
        w.smtp
            .messages_to(&bounce.email)
            .iter()
            .all(|m| m.subject != MATCH_SUBJECT)
    );
    // Given up at once: nothing is due however far the clock moves.
    w.app.state.clock.advance(Duration::hours(2));
    assert_eq!(w.app.run_jobs().await, 0);

    let mut session = PageSession::logged_in(&w.app, &w.admin.email).await;
    let page = session.get("/admin/mail").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let html = page.text();
    assert!(html.contains("b***@cafe-lyst.dk"), "{html}");
    assert!(html.contains("550"), "{html}");
    assert!(
        !html.contains("bounce@cafe-lyst.dk"),
        "addresses are masked: {html}"
    );

    // Neither an entrepreneur nor a stranger sees it.
    let mut entrepreneur = PageSession::logged_in(&w.app, &bounce.email).await;
    assert_eq!(
        entrepreneur.get("/admin/mail").await.status,
        StatusCode::FORBIDDEN
    );
    let stranger = w.app.page(Method::GET, "/admin/mail", "", None).await;
    assert!(stranger.status.is_redirection(), "{}", stranger.status);

    let job = html
        .split("/admin/mail/")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .expect("a retry form")
        .to_owned();
    let denied = entrepreneur
        .post(&format!("/admin/mail/{job}/retry"), &[])
        .await;
    assert_eq!(denied.status, StatusCode::FORBIDDEN);
    // The retry button queues it again; the server refuses again, and it is
    // listed again.
    let retried = session.post(&format!("/admin/mail/{job}/retry"), &[]).await;
    assert!(retried.status.is_redirection(), "{}", retried.text());
    assert_eq!(w.app.run_jobs().await, 1);
    assert!(
        session
            .get("/admin/mail")
            .await
            .text()
            .contains("b***@cafe-lyst.dk")
    );
    // Only a given-up mail can be retried.
    let again = session
        .post(
            &format!(
                "/admin/mail/{}/retry",
                job.parse::<i64>().unwrap() + 100_000
            ),
            &[],
        )
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
}

async fn preferences_are_read_and_checked_through_the_api(backend: Backend) {
    let w = world(backend).await;
    let anna = w.app.entrepreneur("anna@cafe-lyst.dk").await;
    let path = "/api/v1/me/notifications";
    let defaults = w
        .app
        .api(Method::GET, path, Some(&anna.access_token), None)
        .await;
    assert_eq!(defaults.status, StatusCode::OK);
    assert_eq!(
        defaults.json(),
        json!({
            "match": "daily", "saved_search": "daily", "last_chance": "now",
            "weekly_summary": "now", "amendment": "now", "answer": "now", "cancellation": "now",
            "profile_decision": "now", "officer_decision": "now",
            "min_match_percent": 0, "digest_hour": 8, "digest_weekday": 1, "language": "da",
        })
    );
    let saved = w
        .app
        .api(
            Method::PUT,
            path,
            Some(&anna.access_token),
            Some(preferences(
                json!({ "match": "weekly", "digest_hour": 17, "language": "en" }),
            )),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.text());
    assert_eq!(saved.json()["match"], "weekly");
    assert_eq!(saved.json()["language"], "en");

    let refused = w
        .app
        .api_in(
            Method::PUT,
            path,
            Some(&anna.access_token),
            Some(preferences(json!({ "match": "hourly", "saved_search": "sometimes", "min_match_percent": 101, "digest_hour": 24, "language": "fr" }))),
            "en",
        )
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.text()
    );
    let body = refused.json();
    let fields: Vec<&str> = body["error"]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| f["field"].as_str().unwrap_or_default())
        .collect();
    assert_eq!(
        fields,
        [
            "match",
            "saved_search",
            "min_match_percent",
            "digest_hour",
            "language"
        ],
        "{body}"
    );
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("from 0 to 100"),
        "{body}"
    );
    // Nothing half-written.
    let now = w
        .app
        .api(Method::GET, path, Some(&anna.access_token), None)
        .await
        .json();
    assert_eq!(now["match"], "weekly");

    // Without a token: 401.
    assert_eq!(
        w.app.api(Method::GET, path, None, None).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        w.app
            .api(Method::PUT, path, None, Some(preferences(json!({}))))
            .await
            .status,
        StatusCode::UNAUTHORIZED
    );
    // The document lists both.
    let openapi = w
        .app
        .api(Method::GET, "/api/v1/openapi.json", None, None)
        .await
        .json();
    let operations = &openapi["paths"][path];
    assert!(
        operations["get"].is_object() && operations["put"].is_object(),
        "{operations}"
    );
}

/// The parts of a mail a reader reads, with tokens, ids and dates masked.
fn mail_snapshot(mail: &ReceivedMail) -> String {
    format!(
        "To: {}\nSubject: {}\nList-Unsubscribe: {}\nList-Unsubscribe-Post: {}\n\n{}\n----- html -----\n{}",
        mail.to,
        mail.subject,
        mail.list_unsubscribe,
        mail.list_unsubscribe_post,
        mail.text,
        mail.html
    )
}

fn mail_filters() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.add_filter(r"token=[A-Za-z0-9_.\-]+", "token=[token]");
    settings.add_filter(r"/tenders/\d+", "/tenders/[id]");
    settings.add_filter(
        r"\d{1,2}\. (januar|februar|marts|april|maj|juni|juli|august|september|oktober|november|december) \d{4}",
        "[dato]",
    );
    settings.add_filter(
        r"\d{1,2} (January|February|March|April|May|June|July|August|September|October|November|December) \d{4}",
        "[date]",
    );
    settings.add_filter(r"kl\. \d{2}\.\d{2}", "kl. [tid]");
    settings.add_filter(r"\b\d{1,2}:\d{2}\b", "[time]");
    settings
}

async fn the_mails_read_as_reviewed_in_both_languages(backend: Backend) {
    let w = world(backend).await;
    let (anna, _) = w
        .enterprise(
            "anna@cafe-lyst.dk",
            social_enterprise("Café Lyst", 1, false),
            json!({ "match": "now" }),
        )
        .await;
    let (carl, _) = w
        .enterprise(
            "carl@bo.dk",
            social_enterprise("Bo Godt", 3, false),
            json!({ "language": "en", "amendment": "daily" }),
        )
        .await;
    w.choose(&anna, json!({ "match": "now", "saved_search": "now" }))
        .await;
    for (person, name) in [(&anna, "Socialt arbejde"), (&carl, "Supported housing")] {
        let saved = w
            .app
            .api(
                Method::POST,
                "/api/v1/me/saved-searches",
                Some(&person.access_token),
                Some(json!({ "name": name, "query": "cpv=853" })),
            )
            .await;
        assert_eq!(saved.status, StatusCode::CREATED, "{}", saved.text());
    }
    let tender = w.publish(social_work(&w.app, "Bostøtte i Valby")).await;
    w.follow(&carl, tender).await;
    w.amend(
        tender,
        social_work(&w.app, "Bostøtte i Valby").set("estimated_value", json!(1_700_000)),
        "Ny anslået værdi",
    )
    .await;
    w.move_clock_to_local_hour(8);
    w.app.run_jobs().await;
    let match_da = w.mails_to(&anna.email, MATCH_SUBJECT);
    let saved_search_da = w.mails_to(&anna.email, "Et nyt udbud til din gemte søgning");
    let digest_en = w.mails_to(&carl.email, "News about tenders on Socialbid");
    assert_eq!(
        (match_da.len(), saved_search_da.len(), digest_en.len()),
        (1, 1, 1),
        "{:#?}",
        w.smtp.messages()
    );
    mail_filters().bind(|| {
        insta::assert_snapshot!("mail_match_da", mail_snapshot(&match_da[0]));
        insta::assert_snapshot!("mail_saved_search_da", mail_snapshot(&saved_search_da[0]));
        insta::assert_snapshot!("mail_digest_en", mail_snapshot(&digest_en[0]));
    });
}

const LAST_CHANCE_SUBJECT: &str = "Sidste chance: tilbudsfristen er om tre arbejdsdage";
const LAST_CHANCE_SUBJECT_EN: &str = "Last chance: the deadline is in three working days";

/// Three working days before the deadline, at 8 in Copenhagen: a follower
/// and the members of a matched organisation are told, a matched
/// organisation that has bid or dismissed the tender is not, and a
/// deadline moved later moves the reminder with it.
async fn the_last_chance_reaches_who_has_not_bid_three_working_days_before_the_deadline(
    backend: Backend,
) {
    let w = world(backend).await;
    let quiet = json!({ "match": "never" });
    let (anna, _) = w
        .enterprise(
            "anna@cafe-lyst.dk",
            social_enterprise("Café Lyst", 1, false),
            quiet.clone(),
        )
        .await;
    let (carl, _) = w
        .enterprise(
            "carl@bo.dk",
            social_enterprise("Bo Godt", 3, false),
            quiet.clone(),
        )
        .await;
    let (eve, _) = w
        .enterprise("eve@rent.dk", cleaner("Rent Arbejde", 2), quiet.clone())
        .await;
    let (frida, frida_org) = w
        .enterprise(
            "frida@faelles.dk",
            social_enterprise("Fælles Hænder", 4, false),
            quiet,
        )
        .await;
    let dora = w.app.entrepreneur("dora@example.dk").await;
    w.choose(&dora, json!({ "language": "en" })).await;
    let tender = w.publish(social_work(&w.app, "Bostøtte i Valby")).await;
    w.follow(&dora, tender).await;
    w.app
        .submitted_bid(&carl, tender, complete_bid(1_200_000))
        .await;
    // Fælles Hænder matches too, but says the tender is not for it.
    let matched = w
        .app
        .api(
            Method::GET,
            &format!("/api/v1/organisations/{frida_org}/matches"),
            Some(&frida.access_token),
            None,
        )
        .await
        .json();
    assert_eq!(matched["items"][0]["tender_id"], tender, "{matched}");
    let dismissed = w
        .app
        .api(
            Method::PUT,
            &format!("/api/v1/tenders/{tender}/dismissal"),
            Some(&frida.access_token),
            None,
        )
        .await;
    assert_eq!(dismissed.status, StatusCode::NO_CONTENT);

    // The deadline moves a week later before the reminder is due.
    let moved = in_days(&w.app, 47);
    w.amend(
        tender,
        social_work(&w.app, "Bostøtte i Valby").set("submission_deadline", json!(moved)),
        "Længere frist",
    )
    .await;
    let first = chrono::DateTime::parse_from_rfc3339(&in_days(&w.app, 40))
        .expect("a deadline")
        .naive_utc();
    let second = chrono::DateTime::parse_from_rfc3339(&moved)
        .expect("a deadline")
        .naive_utc();
    let told = |person: &Person| w.mails_to(&person.email, LAST_CHANCE_SUBJECT);
    let move_clock_to = |at: NaiveDateTime| {
        let now = w.app.state.clock.now();
        w.app.state.clock.advance(at - now);
    };

    move_clock_to(socialbid::notify::last_chance_at(first) + Duration::minutes(1));
    w.app.run_jobs().await;
    assert!(told(&anna).is_empty(), "not for the old deadline");
    move_clock_to(socialbid::notify::last_chance_at(second) - Duration::minutes(1));
    w.app.run_jobs().await;
    assert!(told(&anna).is_empty(), "not before 8 o'clock");
    move_clock_to(socialbid::notify::last_chance_at(second) + Duration::minutes(1));
    w.app.run_jobs().await;

    let to_anna = told(&anna);
    assert_eq!(to_anna.len(), 1, "{to_anna:#?}");
    assert!(
        to_anna[0]
            .text
            .contains("passer til Café Lyst, og I har ikke afgivet tilbud"),
        "{}",
        to_anna[0].text
    );
    assert!(to_anna[0].text.contains("Bostøtte i Valby"));
    // Dora reads English.
    let to_dora = w.mails_to(&dora.email, LAST_CHANCE_SUBJECT_EN);
    assert_eq!(to_dora.len(), 1, "{to_dora:#?}");
    assert!(
        to_dora[0].text.contains("a tender you follow"),
        "{}",
        to_dora[0].text
    );
    assert!(told(&dora).is_empty(), "one mail, in her language");
    assert!(told(&carl).is_empty(), "Bo Godt has bid");
    assert!(told(&frida).is_empty(), "Fælles Hænder dismissed it");
    assert!(told(&eve).is_empty(), "not matched, not following");
    mail_filters().bind(|| {
        insta::assert_snapshot!("mail_last_chance_da", mail_snapshot(&to_anna[0]));
        insta::assert_snapshot!("mail_last_chance_en", mail_snapshot(&to_dora[0]));
    });
}

const SUMMARY_SUBJECT: &str = "Ugens overblik over jeres udbud på Socialbid";
const SUMMARY_SUBJECT_EN: &str = "This week's overview of your tenders on Socialbid";

/// Monday at 8 in Copenhagen: each approved officer of an authority with
/// open tenders gets one overview (matches, followers, questions waiting
/// per tender); an officer whose authority has nothing open gets none; the
/// job queues the next Monday's, and run again it tells nobody twice.
async fn officers_are_told_each_monday_how_far_their_open_tenders_reached(backend: Backend) {
    let w = world(backend).await;
    let (anna, _) = w
        .enterprise(
            "anna@cafe-lyst.dk",
            social_enterprise("Café Lyst", 1, false),
            json!({ "match": "never" }),
        )
        .await;
    w.enterprise(
        "carl@bo.dk",
        social_enterprise("Bo Godt", 3, false),
        json!({ "match": "never" }),
    )
    .await;
    let tender = w.publish(social_work(&w.app, "Bostøtte i Valby")).await;
    w.follow(&anna, tender).await;
    let asked = w
        .app
        .api(
            Method::POST,
            &format!("/api/v1/tenders/{tender}/questions"),
            Some(&anna.access_token),
            Some(json!({ "question": "Hvor mange borgere drejer det sig om?" })),
        )
        .await;
    assert_eq!(asked.status, StatusCode::CREATED, "{}", asked.text());
    let ole = w
        .app
        .approved_officer("ole@aarhus.dk", AARHUS_CVR, &w.admin)
        .await;
    // A colleague in Copenhagen who reads English.
    let kate = w
        .app
        .approved_officer("kate@kk.dk", KOBENHAVN_CVR, &w.admin)
        .await;
    w.choose(&kate, json!({ "language": "en" })).await;
    w.app.run_jobs().await;

    let now = w.app.state.clock.now();
    let schedule = move |conn: &mut socialbid::db::DbConn| {
        socialbid::notify::WeeklySummary::schedule_next(conn, now)
            .map_err(socialbid::error::AppError::from)
    };
    let before = w.app.pending_jobs().await;
    w.app.state.db.run(schedule).await.expect("queued");
    w.app.state.db.run(schedule).await.expect("queued");
    assert_eq!(
        w.app.pending_jobs().await,
        before + 1,
        "a week is queued once"
    );
    let monday = socialbid::notify::next_digest(now, socialbid::notify::Cadence::Weekly, 8, 1)
        .expect("a Monday");
    w.app
        .state
        .clock
        .advance(monday - now - Duration::minutes(1));
    w.app.run_jobs().await;
    assert!(
        w.mails_to(&w.officer.email, SUMMARY_SUBJECT).is_empty(),
        "not before 8"
    );
    w.app.state.clock.advance(Duration::minutes(2));
    w.app.run_jobs().await;

    let mails = w.mails_to(&w.officer.email, SUMMARY_SUBJECT);
    assert_eq!(mails.len(), 1, "{mails:#?}");
    let text = &mails[0].text;
    assert!(text.contains("Bostøtte i Valby"), "{text}");
    assert!(
        text.contains("Passer til 2 godkendte socialøkonomiske virksomheder"),
        "{text}"
    );
    assert!(text.contains("1 person følger udbuddet"), "{text}");
    assert!(text.contains("1 spørgsmål venter på svar"), "{text}");
    assert!(
        text.contains(&format!("http://socialbid.test/tenders/{tender}")),
        "{text}"
    );
    assert!(
        w.mails_to(&ole.email, SUMMARY_SUBJECT).is_empty(),
        "Aarhus has nothing open"
    );
    let in_english = w.mails_to(&kate.email, SUMMARY_SUBJECT_EN);
    assert_eq!(in_english.len(), 1, "{:#?}", w.smtp.messages());
    mail_filters().bind(|| {
        insta::assert_snapshot!("mail_weekly_summary_da", mail_snapshot(&mails[0]));
        insta::assert_snapshot!("mail_weekly_summary_en", mail_snapshot(&in_english[0]));
    });

    // The next Monday's is queued by the one that ran.
    w.app.state.clock.advance(Duration::days(7));
    w.app.run_jobs().await;
    assert_eq!(w.mails_to(&w.officer.email, SUMMARY_SUBJECT).len(), 2);
}

/// An entrepreneur chooses about matches, saved searches, the last chance
/// and followed tenders; an officer only about the weekly summary, and
/// saving that leaves the rest as stored.
async fn the_preferences_page_offers_each_role_its_own_kinds_of_mail(backend: Backend) {
    let w = world(backend).await;
    let anna = w.app.entrepreneur("anna@cafe-lyst.dk").await;
    let mut entrepreneur = PageSession::logged_in(&w.app, &anna.email).await;
    let page = entrepreneur.get("/account/notifications").await.text();
    for offered in [
        "match",
        "saved_search",
        "last_chance",
        "amendment",
        "min_match_percent",
    ] {
        assert!(
            page.contains(&format!("name=\"{offered}\"")),
            "{offered}: {page}"
        );
    }
    assert!(page.contains("name=\"profile_decision\""), "{page}");
    assert!(!page.contains("name=\"weekly_summary\""), "{page}");
    assert!(!page.contains("name=\"officer_decision\""), "{page}");

    let mut officer = PageSession::logged_in(&w.app, &w.officer.email).await;
    let page = officer.get("/account/notifications").await.text();
    assert!(page.contains("name=\"weekly_summary\""), "{page}");
    assert!(page.contains("name=\"officer_decision\""), "{page}");
    for hidden in [
        "match",
        "saved_search",
        "last_chance",
        "min_match_percent",
        "profile_decision",
    ] {
        assert!(
            !page.contains(&format!("name=\"{hidden}\"")),
            "{hidden}: {page}"
        );
    }
    let saved = officer
        .post(
            "/account/notifications",
            &[
                ("weekly_summary", "never"),
                ("officer_decision", "now"),
                ("digest_hour", "9"),
                ("digest_weekday", "1"),
                ("language", "da"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    let view = w
        .app
        .api(
            Method::GET,
            "/api/v1/me/notifications",
            Some(&w.officer.access_token),
            None,
        )
        .await
        .json();
    assert_eq!(view["weekly_summary"], "never");
    assert_eq!(view["digest_hour"], 9);
    assert_eq!(view["match"], "daily", "kept as stored");
    assert_eq!(view["min_match_percent"], 0, "kept as stored");
}

/// The decisions on a profile and on an officer's account are
/// notifications like the rest: a person who wants them in the daily
/// digest gets them there, with the reason, and not at once; one who
/// keeps the default gets them at once with a one-click unsubscribe that
/// switches off only that kind.
async fn administrators_decisions_are_mailed_as_each_person_chose(backend: Backend) {
    let w = world(backend).await;
    let anna = w.app.entrepreneur("anna@cafe-lyst.dk").await;
    w.choose(&anna, json!({ "profile_decision": "daily" }))
        .await;
    let organisation = w
        .app
        .organisation_with(&anna, social_enterprise("Café Lyst", 1, false))
        .await;
    w.app.decide(&w.admin, organisation, "approve", None).await;
    w.app
        .decide(
            &w.admin,
            organisation,
            "suspend",
            Some("Vi undersøger en klage over jeres CVR-oplysninger."),
        )
        .await;
    let decided = |subject: &str| w.mails_to(&anna.email, subject);
    assert!(
        decided("Afgørelse om jeres profil på Socialbid").is_empty(),
        "nothing at once"
    );
    w.move_clock_to_local_hour(8);
    w.app.run_jobs().await;
    assert!(decided("Afgørelse om jeres profil på Socialbid").is_empty());
    let digests = decided("Nyt om udbud på Socialbid");
    assert_eq!(digests.len(), 1, "{digests:#?}");
    let digest = &digests[0];
    for said in [
        "Her er 2 nyheder siden sidst",
        "En administrator har godkendt profilen for Café Lyst.",
        "En administrator har suspenderet profilen for Café Lyst.",
        "Vi undersøger en klage over jeres CVR-oplysninger.",
        "http://socialbid.test/organisation",
    ] {
        assert!(digest.text.contains(said), "{said}: {}", digest.text);
    }
    assert!(!digest.list_unsubscribe.is_empty());

    // The officer keeps the default: the approval comes at once.
    let mette = w.app.pending_officer("mette@aarhus.dk", AARHUS_CVR).await;
    let admin = w.app.relogin(&w.admin).await;
    w.app.approve_officer(mette.id, &admin).await;
    let decisions = w.mails_to(&mette.email, "Afgørelse om din konto som indkøber");
    assert_eq!(
        decisions.len(),
        1,
        "{:#?}",
        w.smtp.messages_to(&mette.email)
    );
    let decision = &decisions[0];
    assert!(
        decision
            .text
            .contains("En administrator har godkendt din konto som indkøber"),
        "{}",
        decision.text
    );
    let link = decision
        .list_unsubscribe
        .trim_start_matches("<http://socialbid.test")
        .trim_end_matches('>')
        .to_owned();
    let posted = w
        .app
        .raw(
            Method::POST,
            &link,
            Some("application/x-www-form-urlencoded"),
            "List-Unsubscribe=One-Click",
        )
        .await;
    assert_eq!(posted.status, StatusCode::OK, "{}", posted.text());
    let mette = w.app.relogin(&mette).await;
    let choices = w
        .app
        .api(
            Method::GET,
            "/api/v1/me/notifications",
            Some(&mette.access_token),
            None,
        )
        .await
        .json();
    assert_eq!(choices["officer_decision"], "never");
    assert_eq!(choices["weekly_summary"], "now");
}

/// Everyone in a bid on a tender (the lead's members and those of the
/// partners who accepted) is told of its amendments, answers and
/// cancellation as its followers are, without following it; an
/// organisation that neither bids nor follows is told nothing.
async fn bidders_hear_of_amendments_answers_and_cancellation_without_following(backend: Backend) {
    let app = TestApp::new(backend).await;
    let e = app.three_enterprises().await;
    let tender = TenderBuilder::new(&app).publish(&app, &e.officer).await;
    app.run_jobs().await;
    app.consortium_bid(&e.cleaner, &e.gardener, e.gardener_org, tender, 1_900_000)
        .await;
    app.run_jobs().await;
    let told = |who: &Person, subject: &str| {
        app.mails_to(&who.email)
            .into_iter()
            .filter(|m| m.subject == subject)
            .count()
    };

    let amended = app
        .api(
            Method::POST,
            &format!("/api/v1/tenders/{tender}/amend"),
            Some(&e.officer.access_token),
            Some(json!({
                "tender": TenderBuilder::new(&app).set("estimated_value", json!(2_600_000)).body,
                "reason": "Flere institutioner",
            })),
        )
        .await;
    assert_eq!(amended.status, StatusCode::OK, "{}", amended.text());
    app.run_jobs().await;
    let amendment = "Et udbud, du følger eller byder på, er ændret";
    assert_eq!(told(&e.cleaner, amendment), 1, "the lead");
    assert_eq!(told(&e.gardener, amendment), 1, "the partner");
    assert_eq!(told(&e.cafe, amendment), 0, "neither bids nor follows");
    let to_partner = app
        .mails_to(&e.gardener.email)
        .into_iter()
        .find(|m| m.subject == amendment)
        .expect("the partner's mail");
    assert!(
        to_partner.text.contains("er med i et tilbud på det"),
        "the mail says why a bidder who follows nothing gets it: {}",
        to_partner.text
    );

    let asked = app
        .api(
            Method::POST,
            &format!("/api/v1/tenders/{tender}/questions"),
            Some(&e.cafe.access_token),
            Some(json!({ "question": "Hvor mange institutioner er der?" })),
        )
        .await;
    assert_eq!(asked.status, StatusCode::CREATED, "{}", asked.text());
    let question = asked.json()["id"].as_i64().expect("id");
    let answered = app
        .api(
            Method::POST,
            &format!("/api/v1/tenders/{tender}/questions/{question}/answer"),
            Some(&e.officer.access_token),
            Some(json!({ "answer": "Der er fjorten." })),
        )
        .await;
    assert!(answered.status.is_success(), "{}", answered.text());
    app.run_jobs().await;
    for bidder in [&e.cleaner, &e.gardener] {
        let answers = app
            .mails_to(&bidder.email)
            .into_iter()
            .filter(|m| m.text.contains("Der er fjorten."))
            .count();
        assert_eq!(answers, 1, "{}", bidder.email);
    }

    let cancelled = app
        .api(
            Method::POST,
            &format!("/api/v1/tenders/{tender}/cancel"),
            Some(&e.officer.access_token),
            Some(json!({ "reason": "Budgettet er bortfaldet" })),
        )
        .await;
    assert_eq!(cancelled.status, StatusCode::OK, "{}", cancelled.text());
    app.run_jobs().await;
    let cancellation = "Et udbud, du følger eller byder på, er aflyst";
    assert_eq!(told(&e.cleaner, cancellation), 1);
    assert_eq!(told(&e.gardener, cancellation), 1);
    assert_eq!(told(&e.cafe, cancellation), 0);
}
