//! The moderation flow in headless Chromium against the real binary, with a
//! real SMTP server: an entrepreneur registers an organisation with the
//! form (CPV codes found by the search button, no JavaScript needed), an
//! admin rejects it with a reason, the entrepreneur reads the reason, fixes
//! the profile (now in English), the admin approves it, and it appears in
//! the directory, found by a narrower CPV code and a region inside the one
//! it serves. axe-core checks every page visited; the decisions arrive as
//! mail at the SMTP server.

use std::io::Write;
use std::process::Stdio;
use std::time::Duration;

use fantoccini::Locator;
use serde_json::json;
use socialbid_tests::{Browser, SmtpServer, SocialbidProcess, cvr, first_link, socialbid_binary};

const PASSWORD: &str = "en lang nok adgangskode";
const ADMIN: &str = "admin@socialbid.dk";
const ANNA: &str = "anna@cafe-lyst.dk";

async fn fill(browser: &Browser, id: &str, value: &str) {
    let field = browser
        .find(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("no field #{id}: {e}"));
    field.clear().await.unwrap();
    field.send_keys(value).await.unwrap();
}

/// Clicks what does not leave the page (a checkbox, a radio).
async fn click(browser: &Browser, css: &str) {
    browser
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("nothing matches {css}: {e}"))
        .click()
        .await
        .unwrap();
}

/// Clicks a link or a submit button and waits for the next page to have
/// replaced this one, so nothing after it acts on the old page.
async fn go(browser: &Browser, css: &str) {
    let old = browser.find(Locator::Css("html")).await.unwrap();
    click(browser, css).await;
    for _ in 0..100 {
        let replaced = old.tag_name().await.is_err();
        let ready = browser
            .execute("return document.readyState", vec![])
            .await
            .is_ok_and(|state| state == "complete");
        if replaced && ready {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("clicking {css} did not lead to a new page");
}

async fn check(browser: &Browser, label: &str) {
    if let Err(error) = browser.axe_check(label).await {
        panic!("{error:#}");
    }
}

/// The text of `main`, once the page has settled (a form just sent may
/// still be replacing the page).
async fn text(browser: &Browser) -> String {
    let mut last_error = None;
    for _ in 0..50 {
        match browser.find(Locator::Css("main")).await {
            Ok(main) => match main.text().await {
                Ok(text) => return text,
                Err(e) => last_error = Some(e),
            },
            Err(e) => last_error = Some(e),
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("no main element: {last_error:?}")
}

/// Waits until `main` says `needle` (the answer to a form may still be
/// loading) and returns its text.
async fn wait_text(browser: &Browser, needle: &str) -> String {
    let mut page = String::new();
    for _ in 0..50 {
        page = text(browser).await;
        if page.contains(needle) {
            return page;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the page never said {needle:?}: {page}");
}

/// Waits until the title starts with "Fejl: " / "Error: ".
async fn wait_error_title(browser: &Browser) {
    for _ in 0..50 {
        let title = browser.title().await.unwrap_or_default();
        if title.starts_with("Fejl: ") || title.starts_with("Error: ") {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!(
        "no error title: {}",
        browser.title().await.unwrap_or_default()
    );
}

/// Waits until the browser is at `path` (a form just sent may still be
/// loading its answer); panics with the page's text if it never gets there.
async fn wait_for_path(browser: &Browser, path: &str) {
    for _ in 0..50 {
        if browser.current_url().await.is_ok_and(|u| u.path() == path) {
            // The new page's main element is there too.
            text(browser).await;
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let url = browser.current_url().await.unwrap();
    panic!("still at {url}, not {path}: {}", text(browser).await);
}

async fn log_in(browser: &Browser, server: &SocialbidProcess, email: &str) {
    browser.goto(&server.url("/login")).await.unwrap();
    fill(browser, "email", email).await;
    fill(browser, "password", PASSWORD).await;
    go(browser, "form[action='/login'] button[type=submit]").await;
    wait_for_path(browser, "/account").await;
}

async fn log_out(browser: &Browser) {
    go(browser, "form[action='/logout'] button[type=submit]").await;
}

fn create_admin(data_dir: &str) {
    let mut child = std::process::Command::new(socialbid_binary())
        .args([
            "admin",
            "create-user",
            "--email",
            ADMIN,
            "--role",
            "admin",
            "--password-stdin",
        ])
        .env("SOCIALBID_DATA_DIR", data_dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{PASSWORD}\n").as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn register_reject_fix_approve_and_find_in_the_directory() {
    let smtp = SmtpServer::start().await;
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().to_str().unwrap().to_owned();
    tokio::task::spawn_blocking({
        let data_dir = data_dir.clone();
        move || create_admin(&data_dir)
    })
    .await
    .unwrap();
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
    log_in(&browser, &server, ANNA).await;
    go(&browser, "a[href='/organisation']").await;
    check(&browser, "your organisation, none yet (da)").await;
    go(&browser, "a[href='/organisation/new']").await;
    check(&browser, "register an organisation (da)").await;
    go(&browser, "button[name=intent][value=save]").await;
    wait_error_title(&browser).await;
    assert!(
        browser
            .find(Locator::Css(".error-summary a[href='#cvr']"))
            .await
            .is_ok()
    );
    check(&browser, "register an organisation, with errors (da)").await;

    fill(&browser, "organisation_name", "Café Lyst ApS").await;
    fill(&browser, "cvr", "12345678").await;
    browser
        .find(Locator::Id("legal_form"))
        .await
        .unwrap()
        .select_by_value("aps")
        .await
        .unwrap();
    click(&browser, "#rsv_registered-no").await;
    fill(&browser, "founded_year", "2015").await;
    fill(&browser, "employees", "12").await;
    fill(&browser, "target_group_employees", "7").await;
    fill(
        &browser,
        "mission",
        "Vi træner unge uden uddannelse til job i køkken og café.",
    )
    .await;
    fill(&browser, "contact_email", "kontakt@cafe-lyst.dk").await;
    // The CPV search is a submit button: the page comes back with matches.
    fill(&browser, "cpv", "853").await;
    go(&browser, "button[name=intent][value=search_cpv]").await;
    wait_text(&browser, "85311000").await; // "narrower codes are offered too"
    check(&browser, "CPV search results (da)").await;
    click(&browser, "input[name=cpv][value='85300000']").await;
    click(&browser, "#nuts-DK01").await;
    click(&browser, "#social_objectives-opp").await;
    go(&browser, "button[name=intent][value=save]").await;
    // The CVR number was mistyped: the page says why, and kept the rest.
    wait_error_title(&browser).await;
    wait_text(&browser, "kontrolcifferet passer ikke").await;
    check(&browser, "a CVR number that fails modulus 11 (da)").await;
    fill(&browser, "cvr", &cvr(7)).await;
    go(&browser, "button[name=intent][value=save]").await;
    wait_for_path(&browser, "/organisation").await;
    wait_text(&browser, "Afventer godkendelse").await;
    check(&browser, "organisation sent for approval (da)").await;
    log_out(&browser).await;

    // Not public yet.
    browser.goto(&server.url("/profiles")).await.unwrap();
    assert!(!text(&browser).await.contains("Café Lyst"));

    // The admin rejects it with a reason.
    log_in(&browser, &server, ADMIN).await;
    go(&browser, "a[href='/admin/profiles']").await;
    check(&browser, "profiles to review (da)").await;
    go(&browser, "table a[href^='/admin/profiles/']").await;
    check(&browser, "review a profile (da)").await;
    go(&browser, "form[action$='/reject'] button[type=submit]").await;
    wait_error_title(&browser).await; // a rejection needs a reason
    check(&browser, "reject without a reason (da)").await;
    fill(
        &browser,
        "reason-rejected",
        "Tilføj jeres RSV-registrering: I står i registret.",
    )
    .await;
    go(&browser, "form[action$='/reject'] button[type=submit]").await;
    wait_text(&browser, "Afvist").await;
    check(&browser, "profile rejected (da)").await;
    go(&browser, "a[href='/admin/audit-log']").await;
    wait_text(&browser, "Tilføj jeres RSV-registrering").await;
    check(&browser, "audit log (da)").await;
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
    go(&browser, "a[hreflang='en']").await;
    log_in(&browser, &server, ANNA).await;
    go(&browser, "a[href='/organisation']").await;
    let page = wait_text(&browser, "Rejected").await;
    assert!(page.contains("Tilføj jeres RSV-registrering"), "{page}");
    check(&browser, "your organisation, rejected (en)").await;
    go(&browser, "a[href='/organisation/edit']").await;
    check(&browser, "change the profile (en)").await;
    click(&browser, "#rsv_registered").await;
    fill(&browser, "rsv_registered_on", "15").await;
    fill(&browser, "rsv_registered_on-month", "3").await;
    fill(&browser, "rsv_registered_on-year", "2019").await;
    go(&browser, "button[name=intent][value=save]").await;
    wait_for_path(&browser, "/organisation").await;
    wait_text(&browser, "Awaiting approval").await;
    check(&browser, "sent again (en)").await;
    go(&browser, "a[href='/organisation/members']").await;
    check(&browser, "members and invitations (en)").await;
    // A colleague is invited; the link arrives by mail.
    fill(&browser, "email", "bo@cafe-lyst.dk").await;
    go(
        &browser,
        "form[action='/organisation/invitations'] button[type=submit]",
    )
    .await;
    wait_text(&browser, "The invitation has been sent").await;
    check(&browser, "invitation sent (en)").await;
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
    wait_text(
        &browser,
        "You are invited to become a member of Café Lyst ApS",
    )
    .await;
    check(&browser, "invitation, signed out (en)").await;

    // The admin approves it.
    log_in(&browser, &server, ADMIN).await;
    browser.goto(&server.url("/admin/profiles")).await.unwrap();
    check(&browser, "profiles to review (en)").await;
    go(&browser, "table a[href^='/admin/profiles/']").await;
    go(&browser, "form[action$='/approve'] button[type=submit]").await;
    wait_text(&browser, "Approved").await;
    check(&browser, "profile approved (en)").await;
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
    wait_text(&browser, "Café Lyst ApS").await;
    check(&browser, "directory (en)").await;
    fill(&browser, "cpv", "85311000").await;
    browser
        .find(Locator::Id("nuts"))
        .await
        .unwrap()
        .select_by_value("DK011")
        .await
        .unwrap();
    go(&browser, "form[action='/profiles'] button[type=submit]").await;
    let page = wait_text(&browser, "1 enterprises").await;
    assert!(page.contains("Café Lyst ApS"));
    check(&browser, "directory filtered (en)").await;
    go(&browser, ".results a").await;
    check(&browser, "public profile (en)").await;
    let page = wait_text(&browser, "7 of 12 employees").await;
    assert!(!page.contains(ANNA), "members stay private");
    go(&browser, "a[hreflang='da']").await;
    check(&browser, "public profile (da)").await;
    browser
        .goto(&server.url("/profiles?cpv=909"))
        .await
        .unwrap();
    wait_text(&browser, "0 virksomheder").await;
    check(&browser, "directory, nothing found (da)").await;
}
