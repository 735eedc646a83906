//! Saved searches on both databases: an entrepreneur saves a tender search
//! from the API or the results page, finds it on the start page, deletes
//! it; the search is checked by the search's own rules and belongs to its
//! owner alone. Through a real SMTP server (aiosmtpd): a new tender is
//! mailed once to whoever saved a search that finds it, whatever else
//! happens to the tender, a reserved one only to members of an eligible
//! organisation, and a digest names the search.

use axum::http::{Method, StatusCode};
use chrono::Duration;
use serde_json::{Value, json};
use socialbid_tests::{
    Backend, KOBENHAVN_CVR, PageSession, Person, SmtpServer, TenderBuilder, TestApp, cvr,
    on_both_databases, profile_body,
};

on_both_databases!(
    a_search_is_saved_checked_listed_and_deleted_by_its_owner_only,
    a_search_is_saved_from_the_results_page_and_run_again_from_the_start_page,
    a_new_tender_is_mailed_once_to_whoever_saved_a_search_that_finds_it,
);

const SUBJECT: &str = "Et nyt udbud til din gemte søgning";
const DIGEST_SUBJECT: &str = "Nyt om udbud på Socialbid";
const PATH: &str = "/api/v1/me/saved-searches";

async fn save(app: &TestApp, person: &Person, body: Value) -> (StatusCode, Value) {
    let response = app
        .api(Method::POST, PATH, Some(&person.access_token), Some(body))
        .await;
    (response.status, response.json())
}

async fn saved(app: &TestApp, person: &Person) -> Vec<Value> {
    let response = app
        .api(Method::GET, PATH, Some(&person.access_token), None)
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    response.json().as_array().expect("a list").clone()
}

fn fields(body: &Value) -> Vec<(String, String)> {
    body["error"]["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|f| {
            (
                f["field"].as_str().unwrap_or_default().to_owned(),
                f["code"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

async fn a_search_is_saved_checked_listed_and_deleted_by_its_owner_only(backend: Backend) {
    let app = TestApp::new(backend).await;
    let anna = app.entrepreneur("anna@cafe-lyst.dk").await;
    let bo = app.entrepreneur("bo@vaerkstedet.dk").await;
    let officer = app.officer("indkoeber@kk.dk", KOBENHAVN_CVR).await;

    // Stored one way: without the page, empty parameters or a leading "?",
    // named by its words when no name is given.
    let (status, first) = save(
        &app,
        &anna,
        json!({ "query": "?page=2&q=rengøring&cpv=909&nuts=" }),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED, "{first}");
    assert_eq!(first["name"], "rengøring");
    assert_eq!(first["query"], "q=reng%C3%B8ring&cpv=909");

    // The same search in another spelling is the same search.
    let (status, body) = save(&app, &anna, json!({ "query": "cpv=909&q=rengøring" })).await;
    assert_eq!(status, StatusCode::CONFLICT, "{body}");
    assert_eq!(fields(&body), [("query".into(), "already_saved".into())]);

    // The search's own rules, each parameter named.
    let (status, body) = save(
        &app,
        &anna,
        json!({ "name": "x".repeat(101), "query": "cpv=12&nuts=XX9&status=maybe" }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    let named: Vec<String> = fields(&body).into_iter().map(|(f, _)| f).collect();
    assert_eq!(named, ["name", "cpv", "nuts", "status"], "{body}");
    let (status, body) = save(&app, &anna, json!({ "query": "value_min=many" })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(fields(&body), [("query".into(), "not_a_search".into())]);
    let (status, body) = save(
        &app,
        &anna,
        json!({ "name": "bell\u{7}", "query": "cpv=853" }),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(fields(&body)[0].0, "name", "{body}");
    assert_eq!(
        body["error"]["fields"][0]["message"],
        "Må ikke indeholde styretegn som NUL-tegnet (tabulatorer og linjeskift er fine)"
    );
    assert_eq!(saved(&app, &anna).await.len(), 1, "nothing half-written");

    // Only an entrepreneur keeps searches; nobody sees another's.
    for (token, status) in [
        (None, StatusCode::UNAUTHORIZED),
        (Some(officer.access_token.as_str()), StatusCode::FORBIDDEN),
    ] {
        let listed = app.api(Method::GET, PATH, token, None).await;
        assert_eq!(listed.status, status, "{}", listed.text());
        let posted = app
            .api(
                Method::POST,
                PATH,
                token,
                Some(json!({ "query": "cpv=853" })),
            )
            .await;
        assert_eq!(posted.status, status, "{}", posted.text());
    }
    assert!(saved(&app, &bo).await.is_empty());
    let anna_s = format!("{PATH}/{}", first["id"]);
    let stranger = app
        .api(Method::DELETE, &anna_s, Some(&bo.access_token), None)
        .await;
    assert_eq!(
        stranger.status,
        StatusCode::NOT_FOUND,
        "{}",
        stranger.text()
    );
    let officers = app
        .api(Method::DELETE, &anna_s, Some(&officer.access_token), None)
        .await;
    assert_eq!(
        officers.status,
        StatusCode::FORBIDDEN,
        "{}",
        officers.text()
    );
    assert_eq!(saved(&app, &anna).await.len(), 1);

    // The data export holds them.
    let export = app.data_export(&anna.access_token).await;
    assert_eq!(export["saved_searches"][0]["query"], first["query"]);

    // A person keeps at most 25.
    for n in 2..=25 {
        let (status, body) = save(&app, &anna, json!({ "query": format!("q=ord{n}") })).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    let (status, body) = save(&app, &anna, json!({ "query": "q=en+til" })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    assert_eq!(fields(&body), [("query".into(), "too_many".into())]);
    let listed = saved(&app, &anna).await;
    assert_eq!(listed.len(), 25);
    assert_eq!(listed[0]["name"], "ord25", "the newest first");

    let deleted = app
        .api(Method::DELETE, &anna_s, Some(&anna.access_token), None)
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.text());
    let again = app
        .api(Method::DELETE, &anna_s, Some(&anna.access_token), None)
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
    assert_eq!(saved(&app, &anna).await.len(), 24);
}

async fn a_search_is_saved_from_the_results_page_and_run_again_from_the_start_page(
    backend: Backend,
) {
    let app = TestApp::new(backend).await;
    let anna = app.entrepreneur("anna@cafe-lyst.dk").await;
    app.entrepreneur("bo@vaerkstedet.dk").await;
    app.officer("indkoeber@kk.dk", KOBENHAVN_CVR).await;
    let save_form = "action=\"/saved-searches\"";

    // Only an entrepreneur is offered to save the search.
    let visitor = app
        .page(Method::GET, "/tenders?q=rengøring", "", None)
        .await;
    assert!(!visitor.text().contains(save_form));
    let mut officer = PageSession::logged_in(&app, "indkoeber@kk.dk").await;
    assert!(
        !officer
            .get("/tenders?q=rengøring")
            .await
            .text()
            .contains(save_form)
    );
    assert_eq!(
        officer.get("/saved-searches").await.status,
        StatusCode::FORBIDDEN
    );

    let mut session = PageSession::logged_in(&app, &anna.email).await;
    let results = session.get("/tenders?q=rengøring&nuts=DK01").await;
    assert_eq!(results.status, StatusCode::OK);
    let html = results.text();
    assert!(html.contains(save_form), "{html}");
    assert!(
        html.contains("name=\"query\" value=\"q=reng%C3%B8ring&amp;nuts=DK01\""),
        "{html}"
    );

    let query = "q=reng%C3%B8ring&nuts=DK01";
    let done = session
        .post(
            "/saved-searches",
            &[("query", query), ("name", "Rengøring i hovedstaden")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.text());
    assert_eq!(
        done.header("location").as_deref(),
        Some("/saved-searches?notice=search_saved")
    );
    let list = session
        .get("/saved-searches?notice=search_saved")
        .await
        .text();
    assert!(list.contains("Søgningen er gemt."), "{list}");
    assert!(
        list.contains(
            "<a href=\"/tenders?q=reng%C3%B8ring&amp;nuts=DK01\">Rengøring i hovedstaden</a>"
        ),
        "{list}"
    );
    let start = session.get("/start").await.text();
    assert!(
        start.contains(
            "<a href=\"/tenders?q=reng%C3%B8ring&amp;nuts=DK01\">Rengøring i hovedstaden</a>"
        ),
        "{start}"
    );

    // Saved twice: said on the list, with the way back to the search.
    let twice = session.post("/saved-searches", &[("query", query)]).await;
    assert_eq!(twice.status, StatusCode::CONFLICT);
    let html = twice.text();
    assert!(
        html.contains("Du har allerede gemt denne søgning"),
        "{html}"
    );
    assert!(
        html.contains("href=\"/tenders?q=reng%C3%B8ring&amp;nuts=DK01\""),
        "{html}"
    );

    // Another entrepreneur cannot delete it; its owner can.
    let id = saved(&app, &anna).await[0]["id"].as_i64().expect("an id");
    let mut bo = PageSession::logged_in(&app, "bo@vaerkstedet.dk").await;
    let refused = bo.post(&format!("/saved-searches/{id}/delete"), &[]).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    let deleted = session
        .post(&format!("/saved-searches/{id}/delete"), &[])
        .await;
    assert_eq!(deleted.status, StatusCode::SEE_OTHER, "{}", deleted.text());
    let list = session
        .get("/saved-searches?notice=search_deleted")
        .await
        .text();
    assert!(list.contains("Søgningen er slettet."), "{list}");
    assert!(
        list.contains("Du har ingen gemte søgninger endnu."),
        "{list}"
    );
}

/// A tender for supported housing in Copenhagen.
fn supported_housing(app: &TestApp, title: &str) -> TenderBuilder {
    TenderBuilder::new(app)
        .set("title", json!(title))
        .set(
            "description",
            json!("Socialpædagogisk bostøtte til unge mellem 18 og 25 år i egen bolig."),
        )
        .set("main_cpv", json!("85311000"))
        .set("additional_cpv", json!([]))
        .set("nuts_codes", json!(["DK011"]))
}

/// An approved organisation offering social work in the capital region;
/// eligible for Article 20 reservations or not.
async fn member_of_organisation(
    app: &TestApp,
    admin: &Person,
    email: &str,
    n: u32,
    article_20: bool,
) -> Person {
    let member = app.entrepreneur(email).await;
    let mut body = profile_body(&format!("Organisation {n}"), &cvr(n));
    body["reserved_res_ws"] = json!(article_20);
    if !article_20 {
        body["res_ws_justification"] = json!("");
    }
    app.approved_organisation(&member, admin, body).await;
    member
}

async fn choose_saved_search_mail(app: &TestApp, person: &Person, cadence: &str) {
    let body = json!({
        "match": "never", "saved_search": cadence, "amendment": "now", "answer": "now",
        "cancellation": "now", "min_match_percent": 0, "digest_hour": 8,
        "digest_weekday": 1, "language": "da",
    });
    let response = app
        .api(
            Method::PUT,
            "/api/v1/me/notifications",
            Some(&person.access_token),
            Some(body),
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    assert_eq!(response.json()["saved_search"], cadence);
}

async fn a_new_tender_is_mailed_once_to_whoever_saved_a_search_that_finds_it(backend: Backend) {
    let smtp = SmtpServer::start().await;
    let app = TestApp::with_smtp(backend, &smtp).await;
    let admin = app.admin("admin@socialbid.test").await;
    let officer = app.officer("indkoeber@kk.dk", KOBENHAVN_CVR).await;
    let anna = member_of_organisation(&app, &admin, "anna@cafe-lyst.dk", 1, false).await;
    let carl = member_of_organisation(&app, &admin, "carl@vaerkstedet.dk", 2, true).await;
    let bo = app.entrepreneur("bo@rent.dk").await;
    choose_saved_search_mail(&app, &anna, "now").await;
    choose_saved_search_mail(&app, &bo, "now").await;
    // Carl keeps the default: a daily digest.
    for (person, name, query) in [
        (&anna, "Bostøtte i hovedstaden", "q=bostøtte&nuts=DK01"),
        (&anna, "Socialt arbejde", "cpv=853"),
        (&carl, "Socialt arbejde", "cpv=853"),
        (&bo, "Rengøring", "cpv=909"),
    ] {
        let (status, body) = save(&app, person, json!({ "name": name, "query": query })).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
    }
    app.run_jobs().await;

    let tender = supported_housing(&app, "Bostøtte til unge i Københavns Kommune")
        .publish(&app, &officer)
        .await;
    app.run_jobs().await;
    let mails_to = |person: &Person, subject: &str| -> Vec<_> {
        smtp.messages_to(&person.email)
            .into_iter()
            .filter(|m| m.subject == subject)
            .collect()
    };
    let count = |person: &Person| mails_to(person, SUBJECT).len();
    let mails = mails_to(&anna, SUBJECT);
    assert_eq!(mails.len(), 1, "one mail for both searches: {mails:#?}");
    let mail = &mails[0];
    assert!(
        mail.text.contains("Bostøtte til unge i Københavns Kommune"),
        "{}",
        mail.text
    );
    assert!(
        mail.text.contains("- Bostøtte i hovedstaden"),
        "{}",
        mail.text
    );
    assert!(mail.text.contains("- Socialt arbejde"), "{}", mail.text);
    assert!(
        mail.text
            .contains(&format!("http://socialbid.test/tenders/{tender}")),
        "{}",
        mail.text
    );
    assert!(
        mail.list_unsubscribe
            .starts_with("<http://socialbid.test/notifications/unsubscribe?token="),
        "{}",
        mail.list_unsubscribe
    );
    assert_eq!(
        count(&bo),
        0,
        "a search that does not find it mails nothing"
    );

    // Amended, the tender is matched again: nobody is told twice.
    let body = json!({
        "tender": supported_housing(&app, "Bostøtte til unge i Københavns Kommune")
            .set("estimated_value", json!(1_900_000))
            .body,
        "reason": "Ny anslået værdi",
    });
    let amended = app
        .api(
            Method::POST,
            &format!("/api/v1/tenders/{tender}/amend"),
            Some(&officer.access_token),
            Some(body),
        )
        .await;
    assert_eq!(amended.status, StatusCode::OK, "{}", amended.text());
    app.run_jobs().await;
    assert_eq!(count(&anna), 1);

    // A tender reserved under Article 20 reaches only the member of an
    // eligible organisation, here in the digest at their hour.
    supported_housing(&app, "Beskyttet beskæftigelse i Valby")
        .set("reserved", json!(["res-ws"]))
        .publish(&app, &officer)
        .await;
    app.run_jobs().await;
    assert_eq!(count(&anna), 1, "Anna's organisation is not eligible");
    let now = app.state.clock.now();
    let due = socialbid::notify::next_digest(now, socialbid::notify::Cadence::Daily, 8, 1)
        .expect("a daily digest is due");
    app.state.clock.advance(due - now + Duration::minutes(1));
    app.run_jobs().await;
    let digests = mails_to(&carl, DIGEST_SUBJECT);
    assert_eq!(digests.len(), 1, "{digests:#?}");
    let digest = &digests[0].text;
    assert!(
        digest.contains("Fundet af din gemte søgning: Socialt arbejde"),
        "{digest}"
    );
    assert!(
        digest.contains("Beskyttet beskæftigelse i Valby"),
        "{digest}"
    );
    assert!(
        digest.contains("Bostøtte til unge i Københavns Kommune"),
        "{digest}"
    );

    // Deleted searches find nothing more.
    let anna = app.relogin(&anna).await;
    let officer = app.relogin(&officer).await;
    for search in saved(&app, &anna).await {
        let path = format!("{PATH}/{}", search["id"]);
        let deleted = app
            .api(Method::DELETE, &path, Some(&anna.access_token), None)
            .await;
        assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    }
    supported_housing(&app, "Bostøtte til familier på Amager")
        .publish(&app, &officer)
        .await;
    app.run_jobs().await;
    assert_eq!(count(&anna), 1);
}
