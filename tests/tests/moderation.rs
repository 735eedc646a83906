//! The moderation state machine through the router, on both databases:
//! every decision, the states it is allowed in, what the public sees at
//! each step, the mails to every member in their language, the audit log;
//! and who may call each profile and admin endpoint.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use socialbid_tests::{Backend, Person, TestApp, cvr, form_token, on_both_databases, profile_body};

on_both_databases!(
    the_whole_state_machine,
    decisions_need_a_reason_and_the_right_state,
    every_profile_endpoint_checks_who_calls,
    every_admin_endpoint_is_for_admins_only,
    the_audit_log_shows_every_decision_with_filters,
    nobody_can_edit_the_audit_trail,
    the_moderation_pages_are_for_admins,
);

async fn state_of(app: &TestApp, member: &Person) -> Value {
    let response = app
        .api(
            Method::GET,
            "/api/v1/profiles/mine",
            Some(&member.access_token),
            None,
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.text());
    response.json()
}

async fn public_name(app: &TestApp, id: i64) -> Option<String> {
    let response = app
        .api(Method::GET, &format!("/api/v1/profiles/{id}"), None, None)
        .await;
    match response.status {
        StatusCode::OK => Some(
            response.json()["organisation_name"]
                .as_str()
                .unwrap()
                .to_owned(),
        ),
        StatusCode::NOT_FOUND => None,
        other => panic!("{other}: {}", response.text()),
    }
}

async fn set_locale_en(app: &TestApp, person: &Person) {
    // The language a person registered in is their mail language.
    let id = person.id;
    app.state
        .db
        .run(move |conn| {
            use diesel::prelude::*;
            use socialbid::db::schema::users;
            diesel::update(users::table.find(id))
                .set(users::locale.eq("en"))
                .execute(conn)
                .map_err(socialbid::error::AppError::from)
        })
        .await
        .unwrap();
}

async fn the_whole_state_machine(backend: Backend) {
    let app = TestApp::new(backend).await;
    let admin = app.admin("admin@socialbid.dk").await;
    let anna = app.entrepreneur("anna@cafe-lyst.dk").await;
    let id = app.organisation(&anna, "Café Lyst ApS", &cvr(1)).await;

    // A colleague joins, and reads mail in English.
    let bo = app.entrepreneur("bo@cafe-lyst.dk").await;
    set_locale_en(&app, &bo).await;
    let invited = app
        .api(
            Method::POST,
            &format!("/api/v1/profiles/{id}/invitations"),
            Some(&anna.access_token),
            Some(json!({ "email": "bo@cafe-lyst.dk" })),
        )
        .await;
    assert_eq!(invited.status, StatusCode::ACCEPTED, "{}", invited.text());
    let token = app
        .link_token("bo@cafe-lyst.dk", "/invitations/accept")
        .await;
    let joined = app
        .api(
            Method::POST,
            "/api/v1/profiles/invitations/accept",
            Some(&bo.access_token),
            Some(json!({ "token": token })),
        )
        .await;
    assert_eq!(joined.status, StatusCode::OK, "{}", joined.text());

    // New: pending, invisible.
    assert_eq!(state_of(&app, &anna).await["state"], "pending");
    assert_eq!(public_name(&app, id).await, None);
    assert!(app.directory_names("").await.is_empty());

    // Rejected with a reason: both members are told, each in their language.
    app.decide(
        &admin,
        id,
        "reject",
        Some("CVR-nummeret tilhører en anden virksomhed"),
    )
    .await;
    let mine = state_of(&app, &anna).await;
    assert_eq!(mine["state"], "rejected");
    assert_eq!(mine["reason"], "CVR-nummeret tilhører en anden virksomhed");
    assert_eq!(public_name(&app, id).await, None);
    app.run_jobs().await;
    let to_anna = app.mails_to("anna@cafe-lyst.dk");
    let rejected = to_anna.last().unwrap();
    assert!(
        rejected.subject.contains("Afgørelse"),
        "{}",
        rejected.subject
    );
    assert!(rejected.text.contains("afvist"), "{}", rejected.text);
    assert!(
        rejected
            .text
            .contains("CVR-nummeret tilhører en anden virksomhed")
    );
    let to_bo = app.mails_to("bo@cafe-lyst.dk");
    let rejected_en = to_bo.last().unwrap();
    assert!(
        rejected_en.subject.contains("Decision"),
        "{}",
        rejected_en.subject
    );
    assert!(
        rejected_en.text.contains("rejected"),
        "{}",
        rejected_en.text
    );

    // The member fixes it: pending again; the admin asks for changes.
    let fixed = app
        .api(
            Method::PUT,
            &format!("/api/v1/profiles/{id}"),
            Some(&anna.access_token),
            Some(profile_body("Café Lyst ApS", &cvr(2))),
        )
        .await;
    assert_eq!(fixed.status, StatusCode::OK, "{}", fixed.text());
    assert_eq!(fixed.json()["state"], "pending");
    app.decide(
        &admin,
        id,
        "request-changes",
        Some("Tilføj datoen for RSV-registreringen"),
    )
    .await;
    assert_eq!(state_of(&app, &anna).await["state"], "changes_requested");
    app.run_jobs().await;
    assert!(
        app.mails_to("anna@cafe-lyst.dk")
            .last()
            .unwrap()
            .text
            .contains("Tilføj datoen for RSV-registreringen")
    );

    // Sent again and approved: public, in the directory.
    let again = app
        .api(
            Method::PUT,
            &format!("/api/v1/profiles/{id}"),
            Some(&anna.access_token),
            Some(profile_body("Café Lyst ApS", &cvr(2))),
        )
        .await;
    assert_eq!(again.json()["state"], "pending");
    app.decide(&admin, id, "approve", None).await;
    assert_eq!(state_of(&app, &anna).await["state"], "approved");
    assert_eq!(
        public_name(&app, id).await.as_deref(),
        Some("Café Lyst ApS")
    );
    assert_eq!(app.directory_names("").await, vec!["Café Lyst ApS"]);
    app.run_jobs().await;
    assert!(
        app.mails_to("bo@cafe-lyst.dk")
            .last()
            .unwrap()
            .text
            .contains("approved")
    );

    // A change to what only steers matching (the regions served) is public
    // at once.
    let mut body = profile_body("Café Lyst ApS", &cvr(2));
    body["nuts"] = json!(["DK01", "DK02"]);
    let open_change = app
        .api(
            Method::PUT,
            &format!("/api/v1/profiles/{id}"),
            Some(&anna.access_token),
            Some(body.clone()),
        )
        .await;
    assert_eq!(open_change.json()["state"], "approved");
    let public = app
        .api(Method::GET, &format!("/api/v1/profiles/{id}"), None, None)
        .await
        .json();
    assert_eq!(public["nuts"], json!(["DK01", "DK02"]));

    // A new website and mission wait for review (a changed link is a
    // phishing link until someone looked); the approved ones stay public.
    body["website"] = json!("https://cafe-lyst-betaling.example.com");
    body["mission"] = json!("Nu også catering til skoler.");
    let waiting = app
        .api(
            Method::PUT,
            &format!("/api/v1/profiles/{id}"),
            Some(&anna.access_token),
            Some(body.clone()),
        )
        .await
        .json();
    assert_eq!(waiting["state"], "pending");
    assert_eq!(waiting["changed_facts"], json!(["mission", "website"]));
    let public = app
        .api(Method::GET, &format!("/api/v1/profiles/{id}"), None, None)
        .await
        .json();
    assert_eq!(public["website"], "https://cafe-lyst.example.dk");
    assert_eq!(
        public["mission"],
        "Vi træner unge uden uddannelse til job i køkken og café."
    );
    let page = app
        .page(Method::GET, &format!("/profiles/{id}"), "", None)
        .await;
    assert!(
        !page.text().contains("cafe-lyst-betaling"),
        "nor on the page"
    );
    app.decide(&admin, id, "approve", None).await;
    let public = app
        .api(Method::GET, &format!("/api/v1/profiles/{id}"), None, None)
        .await
        .json();
    assert_eq!(public["website"], "https://cafe-lyst-betaling.example.com");
    assert_eq!(public["mission"], "Nu også catering til skoler.");

    // A new name waits for review; the approved name stays public meanwhile.
    body["organisation_name"] = json!("Café Lyst og Catering ApS");
    let renamed = app
        .api(
            Method::PUT,
            &format!("/api/v1/profiles/{id}"),
            Some(&anna.access_token),
            Some(body.clone()),
        )
        .await
        .json();
    assert_eq!(renamed["state"], "pending");
    assert_eq!(renamed["changed_facts"], json!(["organisation_name"]));
    assert_eq!(
        public_name(&app, id).await.as_deref(),
        Some("Café Lyst ApS")
    );
    assert_eq!(app.directory_names("").await, vec!["Café Lyst ApS"]);
    let queue = app
        .api(
            Method::GET,
            "/api/v1/admin/profiles",
            Some(&admin.access_token),
            None,
        )
        .await
        .json();
    assert_eq!(
        queue["pending"][0]["changed_facts"],
        json!(["organisation_name"])
    );
    assert_eq!(queue["pending"][0]["first_submission"], false);

    // Rejecting the change keeps the approved version public.
    app.decide(
        &admin,
        id,
        "reject",
        Some("Navnet står ikke i CVR-registret"),
    )
    .await;
    assert_eq!(
        public_name(&app, id).await.as_deref(),
        Some("Café Lyst ApS")
    );
    // Approving a later attempt makes the new name public.
    app.api(
        Method::PUT,
        &format!("/api/v1/profiles/{id}"),
        Some(&anna.access_token),
        Some(body.clone()),
    )
    .await;
    app.decide(&admin, id, "approve", None).await;
    assert_eq!(
        public_name(&app, id).await.as_deref(),
        Some("Café Lyst og Catering ApS")
    );

    // Suspended: gone from every public view at once, and back when lifted.
    app.decide(&admin, id, "suspend", Some("Klager over manglende løn"))
        .await;
    assert_eq!(public_name(&app, id).await, None);
    assert!(app.directory_names("").await.is_empty());
    let page = app.page(Method::GET, "/profiles", "", None).await;
    assert!(
        !page.text().contains("Café Lyst"),
        "the directory page hides it"
    );
    let mine = state_of(&app, &anna).await;
    assert_eq!(mine["state"], "suspended");
    assert_eq!(mine["reason"], "Klager over manglende løn");
    app.decide(&admin, id, "unsuspend", None).await;
    assert_eq!(
        app.directory_names("").await,
        vec!["Café Lyst og Catering ApS"]
    );

    // Every decision was mailed to both members.
    app.run_jobs().await;
    let decisions = |email: &str| {
        app.mails_to(email)
            .iter()
            .filter(|m| m.subject.contains("Afgørelse") || m.subject.contains("Decision"))
            .count()
    };
    assert_eq!(decisions("anna@cafe-lyst.dk"), 8);
    assert_eq!(decisions("bo@cafe-lyst.dk"), 8);
    assert_eq!(app.pending_jobs().await, 0);
}

async fn decisions_need_a_reason_and_the_right_state(backend: Backend) {
    let app = TestApp::new(backend).await;
    let admin = app.admin("admin@socialbid.dk").await;
    let anna = app.entrepreneur("anna@cafe-lyst.dk").await;
    let id = app.organisation(&anna, "Café Lyst ApS", &cvr(1)).await;
    let call = |decision: &'static str, body: Option<Value>| {
        let app = &app;
        let token = admin.access_token.clone();
        async move {
            app.api(
                Method::POST,
                &format!("/api/v1/admin/profiles/{id}/{decision}"),
                Some(&token),
                body,
            )
            .await
        }
    };
    for decision in ["reject", "request-changes"] {
        for body in [json!({}), json!({ "reason": "   " })] {
            let refused = call(decision, Some(body)).await;
            assert_eq!(
                refused.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{decision}"
            );
            assert_eq!(refused.json()["error"]["fields"][0]["field"], "reason");
            assert_eq!(refused.json()["error"]["fields"][0]["code"], "required");
        }
    }
    let too_long = call("reject", Some(json!({ "reason": "x".repeat(1001) }))).await;
    assert_eq!(too_long.json()["error"]["fields"][0]["code"], "too_long");
    // Never approved: nothing to suspend or unsuspend.
    let suspend = call("suspend", Some(json!({ "reason": "Snyd" }))).await;
    assert_eq!(suspend.status, StatusCode::CONFLICT, "{}", suspend.text());
    assert_eq!(suspend.error_code(), "wrong_state");
    assert_eq!(call("unsuspend", None).await.status, StatusCode::CONFLICT);
    app.decide(&admin, id, "approve", None).await;
    // Approved: no second approval, rejection or request for changes.
    assert_eq!(call("approve", None).await.status, StatusCode::CONFLICT);
    assert_eq!(
        call("reject", Some(json!({ "reason": "Nej" })))
            .await
            .status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        call("request-changes", Some(json!({ "reason": "Nej" })))
            .await
            .status,
        StatusCode::CONFLICT
    );
    let suspend = call("suspend", Some(json!({}))).await;
    assert_eq!(
        suspend.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "a suspension needs a reason"
    );
    app.decide(&admin, id, "suspend", Some("Snyd")).await;
    assert_eq!(
        call("suspend", Some(json!({ "reason": "Igen" })))
            .await
            .status,
        StatusCode::CONFLICT
    );
    // The admin finds it among the suspended, and not among the approved.
    let list = |query: String| {
        let app = &app;
        let token = admin.access_token.clone();
        async move {
            app.api(
                Method::GET,
                &format!("/api/v1/admin/organisations{query}"),
                Some(&token),
                None,
            )
            .await
        }
    };
    let suspended = list("?state=suspended".into()).await.json();
    assert_eq!(suspended["total"], 1);
    assert_eq!(suspended["items"][0]["id"], id);
    assert_eq!(suspended["items"][0]["state"], "suspended");
    assert_eq!(list("?state=approved".into()).await.json()["total"], 0);
    assert_eq!(list(String::new()).await.json()["total"], 1);
    assert_eq!(list(format!("?cvr={}", cvr(1))).await.json()["total"], 1);
    assert_eq!(
        list("?state=hidden".into()).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let unknown = app
        .api(
            Method::POST,
            "/api/v1/admin/profiles/999999/approve",
            Some(&admin.access_token),
            None,
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    // The message names the rule, in the caller's language.
    let english = app
        .api_in(
            Method::POST,
            &format!("/api/v1/admin/profiles/{id}/unsuspend"),
            Some(&admin.access_token),
            None,
            "en",
        )
        .await;
    assert_eq!(english.status, StatusCode::NO_CONTENT);
    let english = app
        .api_in(
            Method::POST,
            &format!("/api/v1/admin/profiles/{id}/unsuspend"),
            Some(&admin.access_token),
            None,
            "en",
        )
        .await;
    assert!(
        english.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("approved"),
        "{}",
        english.text()
    );
    // The mail these decisions and questions queued goes out.
    app.run_jobs().await;
}

/// (method, path, body) of every endpoint a member of organisation `id` may call.
fn member_endpoints(
    id: i64,
    invitation: i64,
    other: &str,
) -> Vec<(Method, String, Option<Value>, StatusCode)> {
    vec![
        (
            Method::GET,
            format!("/api/v1/profiles/{id}/members"),
            None,
            StatusCode::OK,
        ),
        (
            Method::POST,
            format!("/api/v1/profiles/{id}/invitations"),
            Some(json!({ "email": "ny@cafe-lyst.dk" })),
            StatusCode::ACCEPTED,
        ),
        (
            Method::DELETE,
            format!("/api/v1/profiles/{id}/invitations/{invitation}"),
            None,
            StatusCode::NO_CONTENT,
        ),
        (
            Method::PUT,
            format!("/api/v1/profiles/{id}"),
            Some(profile_body("Café Lyst ApS", other)),
            StatusCode::OK,
        ),
        (
            Method::POST,
            format!("/api/v1/profiles/{id}/leave"),
            None,
            StatusCode::CONFLICT,
        ),
        (
            Method::DELETE,
            format!("/api/v1/profiles/{id}"),
            None,
            StatusCode::NO_CONTENT,
        ),
    ]
}

async fn every_profile_endpoint_checks_who_calls(backend: Backend) {
    let app = TestApp::new(backend).await;
    let admin = app.admin("admin@socialbid.dk").await;
    let officer = app
        .approved_officer("mette@aarhus.dk", "55133018", &admin)
        .await;
    let anna = app.entrepreneur("anna@cafe-lyst.dk").await;
    let other = app.entrepreneur("carl@groen.dk").await;
    let id = app
        .approved_organisation(&anna, &admin, profile_body("Café Lyst ApS", &cvr(1)))
        .await;
    app.approved_organisation(&other, &admin, profile_body("Grøn Omstilling", &cvr(2)))
        .await;

    // Public: anyone reads the directory and an approved profile.
    for token in [
        None,
        Some(&other.access_token),
        Some(&officer.access_token),
        Some(&admin.access_token),
    ] {
        let list = app
            .api(
                Method::GET,
                "/api/v1/profiles",
                token.map(|t| t.as_str()),
                None,
            )
            .await;
        assert_eq!(list.status, StatusCode::OK);
        let one = app
            .api(
                Method::GET,
                &format!("/api/v1/profiles/{id}"),
                token.map(|t| t.as_str()),
                None,
            )
            .await;
        assert_eq!(one.status, StatusCode::OK);
        assert!(
            one.json().get("members").is_none(),
            "no personal data of members"
        );
        assert!(!one.text().contains("anna@cafe-lyst.dk"));
    }

    // Creating and reading one's own: entrepreneurs only.
    let create = |token: Option<String>| {
        let app = &app;
        async move {
            app.api(
                Method::POST,
                "/api/v1/profiles",
                token.as_deref(),
                Some(profile_body("Ny ApS", &cvr(9))),
            )
            .await
        }
    };
    assert_eq!(create(None).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(
        create(Some(officer.access_token.clone())).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        create(Some(admin.access_token.clone())).await.status,
        StatusCode::FORBIDDEN
    );
    let second = create(Some(anna.access_token.clone())).await;
    assert_eq!(
        second.status,
        StatusCode::CONFLICT,
        "one organisation per person"
    );
    assert_eq!(second.error_code(), "already_member");
    for (token, status) in [
        (None, StatusCode::UNAUTHORIZED),
        (Some(&officer.access_token), StatusCode::FORBIDDEN),
        (Some(&admin.access_token), StatusCode::FORBIDDEN),
        (Some(&anna.access_token), StatusCode::OK),
    ] {
        let mine = app
            .api(
                Method::GET,
                "/api/v1/profiles/mine",
                token.map(|t| t.as_str()),
                None,
            )
            .await;
        assert_eq!(mine.status, status, "GET /profiles/mine");
    }

    // A flag: anyone logged in.
    for (token, status) in [
        (None, StatusCode::UNAUTHORIZED),
        (Some(&other.access_token), StatusCode::CREATED),
        (Some(&officer.access_token), StatusCode::CREATED),
        (Some(&admin.access_token), StatusCode::CREATED),
    ] {
        let flag = app
            .api(
                Method::POST,
                &format!("/api/v1/profiles/{id}/flags"),
                token.map(|t| t.as_str()),
                Some(json!({ "reason": "Forkerte oplysninger" })),
            )
            .await;
        assert_eq!(flag.status, status, "{}", flag.text());
    }

    // Accepting an invitation: entrepreneurs only.
    for (token, status) in [
        (None, StatusCode::UNAUTHORIZED),
        (Some(&officer.access_token), StatusCode::FORBIDDEN),
        (Some(&admin.access_token), StatusCode::FORBIDDEN),
    ] {
        let accept = app
            .api(
                Method::POST,
                "/api/v1/profiles/invitations/accept",
                token.map(|t| t.as_str()),
                Some(json!({ "token": "nothing" })),
            )
            .await;
        assert_eq!(accept.status, status);
    }

    // The member endpoints: anonymous 401; officer and admin 403 (wrong
    // role); another organisation's member 403; the member succeeds, in
    // this order (the last deletes the organisation).
    // An invitation to withdraw.
    app.api(
        Method::POST,
        &format!("/api/v1/profiles/{id}/invitations"),
        Some(&anna.access_token),
        Some(json!({ "email": "gammel@cafe-lyst.dk" })),
    )
    .await;
    let invitation = app
        .api(
            Method::GET,
            &format!("/api/v1/profiles/{id}/members"),
            Some(&anna.access_token),
            None,
        )
        .await
        .json()["invitations"][0]["id"]
        .as_i64()
        .unwrap();
    for (method, path, body, member_status) in member_endpoints(id, invitation, &cvr(1)) {
        let anonymous = app.api(method.clone(), &path, None, body.clone()).await;
        assert_eq!(
            anonymous.status,
            StatusCode::UNAUTHORIZED,
            "{method} {path}"
        );
        for (who, token) in [
            ("officer", &officer.access_token),
            ("admin", &admin.access_token),
        ] {
            let refused = app
                .api(method.clone(), &path, Some(token), body.clone())
                .await;
            assert_eq!(
                refused.status,
                StatusCode::FORBIDDEN,
                "{method} {path} as {who}"
            );
            assert_eq!(refused.error_code(), "wrong_role");
        }
        let stranger = app
            .api(
                method.clone(),
                &path,
                Some(&other.access_token),
                body.clone(),
            )
            .await;
        assert_eq!(
            stranger.status,
            StatusCode::FORBIDDEN,
            "{method} {path} as another member"
        );
        assert_eq!(stranger.error_code(), "not_member");
        let member = app
            .api(
                method.clone(),
                &path,
                Some(&anna.access_token),
                body.clone(),
            )
            .await;
        assert_eq!(
            member.status,
            member_status,
            "{method} {path}: {}",
            member.text()
        );
    }
    // Deleted: gone for everyone, the members too.
    assert_eq!(
        app.api(Method::GET, &format!("/api/v1/profiles/{id}"), None, None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.api(
            Method::GET,
            &format!("/api/v1/profiles/{id}/members"),
            Some(&anna.access_token),
            None
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    // The mail these decisions and questions queued goes out.
    app.run_jobs().await;
}

/// (method, path, body) of every admin endpoint, on organisation `id` and flag `flag`.
fn admin_endpoints(id: i64, flag: i64) -> Vec<(Method, String, Option<Value>)> {
    vec![
        (Method::GET, "/api/v1/admin/profiles".into(), None),
        (
            Method::GET,
            "/api/v1/admin/organisations?state=approved".into(),
            None,
        ),
        (Method::GET, format!("/api/v1/admin/profiles/{id}"), None),
        (Method::GET, "/api/v1/admin/audit-log".into(), None),
        (
            Method::POST,
            format!("/api/v1/admin/flags/{flag}/resolve"),
            Some(json!({ "note": "Tjekket" })),
        ),
        (
            Method::POST,
            format!("/api/v1/admin/profiles/{id}/request-changes"),
            Some(json!({ "reason": "Mere" })),
        ),
        (
            Method::POST,
            format!("/api/v1/admin/profiles/{id}/reject"),
            Some(json!({ "reason": "Nej" })),
        ),
        (
            Method::POST,
            format!("/api/v1/admin/profiles/{id}/approve"),
            None,
        ),
        (
            Method::POST,
            format!("/api/v1/admin/profiles/{id}/suspend"),
            Some(json!({ "reason": "Snyd" })),
        ),
        (
            Method::POST,
            format!("/api/v1/admin/profiles/{id}/unsuspend"),
            None,
        ),
    ]
}

async fn every_admin_endpoint_is_for_admins_only(backend: Backend) {
    let app = TestApp::new(backend).await;
    let admin = app.admin("admin@socialbid.dk").await;
    let officer = app
        .approved_officer("mette@aarhus.dk", "55133018", &admin)
        .await;
    let anna = app.entrepreneur("anna@cafe-lyst.dk").await;
    let other = app.entrepreneur("carl@groen.dk").await;
    let id = app
        .approved_organisation(&anna, &admin, profile_body("Café Lyst ApS", &cvr(1)))
        .await;
    app.organisation(&other, "Grøn Omstilling", &cvr(2)).await;
    let flag = app
        .api(
            Method::POST,
            &format!("/api/v1/profiles/{id}/flags"),
            Some(&other.access_token),
            Some(json!({ "reason": "Forkert" })),
        )
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    // Make the profile pending again, so every decision has its turn.
    let renamed = profile_body("Café Lyst og Co ApS", &cvr(1));
    app.api(
        Method::PUT,
        &format!("/api/v1/profiles/{id}"),
        Some(&anna.access_token),
        Some(renamed),
    )
    .await;
    let audit_before = app
        .api(
            Method::GET,
            "/api/v1/admin/audit-log",
            Some(&admin.access_token),
            None,
        )
        .await
        .json()["total"]
        .as_i64()
        .unwrap();
    for (method, path, body) in admin_endpoints(id, flag) {
        if path.ends_with("/reject") {
            // After a request for changes the member sends the profile again.
            let resent = app
                .api(
                    Method::PUT,
                    &format!("/api/v1/profiles/{id}"),
                    Some(&anna.access_token),
                    Some(profile_body("Café Lyst og Co ApS", &cvr(1))),
                )
                .await;
            assert_eq!(resent.json()["state"], "pending");
        }
        if path.ends_with("/approve") {
            let resent = app
                .api(
                    Method::PUT,
                    &format!("/api/v1/profiles/{id}"),
                    Some(&anna.access_token),
                    Some(profile_body("Café Lyst ApS og Co", &cvr(1))),
                )
                .await;
            assert_eq!(resent.json()["state"], "pending");
        }
        assert_eq!(
            app.api(method.clone(), &path, None, body.clone())
                .await
                .status,
            StatusCode::UNAUTHORIZED,
            "{method} {path}"
        );
        for (who, person) in [
            ("the member", &anna),
            ("another member", &other),
            ("an officer", &officer),
        ] {
            let refused = app
                .api(
                    method.clone(),
                    &path,
                    Some(&person.access_token),
                    body.clone(),
                )
                .await;
            assert_eq!(
                refused.status,
                StatusCode::FORBIDDEN,
                "{method} {path} by {who}"
            );
            assert_eq!(refused.error_code(), "wrong_role");
        }
        let allowed = app
            .api(
                method.clone(),
                &path,
                Some(&admin.access_token),
                body.clone(),
            )
            .await;
        assert!(
            allowed.status.is_success(),
            "{method} {path} by the admin: {}",
            allowed.text()
        );
    }
    // Nothing refused left a trace; each admin action (and each time the
    // member sent the profile again) left exactly one.
    let audit_after = app
        .api(
            Method::GET,
            "/api/v1/admin/audit-log",
            Some(&admin.access_token),
            None,
        )
        .await
        .json()["total"]
        .as_i64()
        .unwrap();
    assert_eq!(audit_after - audit_before, 6 + 2);
    // The state did go through every step.
    assert_eq!(state_of(&app, &anna).await["state"], "approved");
    // The mail these decisions and questions queued goes out.
    app.run_jobs().await;
}

async fn the_audit_log_shows_every_decision_with_filters(backend: Backend) {
    let app = TestApp::new(backend).await;
    let admin = app.admin("admin@socialbid.dk").await;
    let anna = app.entrepreneur("anna@cafe-lyst.dk").await;
    let id = app.organisation(&anna, "Café Lyst ApS", &cvr(1)).await;
    app.decide(&admin, id, "reject", Some("Forkert CVR")).await;
    app.api(
        Method::PUT,
        &format!("/api/v1/profiles/{id}"),
        Some(&anna.access_token),
        Some(profile_body("Café Lyst ApS", &cvr(3))),
    )
    .await;
    app.decide(&admin, id, "approve", None).await;
    app.decide(&admin, id, "suspend", Some("Klager")).await;

    let read = |query: &'static str| {
        let app = &app;
        let token = admin.access_token.clone();
        async move {
            let response = app
                .api(
                    Method::GET,
                    &format!("/api/v1/admin/audit-log{query}"),
                    Some(&token),
                    None,
                )
                .await;
            assert_eq!(response.status, StatusCode::OK, "{}", response.text());
            response.json()
        }
    };
    let all = read("").await;
    let actions: Vec<&str> = all["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        vec![
            "profile.suspend",
            "profile.approve",
            "profile.submit",
            "profile.reject",
            "profile.submit"
        ],
        "newest first"
    );
    let reject = &all["entries"][3];
    assert_eq!(reject["actor_email"], "admin@socialbid.dk");
    assert_eq!(reject["reason"], "Forkert CVR");
    assert_eq!(reject["subject_type"], "organisation");
    assert_eq!(reject["subject_id"], id);
    assert!(reject["created_at"].is_string());

    assert_eq!(read("?action=profile.reject").await["total"], 1);
    assert_eq!(read("?actor=admin@").await["total"], 3);
    assert_eq!(read("?actor=anna").await["total"], 2);
    assert_eq!(
        read(&*format!("?subject_type=organisation&subject_id={id}").leak()).await["total"],
        5
    );
    assert_eq!(read("?subject_id=999999").await["total"], 0);
    assert_eq!(read("?to=2000-01-01").await["total"], 0);
    let today = chrono::Utc::now().date_naive().to_string();
    assert_eq!(read(&*format!("?from={today}").leak()).await["total"], 5);
    let bad = app
        .api(
            Method::GET,
            "/api/v1/admin/audit-log?from=igår",
            Some(&admin.access_token),
            None,
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json()["error"]["fields"][0]["field"], "from");

    // The page: filters as a GET form, a chip per filter, the count.
    let jar = format!("sb_access={}", admin.access_token);
    let page = app
        .page(
            Method::GET,
            "/admin/audit-log?action=profile.reject",
            &jar,
            None,
        )
        .await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.text());
    let html = page.text().replace("&#x2f;", "/").replace("&amp;", "&");
    assert!(html.contains("Forkert CVR"));
    assert!(
        html.contains("1 hændelse") && !html.contains("1 hændelser"),
        "the count, in the singular"
    );
    assert!(
        html.contains("class=\"filter-chip\" href=\"/admin/audit-log\""),
        "the chip removes the filter"
    );
    assert!(!html.contains(">Klager<"), "filtered out");
}

async fn nobody_can_edit_the_audit_trail(backend: Backend) {
    let app = TestApp::new(backend).await;
    let admin = app.admin("admin@socialbid.dk").await;
    let anna = app.entrepreneur("anna@cafe-lyst.dk").await;
    let id = app.organisation(&anna, "Café Lyst ApS", &cvr(1)).await;
    app.decide(&admin, id, "reject", Some("Forkert CVR")).await;

    // No endpoint changes the log, whoever asks.
    for person in [&anna, &admin] {
        for method in [Method::PUT, Method::DELETE, Method::POST, Method::PATCH] {
            let response = app
                .api(
                    method.clone(),
                    "/api/v1/admin/audit-log",
                    Some(&person.access_token),
                    Some(json!({})),
                )
                .await;
            assert_eq!(response.status, StatusCode::METHOD_NOT_ALLOWED, "{method}");
        }
    }
    // An entrepreneur cannot approve or unsuspend, not even their own.
    for decision in ["approve", "unsuspend"] {
        let response = app
            .api(
                Method::POST,
                &format!("/api/v1/admin/profiles/{id}/{decision}"),
                Some(&anna.access_token),
                None,
            )
            .await;
        assert_eq!(response.status, StatusCode::FORBIDDEN);
    }

    // The database itself refuses to change or delete an entry.
    let tampered = app
        .state
        .db
        .run(|conn| {
            use diesel::prelude::*;
            use socialbid::db::schema::audit_log;
            let update = diesel::update(audit_log::table)
                .set(audit_log::reason.eq("Intet at se her"))
                .execute(conn);
            let hide_actor = diesel::update(audit_log::table)
                .set(audit_log::actor_email.eq(None::<String>))
                .execute(conn);
            let delete = diesel::delete(audit_log::table).execute(conn);
            Ok::<_, socialbid::error::AppError>((
                update.is_err(),
                hide_actor.is_err(),
                delete.is_err(),
            ))
        })
        .await
        .unwrap();
    assert_eq!(
        tampered,
        (true, true, true),
        "update, update, delete refused"
    );
    let log = app
        .api(
            Method::GET,
            "/api/v1/admin/audit-log",
            Some(&admin.access_token),
            None,
        )
        .await
        .json();
    assert_eq!(log["entries"][0]["reason"], "Forkert CVR");

    // Deleting the admin's account still works: the entries stay, with the
    // address and without the link to the deleted account.
    let deleted = app
        .api(
            Method::DELETE,
            "/api/v1/me",
            Some(&admin.access_token),
            Some(json!({ "password": socialbid_tests::PASSWORD })),
        )
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT, "{}", deleted.text());
    let other_admin = app.admin("admin2@socialbid.dk").await;
    let log = app
        .api(
            Method::GET,
            "/api/v1/admin/audit-log?action=profile.reject",
            Some(&other_admin.access_token),
            None,
        )
        .await
        .json();
    assert_eq!(log["entries"][0]["actor_id"], Value::Null);
    assert_eq!(log["entries"][0]["actor_email"], "admin@socialbid.dk");
    assert_eq!(log["entries"][0]["reason"], "Forkert CVR");
}

async fn the_moderation_pages_are_for_admins(backend: Backend) {
    let app = TestApp::new(backend).await;
    let admin = app.admin("admin@socialbid.dk").await;
    let officer = app
        .approved_officer("mette@aarhus.dk", "55133018", &admin)
        .await;
    let anna = app.entrepreneur("anna@cafe-lyst.dk").await;
    let id = app.organisation(&anna, "Café Lyst ApS", &cvr(1)).await;
    let pages = [
        "/admin/profiles".to_owned(),
        format!("/admin/profiles/{id}"),
        "/admin/audit-log".to_owned(),
    ];
    for path in &pages {
        let anonymous = app.page(Method::GET, path, "", None).await;
        assert_eq!(anonymous.status, StatusCode::SEE_OTHER, "{path}");
        assert!(
            anonymous
                .header("location")
                .unwrap()
                .starts_with("/login?next=")
        );
        for person in [&anna, &officer] {
            let refused = app
                .page(
                    Method::GET,
                    path,
                    &format!("sb_access={}", person.access_token),
                    None,
                )
                .await;
            assert_eq!(refused.status, StatusCode::FORBIDDEN, "{path}");
        }
        let shown = app
            .page(
                Method::GET,
                path,
                &format!("sb_access={}", admin.access_token),
                None,
            )
            .await;
        assert_eq!(shown.status, StatusCode::OK, "{path}");
    }
    // A decision form: CSRF token required; a rejection without a reason
    // comes back with the error linked to its own field.
    let jar = format!("sb_access={}", admin.access_token);
    let csrf = form_token_of(&app, &format!("/admin/profiles/{id}"), &jar).await;
    let no_token = app
        .page(
            Method::POST,
            &format!("/admin/profiles/{id}/reject"),
            &jar,
            Some(&[("reason", "Nej")]),
        )
        .await;
    assert_eq!(no_token.status, StatusCode::FORBIDDEN);
    let empty = app
        .page(
            Method::POST,
            &format!("/admin/profiles/{id}/reject"),
            &jar,
            Some(&[("csrf_token", &csrf), ("reason", " ")]),
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = empty.text();
    assert!(html.contains("<title>Fejl: "));
    assert!(
        html.contains("href=\"#reason-rejected\""),
        "the summary links to the field"
    );
    assert!(html.contains("Indtast en begrundelse"));
    // An entrepreneur's form post is refused like the API call.
    let jar_anna = format!("sb_access={}", anna.access_token);
    let csrf_anna = form_token_of(&app, "/account", &jar_anna).await;
    let refused = app
        .page(
            Method::POST,
            &format!("/admin/profiles/{id}/approve"),
            &jar_anna,
            Some(&[("csrf_token", &csrf_anna)]),
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert_eq!(state_of(&app, &anna).await["state"], "pending");
    let approved = app
        .page(
            Method::POST,
            &format!("/admin/profiles/{id}/approve"),
            &jar,
            Some(&[("csrf_token", &csrf)]),
        )
        .await;
    assert_eq!(
        approved.status,
        StatusCode::SEE_OTHER,
        "{}",
        approved.text()
    );
    assert_eq!(state_of(&app, &anna).await["state"], "approved");
    // The mail these decisions and questions queued goes out.
    app.run_jobs().await;
}

/// The form token of the page at `path`, seen with `cookies`.
async fn form_token_of(app: &TestApp, path: &str, cookies: &str) -> String {
    let page = app.page(Method::GET, path, cookies, None).await;
    form_token(&page.text()).unwrap_or_else(|| panic!("{path} has a form"))
}
