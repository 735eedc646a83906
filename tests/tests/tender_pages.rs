//! The tender pages through the router, as a browser without JavaScript
//! uses them: forms with CSRF tokens, the draft journey, check your answers,
//! publishing with every problem listed, amending, cancelling, questions.

use axum::http::{Method, StatusCode};
use serde_json::json;
use socialbid_tests::{
    AARHUS_CVR, Backend, KOBENHAVN_CVR, PageSession, TenderBuilder, TestApp, TestResponse,
    on_both_databases,
};

on_both_databases!(
    an_officer_drafts_checks_and_publishes_in_pages,
    publishing_an_incomplete_draft_lists_every_problem,
    a_wrong_date_comes_back_with_everything_typed,
    amending_and_cancelling_in_pages,
    questions_answers_and_following_in_pages,
    drafts_and_forms_are_hidden_from_others,
    documents_are_uploaded_with_a_form,
    a_new_drafts_cpv_step_starts_empty_and_saves_a_typed_code,
);

fn location(response: &TestResponse) -> String {
    response.header("location").unwrap_or_default()
}

fn title(response: &TestResponse) -> String {
    let text = response.text();
    let start = text.find("<title>").unwrap() + 7;
    let end = text.find("</title>").unwrap();
    text[start..end].to_owned()
}

/// Fills in every part of a new draft through the pages and returns its id.
async fn draft_in_pages(browser: &mut PageSession<'_>) -> i64 {
    browser.get("/officer/tenders").await;
    let started = browser.post("/officer/tenders", &[]).await;
    assert_eq!(started.status, StatusCode::SEE_OTHER);
    let next = location(&started);
    let id: i64 = next
        .trim_start_matches("/tenders/")
        .split('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let base = format!("/tenders/{id}/edit");
    let page = browser.get(&format!("{base}/basics")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(title(&page).starts_with("Om udbuddet"), "{}", title(&page));
    let saved = browser
        .post(
            &format!("{base}/basics"),
            &[
                ("title", "Kantinedrift på rådhuset"),
                (
                    "description",
                    "Drift af kantinen.\n\n- 200 kuverter\n- Økologi",
                ),
                ("language", "da"),
                ("contract_nature", "services"),
                ("procedure_type", "open"),
                ("estimated_value_dkk", "3.200.000"),
            ],
        )
        .await;
    assert_eq!(location(&saved), format!("{base}/cpv"), "{}", saved.text());
    // CPV by words, without JavaScript: a GET search lists matches as radios.
    let search = browser.get(&format!("{base}/cpv?cpv_q=canteen")).await;
    assert!(search.text().contains("55512000"), "{}", search.text());
    let saved = browser
        .post(
            &format!("{base}/cpv"),
            &[("main_cpv", "55512000"), ("additional_cpv", "55520000")],
        )
        .await;
    assert_eq!(
        location(&saved),
        format!("{base}/place"),
        "{}",
        saved.text()
    );
    let saved = browser
        .post(&format!("{base}/place"), &[("nuts_codes", "DK042")])
        .await;
    assert_eq!(location(&saved), format!("{base}/dates"));
    let year = (browser.app.now() + chrono::Duration::days(400))
        .format("%Y")
        .to_string();
    let saved = browser
        .post(
            &format!("{base}/dates"),
            &[
                ("submission_deadline", "15"),
                ("submission_month", "3"),
                ("submission_year", &year),
                ("submission_time", "12.00"),
                ("question_deadline", "1"),
                ("question_month", "3"),
                ("question_year", &year),
                ("question_time", "12.00"),
            ],
        )
        .await;
    assert_eq!(location(&saved), format!("{base}/lots"), "{}", saved.text());
    // Two lots: one row, "add another", then the second row.
    let saved = browser
        .post(
            &format!("{base}/lots"),
            &[
                ("lot_title_0", "Frokost"),
                ("lot_description_0", ""),
                ("lot_cpv_0", "55512000"),
                ("lot_value_0", "2.000.000"),
                ("action", "add_row"),
            ],
        )
        .await;
    assert!(location(&saved).starts_with(&format!("{base}/lots?rows=1")));
    let lots = browser.get(&location(&saved)).await;
    assert!(lots.text().contains("lot_title_1"));
    let saved = browser
        .post(
            &format!("{base}/lots"),
            &[
                ("lot_title_0", "Frokost"),
                ("lot_description_0", ""),
                ("lot_cpv_0", "55512000"),
                ("lot_value_0", "2.000.000"),
                ("lot_title_1", "Mødeforplejning"),
                ("lot_description_1", ""),
                ("lot_cpv_1", "55520000"),
                ("lot_value_1", "1.200.000"),
            ],
        )
        .await;
    assert_eq!(location(&saved), format!("{base}/criteria"));
    let saved = browser
        .post(
            &format!("{base}/criteria"),
            &[
                ("crit_name_0", "Pris"),
                ("crit_kind_0", "price"),
                ("crit_weight_0", "50"),
                ("crit_name_1", "Kvalitet"),
                ("crit_kind_1", "quality"),
                ("crit_weight_1", "25"),
                ("crit_name_2", "Job til ledige"),
                ("crit_kind_2", "social"),
                ("crit_weight_2", "25"),
                ("crit_obj_2", "opp"),
            ],
        )
        .await;
    assert_eq!(location(&saved), format!("{base}/reserved"));
    let saved = browser
        .post(
            &format!("{base}/reserved"),
            &[("reserved", "res-ws"), ("strategic", "soc-obj")],
        )
        .await;
    assert_eq!(location(&saved), format!("/tenders/{id}/check"));
    id
}

/// The `value` of the `<input>` named `name` as the page fills it in, as a
/// browser would send it back.
fn input_value(response: &TestResponse, name: &str) -> String {
    let text = response.text();
    let at = text
        .find(&format!("name=\"{name}\""))
        .unwrap_or_else(|| panic!("no input {name}: {text}"));
    let start = text[..at].rfind("<input").expect("an input element");
    let end = at + text[at..].find('>').expect("the end of the input");
    let tag = &text[start..end];
    tag.split_once(" value=\"")
        .map(|(_, rest)| rest.split('"').next().unwrap_or_default().to_owned())
        .unwrap_or_default()
}

async fn a_new_drafts_cpv_step_starts_empty_and_saves_a_typed_code(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    let mut browser = PageSession::logged_in(&app, "mette@aarhus.dk").await;
    browser.get("/officer/tenders").await;
    let started = browser.post("/officer/tenders", &[]).await;
    let base = location(&started).rsplit_once('/').unwrap().0.to_owned();
    let step = browser.get(&format!("{base}/cpv")).await;
    assert_eq!(step.status, StatusCode::OK);
    let additional = input_value(&step, "additional_cpv_typed");
    assert_eq!(additional, "", "pre-filled: {}", step.text());

    // The officer types only the main code and saves what the page holds.
    let saved = browser
        .post(
            &format!("{base}/cpv"),
            &[
                ("main_cpv_typed", "55512000"),
                ("additional_cpv_typed", &additional),
            ],
        )
        .await;
    assert_eq!(
        location(&saved),
        format!("{base}/place"),
        "{}",
        saved.text()
    );
    let id = base.split('/').nth(2).unwrap();
    let draft = app
        .api(
            Method::GET,
            &format!("/api/v1/tenders/{id}"),
            Some(&officer.access_token),
            None,
        )
        .await
        .json();
    assert_eq!(draft["main_cpv"], "55512000");
    assert_eq!(draft["additional_cpv"], json!([]));
}

async fn an_officer_drafts_checks_and_publishes_in_pages(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    let mut browser = PageSession::logged_in(&app, "mette@aarhus.dk").await;
    let id = draft_in_pages(&mut browser).await;
    let check = browser.get(&format!("/tenders/{id}/check")).await;
    assert_eq!(check.status, StatusCode::OK);
    let text = check.text();
    for expected in [
        "Kantinedrift på rådhuset",
        "3.200.000 kr.",
        "55512000-",
        "Frokost; Mødeforplejning",
        "heraf social værdi 25 %",
        "Forbeholdt deltagelse",
        "?return=check",
    ] {
        assert!(text.contains(expected), "{expected} missing: {text}");
    }
    // "Change" returns to the check page.
    let back = browser
        .post(
            &format!("/tenders/{id}/edit/place?return=check"),
            &[("nuts_codes", "DK042"), ("nuts_codes", "DK041")],
        )
        .await;
    assert_eq!(location(&back), format!("/tenders/{id}/check"));
    let published = browser.post(&format!("/tenders/{id}/publish"), &[]).await;
    assert_eq!(
        published.status,
        StatusCode::SEE_OTHER,
        "{}",
        published.text()
    );
    let page = browser.get(&location(&published)).await;
    let text = page.text();
    assert!(text.contains("Udbuddet er offentliggjort."), "{text}");
    assert!(text.contains("Offentliggjort"));
    assert!(text.contains("Social værdi vægter 25 %"));
    assert!(text.contains("width=\"25%\""), "the weights drawn");
    assert!(text.contains("Delaftale 2: Mødeforplejning"));
    assert!(text.contains("Version 1 offentliggjort"));
    assert!(!text.contains("style="), "no inline styles (CSP)");
    // The search page shows it to anyone.
    app.index().await;
    let list = app.page(Method::GET, "/tenders", "", None).await;
    assert!(list.text().contains("Kantinedrift på rådhuset"));
    assert!(list.text().contains("Forbeholdt (artikel 20)"));
    // The API agrees with what the pages wrote.
    let api = app
        .api(Method::GET, &format!("/api/v1/tenders/{id}"), None, None)
        .await
        .json();
    assert_eq!(api["lots"].as_array().unwrap().len(), 2);
    assert_eq!(api["nuts_codes"], json!(["DK042", "DK041"]));
    assert_eq!(api["estimated_value_dkk"], 3_200_000);
    assert_eq!(api["criteria"][2]["social_objectives"], json!(["opp"]));
}

async fn publishing_an_incomplete_draft_lists_every_problem(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    let mut browser = PageSession::logged_in(&app, "mette@aarhus.dk").await;
    browser.get("/officer/tenders").await;
    let started = browser.post("/officer/tenders", &[]).await;
    let id = location(&started).split('/').nth(2).unwrap().to_owned();
    browser
        .post(
            &format!("/tenders/{id}/edit/criteria"),
            &[
                ("crit_name_0", "Pris"),
                ("crit_kind_0", "price"),
                ("crit_weight_0", "90"),
            ],
        )
        .await;
    browser.get(&format!("/tenders/{id}/check")).await;
    let refused = browser.post(&format!("/tenders/{id}/publish"), &[]).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(title(&refused).starts_with("Fejl: "), "{}", title(&refused));
    let text = refused.text();
    for message in [
        "Indtast en titel",
        "Indtast en beskrivelse",
        "Vælg kontraktens art",
        "Vælg en hoved-CPV-kode",
        "Vælg mindst ét udførelsessted",
        "Indtast fristen for tilbud",
        "Vægtene skal give 100 i alt, de giver 90",
    ] {
        assert!(text.contains(message), "{message} missing: {text}");
    }
    assert!(
        text.contains("href=\"#row-criteria\""),
        "summary links to the row"
    );
}

async fn a_wrong_date_comes_back_with_everything_typed(backend: Backend) {
    let app = TestApp::new(backend).await;
    app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    let mut browser = PageSession::logged_in(&app, "mette@aarhus.dk").await;
    browser.get("/officer/tenders").await;
    let started = browser.post("/officer/tenders", &[]).await;
    let id = location(&started).split('/').nth(2).unwrap().to_owned();
    let refused = browser
        .post(
            &format!("/tenders/{id}/edit/dates"),
            &[
                ("submission_deadline", "31"),
                ("submission_month", "2"),
                ("submission_year", "2030"),
                ("submission_time", "12.00"),
                ("question_deadline", "1"),
                ("question_month", "1"),
                ("question_year", "2020"),
                ("question_time", "12.00"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    let text = refused.text();
    assert!(
        text.contains("Fristen for tilbud skal være en rigtig dato og et klokkeslæt"),
        "{text}"
    );
    assert!(text.contains("href=\"#submission_deadline\""));
    assert!(text.contains("value=\"31\""), "what was typed is kept");
    // A date in the past is refused too.
    let refused = browser
        .post(
            &format!("/tenders/{id}/edit/dates"),
            &[
                ("question_deadline", "1"),
                ("question_month", "1"),
                ("question_year", "2020"),
                ("question_time", "12.00"),
            ],
        )
        .await;
    assert!(
        refused
            .text()
            .contains("Fristen for spørgsmål skal ligge i fremtiden")
    );
}

async fn amending_and_cancelling_in_pages(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    let id = TenderBuilder::new(&app)
        .with_lots()
        .publish(&app, &officer)
        .await;
    let mut browser = PageSession::logged_in(&app, "mette@aarhus.dk").await;
    // Editing a published tender in place is not possible: amend instead.
    let edit = browser.get(&format!("/tenders/{id}/edit/basics")).await;
    assert_eq!(location(&edit), format!("/tenders/{id}/amend"));
    let form = browser.get(&format!("/tenders/{id}/amend")).await;
    assert_eq!(form.status, StatusCode::OK);
    // Instead of rebuilding the whole form by hand, read it from the page.
    let fields = form_fields(&form.text());
    let mut fields: Vec<(String, String)> = fields
        .into_iter()
        .filter(|(k, _)| k != "csrf_token" && k != "action")
        .map(|(k, v)| {
            if k == "title" {
                (
                    k,
                    "Rengøring af daginstitutioner, Aarhus Vest og Syd".into(),
                )
            } else {
                (k, v)
            }
        })
        .collect();
    let missing_reason = browser
        .post(
            &format!("/tenders/{id}/amend"),
            &fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect::<Vec<_>>(),
        )
        .await;
    assert_eq!(missing_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        missing_reason
            .text()
            .contains("Indtast en begrundelse for ændringen")
    );
    fields.retain(|(k, _)| k != "amend_reason");
    fields.push(("amend_reason".into(), "Syd er kommet med".into()));
    let amended = browser
        .post(
            &format!("/tenders/{id}/amend"),
            &fields
                .iter()
                .map(|(k, v)| (k.as_str(), v.as_str()))
                .collect::<Vec<_>>(),
        )
        .await;
    assert_eq!(amended.status, StatusCode::SEE_OTHER, "{}", amended.text());
    let page = app
        .page(Method::GET, &format!("/tenders/{id}"), "", None)
        .await;
    let text = page.text();
    assert!(text.contains("Version 2: ændring"), "{text}");
    assert!(text.contains("Syd er kommet med"));
    assert!(
        text.contains("Rengøring af daginstitutioner i Aarhus Vest"),
        "the old title in the change log"
    );
    let api = app
        .api(Method::GET, &format!("/api/v1/tenders/{id}"), None, None)
        .await
        .json();
    let changed: Vec<&str> = api["versions"][1]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    assert_eq!(changed, ["title"], "only what was changed is logged");

    browser.get(&format!("/tenders/{id}/cancel")).await;
    let refused = browser
        .post(&format!("/tenders/{id}/cancel"), &[("cancel_reason", "")])
        .await;
    assert!(
        refused
            .text()
            .contains("Indtast en begrundelse for aflysningen")
    );
    let cancelled = browser
        .post(
            &format!("/tenders/{id}/cancel"),
            &[("cancel_reason", "Opgaven løses internt")],
        )
        .await;
    assert_eq!(cancelled.status, StatusCode::SEE_OTHER);
    let page = app
        .page(Method::GET, &format!("/tenders/{id}"), "", None)
        .await;
    assert!(page.text().contains("Opgaven løses internt"));
    assert!(page.text().contains("Aflyst"));
}

/// Every named field of every form on a page with its current value, as a
/// browser would send it (checked boxes and radios, selected options).
fn form_fields(html: &str) -> Vec<(String, String)> {
    let attr = |tag: &str, name: &str| -> Option<String> {
        let needle = format!(" {name}=\"");
        tag.find(&needle).map(|i| {
            let rest = &tag[i + needle.len()..];
            rest[..rest.find('"').unwrap()].to_owned()
        })
    };
    let unescape = |s: &str| {
        s.replace("&amp;", "&")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#x27;", "'")
            .replace("&#39;", "'")
            .replace("&#x2f;", "/")
    };
    let mut fields = Vec::new();
    // The amendment form (its action is escaped as the template writes it).
    let post_form = &html[html.find("amend\" novalidate>").expect("the amend form")..];
    let mut rest = post_form;
    while let Some(start) = rest.find('<') {
        rest = &rest[start..];
        let end = rest.find('>').unwrap();
        let tag = &rest[..=end];
        if tag.starts_with("</form") {
            break;
        }
        if tag.starts_with("<input") {
            if let Some(name) = attr(tag, "name") {
                let kind = attr(tag, "type").unwrap_or_default();
                let value = attr(tag, "value").unwrap_or_default();
                if (kind != "checkbox" && kind != "radio") || tag.contains(" checked") {
                    fields.push((name, unescape(&value)));
                }
            }
        } else if tag.starts_with("<textarea") {
            let name = attr(tag, "name").unwrap();
            let body = &rest[end + 1..];
            let value = &body[..body.find("</textarea>").unwrap()];
            fields.push((name, unescape(value)));
        } else if tag.starts_with("<select") {
            let name = attr(tag, "name").unwrap();
            let body = &rest[end + 1..];
            let body = &body[..body.find("</select>").unwrap()];
            let value = body
                .split("<option")
                .find(|o| o.contains(" selected"))
                .and_then(|o| attr(o, "value"))
                .unwrap_or_default();
            fields.push((name, unescape(&value)));
        }
        rest = &rest[end + 1..];
    }
    fields
}

async fn questions_answers_and_following_in_pages(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    app.entrepreneur("anna@cafe.dk").await;
    let id = TenderBuilder::new(&app).publish(&app, &officer).await;
    let mut anna = PageSession::logged_in(&app, "anna@cafe.dk").await;
    let page = anna.get(&format!("/tenders/{id}")).await;
    assert!(page.text().contains("Stil et spørgsmål"));
    let empty = anna
        .post(&format!("/tenders/{id}/questions"), &[("question", " ")])
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.text().contains("Indtast dit spørgsmål"));
    let asked = anna
        .post(
            &format!("/tenders/{id}/questions"),
            &[("question", "Er der parkering ved institutionerne?")],
        )
        .await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER);
    let followed = anna.post(&format!("/tenders/{id}/follow"), &[]).await;
    assert_eq!(followed.status, StatusCode::SEE_OTHER);
    assert!(
        anna.get(&format!("/tenders/{id}"))
            .await
            .text()
            .contains("Du følger udbuddet.")
    );

    let mut mette = PageSession::logged_in(&app, "mette@aarhus.dk").await;
    let page = mette.get(&format!("/tenders/{id}")).await;
    assert!(page.text().contains("Er der parkering"));
    assert!(
        !page.text().contains("anna@cafe.dk"),
        "the asker is not named"
    );
    let qid = app
        .api(
            Method::GET,
            &format!("/api/v1/tenders/{id}/questions"),
            Some(&officer.access_token),
            None,
        )
        .await
        .json()[0]["id"]
        .as_i64()
        .unwrap();
    let answered = mette
        .post(
            &format!("/tenders/{id}/questions/{qid}/answer"),
            &[("answer", "Ja, der er parkering ved alle adresser.")],
        )
        .await;
    assert_eq!(
        answered.status,
        StatusCode::SEE_OTHER,
        "{}",
        answered.text()
    );
    let public = app
        .page(Method::GET, &format!("/tenders/{id}"), "", None)
        .await;
    assert!(
        public
            .text()
            .contains("Ja, der er parkering ved alle adresser.")
    );
    assert!(!public.text().contains("anna@cafe.dk"));
    app.run_jobs().await;
    let mails = app.mails_to("anna@cafe.dk");
    assert!(
        mails
            .iter()
            .any(|m| m.text.contains("Ja, der er parkering"))
    );
}

async fn drafts_and_forms_are_hidden_from_others(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    app.officer("ole@kk.dk", KOBENHAVN_CVR).await;
    app.entrepreneur("anna@cafe.dk").await;
    let draft = TenderBuilder::new(&app).draft(&app, &officer).await;
    let published = TenderBuilder::new(&app).publish(&app, &officer).await;
    let anonymous = app
        .page(Method::GET, &format!("/tenders/{draft}"), "", None)
        .await;
    assert_eq!(anonymous.status, StatusCode::NOT_FOUND);
    let mut ole = PageSession::logged_in(&app, "ole@kk.dk").await;
    assert_eq!(
        ole.get(&format!("/tenders/{draft}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        ole.get(&format!("/tenders/{draft}/check")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        ole.get(&format!("/tenders/{published}/amend")).await.status,
        StatusCode::FORBIDDEN
    );
    let page = ole.get(&format!("/tenders/{published}")).await;
    assert!(
        !page.text().contains("/amend\""),
        "no amend link for another authority"
    );
    let mut anna = PageSession::logged_in(&app, "anna@cafe.dk").await;
    assert_eq!(
        anna.get("/officer/tenders").await.status,
        StatusCode::FORBIDDEN
    );
    let forged = anna
        .post(
            &format!("/tenders/{published}/cancel"),
            &[("cancel_reason", "x")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    // Without the CSRF token a form is refused.
    let no_token = app
        .page(
            Method::POST,
            &format!("/tenders/{published}/questions"),
            &anna.jar.header(),
            Some(&[("question", "?")]),
        )
        .await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN);
}

fn multipart(fields: &[(&str, Option<&str>, &[u8])]) -> (String, Vec<u8>) {
    let boundary = "----socialbidtest7MA4YWxkTrZu0gW";
    let mut body = Vec::new();
    for (name, file, data) in fields {
        body.extend_from_slice(format!("--{boundary}\r\n").as_bytes());
        match file {
            Some(file) => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"; filename=\"{file}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes(),
            ),
            None => body.extend_from_slice(
                format!("Content-Disposition: form-data; name=\"{name}\"\r\n\r\n").as_bytes(),
            ),
        }
        body.extend_from_slice(data);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn documents_are_uploaded_with_a_form(backend: Backend) {
    let app = TestApp::new(backend).await;
    let officer = app.officer("mette@aarhus.dk", AARHUS_CVR).await;
    let id = TenderBuilder::new(&app).draft(&app, &officer).await;
    let mut browser = PageSession::logged_in(&app, "mette@aarhus.dk").await;
    let form = browser.get(&format!("/tenders/{id}/documents")).await;
    assert!(form.text().contains("enctype=\"multipart/form-data\""));
    assert!(form.text().contains("Højst 20 MB"));
    let send = |token: String, file: &'static str, data: &'static [u8]| {
        let (content_type, body) = multipart(&[
            ("csrf_token", None, token.as_bytes()),
            ("file", Some(file), data),
        ]);
        axum::http::Request::builder()
            .method(Method::POST)
            .uri(format!("/tenders/{id}/documents"))
            .header("content-type", content_type)
            .header("cookie", browser.jar.header())
            .body(axum::body::Body::from(body))
            .unwrap()
    };
    let csrf = browser.jar.csrf();
    // Without the token, refused.
    let forged = app.send(send("0".repeat(43), "a.pdf", b"%PDF-1.4\n")).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    // A file that only claims to be a PDF, refused with the rule.
    let fake = app
        .send(send(csrf.clone(), "udbud.pdf", b"<html>not a pdf</html>"))
        .await;
    assert_eq!(fake.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        fake.text()
            .contains("Den valgte fil skal være af typen PDF"),
        "{}",
        fake.text()
    );
    let empty = app.send(send(csrf.clone(), "tom.pdf", b"")).await;
    assert!(empty.text().contains("Den valgte fil er tom"));
    let stored = app
        .send(send(
            csrf.clone(),
            "udbudsbetingelser.pdf",
            b"%PDF-1.4\n%%EOF\n",
        ))
        .await;
    assert_eq!(stored.status, StatusCode::SEE_OTHER, "{}", stored.text());
    let list = browser.get(&format!("/tenders/{id}/documents")).await;
    assert!(list.text().contains("udbudsbetingelser.pdf"));
    let doc = app
        .api(
            Method::GET,
            &format!("/api/v1/tenders/{id}"),
            Some(&officer.access_token),
            None,
        )
        .await
        .json()["documents"][0]["id"]
        .as_i64()
        .unwrap();
    let download = browser.get(&format!("/tenders/{id}/documents/{doc}")).await;
    assert_eq!(download.status, StatusCode::OK);
    assert_eq!(
        download.header("x-content-type-options").as_deref(),
        Some("nosniff")
    );
    assert!(
        download
            .header("content-disposition")
            .unwrap()
            .starts_with("attachment")
    );
}
