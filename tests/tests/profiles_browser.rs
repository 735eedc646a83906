//! The moderation flow in headless Chromium against the real binary, with a
//! real SMTP server: an entrepreneur registers an organisation with the
//! form (CPV codes found by the search button, no JavaScript needed), an
//! admin rejects it with a reason, the entrepreneur reads the reason, fixes
//! the profile (now in English), the admin approves it, and it appears in
//! the directory, found by a narrower CPV code and a region inside the one
//! it serves. axe-core checks every page visited; the decisions arrive as
//! mail at the SMTP server.

use std::time::Duration;

use fantoccini::Locator;
use serde_json::json;
use socialbid_tests::{Browser, SmtpServer, SocialbidProcess, cvr, first_link};

const PASSWORD: &str = "en lang nok adgangskode";
const ADMIN: &str = "admin@socialbid.dk";
const ANNA: &str = "anna@cafe-lyst.dk";

/// Logs in with the form and waits for the page the person's role lands on.
async fn log_in(browser: &Browser, server: &SocialbidProcess, email: &str, landing: &str) {
    browser.goto(&server.url("/login")).await.unwrap();
    browser.fill("email", email).await;
    browser.fill("password", PASSWORD).await;
    browser
        .click_and_wait("form[action='/login'] button[type=submit]")
        .await;
    browser.wait_for_path(landing).await;
}

async fn log_out(browser: &Browser) {
    browser
        .click_and_wait("form[action='/logout'] button[type=submit]")
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn register_reject_fix_approve_and_find_in_the_directory() {
    let smtp = SmtpServer::start().await;
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().to_str().unwrap().to_owned();
    let admin = SocialbidProcess::create_admin(&data_dir, ADMIN, PASSWORD).await;
    assert!(
        admin.status.success(),
        "{}",
        String::from_utf8_lossy(&admin.stderr)
    );
    let server = SocialbidProcess::start(&[
        ("SOCIALBID_DATA_DIR", &data_dir),
        ("SOCIALBID_SMTP_URL", smtp.url()),
    ])
    .await;
    let browser = Browser::start().await;

    // Anna has an account (made and verified as in the accounts tests).
    let http = reqwest::Client::new();
    let created = http
        .post(server.url("/api/v1/accounts"))
        .header("accept-language", "da")
        .json(&json!({ "email": ANNA, "password": PASSWORD, "name": "Anna Jensen", "role": "entrepreneur" }))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201, "{}", server.logs());
    let verify = smtp
        .wait_for(|m| m.to.contains(ANNA), Duration::from_secs(20))
        .await;
    browser.goto(&first_link(&verify.text)).await.unwrap();

    // In Danish: Anna registers her organisation.
    browser
        .goto(&server.url("/lang?to=da&back=/"))
        .await
        .unwrap();
    log_in(&browser, &server, ANNA, "/start").await;
    browser.click_and_wait("a[href='/organisation']").await;
    browser
        .assert_accessible("your organisation, none yet (da)")
        .await;
    browser.click_and_wait("a[href='/organisation/new']").await;
    browser
        .assert_accessible("register an organisation (da)")
        .await;
    browser
        .click_and_wait("button.button[name=intent][value=save]")
        .await;
    browser.wait_for_error_title().await;
    assert!(
        browser
            .find(Locator::Css(".error-summary a[href='#cvr']"))
            .await
            .is_ok()
    );
    browser
        .assert_accessible("register an organisation, with errors (da)")
        .await;

    browser.fill("organisation_name", "Café Lyst ApS").await;
    browser.fill("cvr", "12345678").await;
    browser.choose("legal_form", "aps").await;
    browser.click("#rsv_registered-no").await;
    browser.fill("founded_year", "2015").await;
    browser.fill("employees", "12").await;
    browser.fill("target_group_employees", "7").await;
    browser
        .fill(
            "mission",
            "Vi træner unge uden uddannelse til job i køkken og café.",
        )
        .await;
    browser.fill("contact_email", "kontakt@cafe-lyst.dk").await;
    // The CPV search is a submit button: the page comes back with matches.
    browser.fill("cpv", "853").await;
    browser
        .click_and_wait("button[name=intent][value=search_cpv]")
        .await;
    browser.wait_for_text("85311000").await; // "narrower codes are offered too"
    browser.assert_accessible("CPV search results (da)").await;
    browser.click("input[name=cpv][value='85300000']").await;
    browser.click("#nuts-DK01").await;
    browser.click("#social_objectives-opp").await;
    browser
        .click_and_wait("button.button[name=intent][value=save]")
        .await;
    // The CVR number was mistyped: the page says why, and kept the rest.
    browser.wait_for_error_title().await;
    browser.wait_for_text("kontrolcifferet passer ikke").await;
    browser
        .assert_accessible("a CVR number that fails modulus 11 (da)")
        .await;
    browser.fill("cvr", &cvr(7)).await;
    browser
        .click_and_wait("button.button[name=intent][value=save]")
        .await;
    browser.wait_for_path("/organisation").await;
    browser.wait_for_text("Afventer godkendelse").await;
    browser
        .assert_accessible("organisation sent for approval (da)")
        .await;
    log_out(&browser).await;

    // Not public yet.
    browser.goto(&server.url("/profiles")).await.unwrap();
    assert!(!browser.main_text().await.contains("Café Lyst"));

    // The admin rejects it with a reason.
    log_in(&browser, &server, ADMIN, "/admin/profiles").await;
    browser.click_and_wait("a[href='/admin/profiles']").await;
    browser.assert_accessible("profiles to review (da)").await;
    browser
        .click_and_wait("table a[href^='/admin/profiles/']")
        .await;
    browser.assert_accessible("review a profile (da)").await;
    browser
        .click_and_wait("form[action$='/reject'] button[type=submit]")
        .await;
    browser.wait_for_error_title().await; // a rejection needs a reason
    browser
        .assert_accessible("reject without a reason (da)")
        .await;
    browser
        .fill(
            "reason-rejected",
            "Tilføj jeres RSV-registrering: I står i registret.",
        )
        .await;
    browser
        .click_and_wait("form[action$='/reject'] button[type=submit]")
        .await;
    browser.wait_for_text("Afvist").await;
    browser.assert_accessible("profile rejected (da)").await;
    browser.click_and_wait("a[href='/admin/audit-log']").await;
    browser.wait_for_text("Tilføj jeres RSV-registrering").await;
    browser.assert_accessible("audit log (da)").await;
    log_out(&browser).await;

    let rejected = smtp
        .wait_for(
            |m| m.to.contains(ANNA) && m.subject.contains("Afgørelse"),
            Duration::from_secs(20),
        )
        .await;
    assert!(rejected.text.contains("afvist"), "{}", rejected.text);
    assert!(
        rejected.text.contains("Tilføj jeres RSV-registrering"),
        "{}",
        rejected.text
    );

    // In English: Anna reads the reason and fixes the profile.
    browser.click_and_wait("a[hreflang='en']").await;
    log_in(&browser, &server, ANNA, "/start").await;
    browser.click_and_wait("a[href='/organisation']").await;
    let page = browser.wait_for_text("Rejected").await;
    assert!(page.contains("Tilføj jeres RSV-registrering"), "{page}");
    browser
        .assert_accessible("your organisation, rejected (en)")
        .await;
    browser.click_and_wait("a[href='/organisation/edit']").await;
    browser.assert_accessible("change the profile (en)").await;
    browser.click("#rsv_registered").await;
    browser.fill("rsv_registered_on", "15").await;
    browser.fill("rsv_registered_on-month", "3").await;
    browser.fill("rsv_registered_on-year", "2019").await;
    browser
        .click_and_wait("button.button[name=intent][value=save]")
        .await;
    browser.wait_for_path("/organisation").await;
    browser.wait_for_text("Awaiting approval").await;
    browser.assert_accessible("sent again (en)").await;
    browser
        .click_and_wait("a[href='/organisation/members']")
        .await;
    browser
        .assert_accessible("members and invitations (en)")
        .await;
    // A colleague is invited; the link arrives by mail.
    browser.fill("email", "bo@cafe-lyst.dk").await;
    browser
        .click_and_wait("form[action='/organisation/invitations'] button[type=submit]")
        .await;
    browser.wait_for_text("The invitation has been sent").await;
    browser.assert_accessible("invitation sent (en)").await;
    let invitation = smtp
        .wait_for(
            |m| m.to.contains("bo@cafe-lyst.dk"),
            Duration::from_secs(20),
        )
        .await;
    assert!(
        invitation.text.contains("Café Lyst ApS"),
        "{}",
        invitation.text
    );
    log_out(&browser).await;
    browser.goto(&first_link(&invitation.text)).await.unwrap();
    browser
        .wait_for_text("You are invited to become a member of Café Lyst ApS")
        .await;
    browser
        .assert_accessible("invitation, signed out (en)")
        .await;

    // The admin approves it.
    log_in(&browser, &server, ADMIN, "/admin/profiles").await;
    browser.goto(&server.url("/admin/profiles")).await.unwrap();
    browser.assert_accessible("profiles to review (en)").await;
    browser
        .click_and_wait("table a[href^='/admin/profiles/']")
        .await;
    browser
        .click_and_wait("form[action$='/approve'] button[type=submit]")
        .await;
    browser.wait_for_text("Approved").await;
    browser.assert_accessible("profile approved (en)").await;
    log_out(&browser).await;
    let approved = smtp
        .wait_for(
            |m| m.to.contains(ANNA) && m.text.contains("godkendt"),
            Duration::from_secs(20),
        )
        .await;
    assert!(approved.text.contains("Café Lyst ApS"), "{}", approved.text);

    // It appears in the directory, found by a narrower code and region.
    browser.goto(&server.url("/profiles")).await.unwrap();
    browser.wait_for_text("Café Lyst ApS").await;
    browser.assert_accessible("directory (en)").await;
    browser.fill("cpv", "85311000").await;
    browser.choose("nuts", "DK011").await;
    browser
        .click_and_wait("form[action='/profiles'] button[type=submit]")
        .await;
    let page = browser.wait_for_text("1 enterprise").await;
    assert!(
        !page.contains("1 enterprises"),
        "the count, in the singular"
    );
    assert!(page.contains("Café Lyst ApS"));
    browser.assert_accessible("directory filtered (en)").await;
    browser.click_and_wait(".results a").await;
    browser.assert_accessible("public profile (en)").await;
    let page = browser.wait_for_text("7 of 12 (58%)").await;
    assert!(!page.contains(ANNA), "members stay private");
    browser.click_and_wait("a[hreflang='da']").await;
    browser.assert_accessible("public profile (da)").await;
    browser
        .goto(&server.url("/profiles?cpv=909"))
        .await
        .unwrap();
    browser.wait_for_text("0 virksomheder").await;
    browser
        .assert_accessible("directory, nothing found (da)")
        .await;
}
