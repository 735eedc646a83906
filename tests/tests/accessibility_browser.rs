//! What axe-core cannot see, checked in headless Chromium against the real
//! binary with the demo data: the language of parts of a page, errors in
//! repeated rows, the button Enter presses, labels kept in view when an
//! error link is followed, success banners that take the focus, wide tables
//! in focusable named regions, the accessibility statement's dates, and
//! page titles that name the tender. One test per point of issue 14.

use fantoccini::Locator;
use fantoccini::key::Key;
use serde_json::{Value, json};
use socialbid_tests::{Browser, SocialbidProcess};

const DEMO_PASSWORD: &str = "socialbid-demo-2026";
const OFFICER: &str = "mette.kjaer@kk.socialbid.demo";
const ENTREPRENEUR: &str = "anna@cafe-lyst.socialbid.demo";
const ADMIN: &str = "admin@socialbid.demo";

/// The real binary with the demo data, and a browser on its Danish pages.
async fn demo(envs: &[(&str, &str)]) -> (SocialbidProcess, Browser) {
    let server = SocialbidProcess::start(envs).await;
    server.load_demo().await;
    let browser = Browser::start().await;
    switch_language(&browser, &server, "da").await;
    (server, browser)
}

async fn switch_language(browser: &Browser, server: &SocialbidProcess, lang: &str) {
    browser
        .goto(&server.url(&format!("/lang?to={lang}&back=/")))
        .await
        .unwrap();
}

async fn log_in(browser: &Browser, server: &SocialbidProcess, email: &str) {
    browser.goto(&server.url("/login")).await.unwrap();
    browser.fill("email", email).await;
    browser.fill("password", DEMO_PASSWORD).await;
    browser
        .click_and_wait("form[action='/login'] button[type=submit]")
        .await;
    browser.wait_for_source("action=\"/logout\"").await;
}

async fn log_out(browser: &Browser) {
    browser
        .click_and_wait("form[action='/logout'] button[type=submit]")
        .await;
    browser.wait_for_path_ending("/login").await;
}

/// The published demo tenders, as the public API lists them.
async fn published(server: &SocialbidProcess) -> Vec<Value> {
    let page: Value = reqwest::get(server.url("/api/v1/tenders?per_page=100"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    page["items"].as_array().unwrap().clone()
}

/// The id of the first published tender whose `field` holds `text`.
async fn tender_where(server: &SocialbidProcess, field: &str, text: &str) -> i64 {
    published(server)
        .await
        .iter()
        .find(|t| t[field].as_str().is_some_and(|v| v.contains(text)))
        .unwrap_or_else(|| panic!("no published demo tender with {field} {text:?}"))["id"]
        .as_i64()
        .unwrap()
}

/// Starts a draft from the officer's dashboard; returns its id.
async fn new_draft(browser: &Browser, server: &SocialbidProcess) -> i64 {
    browser.goto(&server.url("/officer/tenders")).await.unwrap();
    browser
        .click_and_wait("form[action='/officer/tenders'] button")
        .await;
    browser.wait_for_path_ending("/edit/basics").await;
    browser
        .path()
        .await
        .split('/')
        .nth(2)
        .unwrap()
        .parse()
        .unwrap()
}

async fn goto(browser: &Browser, server: &SocialbidProcess, path: &str) {
    browser.goto(&server.url(path)).await.unwrap();
}

async fn script(browser: &Browser, source: &str, args: Vec<Value>) -> Value {
    browser
        .execute(source, args)
        .await
        .unwrap_or_else(|e| panic!("script failed: {e}\n{source}"))
}

async fn attr(browser: &Browser, css: &str, name: &str) -> Option<String> {
    browser
        .find(Locator::Css(css))
        .await
        .unwrap_or_else(|e| panic!("nothing matches {css}: {e}"))
        .attr(name)
        .await
        .unwrap()
}

async fn press_enter_in(browser: &Browser, id: &str) {
    browser
        .find(Locator::Id(id))
        .await
        .unwrap_or_else(|e| panic!("no field #{id}: {e}"))
        .send_keys(&String::from(char::from(Key::Enter)))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn text_in_another_language_than_the_page_says_which() {
    let (server, browser) = demo(&[]).await;

    // A German tender on the Danish interface: its own words are marked
    // German, the interface's stay Danish.
    let german = tender_where(&server, "title", "Grenzüberschreitende").await;
    goto(&browser, &server, &format!("/tenders/{german}")).await;
    assert_eq!(browser.html_lang().await, "da");
    let title = browser
        .find(Locator::Css("h1 span[lang='de']"))
        .await
        .expect("the German title is marked German");
    assert!(
        title
            .text()
            .await
            .unwrap()
            .starts_with("Grenzüberschreitende")
    );
    let description = browser
        .find(Locator::Css("h2 + div[lang='de']"))
        .await
        .expect("the description is marked German");
    assert!(!description.text().await.unwrap().is_empty());
    assert!(
        browser
            .find(Locator::Css(".weights__label strong[lang='de']"))
            .await
            .is_ok(),
        "the criteria's names are marked"
    );
    browser.assert_accessible("German tender (da)").await;

    // A CPV label that exists only in English is marked English; a
    // social-service code has a Danish label and is marked Danish.
    let cleaning = tender_where(&server, "main_cpv", "909").await;
    goto(&browser, &server, &format!("/tenders/{cleaning}")).await;
    let label = browser
        .find(Locator::Css(".summary-list__value span[lang='en']"))
        .await
        .expect("the English CPV label is marked");
    assert!(label.text().await.unwrap().to_lowercase().contains("clean"));
    let social = tender_where(&server, "main_cpv", "853").await;
    goto(&browser, &server, &format!("/tenders/{social}")).await;
    assert!(
        browser
            .find(Locator::Css(".summary-list__value span[lang='da']"))
            .await
            .is_ok(),
        "a Danish CPV label is marked Danish"
    );

    // A Danish tender on the English interface.
    switch_language(&browser, &server, "en").await;
    goto(&browser, &server, &format!("/tenders/{cleaning}")).await;
    assert_eq!(browser.html_lang().await, "en");
    assert!(
        browser
            .find(Locator::Css("h1 span[lang='da']"))
            .await
            .is_ok(),
        "the Danish title is marked Danish"
    );
    let question = browser
        .find(Locator::Css(".questions__item p[lang='da']"))
        .await
        .expect("a question asked in Danish is marked Danish");
    assert!(question.text().await.unwrap().contains("delaftale"));
    browser.assert_accessible("Danish tender (en)").await;

    // A profile written in Danish, on the English interface.
    goto(&browser, &server, "/profiles").await;
    let first = script(
        &browser,
        "return document.querySelector('main a[href^=\"/profiles/\"]').getAttribute('href');",
        vec![],
    )
    .await;
    goto(&browser, &server, first.as_str().unwrap()).await;
    assert!(
        browser
            .find(Locator::Css("p.lead[lang='da']"))
            .await
            .is_ok(),
        "the Danish mission is marked Danish"
    );

    // The CPV search promises only what it does: digits or English words,
    // and the English labels it finds are marked on a Danish page.
    switch_language(&browser, &server, "da").await;
    log_in(&browser, &server, OFFICER).await;
    let id = new_draft(&browser, &server).await;
    goto(&browser, &server, &format!("/tenders/{id}/edit/cpv")).await;
    let hint = browser
        .find(Locator::Id("cpv_q-hint"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(hint.contains("engelsk ord"), "{hint}");
    assert!(!hint.contains("rengøring"), "{hint}");
    browser.fill("cpv_q", "cleaning").await;
    browser.click_and_wait("form.search-form button").await;
    browser.wait_for_source("resultater for").await;
    assert_eq!(
        attr(&browser, "label[for='main_cpv']", "lang")
            .await
            .as_deref(),
        Some("en")
    );
    browser
        .assert_accessible("CPV search with English labels")
        .await;

    // The check page marks the tender's own words, here Danish on the
    // English interface.
    goto(&browser, &server, &format!("/tenders/{id}/edit/basics")).await;
    browser.fill("title", "Vinduespolering på rådhuset").await;
    browser.click_and_wait(".button-group button").await;
    browser.wait_for_path_ending("/edit/cpv").await;
    switch_language(&browser, &server, "en").await;
    goto(&browser, &server, &format!("/tenders/{id}/check")).await;
    let title = browser
        .find(Locator::Css("dd.summary-list__value[lang='da']"))
        .await
        .expect("the Danish title is marked on the check page");
    assert_eq!(title.text().await.unwrap(), "Vinduespolering på rådhuset");

    // A filter chip with an English CPV label on the Danish interface, in
    // the directory and in tender search alike.
    switch_language(&browser, &server, "da").await;
    for path in ["/profiles?cpv=90911200", "/tenders?cpv=90911200"] {
        goto(&browser, &server, path).await;
        let chip = browser
            .find(Locator::Css(".filter-chip span[lang='en']"))
            .await
            .unwrap_or_else(|_| panic!("{path}: the English CPV label in the chip is marked"));
        assert!(chip.text().await.unwrap().to_lowercase().contains("clean"));
    }
}

/// The field `id` is marked invalid, described by its own message, and
/// the message stands in the same row, the one whose legend starts with
/// `row`.
async fn assert_marked_in_its_row(browser: &Browser, id: &str, row: &str) {
    let found = script(
        browser,
        "const field = document.getElementById(arguments[0]);
         const message = document.getElementById(arguments[0] + '-error');
         const fieldset = field.closest('fieldset');
         return [field.getAttribute('aria-invalid'),
                 field.getAttribute('aria-describedby'),
                 fieldset.querySelector('legend').textContent,
                 message !== null && fieldset.contains(message),
                 message ? message.textContent : ''];",
        vec![json!(id)],
    )
    .await;
    assert_eq!(found[0], "true", "{id}: {found}");
    let described = found[1].as_str().unwrap_or_default();
    assert!(
        described.split(' ').any(|d| d == format!("{id}-error")),
        "{id}: {found}"
    );
    assert!(found[2].as_str().unwrap().starts_with(row), "{id}: {found}");
    assert_eq!(found[3], true, "the message stands in the row: {found}");
    assert!(found[4].as_str().unwrap().contains(row), "{id}: {found}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_error_in_a_repeated_row_stands_beside_that_rows_field() {
    let (server, browser) = demo(&[]).await;
    log_in(&browser, &server, OFFICER).await;
    let id = new_draft(&browser, &server).await;

    goto(&browser, &server, &format!("/tenders/{id}/edit/criteria")).await;
    for (field, value) in [
        ("crit_name_0", "Pris"),
        ("crit_weight_0", "60"),
        ("crit_name_1", "Kvalitet"),
        ("crit_weight_1", "30"),
        ("crit_name_2", "Job til ledige"),
        ("crit_weight_2", "150"),
    ] {
        browser.fill(field, value).await;
    }
    browser
        .click_and_wait(
            "main form[method=post] button.button:not(.button--secondary):not(.default-action)",
        )
        .await;
    browser.wait_for_error_title().await;
    let summary_link = attr(&browser, ".error-summary a", "href").await.unwrap();
    assert!(summary_link.ends_with("#crit_weight_2"), "{summary_link}");
    assert_marked_in_its_row(&browser, "crit_weight_2", "Kriterium 3").await;
    assert!(
        attr(&browser, "#crit_weight_0", "aria-invalid")
            .await
            .is_none(),
        "the first row is not marked"
    );
    browser.assert_accessible("criteria with a row error").await;

    goto(&browser, &server, &format!("/tenders/{id}/edit/lots")).await;
    browser.fill("lot_title_0", "Nord").await;
    browser.click_and_wait("button[value=add_row]").await;
    browser.wait_for_source("lot_title_1").await;
    browser.fill("lot_title_1", "Syd").await;
    browser.fill("lot_cpv_1", "99999999").await;
    browser
        .click_and_wait(
            "main form[method=post] button.button:not(.button--secondary):not(.default-action)",
        )
        .await;
    browser.wait_for_error_title().await;
    let summary_link = attr(&browser, ".error-summary a", "href").await.unwrap();
    assert!(summary_link.ends_with("#lot_cpv_1"), "{summary_link}");
    assert_marked_in_its_row(&browser, "lot_cpv_1", "Delaftale 2").await;
    browser.assert_accessible("lots with a row error").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn enter_in_a_field_sends_the_forms_main_action() {
    let (server, browser) = demo(&[]).await;

    // The organisation form has a CPV search button before its save
    // button; Enter saves.
    log_in(&browser, &server, ENTREPRENEUR).await;
    goto(&browser, &server, "/organisation/edit").await;
    browser.assert_accessible("organisation form").await;
    press_enter_in(&browser, "employees").await;
    browser.wait_for_path("/organisation").await;
    let page = browser.page_source().await;
    assert!(
        page.contains("id=\"notice\""),
        "saved, with a banner: {page}"
    );
    log_out(&browser).await;

    // In the lots and criteria steps Enter continues, it adds no row.
    log_in(&browser, &server, OFFICER).await;
    let id = new_draft(&browser, &server).await;
    goto(&browser, &server, &format!("/tenders/{id}/edit/lots")).await;
    browser.fill("lot_title_0", "Nord").await;
    press_enter_in(&browser, "lot_title_0").await;
    browser.wait_for_path_ending("/edit/criteria").await;
    browser.fill("crit_name_0", "Pris").await;
    browser.choose("crit_kind_0", "price").await;
    browser.fill("crit_weight_0", "100").await;
    press_enter_in(&browser, "crit_weight_0").await;
    browser.wait_for_path_ending("/edit/reserved").await;
    goto(&browser, &server, &format!("/tenders/{id}/edit/lots")).await;
    assert!(
        browser.find(Locator::Id("lot_title_1")).await.is_err(),
        "no row was added"
    );
    // The copy of the main button is out of the tab order and hidden from
    // screen readers.
    assert_eq!(
        attr(&browser, "button.default-action", "tabindex")
            .await
            .as_deref(),
        Some("-1")
    );
    browser
        .assert_accessible("lots with the default action")
        .await;
}

/// For every link in the error summary: follow it from the top of the
/// page, and report the links whose field's label (or legend) ends up
/// above or below the window.
const LABELS_OUT_OF_VIEW: &str = r#"
const done = arguments[arguments.length - 1];
const links = [...document.querySelectorAll('.error-summary a')];
const frame = () => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
(async () => {
  const hidden = [];
  for (const link of links) {
    window.scrollTo(0, 0);
    await frame();
    link.click();
    await frame();
    const id = decodeURIComponent(link.hash.slice(1));
    const field = document.getElementById(id);
    if (!field) { hidden.push(id + ': no such field'); continue; }
    const group = field.closest('fieldset');
    const grouped = group && (field.type === 'radio' || field.type === 'checkbox'
      || group.getAttribute('role') === 'group');
    const label = grouped ? group.querySelector('legend')
      : document.querySelector('label[for="' + id + '"]');
    const top = label.getBoundingClientRect().top;
    const fieldBottom = field.getBoundingClientRect().bottom;
    if (top < 0 || fieldBottom > window.innerHeight) {
      hidden.push(id + ': label at ' + Math.round(top) + ', field ends at '
        + Math.round(fieldBottom) + ' of ' + window.innerHeight);
    }
  }
  done({ links: links.length, hidden });
})();
"#;

async fn assert_labels_stay_in_view(browser: &Browser, label: &str) {
    let outcome = browser
        .execute_async(LABELS_OUT_OF_VIEW, vec![])
        .await
        .unwrap();
    assert!(
        outcome["links"].as_u64().unwrap() > 0,
        "{label}: no error links"
    );
    assert_eq!(outcome["hidden"], json!([]), "{label}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn following_an_error_link_keeps_the_label_and_hint_in_view() {
    let (server, browser) = demo(&[]).await;
    let tender = tender_where(&server, "authority_name", "København").await;
    for (width, height) in [(1280, 900), (375, 740)] {
        browser.set_window_size(width, height).await.unwrap();

        log_out_if_logged_in(&browser, &server).await;
        goto(&browser, &server, "/register").await;
        browser
            .click_and_wait("form[action='/register'] button[type=submit]")
            .await;
        browser.wait_for_error_title().await;
        assert_labels_stay_in_view(&browser, &format!("register at {width} px")).await;

        log_in(&browser, &server, OFFICER).await;
        let id = new_draft(&browser, &server).await;
        goto(&browser, &server, &format!("/tenders/{id}/edit/criteria")).await;
        for row in 0..3 {
            browser.fill(&format!("crit_name_{row}"), "Kvalitet").await;
            browser.fill(&format!("crit_weight_{row}"), "0").await;
        }
        browser
            .click_and_wait(
                "main form[method=post] button.button:not(.button--secondary):not(.default-action)",
            )
            .await;
        browser.wait_for_error_title().await;
        assert_labels_stay_in_view(&browser, &format!("criteria at {width} px")).await;

        goto(&browser, &server, &format!("/tenders/{tender}/amend")).await;
        browser.fill("title", "").await;
        browser
            .click_and_wait("main form[method=post] button.button")
            .await;
        browser.wait_for_error_title().await;
        assert_labels_stay_in_view(&browser, &format!("amendment at {width} px")).await;
    }
}

async fn log_out_if_logged_in(browser: &Browser, server: &SocialbidProcess) {
    goto(browser, server, "/").await;
    if browser.page_source().await.contains("action=\"/logout\"") {
        log_out(browser).await;
    }
}

/// The focused element's id, its role, and whether it lies wholly inside
/// the window.
async fn focus_and_place(browser: &Browser) -> (String, String, bool) {
    let found = script(
        browser,
        "const e = document.activeElement; const r = e.getBoundingClientRect();
         return [e.id, e.getAttribute('role') || '', r.top >= 0 && r.bottom <= window.innerHeight];",
        vec![],
    )
    .await;
    (
        found[0].as_str().unwrap().to_owned(),
        found[1].as_str().unwrap().to_owned(),
        found[2].as_bool().unwrap(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_success_banner_takes_the_focus_where_the_eye_lands() {
    let (server, browser) = demo(&[]).await;
    let tender = tender_where(&server, "authority_name", "København").await;

    // A question sent: the page used to jump past the banner to #questions.
    log_in(&browser, &server, ENTREPRENEUR).await;
    goto(&browser, &server, &format!("/tenders/{tender}")).await;
    browser
        .fill("question", "Kan vi byde på én af delaftalerne alene?")
        .await;
    browser
        .click_and_wait(&format!(
            "form[action='/tenders/{tender}/questions'] button"
        ))
        .await;
    browser.wait_for("#notice").await;
    let url = browser.current_url().await.unwrap();
    assert_eq!(url.fragment(), None, "{url}");
    assert_eq!(
        focus_and_place(&browser).await,
        ("notice".to_owned(), "alert".to_owned(), true)
    );
    browser.assert_accessible("question sent").await;
    log_out(&browser).await;

    // An amendment published: the same, where it used to jump to #changes.
    log_in(&browser, &server, OFFICER).await;
    goto(&browser, &server, &format!("/tenders/{tender}/amend")).await;
    browser
        .fill("amend_reason", "Spørgsmålet om delaftaler er besvaret")
        .await;
    let title = browser
        .find(Locator::Id("title"))
        .await
        .unwrap()
        .prop("value")
        .await
        .unwrap()
        .unwrap();
    browser.fill("title", &format!("{title} (ændret)")).await;
    browser
        .click_and_wait("main form[method=post] button.button")
        .await;
    browser.wait_for("#notice").await;
    assert_eq!(
        focus_and_place(&browser).await,
        ("notice".to_owned(), "alert".to_owned(), true)
    );
    browser.assert_accessible("amendment published").await;
}

/// Every box that scrolls sideways at this width (and every table
/// wrapper) must take the focus and have a name, so a keyboard can scroll
/// it and a screen reader can say what it is. Returns the problems and how
/// many boxes did scroll.
const SCROLL_BOXES: &str = r#"
const problems = [];
let scrolling = 0;
for (const e of document.querySelectorAll('main *')) {
  const overflow = getComputedStyle(e).overflowX;
  const scrolls = (overflow === 'auto' || overflow === 'scroll') && e.scrollWidth > e.clientWidth;
  if (!scrolls && !e.classList.contains('table-wrapper')) continue;
  if (scrolls) scrolling += 1;
  const named = (e.getAttribute('aria-labelledby') || '').split(' ')
    .map(id => document.getElementById(id)).filter(x => x)
    .map(x => x.textContent.trim()).join(' ') || e.getAttribute('aria-label') || '';
  if (e.tabIndex < 0 || !named) problems.push(e.outerHTML.slice(0, 120));
}
return { problems, scrolling };
"#;

/// Checks the page at `path` with [`SCROLL_BOXES`] and axe-core; returns
/// how many boxes scroll sideways.
async fn scroll_boxes(browser: &Browser, server: &SocialbidProcess, path: &str) -> u64 {
    goto(browser, server, path).await;
    let found = script(browser, SCROLL_BOXES, vec![]).await;
    assert_eq!(found["problems"], json!([]), "{path} at 375 px");
    browser
        .assert_accessible(&format!("{path} at 375 px"))
        .await;
    found["scrolling"].as_u64().unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wide_table_scrolls_in_a_focusable_named_region() {
    let (server, browser) = demo(&[]).await;
    browser.set_window_size(375, 740).await.unwrap();
    let tender = tender_where(&server, "authority_name", "København").await;
    let mut scrolling = 0;

    log_in(&browser, &server, OFFICER).await;
    // An amendment gives the tender a change-log table.
    goto(&browser, &server, &format!("/tenders/{tender}/amend")).await;
    browser
        .fill("amend_reason", "Ny adresse for levering")
        .await;
    browser
        .fill(
            "title",
            "Et længere navn til udbuddet, så tabellen over ændringer bliver bred",
        )
        .await;
    browser
        .click_and_wait("main form[method=post] button.button")
        .await;
    browser.wait_for("#notice").await;
    scrolling += scroll_boxes(&browser, &server, &format!("/tenders/{tender}")).await;
    scrolling += scroll_boxes(&browser, &server, "/officer/tenders").await;
    log_out(&browser).await;

    log_in(&browser, &server, ENTREPRENEUR).await;
    scrolling += scroll_boxes(&browser, &server, "/organisation/members").await;
    log_out(&browser).await;

    log_in(&browser, &server, ADMIN).await;
    for path in ["/admin/officers", "/admin/profiles", "/admin/audit-log"] {
        scrolling += scroll_boxes(&browser, &server, path).await;
    }
    assert!(scrolling > 0, "no table was wider than 375 px");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_accessibility_statement_has_its_dates_and_the_complaint_route() {
    let server = SocialbidProcess::start(&[
        ("SOCIALBID_ACCESSIBILITY_PREPARED_ON", "2026-09-01"),
        ("SOCIALBID_ACCESSIBILITY_REVIEWED_ON", "2026-11-30"),
        ("SOCIALBID_CONTACT_PHONE", "+45 70 20 30 40"),
        ("SOCIALBID_OPERATOR_NAME", "Testkommunen"),
    ])
    .await;
    let browser = Browser::start().await;
    for (lang, dates, problems) in [
        (
            "da",
            "udarbejdet den 1. september 2026 og senest gennemgået den 30. november 2026",
            "Kendte problemer",
        ),
        (
            "en",
            "prepared on 1 September 2026 and last reviewed on 30 November 2026",
            "Known problems",
        ),
    ] {
        switch_language(&browser, &server, lang).await;
        browser
            .click_and_wait("footer a[href='/accessibility']")
            .await;
        browser.wait_for_path("/accessibility").await;
        let text = browser.main_text().await;
        assert!(text.contains(dates), "{text}");
        assert!(text.contains(problems), "{text}");
        assert!(text.contains("Testkommunen"), "{text}");
        assert!(text.contains("+45 70 20 30 40"), "the phone route: {text}");
        assert!(
            browser
                .find(Locator::Css("main a[href^='mailto:']"))
                .await
                .is_ok(),
            "the written route"
        );
        let complaint = attr(&browser, "main a[href*='digst.dk']", "href")
            .await
            .unwrap();
        assert!(complaint.starts_with("https://digst.dk/"), "{complaint}");
        let known = browser
            .find_all(Locator::Css("main ul.list--bullet li"))
            .await
            .unwrap();
        assert!(known.len() >= 3, "the known problems are listed");
        browser
            .assert_accessible(&format!("accessibility statement ({lang})"))
            .await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_titles_of_a_tenders_pages_name_the_tender() {
    let (server, browser) = demo(&[]).await;
    log_in(&browser, &server, OFFICER).await;

    let id = new_draft(&browser, &server).await;
    browser.fill("title", "Vinduespudsning på skolerne").await;
    browser
        .click_and_wait("main form[method=post] button.button:not(.button--secondary)")
        .await;
    browser.wait_for_path_ending("/edit/cpv").await;
    for section in [
        "basics", "cpv", "place", "dates", "lots", "criteria", "reserved",
    ] {
        goto(&browser, &server, &format!("/tenders/{id}/edit/{section}")).await;
        let title = browser.title().await.unwrap();
        assert!(
            title.contains("Vinduespudsning på skolerne"),
            "{section}: {title}"
        );
    }
    for path in [
        format!("/tenders/{id}/check"),
        format!("/tenders/{id}/documents"),
    ] {
        goto(&browser, &server, &path).await;
        let title = browser.title().await.unwrap();
        assert!(
            title.contains("Vinduespudsning på skolerne"),
            "{path}: {title}"
        );
    }

    let tender = tender_where(&server, "authority_name", "København").await;
    let name = published(&server)
        .await
        .into_iter()
        .find(|t| t["id"] == json!(tender))
        .unwrap()["title"]
        .as_str()
        .unwrap()
        .to_owned();
    for page in ["amend", "cancel", "documents"] {
        goto(&browser, &server, &format!("/tenders/{tender}/{page}")).await;
        let title = browser.title().await.unwrap();
        assert!(title.contains(&name), "{page}: {title}");
        assert!(
            title.starts_with(match page {
                "amend" => "Ændr udbuddet",
                "cancel" => "Aflys udbuddet",
                _ => "Dokumenter til udbuddet",
            }),
            "{page}: {title}"
        );
        browser.assert_accessible(&format!("{page} page")).await;
    }
}

/// Where the filter layout's parts stand, in page pixels: the filters'
/// bottom, the facets' top and left, the results' top, bottom and left.
async fn filter_layout(browser: &Browser) -> Vec<f64> {
    let boxes = script(
        browser,
        "const at = (s) => document.querySelector(s).getBoundingClientRect();
         const f = at('.filter-layout__filters'), x = at('.filter-layout__facets'),
               r = at('.filter-layout__results');
         return [f.bottom, x.top, x.left, r.top, r.bottom, r.left];",
        vec![],
    )
    .await;
    boxes
        .as_array()
        .expect("six numbers")
        .iter()
        .map(|n| n.as_f64().expect("a number"))
        .collect()
}

/// On a wide screen the facets follow the filters at once, beside the
/// results (they waited below the last result, a page's length down); on
/// a phone they come after the results. On the search page and in the
/// directory alike, each checked by axe-core.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_facets_follow_the_filters_beside_the_results() {
    let (server, browser) = demo(&[]).await;
    server.index_caught_up().await;
    for path in ["/tenders", "/profiles"] {
        browser.set_window_size(1280, 900).await.unwrap();
        goto(&browser, &server, path).await;
        let wide = filter_layout(&browser).await;
        let (filters_bottom, facets_top, facets_left) = (wide[0], wide[1], wide[2]);
        let (results_top, results_bottom, results_left) = (wide[3], wide[4], wide[5]);
        assert!(
            facets_left < results_left,
            "{path}: beside the results {wide:?}"
        );
        assert!(
            facets_top > filters_bottom && facets_top < filters_bottom + 100.0,
            "{path}: right below the filters {wide:?}"
        );
        assert!(
            facets_top > results_top && facets_top < results_bottom,
            "{path}: level with the results {wide:?}"
        );
        browser
            .assert_accessible(&format!("{path} at 1280 px"))
            .await;

        browser.set_window_size(375, 740).await.unwrap();
        goto(&browser, &server, path).await;
        let narrow = filter_layout(&browser).await;
        assert!(
            narrow[1] > narrow[4],
            "{path}: after the results {narrow:?}"
        );
        browser
            .assert_accessible(&format!("{path} at 375 px"))
            .await;
    }
}
