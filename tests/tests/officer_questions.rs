//! The officer's side of questions through the router, on both databases:
//! the dashboard's counts of open questions and followers per tender, the
//! page of open questions across the authority's tenders, answering with
//! the question reworded, and declining a question with a reason mailed to
//! the asker in the same transaction. Each new form refuses the wrong role
//! and the wrong authority.

use axum::http::{Method, StatusCode};
use socialbid_tests::{
    AARHUS_CVR, Backend, KOBENHAVN_CVR, PageSession, TenderBuilder, TestApp, TestResponse,
    on_both_databases,
};

on_both_databases!(
    the_dashboard_counts_open_questions_and_followers,
    an_officer_rewords_a_question_and_answers_it,
    an_officer_declines_a_question_and_the_asker_is_told_why,
    deciding_on_questions_is_for_the_owning_officer_only,
);

const PARKING: &str = "Vi er Café Lyst ApS fra Aarhus. Er der parkering ved institutionerne?";

fn location(response: &TestResponse) -> String {
    response.header("location").unwrap_or_default()
}

/// Anna asks `question` on tender `id` with the page's form; returns the
/// question's id. The officers' mails are sent.
async fn ask(app: &TestApp, id: i64, question: &str) -> i64 {
    let mut anna = PageSession::logged_in(app, "anna@cafe-lyst.dk").await;
    anna.get(&format!("/tenders/{id}")).await;
    let asked = anna
        .post(
            &format!("/tenders/{id}/questions"),
            &[("question", question)],
        )
        .await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER, "{}", asked.text());
    app.run_jobs().await;
    let officer = app
        .login("mette@aarhus.dk", socialbid_tests::PASSWORD)
        .await;
    app.api(
        Method::GET,
        &format!("/api/v1/tenders/{id}/questions"),
        Some(&officer.access_token),
        None,
    )
    .await
    .json()
    .as_array()
    .unwrap()
    .iter()
    .find(|q| q["question"] == question)
    .and_then(|q| q["id"].as_i64())
    .expect("the question is there")
}

/// The dashboard's table row of the tender titled `title`, as text.
fn row_of(html: &str, title: &str) -> String {
    let at = html
        .find(title)
        .unwrap_or_else(|| panic!("{title} in {html}"));
    let start = html[..at].rfind("<tr>").unwrap();
    let end = at + html[at..].find("</tr>").unwrap();
    html[start..end].to_owned()
}

fn numbers_in(row: &str) -> Vec<String> {
    row.split("<td class=\"table__cell--numeric\"")
        .skip(1)
        .map(|cell| {
            let text = &cell[cell.find('>').unwrap() + 1..];
            text[..text.find('<').unwrap()].trim().to_owned()
        })
        .collect()
}

async fn the_dashboard_counts_open_questions_and_followers(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    app.entrepreneur("anna@cafe-lyst.dk").await;
    app.entrepreneur("bo@vaerkstedet.dk").await;
    let busy = TenderBuilder::new(&app).publish(&app, &officer).await;
    TenderBuilder::new(&app)
        .set("title", "Vinduespudsning på skolerne".into())
        .publish(&app, &officer)
        .await;
    ask(&app, busy, "Hvor mange kvadratmeter er der i alt?").await;
    let answered = ask(&app, busy, "Er der parkering ved institutionerne?").await;
    for who in ["anna@cafe-lyst.dk", "bo@vaerkstedet.dk"] {
        let mut session = PageSession::logged_in(&app, who).await;
        session.get(&format!("/tenders/{busy}")).await;
        session.post(&format!("/tenders/{busy}/follow"), &[]).await;
    }
    let mut mette = PageSession::logged_in(&app, "mette@aarhus.dk").await;
    mette.get(&format!("/tenders/{busy}")).await;
    mette
        .post(
            &format!("/tenders/{busy}/questions/{answered}/answer"),
            &[("answer", "Ja.")],
        )
        .await;
    app.run_jobs().await;

    let html = mette.get("/officer/tenders").await.text();
    // Weight, then open questions, then followers.
    assert_eq!(
        numbers_in(&row_of(
            &html,
            "Rengøring af daginstitutioner i Aarhus Vest"
        )),
        ["20 %", "1", "2"]
    );
    assert_eq!(
        numbers_in(&row_of(&html, "Vinduespudsning på skolerne")),
        ["20 %", "0", "0"]
    );
    assert!(
        html.contains("<a href=\"/officer/questions\">1 spørgsmål venter på svar</a>"),
        "{html}"
    );
}

async fn an_officer_rewords_a_question_and_answers_it(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    app.entrepreneur("anna@cafe-lyst.dk").await;
    let id = TenderBuilder::new(&app).publish(&app, &officer).await;
    let qid = ask(&app, id, PARKING).await;

    let mut mette = PageSession::logged_in(&app, "mette@aarhus.dk").await;
    let page = mette.get("/officer/questions").await;
    assert_eq!(page.status, StatusCode::OK);
    let html = page.text();
    assert!(
        html.contains(&format!("action=\"/tenders/{id}/questions/{qid}/answer\"")),
        "{html}"
    );
    assert!(
        html.contains(PARKING),
        "the wording field starts as asked: {html}"
    );
    assert!(
        !html.contains("anna@cafe-lyst.dk"),
        "the asker is not named"
    );

    // An empty wording is refused beside its field, with what was typed.
    let refused = mette
        .post(
            &format!("/tenders/{id}/questions/{qid}/answer"),
            &[
                ("from", "/officer/questions"),
                ("question", " "),
                ("answer", "Ja, ved alle adresser."),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = refused.text();
    assert!(
        html.contains(&format!("href=\"#question-{qid}\"")),
        "{html}"
    );
    assert!(html.contains("Ja, ved alle adresser."), "{html}");

    let answered = mette
        .post(
            &format!("/tenders/{id}/questions/{qid}/answer"),
            &[
                ("from", "/officer/questions"),
                ("question", "Er der parkering ved institutionerne?"),
                ("answer", "Ja, ved alle adresser."),
            ],
        )
        .await;
    assert_eq!(
        location(&answered),
        "/officer/questions?notice=answer_published"
    );
    let html = mette
        .get("/officer/questions?notice=answer_published")
        .await
        .text();
    assert!(html.contains("Ingen spørgsmål venter på svar."), "{html}");

    // Published as reworded, for everyone and in the mail.
    let public = app
        .page(Method::GET, &format!("/tenders/{id}"), "", None)
        .await
        .text();
    assert!(
        public.contains("Er der parkering ved institutionerne?"),
        "{public}"
    );
    assert!(!public.contains("Café Lyst"), "{public}");
    app.run_jobs().await;
    let mails = app.mails_to("anna@cafe-lyst.dk");
    let answer = mails
        .iter()
        .find(|m| m.text.contains("Ja, ved alle adresser."))
        .expect("answer mail");
    assert!(!answer.text.contains("Café Lyst"), "{}", answer.text);
}

async fn an_officer_declines_a_question_and_the_asker_is_told_why(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    app.entrepreneur("anna@cafe-lyst.dk").await;
    let id = TenderBuilder::new(&app).publish(&app, &officer).await;
    let qid = ask(&app, id, "Kan I ikke bare give os kontrakten?").await;
    let mut mette = PageSession::logged_in(&app, "mette@aarhus.dk").await;
    mette.get("/officer/questions").await;
    // Closing the tender at its deadline is queued already.
    let queued = app.pending_jobs().await;

    // No reason, nothing written and nothing mailed.
    let refused = mette
        .post(
            &format!("/tenders/{id}/questions/{qid}/decline"),
            &[("reason", "")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        refused.text().contains(&format!("href=\"#reason-{qid}\"")),
        "{}",
        refused.text()
    );
    assert!(
        refused.text().contains("Indtast en begrundelse"),
        "{}",
        refused.text()
    );
    assert_eq!(app.pending_jobs().await, queued);

    let reason = "Spørgsmålet beder ikke om en afklaring af udbudsmaterialet.";
    let declined = mette
        .post(
            &format!("/tenders/{id}/questions/{qid}/decline"),
            &[("reason", reason)],
        )
        .await;
    assert_eq!(
        location(&declined),
        "/officer/questions?notice=question_declined"
    );
    let html = mette
        .get("/officer/questions?notice=question_declined")
        .await
        .text();
    assert!(html.contains("Spørgsmålet offentliggøres ikke"), "{html}");
    assert!(!html.contains("give os kontrakten"), "{html}");

    // Decided once: neither answered nor declined again.
    let again = mette
        .post(
            &format!("/tenders/{id}/questions/{qid}/answer"),
            &[("answer", "Nej.")],
        )
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        again.text().contains("Spørgsmålet er allerede afvist"),
        "{}",
        again.text()
    );

    // The mail was queued with the decision.
    assert_eq!(app.pending_jobs().await, queued + 1);
    app.run_jobs().await;
    let mails = app.mails_to("anna@cafe-lyst.dk");
    let mail = mails
        .iter()
        .find(|m| m.text.contains(reason))
        .expect("the asker is mailed the reason");
    assert!(
        mail.text.contains("Kan I ikke bare give os kontrakten?"),
        "{}",
        mail.text
    );
    assert!(
        mail.subject.contains("bliver ikke offentliggjort"),
        "{}",
        mail.subject
    );

    // Nobody but the asker sees it; the asker sees why.
    let public = app
        .page(Method::GET, &format!("/tenders/{id}"), "", None)
        .await
        .text();
    assert!(!public.contains("give os kontrakten"), "{public}");
    let owner = mette.get(&format!("/tenders/{id}")).await.text();
    assert!(!owner.contains("give os kontrakten"), "{owner}");
    let mut anna = PageSession::logged_in(&app, "anna@cafe-lyst.dk").await;
    let mine = anna.get(&format!("/tenders/{id}")).await.text();
    assert!(mine.contains("give os kontrakten"), "{mine}");
    assert!(mine.contains(reason), "{mine}");
}

async fn deciding_on_questions_is_for_the_owning_officer_only(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    app.officer("ole@kk.dk", KOBENHAVN_CVR).await;
    app.entrepreneur("anna@cafe-lyst.dk").await;
    let id = TenderBuilder::new(&app).publish(&app, &officer).await;
    let qid = ask(&app, id, PARKING).await;
    let decline = format!("/tenders/{id}/questions/{qid}/decline");
    let answer = format!("/tenders/{id}/questions/{qid}/answer");
    // Closing the tender at its deadline is queued already.
    let queued = app.pending_jobs().await;

    // Not logged in: to the login page.
    let anonymous = app.page(Method::GET, "/officer/questions", "", None).await;
    assert_eq!(location(&anonymous), "/login?next=%2Fofficer%2Fquestions");

    // The wrong role.
    let mut anna = PageSession::logged_in(&app, "anna@cafe-lyst.dk").await;
    assert_eq!(
        anna.get("/officer/questions").await.status,
        StatusCode::FORBIDDEN
    );
    anna.get(&format!("/tenders/{id}")).await;
    let refused = anna.post(&decline, &[("reason", "Nej tak.")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    // The wrong authority: its page lists nothing of ours, its forms are refused.
    let mut ole = PageSession::logged_in(&app, "ole@kk.dk").await;
    let page = ole.get("/officer/questions").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.text().contains("parkering"), "{}", page.text());
    let refused = ole.post(&decline, &[("reason", "Nej tak.")]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text());
    let refused = ole
        .post(
            &answer,
            &[
                ("from", "/officer/questions"),
                ("question", "Hvem?"),
                ("answer", "Nej."),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.text());
    // A question of another tender is not found under this one.
    let other = TenderBuilder::new(&app).publish(&app, &officer).await;
    let mut mette = PageSession::logged_in(&app, "mette@aarhus.dk").await;
    mette.get("/officer/questions").await;
    let wrong = mette
        .post(
            &format!("/tenders/{other}/questions/{qid}/decline"),
            &[("reason", "Nej tak.")],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND);

    // Nothing was decided or mailed (the other tender's close and its
    // last-chance reminder aside).
    assert_eq!(app.pending_jobs().await, queued + 2);
    assert!(
        mette
            .get("/officer/questions")
            .await
            .text()
            .contains(PARKING)
    );
}
