//! What a person meets on first use, through the router on both databases:
//! where each role lands after logging in, the entrepreneur's start page
//! (the next step, the organisation's review state, the tenders they
//! follow), and the mail files written when no SMTP server is configured.

use axum::http::StatusCode;
use socialbid_tests::{
    AARHUS_CVR, Backend, KOBENHAVN_CVR, PageSession, TenderBuilder, TestApp, TestResponse, cvr,
    on_both_databases,
};

on_both_databases!(
    each_role_lands_on_its_own_start,
    the_start_page_says_what_to_do_next,
    the_start_page_lists_only_my_followed_tenders,
    the_start_page_is_for_logged_in_people,
    local_mail_files_are_named_by_time_and_subject_with_a_text_twin,
    the_header_and_the_not_found_page_read_right,
);

fn location(response: &TestResponse) -> String {
    response.header("location").unwrap_or_default()
}

/// Logs in with the form and follows the redirects to where the person
/// lands; returns each location on the way.
async fn land(session: &mut PageSession<'_>, email: &str) -> Vec<String> {
    session.get("/login").await;
    let mut response = session
        .post(
            "/login",
            &[("email", email), ("password", socialbid_tests::PASSWORD)],
        )
        .await;
    let mut hops = Vec::new();
    while response.status == StatusCode::SEE_OTHER {
        let next = location(&response);
        hops.push(next.clone());
        response = session.get(&next).await;
    }
    assert_eq!(
        response.status,
        StatusCode::OK,
        "{hops:?}: {}",
        response.text()
    );
    hops
}

async fn each_role_lands_on_its_own_start(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.entrepreneur("anna@cafe-lyst.dk").await;
    app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    app.pending_officer("jens@kk.dk", KOBENHAVN_CVR).await;
    app.admin("ada@socialbid.dk").await;

    for (email, landing) in [
        ("anna@cafe-lyst.dk", "/start?notice=logged_in"),
        ("mette@aarhus.dk", "/officer/tenders?notice=logged_in"),
        // Until an admin approves them, the account page says so.
        ("jens@kk.dk", "/account?notice=logged_in"),
        ("ada@socialbid.dk", "/admin/profiles?notice=logged_in"),
    ] {
        let mut session = PageSession::new(&app);
        let hops = land(&mut session, email).await;
        assert_eq!(hops.last().map(String::as_str), Some(landing), "{email}");
        // The banner follows to the page the person lands on.
        let page = session.get(landing).await;
        assert!(page.text().contains("Du er logget ind."), "{email}");
    }

    // A link back to a page asked for before logging in still wins.
    let mut session = PageSession::new(&app);
    session.get("/login").await;
    let response = session
        .post(
            "/login",
            &[
                ("email", "mette@aarhus.dk"),
                ("password", socialbid_tests::PASSWORD),
                ("next", "/profiles"),
            ],
        )
        .await;
    assert_eq!(location(&response), "/profiles");
}

async fn the_start_page_says_what_to_do_next(backend: Backend) {
    let app = TestApp::new(backend).await;
    let anna = app.entrepreneur("anna@cafe-lyst.dk").await;
    let mut session = PageSession::logged_in(&app, "anna@cafe-lyst.dk").await;

    // No organisation yet: the first step is to register it.
    let start = session.get("/start").await;
    assert_eq!(start.status, StatusCode::OK);
    let html = start.text();
    assert!(
        html.contains("<h1 class=\"heading-xl\">Din forside</h1>"),
        "{html}"
    );
    assert!(html.contains("href=\"/organisation/new\""), "{html}");
    assert!(html.contains("Du følger ingen udbud endnu."), "{html}");
    assert!(html.contains("id=\"tenders-for-you\""), "{html}");
    assert!(
        html.contains("href=\"/start\" aria-current=\"page\""),
        "{html}"
    );

    // Registered: its name and the state of its review instead.
    app.organisation(&anna, "Café Lyst ApS", &cvr(7)).await;
    app.run_jobs().await;
    let html = session.get("/start").await.text();
    assert!(!html.contains("href=\"/organisation/new\""), "{html}");
    assert!(html.contains("Café Lyst ApS"), "{html}");
    assert!(html.contains("tag--pending"), "{html}");

    // In English too.
    let html = session.get("/lang?to=en&back=/start").await;
    assert_eq!(location(&html), "/start");
    let html = session.get("/start").await.text();
    assert!(html.contains("Your start page"), "{html}");
    assert!(
        html.contains("You do not follow any tenders yet."),
        "{html}"
    );
}

async fn the_start_page_lists_only_my_followed_tenders(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    let followed = TenderBuilder::new(&app).publish(&app, &officer).await;
    let other = TenderBuilder::new(&app)
        .set("title", "Vinduespudsning på skolerne".into())
        .publish(&app, &officer)
        .await;
    app.entrepreneur("anna@cafe-lyst.dk").await;
    app.entrepreneur("bo@vaerkstedet.dk").await;

    let mut anna = PageSession::logged_in(&app, "anna@cafe-lyst.dk").await;
    anna.get(&format!("/tenders/{followed}")).await;
    let response = anna.post(&format!("/tenders/{followed}/follow"), &[]).await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    let mut bo = PageSession::logged_in(&app, "bo@vaerkstedet.dk").await;
    bo.get(&format!("/tenders/{other}")).await;
    bo.post(&format!("/tenders/{other}/follow"), &[]).await;

    let html = anna.get("/start").await.text();
    assert!(
        html.contains(&format!(
            "<a href=\"/tenders/{followed}\" lang=\"da\">Rengøring af daginstitutioner i Aarhus Vest</a>"
        )),
        "{html}"
    );
    assert!(html.contains("Aarhus Kommune"), "{html}");
    // Someone else's follow is theirs alone.
    assert!(!html.contains("Vinduespudsning"), "{html}");
    assert!(!html.contains("Du følger ingen udbud endnu."), "{html}");

    // Unfollowed, it is gone.
    anna.get(&format!("/tenders/{followed}")).await;
    anna.post(&format!("/tenders/{followed}/unfollow"), &[])
        .await;
    let html = anna.get("/start").await.text();
    assert!(
        !html.contains(&format!("href=\"/tenders/{followed}\"")),
        "{html}"
    );
    assert!(html.contains("Du følger ingen udbud endnu."), "{html}");
}

async fn the_start_page_is_for_logged_in_people(backend: Backend) {
    let app = TestApp::new(backend).await;
    let mut anonymous = PageSession::new(&app);
    let response = anonymous.get("/start").await;
    assert_eq!(response.status, StatusCode::SEE_OTHER);
    assert_eq!(location(&response), "/login?next=%2Fstart");

    // Other roles are sent to their own start, never shown this page; an
    // unknown notice is not carried along.
    app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    let mut officer = PageSession::logged_in(&app, "mette@aarhus.dk").await;
    let response = officer.get("/start").await;
    assert_eq!(location(&response), "/officer/tenders");
    let response = officer.get("/start?notice=%2F%2Fevil.example").await;
    assert_eq!(
        location(&response),
        "/officer/tenders?notice=%2F%2Fevil.example"
    );
    let page = officer.get(&location(&response)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        !page.text().contains("notification--success"),
        "{}",
        page.text()
    );
}

async fn local_mail_files_are_named_by_time_and_subject_with_a_text_twin(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.register(serde_json::json!({
        "email": "anna@cafe-lyst.dk", "password": socialbid_tests::PASSWORD,
        "name": "Anna Jensen", "role": "entrepreneur",
    }))
    .await;
    app.run_jobs().await;
    let mut names: Vec<String> = std::fs::read_dir(app.mail_dir())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let day = app.now().format("%Y%m%d-").to_string();
    assert_eq!(names.len(), 2, "{names:?}");
    let stem = names[0].strip_suffix(".eml").expect("an .eml file");
    assert_eq!(names[1], format!("{stem}.txt"), "{names:?}");
    assert!(stem.starts_with(&day), "{stem}");
    assert!(
        stem.contains("-bekraeft-"),
        "named by the Danish subject: {stem}"
    );

    // The twin is plain text: the link stands whole on its own line.
    let text = std::fs::read_to_string(app.mail_dir().join(&names[1])).unwrap();
    assert!(
        text.starts_with("To: anna@cafe-lyst.dk\nSubject: "),
        "{text}"
    );
    let link = text
        .lines()
        .find(|l| l.contains("/verify?token="))
        .unwrap_or_else(|| panic!("{text}"));
    assert!(
        link.starts_with("http") && !link.contains(' ') && !link.ends_with('='),
        "{link}"
    );
    // The .eml is the same mail as sent.
    let mail = &app.mails_to("anna@cafe-lyst.dk")[0];
    assert!(mail.text.contains(link.trim()), "{}", mail.text);
}

async fn the_header_and_the_not_found_page_read_right(backend: Backend) {
    let app = TestApp::new(backend).await;
    let mut anonymous = PageSession::new(&app);
    // The test app's operator is not Socialbid: the header names it.
    let home = anonymous.get("/").await.text();
    assert!(home.contains(">Drives af Testdrift ApS</p>"), "{home}");
    let missing = anonymous.get("/no-such-page").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(
        missing
            .text()
            .contains("<p>Vi kunne ikke finde det, du leder efter.</p>"),
        "{}",
        missing.text()
    );
}
