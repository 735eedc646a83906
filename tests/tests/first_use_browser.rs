//! Each role's first visit in headless Chromium against the real binary,
//! with no SMTP server (mail lands as files, as on a laptop): register,
//! verify with the link from the mail file, log in, land on the role's own
//! start, and take the first step from there. Walked at 1280 px in Danish
//! and at 375 px in English; axe-core checks every page on the way, and at
//! 375 px the header stays under 120 px, its links wait behind a "Menu"
//! instead of scrolling sideways, and the dashboard does not scroll
//! sideways.

use std::path::Path;
use std::time::{Duration, Instant};

use socialbid_tests::{AARHUS_CVR, Browser, ODENSE_CVR, SocialbidProcess, first_link};

const PASSWORD: &str = "en lang nok adgangskode";
const ADMIN: &str = "admin@socialbid.dk";

/// One pass through the first visits: a window width and a language.
struct Visit {
    width: u32,
    lang: &'static str,
    entrepreneur: &'static str,
    officer: &'static str,
    authority_name: &'static str,
    authority_cvr: &'static str,
    authority_nuts: &'static str,
}

const VISITS: [Visit; 2] = [
    Visit {
        width: 1280,
        lang: "da",
        entrepreneur: "anna@cafe-lyst.dk",
        officer: "mette@aarhus.dk",
        authority_name: "Aarhus Kommune",
        authority_cvr: AARHUS_CVR,
        authority_nuts: "DK042",
    },
    Visit {
        width: 375,
        lang: "en",
        entrepreneur: "bo@vaerkstedet.dk",
        officer: "lise@odense.dk",
        authority_name: "Odense Kommune",
        authority_cvr: ODENSE_CVR,
        authority_nuts: "DK031",
    },
];

/// The plain text of the first mail to `to`, from the `.txt` files the
/// server wrote beside its `.eml` files (a person copies the link from
/// there); waits for the worker to write it (at most 20 s).
async fn mail_text_to(server: &SocialbidProcess, data_dir: &Path, to: &str) -> String {
    let folder = data_dir.join("mail");
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(text) = texts_in(&folder)
            .into_iter()
            .find(|t| t.lines().next() == Some(&format!("To: {to}")))
        {
            return text;
        }
        assert!(
            Instant::now() < deadline,
            "no mail to {to} in {}:\n{}",
            folder.display(),
            server.logs()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn texts_in(folder: &Path) -> Vec<String> {
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Vec::new();
    };
    let mut paths: Vec<_> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    paths
        .into_iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .collect()
}

async fn set_width(browser: &Browser, width: u32) {
    browser.client().set_window_size(width, 900).await.unwrap();
    let inner = browser
        .client()
        .execute("return window.innerWidth;", vec![])
        .await
        .unwrap();
    assert_eq!(
        inner.as_u64(),
        Some(u64::from(width)),
        "the page is {width} px wide"
    );
}

/// The header's height in CSS pixels.
async fn header_height(browser: &Browser) -> f64 {
    browser
        .client()
        .execute(
            "return document.querySelector('header.header').getBoundingClientRect().height;",
            vec![],
        )
        .await
        .unwrap()
        .as_f64()
        .unwrap()
}

/// On a phone the header leaves the screen to the page: under 120 px, and
/// nothing in it scrolls sideways to hide a link past the edge.
async fn assert_compact_header(browser: &Browser, visit: &Visit, label: &str) {
    if visit.width <= 375 {
        let height = header_height(browser).await;
        assert!(height < 120.0, "{label}: the header is {height} px high");
        let scrolling = browser
            .client()
            .execute(
                "return [...document.querySelectorAll('header.header *')]\
                   .filter(e => e.scrollWidth > e.clientWidth + 1\
                                && getComputedStyle(e).overflowX !== 'visible')\
                   .map(e => e.className || e.tagName);",
                vec![],
            )
            .await
            .unwrap();
        assert_eq!(scrolling, serde_json::json!([]), "{label}: header scrolls");
    }
}

/// Follows a link of the header as a person at this width would: from the
/// row of links on a wide screen, from the "Menu" on a phone, whose links
/// are hidden until it is opened and then all in sight, one under another.
async fn follow_header_link(browser: &Browser, visit: &Visit, href: &str, label: &str) {
    if visit.width > 375 {
        browser
            .click_and_wait(&format!(".header__list--wide a[href='{href}']"))
            .await;
        return;
    }
    let links_in_sight = "return [...document.querySelectorAll('header.header a[href]')]\
           .filter(e => { const r = e.getBoundingClientRect();\
                          return e.checkVisibility() && r.left >= 0\
                                 && r.right <= window.innerWidth; })\
           .map(e => e.getAttribute('href'));";
    let before = browser
        .client()
        .execute(links_in_sight, vec![])
        .await
        .unwrap();
    assert_eq!(before, serde_json::json!(["/"]), "{label}: menu closed");
    browser.click(".header__menu-button").await;
    let after = browser
        .client()
        .execute(links_in_sight, vec![])
        .await
        .unwrap();
    let after: Vec<String> = serde_json::from_value(after).unwrap();
    assert!(
        after.len() > 5 && after.iter().any(|h| h == href),
        "{label}: the open menu shows {after:?}"
    );
    browser
        .assert_accessible(&format!("{label}: menu open"))
        .await;
    browser
        .click_and_wait(&format!(".header__menu-list a[href='{href}']"))
        .await;
}

/// A visitor sees every link of the header on a phone, none past the edge
/// (the way in, "Log ind" and "Opret konto", above all).
async fn assert_visitor_header_in_sight(browser: &Browser, visit: &Visit, label: &str) {
    if visit.width > 375 {
        return;
    }
    let hidden = browser
        .client()
        .execute(
            "return [...document.querySelectorAll('header.header a')]\
               .filter(e => { const r = e.getBoundingClientRect();\
                              return r.left < 0 || r.right > window.innerWidth; })\
               .map(e => e.textContent.trim());",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(hidden, serde_json::json!([]), "{label}: past the edge");
}

/// Nothing on the page makes it, or a table in it, scroll sideways.
async fn assert_no_sideways_scrolling(browser: &Browser, label: &str) {
    let overflow = browser
        .client()
        .execute(
            "const wide = [document.documentElement, ...document.querySelectorAll('.table-wrapper')]\
               .filter(e => e.scrollWidth > e.clientWidth + 1);\
             return wide.map(e => e.className || e.tagName);",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(overflow, serde_json::json!([]), "{label}: scrolls sideways");
}

async fn choose_language(browser: &Browser, server: &SocialbidProcess, lang: &str) {
    browser
        .goto(&server.url(&format!("/lang?to={lang}&back=/")))
        .await
        .unwrap();
    assert_eq!(browser.html_lang().await, lang);
}

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
    browser.wait_for_path("/login").await;
}

/// Opens the registration form and fills in the person's own fields.
async fn register(browser: &Browser, server: &SocialbidProcess, name: &str, email: &str) {
    browser.goto(&server.url("/register")).await.unwrap();
    browser.wait_for("form[action='/register']").await;
    browser.fill("name", name).await;
    browser.fill("email", email).await;
    browser.fill("password", PASSWORD).await;
}

async fn send_registration_and_verify(
    browser: &Browser,
    server: &SocialbidProcess,
    data_dir: &Path,
    email: &str,
    label: &str,
) {
    browser
        .click_and_wait("form[action='/register'] button[type=submit]")
        .await;
    browser
        .wait_for("main:not(:has(form[action='/register']))")
        .await;
    browser
        .assert_accessible(&format!("{label}: check your email"))
        .await;
    let mail = mail_text_to(server, data_dir, email).await;
    browser.goto(&first_link(&mail)).await.unwrap();
    browser.wait_for_path("/verify").await;
    browser
        .assert_accessible(&format!("{label}: email verified"))
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_roles_first_visit_at_1280_and_375_px() {
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().to_str().unwrap().to_owned();
    let admin = SocialbidProcess::create_admin(&data_dir, ADMIN, PASSWORD).await;
    assert!(
        admin.status.success(),
        "{}",
        String::from_utf8_lossy(&admin.stderr)
    );
    let server = SocialbidProcess::start(&[("SOCIALBID_DATA_DIR", &data_dir)]).await;
    let browser = Browser::start().await;

    for visit in VISITS {
        let label = |what: &str| format!("{what} ({} px, {})", visit.width, visit.lang);
        set_width(&browser, visit.width).await;
        choose_language(&browser, &server, visit.lang).await;
        assert_visitor_header_in_sight(&browser, &visit, &label("visitor")).await;

        // An entrepreneur lands on the start page, whose first step is to
        // register the organisation.
        register(&browser, &server, "Anna Jensen", visit.entrepreneur).await;
        browser.click("#role").await;
        send_registration_and_verify(
            &browser,
            &server,
            data.path(),
            visit.entrepreneur,
            &label("entrepreneur"),
        )
        .await;
        log_in(&browser, &server, visit.entrepreneur, "/start").await;
        browser.wait_for("main a[href='/organisation/new']").await;
        browser.wait_for("#tenders-for-you").await;
        assert_compact_header(&browser, &visit, &label("entrepreneur: start page")).await;
        browser
            .assert_accessible(&label("entrepreneur: start page"))
            .await;
        browser
            .click_and_wait("main a[href='/organisation/new']")
            .await;
        browser.wait_for_path("/organisation/new").await;
        browser
            .assert_accessible(&label("entrepreneur: register the organisation"))
            .await;
        log_out(&browser).await;

        // An officer lands on the account page that says an admin has to
        // approve them first.
        register(&browser, &server, "Mette Kjær", visit.officer).await;
        browser.click("#role-officer").await;
        browser.fill("authority_name", visit.authority_name).await;
        browser.fill("authority_cvr", visit.authority_cvr).await;
        browser.choose("authority_nuts", visit.authority_nuts).await;
        send_registration_and_verify(
            &browser,
            &server,
            data.path(),
            visit.officer,
            &label("officer"),
        )
        .await;
        log_in(&browser, &server, visit.officer, "/account").await;
        browser.wait_for(".tag--pending").await;
        browser
            .assert_accessible(&label("officer: waiting for approval"))
            .await;
        log_out(&browser).await;

        // The admin lands on the review queue; the first step is the
        // officer waiting for approval.
        log_in(&browser, &server, ADMIN, "/admin/profiles").await;
        browser
            .assert_accessible(&label("admin: review queue"))
            .await;
        assert_compact_header(&browser, &visit, &label("admin: review queue")).await;
        follow_header_link(
            &browser,
            &visit,
            "/admin/officers",
            &label("admin: review queue"),
        )
        .await;
        browser.wait_for_path("/admin/officers").await;
        browser.assert_accessible(&label("admin: officers")).await;
        browser
            .click_and_wait("form[action$='/approve'] button[type=submit]")
            .await;
        browser.wait_for_path("/admin/officers").await;
        browser
            .assert_accessible(&label("admin: officer approved"))
            .await;
        log_out(&browser).await;

        // Approved, the officer lands on the dashboard and starts a tender.
        log_in(&browser, &server, visit.officer, "/officer/tenders").await;
        browser
            .assert_accessible(&label("officer: dashboard"))
            .await;
        browser
            .click_and_wait("form[action='/officer/tenders'] button[type=submit]")
            .await;
        browser.wait_for_path_ending("/edit/basics").await;
        browser
            .assert_accessible(&label("officer: a new draft"))
            .await;
        // Back on the dashboard, the draft's row fits the screen.
        browser.goto(&server.url("/officer/tenders")).await.unwrap();
        browser.wait_for("table.table--reflow").await;
        assert_compact_header(&browser, &visit, &label("officer: dashboard")).await;
        assert_no_sideways_scrolling(&browser, &label("officer: dashboard")).await;
        browser
            .assert_accessible(&label("officer: dashboard with a draft"))
            .await;
        log_out(&browser).await;
    }
}
