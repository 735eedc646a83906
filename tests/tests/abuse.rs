//! Accounts under attack, on SQLite and on PostgreSQL: costly work only
//! after the cheap checks, login limits that hold under parallel guessing,
//! no mail flooding, races on single-use things and on saved searches, and
//! registration that reveals no accounts.

use std::sync::Arc;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode};
use serde_json::{Value, json};
use socialbid_tests::{
    AARHUS_CVR, Backend, PASSWORD, TenderBuilder, TestApp, TestResponse, cvr, on_both_databases,
};

on_both_databases!(
    dead_reset_links_and_bad_registrations_cost_no_hashing,
    parallel_guesses_get_exactly_the_allowed_password_checks,
    mail_to_one_address_is_capped_per_hour,
    one_address_cannot_flood_the_mail_routes,
    parallel_uses_of_a_verification_or_reset_link_succeed_once,
    a_parallel_invitation_accept_succeeds_once,
    a_question_answered_in_parallel_is_answered_once,
    parallel_double_registration_makes_one_account_and_no_error,
    registering_a_taken_address_over_and_over_mails_its_owner_3_times_an_hour,
    a_unique_clash_is_a_conflict_naming_the_field,
    parallel_saves_of_searches_keep_one_copy_and_the_limit,
);

/// Sends `count` requests at once, each built by `request(i)`, and returns
/// the answers in order.
pub(crate) async fn in_parallel(
    app: &Arc<TestApp>,
    count: usize,
    request: impl Fn(usize) -> Request<Body>,
) -> Vec<TestResponse> {
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..count {
        let (app, request) = (app.clone(), request(i));
        tasks.spawn(async move { (i, app.send(request).await) });
    }
    let mut answers = tasks.join_all().await;
    answers.sort_by_key(|(i, _)| *i);
    answers.into_iter().map(|(_, answer)| answer).collect()
}

/// A JSON POST from `address` (our proxy's `X-Forwarded-For`, trusted in
/// tests).
fn post_from(address: &str, path: &str, body: Value) -> Request<Body> {
    Request::builder()
        .method(Method::POST)
        .uri(path)
        .header("content-type", "application/json")
        .header("x-forwarded-for", address)
        .body(Body::from(body.to_string()))
        .unwrap()
}

/// A JSON POST, with a Bearer token when given.
fn post(path: &str, token: Option<&str>, body: Value) -> Request<Body> {
    let mut request = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header("content-type", "application/json");
    if let Some(token) = token {
        request = request.header("authorization", format!("Bearer {token}"));
    }
    request.body(Body::from(body.to_string())).unwrap()
}

/// Exactly one request won; every other one got 409 and none a 500.
fn one_won_the_rest_conflict(answers: &[TestResponse], won: StatusCode) {
    let seen: Vec<u16> = answers.iter().map(|a| a.status.as_u16()).collect();
    assert_eq!(statuses(answers, won), 1, "{seen:?}");
    assert_eq!(
        statuses(answers, StatusCode::CONFLICT),
        answers.len() - 1,
        "{seen:?}"
    );
}

fn statuses(answers: &[TestResponse], status: StatusCode) -> usize {
    answers.iter().filter(|a| a.status == status).count()
}

fn password_hashes(app: &TestApp) -> u64 {
    app.state.metrics.password_hashes()
}

async fn dead_reset_links_and_bad_registrations_cost_no_hashing(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.entrepreneur("rita@example.dk").await;
    app.api(
        Method::POST,
        "/api/v1/accounts/password-reset",
        None,
        Some(json!({ "email": "rita@example.dk" })),
    )
    .await;
    let token = app.link_token("rita@example.dk", "/reset-password").await;
    let reset = |token: String| {
        let app = &app;
        async move {
            app.api(
                Method::POST,
                "/api/v1/accounts/password-reset/confirm",
                None,
                Some(json!({ "token": token, "password": "a fresh new passphrase" })),
            )
            .await
        }
    };
    assert_eq!(reset(token.clone()).await.status, StatusCode::NO_CONTENT);

    let before = password_hashes(&app);
    assert_eq!(reset(token).await.status, StatusCode::CONFLICT);
    assert_eq!(
        reset("no such link".into()).await.status,
        StatusCode::NOT_FOUND
    );
    let bad = app
        .api(
            Method::POST,
            "/api/v1/accounts",
            None,
            Some(json!({ "email": "not an address", "password": PASSWORD, "name": "X", "role": "entrepreneur" })),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(password_hashes(&app), before, "no argon2 work was done");
}

async fn parallel_guesses_get_exactly_the_allowed_password_checks(backend: Backend) {
    let app = Arc::new(TestApp::new(backend).await);
    app.entrepreneur("sofie@example.dk").await;
    let before = password_hashes(&app);
    let guesses = in_parallel(&app, 100, |i| {
        post_from(
            "203.0.113.9",
            "/api/v1/auth/login",
            json!({ "email": "sofie@example.dk", "password": format!("guess number {i}") }),
        )
    })
    .await;
    assert_eq!(statuses(&guesses, StatusCode::UNAUTHORIZED), 5);
    assert_eq!(statuses(&guesses, StatusCode::TOO_MANY_REQUESTS), 95);
    assert_eq!(
        password_hashes(&app) - before,
        5,
        "only 5 passwords were checked"
    );
    let refused = guesses
        .iter()
        .find(|a| a.status == StatusCode::TOO_MANY_REQUESTS)
        .unwrap();
    let wait: i64 = refused.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=15 * 60).contains(&wait), "Retry-After: {wait}");
    assert_eq!(refused.error_code(), "too_many_attempts");

    // The right password from that address waits too...
    let locked = app
        .send(post_from(
            "203.0.113.9",
            "/api/v1/auth/login",
            json!({ "email": "sofie@example.dk", "password": PASSWORD }),
        ))
        .await;
    assert_eq!(locked.status, StatusCode::TOO_MANY_REQUESTS);
    // ...but the owner, elsewhere, is not locked out by a stranger.
    let owner = app
        .send(post_from(
            "192.0.2.10",
            "/api/v1/auth/login",
            json!({ "email": "sofie@example.dk", "password": PASSWORD }),
        ))
        .await;
    assert_eq!(owner.status, StatusCode::OK, "{}", owner.text());
    // After the window the stranger's address may try again.
    app.state.clock.advance(chrono::Duration::minutes(16));
    let later = app
        .send(post_from(
            "203.0.113.9",
            "/api/v1/auth/login",
            json!({ "email": "sofie@example.dk", "password": PASSWORD }),
        ))
        .await;
    assert_eq!(later.status, StatusCode::OK, "{}", later.text());
}

async fn mail_to_one_address_is_capped_per_hour(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.entrepreneur("tove@example.dk").await;
    app.register(json!({
        "email": "uffe@example.dk", "password": PASSWORD, "name": "Uffe", "role": "entrepreneur",
    }))
    .await;
    app.run_jobs().await;
    let ask = |path: &'static str, email: &'static str| {
        let app = &app;
        async move {
            let answer = app
                .api(Method::POST, path, None, Some(json!({ "email": email })))
                .await;
            // Beyond the cap the answer is the same as always: it reveals nothing.
            assert_eq!(answer.status, StatusCode::ACCEPTED, "{}", answer.text());
        }
    };
    for _ in 0..5 {
        ask("/api/v1/accounts/password-reset", "tove@example.dk").await;
        ask("/api/v1/accounts/verify/resend", "uffe@example.dk").await;
    }
    app.run_jobs().await;
    assert_eq!(
        app.mails_to("tove@example.dk").len(),
        1 + 3,
        "verification and 3 resets"
    );
    assert_eq!(
        app.mails_to("uffe@example.dk").len(),
        1 + 3,
        "verification and 3 resends"
    );

    app.state.clock.advance(chrono::Duration::minutes(61));
    ask("/api/v1/accounts/password-reset", "tove@example.dk").await;
    app.run_jobs().await;
    assert_eq!(
        app.mails_to("tove@example.dk").len(),
        5,
        "a new hour, a new reset"
    );
}

async fn one_address_cannot_flood_the_mail_routes(backend: Backend) {
    let app = TestApp::new(backend).await;
    let flooder = "198.51.100.7";
    for i in 0..10 {
        let answer = app
            .send(post_from(
                flooder,
                "/api/v1/accounts/password-reset",
                json!({ "email": format!("victim{i}@example.dk") }),
            ))
            .await;
        assert_eq!(answer.status, StatusCode::ACCEPTED, "{}", answer.text());
    }
    let mut refused = post_from(
        flooder,
        "/api/v1/accounts",
        json!({ "email": "one.more@example.dk", "password": PASSWORD, "name": "X", "role": "entrepreneur" }),
    );
    refused
        .headers_mut()
        .insert("accept-language", "en".parse().unwrap());
    let refused = app.send(refused).await;
    assert_eq!(refused.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(refused.error_code(), "too_many_requests");
    let wait: u64 = refused.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=60).contains(&wait), "Retry-After: {wait}");
    let message = refused.json()["error"]["message"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        message.contains("Too many requests") && message.contains("1 minute,"),
        "{message}"
    );

    // The form page answers with the error page, in Danish by default.
    let page = Request::builder()
        .method(Method::POST)
        .uri("/forgot-password")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("x-forwarded-for", flooder)
        .body(Body::from("email=victim%40example.dk"))
        .unwrap();
    let page = app.send(page).await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(page.header("retry-after").is_some());
    assert!(
        page.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert!(
        page.text().contains("for mange forespørgsler"),
        "{}",
        page.text()
    );

    // Another address is not held up, and other routes are not limited.
    let elsewhere = app
        .send(post_from(
            "192.0.2.80",
            "/api/v1/accounts/password-reset",
            json!({ "email": "victim0@example.dk" }),
        ))
        .await;
    assert_eq!(elsewhere.status, StatusCode::ACCEPTED);
    let login = app
        .send(post_from(
            flooder,
            "/api/v1/auth/login",
            json!({ "email": "victim0@example.dk", "password": "not this one" }),
        ))
        .await;
    assert_eq!(login.status, StatusCode::UNAUTHORIZED);
}

async fn parallel_uses_of_a_verification_or_reset_link_succeed_once(backend: Backend) {
    let app = Arc::new(TestApp::new(backend).await);
    app.register(json!({
        "email": "vera@example.dk", "password": PASSWORD, "name": "Vera", "role": "entrepreneur",
    }))
    .await;
    let token = app.link_token("vera@example.dk", "/verify").await;
    let verified = in_parallel(&app, 10, |_| {
        post("/api/v1/accounts/verify", None, json!({ "token": token }))
    })
    .await;
    one_won_the_rest_conflict(&verified, StatusCode::NO_CONTENT);
    let refused = verified
        .iter()
        .find(|a| a.status == StatusCode::CONFLICT)
        .unwrap();
    assert_eq!(refused.error_code(), "link_used");

    app.api(
        Method::POST,
        "/api/v1/accounts/password-reset",
        None,
        Some(json!({ "email": "vera@example.dk" })),
    )
    .await;
    let token = app.link_token("vera@example.dk", "/reset-password").await;
    let reset = in_parallel(&app, 10, |i| {
        post(
            "/api/v1/accounts/password-reset/confirm",
            None,
            json!({ "token": token, "password": format!("new passphrase number {i}") }),
        )
    })
    .await;
    one_won_the_rest_conflict(&reset, StatusCode::NO_CONTENT);
    // The password that won is the one that works.
    let winner = reset
        .iter()
        .position(|a| a.status == StatusCode::NO_CONTENT)
        .unwrap();
    app.login(
        "vera@example.dk",
        &format!("new passphrase number {winner}"),
    )
    .await;
}

async fn a_parallel_invitation_accept_succeeds_once(backend: Backend) {
    let app = Arc::new(TestApp::new(backend).await);
    let anna = app.entrepreneur("anna@cafe-lyst.dk").await;
    let id = app.organisation(&anna, "Café Lyst ApS", &cvr(1)).await;
    let invited = app
        .api(
            Method::POST,
            &format!("/api/v1/profiles/{id}/invitations"),
            Some(&anna.access_token),
            Some(json!({ "email": "bo@cafe-lyst.dk" })),
        )
        .await;
    assert_eq!(invited.status, StatusCode::ACCEPTED);
    let token = app
        .link_token("bo@cafe-lyst.dk", "/invitations/accept")
        .await;
    let bo = app.entrepreneur("bo@cafe-lyst.dk").await;
    let accepted = in_parallel(&app, 10, |_| {
        post(
            "/api/v1/profiles/invitations/accept",
            Some(&bo.access_token),
            json!({ "token": token }),
        )
    })
    .await;
    let won = accepted
        .iter()
        .find(|a| a.status.is_success())
        .map(|a| a.status)
        .expect("one accept succeeds");
    one_won_the_rest_conflict(&accepted, won);
}

async fn a_question_answered_in_parallel_is_answered_once(backend: Backend) {
    let app = Arc::new(TestApp::new(backend).await);
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    let anna = app.entrepreneur("anna@cafe.dk").await;
    let id = TenderBuilder::new(&app).publish(&app, &officer).await;
    let asked = app
        .api(
            Method::POST,
            &format!("/api/v1/tenders/{id}/questions"),
            Some(&anna.access_token),
            Some(json!({ "question": "Må vi byde på én delaftale?" })),
        )
        .await;
    let qid = asked.json()["id"].as_i64().unwrap();
    let answered = in_parallel(&app, 10, |i| {
        post(
            &format!("/api/v1/tenders/{id}/questions/{qid}/answer"),
            Some(&officer.access_token),
            json!({ "answer": format!("Svar nummer {i}") }),
        )
    })
    .await;
    let won = answered
        .iter()
        .find(|a| a.status.is_success())
        .map(|a| a.status)
        .expect("one answer succeeds");
    one_won_the_rest_conflict(&answered, won);
    let refused = answered
        .iter()
        .find(|a| a.status == StatusCode::CONFLICT)
        .unwrap();
    assert_eq!(refused.error_code(), "question_answered");
    // One answer, mailed once to the asker.
    app.run_jobs().await;
    let answer_mails = app
        .mails_to("anna@cafe.dk")
        .into_iter()
        .filter(|m| m.text.contains("Svar nummer"))
        .count();
    assert_eq!(answer_mails, 1);
}

async fn parallel_double_registration_makes_one_account_and_no_error(backend: Backend) {
    let app = Arc::new(TestApp::new(backend).await);
    let registered = in_parallel(&app, 10, |_| {
        post(
            "/api/v1/accounts",
            None,
            json!({ "email": "dobbelt@example.dk", "password": PASSWORD, "name": "Dobbelt", "role": "entrepreneur" }),
        )
    })
    .await;
    // Every one answers as a registration does: the losers of the race
    // are told apart from a fresh one no more than any second registration.
    let seen: Vec<u16> = registered.iter().map(|a| a.status.as_u16()).collect();
    assert_eq!(statuses(&registered, StatusCode::CREATED), 10, "{seen:?}");
    app.run_jobs().await;
    let mails = app.mails_to("dobbelt@example.dk");
    let verifications = mails
        .iter()
        .filter(|m| m.text.contains("/verify?token="))
        .count();
    assert_eq!(verifications, 1, "one account, one verification link");
    assert!(
        mails.len() <= 1 + 3,
        "the owner is told at most 3 times an hour"
    );
    app.verify("dobbelt@example.dk").await;
    app.login("dobbelt@example.dk", PASSWORD).await;
}

async fn registering_a_taken_address_over_and_over_mails_its_owner_3_times_an_hour(
    backend: Backend,
) {
    let app = TestApp::new(backend).await;
    app.entrepreneur("ulla@example.dk").await;
    let before = app.mails_to("ulla@example.dk").len();
    for _ in 0..6 {
        let answer = app
            .api(
                Method::POST,
                "/api/v1/accounts",
                None,
                Some(json!({ "email": "ulla@example.dk", "password": PASSWORD, "name": "Ulla", "role": "entrepreneur" })),
            )
            .await;
        assert_eq!(answer.status, StatusCode::CREATED);
        // Each attempt is a moment of its own (one mail per moment at most).
        app.state.clock.advance(chrono::Duration::seconds(1));
    }
    app.run_jobs().await;
    assert_eq!(app.mails_to("ulla@example.dk").len(), before + 3);
}

/// Two operators creating the same admin at once (`admin create-user`):
/// both pass the early check, the database's unique constraint stops the
/// second, and that is a 409 naming `email`, not a 500.
async fn a_unique_clash_is_a_conflict_naming_the_field(backend: Backend) {
    let app = TestApp::new(backend).await;
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..10 {
        let state = app.state.clone();
        tasks.spawn(async move {
            socialbid::accounts::service::create_admin(&state, "drift@socialbid.dk", "Drift", None)
                .await
        });
    }
    let outcomes = tasks.join_all().await;
    assert_eq!(outcomes.iter().filter(|o| o.is_ok()).count(), 1);
    for refused in outcomes.iter().filter_map(|o| o.as_ref().err()) {
        assert_eq!(refused.status(), StatusCode::CONFLICT, "{refused:?}");
        assert_eq!(refused.fields()[0].field, "email");
        assert_eq!(refused.fields()[0].rule, "taken");
    }
}

/// The first field error's field and code.
fn first_field(answer: &TestResponse) -> (String, String) {
    let field = &answer.json()["error"]["fields"][0];
    (
        field["field"].as_str().unwrap_or_default().to_owned(),
        field["code"].as_str().unwrap_or_default().to_owned(),
    )
}

/// One person's parallel saves check the duplicate and the limit one after
/// another: a search saved at once from six tabs is kept once, the rest
/// told it is saved already (naming `query`, not a database column), and a
/// burst past the limit of 25 keeps exactly 25.
async fn parallel_saves_of_searches_keep_one_copy_and_the_limit(backend: Backend) {
    const PATH: &str = "/api/v1/me/saved-searches";
    let app = Arc::new(TestApp::new(backend).await);
    let anna = app.entrepreneur("anna@cafe-lyst.dk").await;
    let token = anna.access_token.as_str();

    let same = in_parallel(&app, 6, |_| {
        post(PATH, Some(token), json!({ "query": "q=rengøring" }))
    })
    .await;
    one_won_the_rest_conflict(&same, StatusCode::CREATED);
    for refused in same.iter().filter(|a| a.status == StatusCode::CONFLICT) {
        assert_eq!(
            first_field(refused),
            ("query".into(), "already_saved".into()),
            "{}",
            refused.text()
        );
    }

    for n in 0..20 {
        let body = json!({ "query": format!("q=ord{n}") });
        let saved = app.api(Method::POST, PATH, Some(token), Some(body)).await;
        assert_eq!(saved.status, StatusCode::CREATED, "{}", saved.text());
    }
    // 21 kept: of eight different searches at once, four fit.
    let burst = in_parallel(&app, 8, |i| {
        post(PATH, Some(token), json!({ "query": format!("q=mere{i}") }))
    })
    .await;
    let seen: Vec<u16> = burst.iter().map(|a| a.status.as_u16()).collect();
    assert_eq!(statuses(&burst, StatusCode::CREATED), 4, "{seen:?}");
    for refused in burst.iter().filter(|a| a.status != StatusCode::CREATED) {
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{seen:?}");
        assert_eq!(first_field(refused), ("query".into(), "too_many".into()));
    }
    let listed = app.api(Method::GET, PATH, Some(token), None).await;
    assert_eq!(listed.json().as_array().map(Vec::len), Some(25));
}
