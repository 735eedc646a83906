//! Profile rules through the router, on both databases: CVR numbers, one
//! profile per CVR, the directory's filters along the CPV and NUTS trees,
//! what the public sees, invitations and leaving, flags, deleting, the
//! export; and the pages a browser without JavaScript uses.

use axum::http::{Method, StatusCode};
use serde_json::json;
use socialbid_tests::{Backend, Jar, PASSWORD, TestApp, cvr, on_both_databases, profile_body};

on_both_databases!(
    an_invalid_cvr_is_refused_saying_why,
    one_profile_per_cvr_number,
    every_field_rule_names_the_field_and_the_rule,
    the_directory_filters_along_the_cpv_and_nuts_trees,
    pending_rejected_and_suspended_profiles_are_invisible,
    invitations_are_single_use_and_for_the_invited_address,
    the_last_member_cannot_leave,
    a_flag_needs_a_reason_and_joins_the_queue,
    deleting_removes_the_organisation_at_once_but_keeps_the_audit_log,
    the_export_includes_the_organisation,
    register_an_organisation_with_the_form,
    the_directory_page_filters_with_chips_count_and_pages,
    the_demo_has_enterprises_in_every_state_and_runs_twice,
);

async fn an_invalid_cvr_is_refused_saying_why(backend: Backend) {
    let app = TestApp::new(backend).await;
    let anna = app.entrepreneur("anna@cafe-lyst.dk").await;
    for (typed, rule, da, en) in [
        ("1234567", "format", "8 cifre", "8 digits"),
        ("1234567a", "format", "8 cifre", "8 digits"),
        ("12345678", "checksum", "modulus 11", "modulus 11"),
        (
            "",
            "required",
            "Indtast CVR-nummeret",
            "Enter the CVR number",
        ),
    ] {
        for (lang, words) in [("da", da), ("en", en)] {
            let response = app
                .api_in(
                    Method::POST,
                    "/api/v1/profiles",
                    Some(&anna.access_token),
                    Some(profile_body("Café Lyst ApS", typed)),
                    lang,
                )
                .await;
            assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{typed}");
            let field = &response.json()["error"]["fields"][0];
            assert_eq!(field["field"], "cvr", "{typed}");
            assert_eq!(field["code"], rule, "{typed}");
            assert!(
                field["message"].as_str().unwrap().contains(words),
                "{typed} ({lang}): {field}"
            );
        }
    }
    // Spaces between digit groups are fine and stored without them.
    let mut spaced = cvr(1);
    spaced.insert(4, ' ');
    let created = app
        .api(
            Method::POST,
            "/api/v1/profiles",
            Some(&anna.access_token),
            Some(profile_body("Café Lyst ApS", &spaced)),
        )
        .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.text());
    assert_eq!(created.json()["profile"]["cvr"], cvr(1));
}

async fn one_profile_per_cvr_number(backend: Backend) {
    let app = TestApp::new(backend).await;
    let anna = app.entrepreneur("anna@cafe-lyst.dk").await;
    let carl = app.entrepreneur("carl@groen.dk").await;
    app.organisation(&anna, "Café Lyst ApS", &cvr(1)).await;
    let second = app
        .api(
            Method::POST,
            "/api/v1/profiles",
            Some(&carl.access_token),
            Some(profile_body("Café Lyst kopi", &cvr(1))),
        )
        .await;
    assert_eq!(second.status, StatusCode::CONFLICT);
    assert_eq!(second.json()["error"]["fields"][0]["field"], "cvr");
    assert_eq!(second.json()["error"]["fields"][0]["code"], "taken");
    // Nor can an existing profile move onto a CVR number that is taken.
    let carls = app.organisation(&carl, "Grøn Omstilling", &cvr(2)).await;
    let moved = app
        .api(
            Method::PUT,
            &format!("/api/v1/profiles/{carls}"),
            Some(&carl.access_token),
            Some(profile_body("Grøn Omstilling", &cvr(1))),
        )
        .await;
    assert_eq!(moved.status, StatusCode::CONFLICT, "{}", moved.text());
}

async fn every_field_rule_names_the_field_and_the_rule(backend: Backend) {
    let app = TestApp::new(backend).await;
    let anna = app.entrepreneur("anna@cafe-lyst.dk").await;
    let post = |body: serde_json::Value| {
        let app = &app;
        let token = anna.access_token.clone();
        async move {
            let response = app
                .api(Method::POST, "/api/v1/profiles", Some(&token), Some(body))
                .await;
            assert_eq!(
                response.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{}",
                response.text()
            );
            response.json()["error"]["fields"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| {
                    format!(
                        "{}.{}",
                        f["field"].as_str().unwrap(),
                        f["code"].as_str().unwrap()
                    )
                })
                .collect::<Vec<_>>()
        }
    };
    let empty = post(json!({})).await;
    for expected in [
        "organisation_name.required",
        "cvr.required",
        "legal_form.required",
        "employees.required",
        "target_group_employees.required",
        "mission.required",
        "cpv.required",
        "nuts.required",
        "social_objectives.required",
        "contact_email.required",
    ] {
        assert!(
            empty.contains(&expected.to_owned()),
            "{expected} in {empty:?}"
        );
    }
    let cvr1 = cvr(1);
    let cases: Vec<(&str, serde_json::Value, &str)> = vec![
        ("cpv", json!(["85399999"]), "cpv.unknown"),
        ("cpv", json!(["social"]), "cpv.unknown"),
        ("nuts", json!(["UKI"]), "nuts.unknown"),
        (
            "social_objectives",
            json!(["happiness"]),
            "social_objectives.unknown",
        ),
        (
            "target_group_employees",
            json!(13),
            "target_group_employees.more_than_employees",
        ),
        ("founded_year", json!(1700), "founded_year.range"),
        (
            "rsv_registered_on",
            json!(null),
            "rsv_registered_on.required",
        ),
        (
            "rsv_registered_on",
            json!("2099-01-01"),
            "rsv_registered_on.future",
        ),
        (
            "rsv_registered_on",
            json!("2019-02-30"),
            "rsv_registered_on.invalid",
        ),
        (
            "res_ws_justification",
            json!(""),
            "res_ws_justification.required",
        ),
        ("website", json!("javascript:alert(1)"), "website.invalid"),
        (
            "contact_email",
            json!("ikke en adresse"),
            "contact_email.invalid",
        ),
        ("legal_form", json!("kommune"), "legal_form.invalid"),
        (
            "max_contract_value",
            json!(-1),
            "max_contract_value.negative",
        ),
        ("mission", json!("x".repeat(2001)), "mission.too_long"),
    ];
    for (field, value, expected) in cases {
        let mut body = profile_body("Café Lyst ApS", &cvr1);
        body[field] = value;
        let errors = post(body).await;
        assert_eq!(errors, vec![expected.to_owned()], "{field}");
    }
    // Unknown fields are refused, not ignored.
    let mut body = profile_body("Café Lyst ApS", &cvr1);
    body["verified"] = json!(true);
    let response = app
        .api(
            Method::POST,
            "/api/v1/profiles",
            Some(&anna.access_token),
            Some(body),
        )
        .await;
    assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(response.error_code(), "invalid_body");
}

async fn the_directory_filters_along_the_cpv_and_nuts_trees(backend: Backend) {
    let app = TestApp::new(backend).await;
    let admin = app.admin("admin@socialbid.dk").await;
    let mut n = 0;
    let mut add = async |name: &str,
                         cpv: &[&str],
                         nuts: &[&str],
                         objective: &str,
                         rsv: bool,
                         art20: bool,
                         art77: bool| {
        n += 1;
        let member = app.entrepreneur(&format!("m{n}@example.dk")).await;
        let mut body = profile_body(name, &cvr(n));
        body["cpv"] = json!(cpv);
        body["nuts"] = json!(nuts);
        body["social_objectives"] = json!([objective]);
        body["rsv_registered"] = json!(rsv);
        body["reserved_res_ws"] = json!(art20);
        body["reserved_res_pub_ser"] = json!(art77);
        body["res_pub_ser_justification"] = json!(if art77 {
            "Overskuddet geninvesteres"
        } else {
            ""
        });
        app.approved_organisation(&member, &admin, body).await;
    };
    // A: all social work, in the whole Capital Region.
    add("A", &["853"], &["DK01"], "opp", true, true, false).await;
    // B: social work with accommodation, in the city of Copenhagen only.
    add("B", &["85311000"], &["DK011"], "opp", false, false, true).await;
    // C: cleaning, in North Jutland.
    add(
        "C",
        &["90910000"],
        &["DK05"],
        "work-cond",
        false,
        false,
        false,
    )
    .await;
    // D: everything in health and social work, in all of Denmark.
    add("D", &["85000000"], &["DK"], "acc-all", true, false, false).await;

    // CPV: a broad filter finds the narrower codes under it...
    assert_eq!(app.directory_names("cpv=853").await, ["A", "B", "D"]);
    // ...and a narrow filter finds the suppliers of the broader codes above it.
    assert_eq!(app.directory_names("cpv=85311000").await, ["A", "B", "D"]);
    assert_eq!(app.directory_names("cpv=85311000-2").await, ["A", "B", "D"]);
    assert_eq!(app.directory_names("cpv=85312000").await, ["A", "D"]);
    assert_eq!(app.directory_names("cpv=85").await, ["A", "B", "D"]);
    assert_eq!(app.directory_names("cpv=909").await, ["C"]);
    assert_eq!(
        app.directory_names("cpv=45000000").await,
        Vec::<String>::new()
    );
    // NUTS: a region finds those serving a part of it, a part finds those
    // serving the region (or the country) around it.
    assert_eq!(app.directory_names("nuts=DK01").await, ["A", "B", "D"]);
    assert_eq!(app.directory_names("nuts=DK011").await, ["A", "B", "D"]);
    assert_eq!(app.directory_names("nuts=DK012").await, ["A", "D"]);
    assert_eq!(app.directory_names("nuts=dk050").await, ["C", "D"]);
    assert_eq!(app.directory_names("nuts=DK").await, ["A", "B", "C", "D"]);
    // Objective, RSV, reserved eligibility, and all together.
    assert_eq!(app.directory_names("objective=opp").await, ["A", "B"]);
    assert_eq!(app.directory_names("rsv=yes").await, ["A", "D"]);
    assert_eq!(app.directory_names("reserved=res-ws").await, ["A"]);
    assert_eq!(app.directory_names("reserved=res-pub-ser").await, ["B"]);
    assert_eq!(
        app.directory_names("cpv=85311000&nuts=DK012&rsv=yes").await,
        ["A", "D"]
    );
    // A filter that is not a code says so.
    for (query, field) in [
        ("cpv=rengøring", "cpv"),
        // Outside the EU and EEA: the United Kingdom's London.
        ("nuts=UKI", "nuts"),
        ("reserved=all", "reserved"),
    ] {
        let response = app
            .api(
                Method::GET,
                &format!("/api/v1/profiles?{query}"),
                None,
                None,
            )
            .await;
        assert_eq!(response.status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert_eq!(response.json()["error"]["fields"][0]["field"], field);
    }
    // The public profile: the codes, never the members.
    let list = app
        .api(Method::GET, "/api/v1/profiles?cpv=909", None, None)
        .await
        .json();
    assert_eq!(list["total"], 1);
    let id = list["items"][0]["id"].as_i64().unwrap();
    let profile = app
        .api(Method::GET, &format!("/api/v1/profiles/{id}"), None, None)
        .await
        .json();
    assert_eq!(profile["cpv"], json!(["90910000"]));
    assert_eq!(profile["nuts"], json!(["DK05"]));
    assert!(!profile.to_string().contains("m3@example.dk"));
}

async fn pending_rejected_and_suspended_profiles_are_invisible(backend: Backend) {
    let app = TestApp::new(backend).await;
    let admin = app.admin("admin@socialbid.dk").await;
    let pending_member = app.entrepreneur("p@example.dk").await;
    let rejected_member = app.entrepreneur("r@example.dk").await;
    let suspended_member = app.entrepreneur("s@example.dk").await;
    let visible_member = app.entrepreneur("v@example.dk").await;
    let pending = app
        .organisation(&pending_member, "Afventer ApS", &cvr(1))
        .await;
    let rejected = app
        .organisation(&rejected_member, "Afvist ApS", &cvr(2))
        .await;
    app.decide(&admin, rejected, "reject", Some("Nej")).await;
    let suspended = app
        .approved_organisation(
            &suspended_member,
            &admin,
            profile_body("Suspenderet ApS", &cvr(3)),
        )
        .await;
    app.decide(&admin, suspended, "suspend", Some("Snyd")).await;
    app.approved_organisation(&visible_member, &admin, profile_body("Synlig ApS", &cvr(4)))
        .await;

    assert_eq!(app.directory_names("").await, ["Synlig ApS"]);
    assert_eq!(
        app.directory_names("cpv=853&nuts=DK01").await,
        ["Synlig ApS"]
    );
    for id in [pending, rejected, suspended] {
        for token in [
            None,
            Some(visible_member.access_token.as_str()),
            Some(admin.access_token.as_str()),
        ] {
            let api = app
                .api(Method::GET, &format!("/api/v1/profiles/{id}"), token, None)
                .await;
            assert_eq!(api.status, StatusCode::NOT_FOUND, "{id}");
        }
        let page = app
            .page(Method::GET, &format!("/profiles/{id}"), "", None)
            .await;
        assert_eq!(page.status, StatusCode::NOT_FOUND);
        // Nor can it be flagged: for the public it does not exist.
        let flag = app
            .api(
                Method::POST,
                &format!("/api/v1/profiles/{id}/flags"),
                Some(&visible_member.access_token),
                Some(json!({ "reason": "Mærkeligt" })),
            )
            .await;
        assert_eq!(flag.status, StatusCode::NOT_FOUND);
    }
    let directory = app.page(Method::GET, "/profiles", "", None).await.text();
    assert!(directory.contains("Synlig ApS"));
    for hidden in ["Afventer ApS", "Afvist ApS", "Suspenderet ApS"] {
        assert!(!directory.contains(hidden), "{hidden}");
    }
}

async fn invitations_are_single_use_and_for_the_invited_address(backend: Backend) {
    let app = TestApp::new(backend).await;
    let anna = app.entrepreneur("anna@cafe-lyst.dk").await;
    let id = app.organisation(&anna, "Café Lyst ApS", &cvr(1)).await;
    let invite = |email: &'static str| {
        let app = &app;
        let token = anna.access_token.clone();
        async move {
            app.api(
                Method::POST,
                &format!("/api/v1/profiles/{id}/invitations"),
                Some(&token),
                Some(json!({ "email": email })),
            )
            .await
        }
    };
    assert_eq!(invite("Bo@Cafe-Lyst.dk").await.status, StatusCode::ACCEPTED);
    let bad = invite("ikke en adresse").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json()["error"]["fields"][0]["field"], "email");
    let own = invite("anna@cafe-lyst.dk").await;
    assert_eq!(own.status, StatusCode::CONFLICT, "already a member");
    let token = app
        .link_token("bo@cafe-lyst.dk", "/invitations/accept")
        .await;
    let mail = app.mails_to("bo@cafe-lyst.dk").pop().unwrap();
    assert!(mail.text.contains("Café Lyst ApS"), "{}", mail.text);
    assert!(mail.text.contains("Anna Jensen"), "{}", mail.text);

    let accept = |person: &socialbid_tests::Person, token: &str| {
        let app = &app;
        let access = person.access_token.clone();
        let token = token.to_owned();
        async move {
            app.api(
                Method::POST,
                "/api/v1/profiles/invitations/accept",
                Some(&access),
                Some(json!({ "token": token })),
            )
            .await
        }
    };
    // Someone else who got hold of the link cannot use it.
    let eve = app.entrepreneur("eve@example.dk").await;
    let stolen = accept(&eve, &token).await;
    assert_eq!(stolen.status, StatusCode::FORBIDDEN);
    assert_eq!(stolen.error_code(), "invitation_other_email");
    assert_eq!(
        accept(&eve, "no-such-token").await.status,
        StatusCode::NOT_FOUND
    );
    let bo = app.entrepreneur("bo@cafe-lyst.dk").await;
    let joined = accept(&bo, &token).await;
    assert_eq!(joined.status, StatusCode::OK, "{}", joined.text());
    assert_eq!(joined.json()["organisation_id"], id);
    let again = accept(&bo, &token).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert_eq!(again.error_code(), "link_used");
    let members = app
        .api(
            Method::GET,
            &format!("/api/v1/profiles/{id}/members"),
            Some(&bo.access_token),
            None,
        )
        .await
        .json();
    assert_eq!(members["members"].as_array().unwrap().len(), 2);

    // A withdrawn invitation's link stops working; only members withdraw.
    invite("dorte@cafe-lyst.dk").await;
    let withdrawn = app
        .link_token("dorte@cafe-lyst.dk", "/invitations/accept")
        .await;
    let open = app
        .api(
            Method::GET,
            &format!("/api/v1/profiles/{id}/members"),
            Some(&anna.access_token),
            None,
        )
        .await
        .json();
    let dorte = open["invitations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["email"] == "dorte@cafe-lyst.dk")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let by_eve = app
        .api(
            Method::DELETE,
            &format!("/api/v1/profiles/{id}/invitations/{dorte}"),
            Some(&eve.access_token),
            None,
        )
        .await;
    assert_eq!(by_eve.status, StatusCode::FORBIDDEN);
    let revoked = app
        .api(
            Method::DELETE,
            &format!("/api/v1/profiles/{id}/invitations/{dorte}"),
            Some(&bo.access_token),
            None,
        )
        .await;
    assert_eq!(revoked.status, StatusCode::NO_CONTENT);
    let dorte_person = app.entrepreneur("dorte@cafe-lyst.dk").await;
    assert_eq!(
        accept(&dorte_person, &withdrawn).await.status,
        StatusCode::NOT_FOUND
    );

    // An invitation expires after a week.
    invite("cille@cafe-lyst.dk").await;
    let late = app
        .link_token("cille@cafe-lyst.dk", "/invitations/accept")
        .await;
    let cille = app.entrepreneur("cille@cafe-lyst.dk").await;
    app.state.clock.advance(chrono::Duration::days(8));
    let cille = app.login(&cille.email, PASSWORD).await;
    let expired = accept(&cille, &late).await;
    assert_eq!(expired.status, StatusCode::BAD_REQUEST);
    assert_eq!(expired.error_code(), "link_expired");
}

async fn the_last_member_cannot_leave(backend: Backend) {
    let app = TestApp::new(backend).await;
    let anna = app.entrepreneur("anna@cafe-lyst.dk").await;
    let id = app.organisation(&anna, "Café Lyst ApS", &cvr(1)).await;
    let leave = |token: String| {
        let app = &app;
        async move {
            app.api(
                Method::POST,
                &format!("/api/v1/profiles/{id}/leave"),
                Some(&token),
                None,
            )
            .await
        }
    };
    let refused = leave(anna.access_token.clone()).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert_eq!(refused.error_code(), "last_member");
    app.api(
        Method::POST,
        &format!("/api/v1/profiles/{id}/invitations"),
        Some(&anna.access_token),
        Some(json!({ "email": "bo@cafe-lyst.dk" })),
    )
    .await;
    let token = app
        .link_token("bo@cafe-lyst.dk", "/invitations/accept")
        .await;
    let bo = app.entrepreneur("bo@cafe-lyst.dk").await;
    app.api(
        Method::POST,
        "/api/v1/profiles/invitations/accept",
        Some(&bo.access_token),
        Some(json!({ "token": token })),
    )
    .await;
    assert_eq!(
        leave(anna.access_token.clone()).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        app.api(
            Method::GET,
            "/api/v1/profiles/mine",
            Some(&anna.access_token),
            None
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    // Now Bo is the last one.
    assert_eq!(
        leave(bo.access_token.clone()).await.status,
        StatusCode::CONFLICT
    );
}

async fn a_flag_needs_a_reason_and_joins_the_queue(backend: Backend) {
    let app = TestApp::new(backend).await;
    let admin = app.admin("admin@socialbid.dk").await;
    let anna = app.entrepreneur("anna@cafe-lyst.dk").await;
    let officer = app.pending_officer("mette@aarhus.dk", "55133018").await;
    let id = app
        .approved_organisation(&anna, &admin, profile_body("Café Lyst ApS", &cvr(1)))
        .await;
    for body in [json!({ "reason": "" }), json!({ "reason": "  \n " })] {
        let refused = app
            .api(
                Method::POST,
                &format!("/api/v1/profiles/{id}/flags"),
                Some(&officer.access_token),
                Some(body),
            )
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(refused.json()["error"]["fields"][0]["field"], "flag_reason");
        assert_eq!(refused.json()["error"]["fields"][0]["code"], "required");
    }
    let missing = app
        .api(
            Method::POST,
            &format!("/api/v1/profiles/{id}/flags"),
            Some(&officer.access_token),
            Some(json!({})),
        )
        .await;
    assert_eq!(
        missing.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the reason is required in the body"
    );
    let flagged = app
        .api(
            Method::POST,
            &format!("/api/v1/profiles/{id}/flags"),
            Some(&officer.access_token),
            Some(json!({ "reason": "CVR-nummeret hører til en anden virksomhed" })),
        )
        .await;
    assert_eq!(flagged.status, StatusCode::CREATED);
    let flag = flagged.json()["id"].as_i64().unwrap();
    let queue = app
        .api(
            Method::GET,
            "/api/v1/admin/profiles",
            Some(&admin.access_token),
            None,
        )
        .await
        .json();
    assert_eq!(queue["flags"][0]["organisation_id"], id);
    assert_eq!(
        queue["flags"][0]["reason"],
        "CVR-nummeret hører til en anden virksomhed"
    );
    assert_eq!(queue["flags"][0]["reporter_email"], "mette@aarhus.dk");
    let resolve = |note: &'static str| {
        let app = &app;
        let token = admin.access_token.clone();
        async move {
            app.api(
                Method::POST,
                &format!("/api/v1/admin/flags/{flag}/resolve"),
                Some(&token),
                Some(json!({ "note": note })),
            )
            .await
        }
    };
    assert_eq!(
        resolve("Tjekket i CVR: det passer").await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(resolve("Igen").await.status, StatusCode::CONFLICT);
    let queue = app
        .api(
            Method::GET,
            "/api/v1/admin/profiles",
            Some(&admin.access_token),
            None,
        )
        .await
        .json();
    assert_eq!(queue["flags"], json!([]));
    let log = app
        .api(
            Method::GET,
            "/api/v1/admin/audit-log?action=flag.resolve",
            Some(&admin.access_token),
            None,
        )
        .await
        .json();
    assert_eq!(log["entries"][0]["reason"], "Tjekket i CVR: det passer");
    assert_eq!(log["entries"][0]["subject_id"], flag);
}

async fn deleting_removes_the_organisation_at_once_but_keeps_the_audit_log(backend: Backend) {
    let app = TestApp::new(backend).await;
    let admin = app.admin("admin@socialbid.dk").await;
    let anna = app.entrepreneur("anna@cafe-lyst.dk").await;
    let id = app
        .approved_organisation(&anna, &admin, profile_body("Café Lyst ApS", &cvr(1)))
        .await;
    assert_eq!(app.directory_names("").await, ["Café Lyst ApS"]);
    let deleted = app
        .api(
            Method::DELETE,
            &format!("/api/v1/profiles/{id}"),
            Some(&anna.access_token),
            None,
        )
        .await;
    assert_eq!(deleted.status, StatusCode::NO_CONTENT);
    assert!(app.directory_names("").await.is_empty());
    let count = |table: &'static str| {
        let app = &app;
        async move {
            app.state
                .db
                .run(move |conn| {
                    use diesel::prelude::*;
                    use socialbid::db::schema::*;
                    let n: i64 = match table {
                        "organisations" => organisations::table.count().get_result(conn)?,
                        "organisation_members" => {
                            organisation_members::table.count().get_result(conn)?
                        }
                        "organisation_codes" => {
                            organisation_codes::table.count().get_result(conn)?
                        }
                        _ => audit_log::table
                            .filter(audit_log::subject_type.eq("organisation"))
                            .filter(audit_log::subject_id.eq(id))
                            .count()
                            .get_result(conn)?,
                    };
                    Ok::<_, socialbid::error::AppError>(n)
                })
                .await
                .unwrap()
        }
    };
    assert_eq!(count("organisations").await, 0);
    assert_eq!(count("organisation_members").await, 0);
    assert_eq!(count("organisation_codes").await, 0);
    assert_eq!(count("audit").await, 3, "submit, approve, delete");
    // The CVR number is free again.
    app.organisation(&anna, "Café Lyst ApS", &cvr(1)).await;

    // Deleting the account of the last member deletes the organisation too.
    let response = app
        .api(
            Method::DELETE,
            "/api/v1/me",
            Some(&anna.access_token),
            Some(json!({ "password": PASSWORD })),
        )
        .await;
    assert_eq!(response.status, StatusCode::NO_CONTENT);
    assert_eq!(count("organisations").await, 0);
    let admin_view = app
        .api(
            Method::GET,
            "/api/v1/admin/audit-log?action=profile.delete",
            Some(&admin.access_token),
            None,
        )
        .await
        .json();
    assert_eq!(
        admin_view["total"], 2,
        "both deletions are in the audit log"
    );
    assert_eq!(admin_view["entries"][0]["reason"], "account_deleted");
    assert_eq!(admin_view["entries"][0]["actor_email"], "anna@cafe-lyst.dk");
    assert_eq!(
        admin_view["entries"][0]["actor_id"],
        serde_json::Value::Null
    );
}

async fn the_export_includes_the_organisation(backend: Backend) {
    let app = TestApp::new(backend).await;
    let anna = app.entrepreneur("anna@cafe-lyst.dk").await;
    app.organisation(&anna, "Café Lyst ApS", &cvr(1)).await;
    let export = app.data_export(&anna.access_token).await;
    assert_eq!(
        export["organisation"]["profile"]["organisation_name"],
        "Café Lyst ApS"
    );
    assert_eq!(export["organisation"]["state"], "pending");
    let carl = app.entrepreneur("carl@groen.dk").await;
    let export = app.data_export(&carl.access_token).await;
    assert_eq!(export["organisation"], serde_json::Value::Null);
}

async fn register_an_organisation_with_the_form(backend: Backend) {
    let app = TestApp::new(backend).await;
    let anna = app.entrepreneur("anna@cafe-lyst.dk").await;
    let mut jar = Jar::logged_in(&app, &anna.email).await;
    let mine = app
        .page(Method::GET, "/organisation", &jar.header(), None)
        .await;
    assert!(mine.text().contains("href=\"/organisation/new\""));
    let form = app
        .page(Method::GET, "/organisation/new", &jar.header(), None)
        .await;
    assert_eq!(form.status, StatusCode::OK);
    jar.take(&form);
    let csrf = jar.csrf();

    // Sent empty: every problem in a summary, linked to its field.
    let empty = app
        .page(
            Method::POST,
            "/organisation/new",
            &jar.header(),
            Some(&[("csrf_token", &csrf)]),
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = empty.text();
    assert!(
        html.contains("<title>Fejl: "),
        "the title says there are errors"
    );
    for anchor in [
        "#organisation_name",
        "#cvr",
        "#cpv",
        "#nuts",
        "#social_objectives",
        "#contact_email",
    ] {
        assert!(html.contains(&format!("href=\"{anchor}\"")), "{anchor}");
    }
    assert!(html.contains("Vælg mindst én ydelse (CPV-kode)"));

    // The CPV search works without JavaScript and keeps what was typed.
    let searched = app
        .page(
            Method::POST,
            "/organisation/new",
            &jar.header(),
            Some(&[
                ("csrf_token", &csrf),
                ("organisation_name", "Café Lyst ApS"),
                ("cpv_query", "853"),
                ("intent", "search_cpv"),
            ]),
        )
        .await;
    assert_eq!(searched.status, StatusCode::OK);
    let html = searched.text();
    assert!(html.contains("value=\"Café Lyst ApS\""), "input kept");
    assert!(
        html.contains("value=\"85300000\""),
        "the broadest code is offered"
    );
    assert!(html.contains("value=\"85311000\""));

    let cvr1 = cvr(1);
    let fields: Vec<(&str, &str)> = vec![
        ("csrf_token", &csrf),
        ("organisation_name", "Café Lyst ApS"),
        ("cvr", &cvr1),
        ("legal_form", "aps"),
        ("rsv_registered", "yes"),
        ("rsv_day", "15"),
        ("rsv_month", "3"),
        ("rsv_year", "2019"),
        ("founded_year", "2015"),
        ("employees", "12"),
        ("target_group_employees", "7"),
        ("mission", "Vi træner unge til job i køkken og café."),
        ("cpv", "85300000"),
        ("cpv", "55500000"),
        ("nuts", "DK01"),
        ("nuts", "DK021"),
        ("social_objectives", "opp"),
        ("max_contract_value", "2.000.000"),
        ("consortium", "yes"),
        (
            "references",
            "Kantine for Aarhus Kommune\nCatering for Region Midtjylland",
        ),
        ("contact_email", "kontakt@cafe-lyst.dk"),
        ("intent", "save"),
    ];
    let saved = app
        .page(
            Method::POST,
            "/organisation/new",
            &jar.header(),
            Some(&fields),
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.text());
    assert_eq!(
        saved.header("location").as_deref(),
        Some("/organisation?notice=profile_submitted")
    );
    let mine = app
        .api(
            Method::GET,
            "/api/v1/profiles/mine",
            Some(&anna.access_token),
            None,
        )
        .await
        .json();
    let profile = &mine["profile"];
    assert_eq!(profile["cpv"], json!(["55500000", "85300000"]));
    assert_eq!(profile["nuts"], json!(["DK01", "DK021"]));
    assert_eq!(profile["rsv_registered_on"], "2019-03-15");
    assert_eq!(profile["max_contract_value"], 2_000_000);
    assert_eq!(profile["references"].as_array().unwrap().len(), 2);
    let page = app
        .page(
            Method::GET,
            "/organisation?notice=profile_submitted",
            &jar.header(),
            None,
        )
        .await
        .text();
    assert!(
        page.contains("Afventer godkendelse"),
        "the state as a text tag"
    );
    assert!(page.contains("Profilen er sendt til godkendelse"));
}

async fn the_directory_page_filters_with_chips_count_and_pages(backend: Backend) {
    let app = TestApp::new(backend).await;
    let admin = app.admin("admin@socialbid.dk").await;
    for n in 1..=23 {
        let member = app.entrepreneur(&format!("m{n}@example.dk")).await;
        app.approved_organisation(
            &member,
            &admin,
            profile_body(&format!("Virksomhed {n:02}"), &cvr(n)),
        )
        .await;
    }
    let first = app.page(Method::GET, "/profiles?cpv=853", "", None).await;
    assert_eq!(first.status, StatusCode::OK);
    // Attribute values as a browser reads them (minijinja escapes `/`).
    let html = first.text().replace("&#x2f;", "/").replace("&amp;", "&");
    assert!(html.contains("23 virksomheder"), "the count");
    assert!(html.contains("(side 1 af 2)"), "the page in the title");
    assert!(html.contains("aria-current=\"page\""));
    assert!(
        html.contains("href=\"/profiles?cpv=853&page=2\""),
        "pages keep the filter"
    );
    assert!(
        html.contains("href=\"/profiles\""),
        "a chip removes the filter"
    );
    assert!(html.contains("Virksomhed 01") && !html.contains("Virksomhed 21"));
    let second = app
        .page(Method::GET, "/profiles?cpv=853&page=2", "", None)
        .await
        .text();
    assert!(second.contains("Virksomhed 21") && second.contains("Virksomhed 23"));
    let none = app
        .page(Method::GET, "/profiles?cpv=909", "", None)
        .await
        .text();
    assert!(none.contains("0 virksomheder"));
    assert!(
        none.contains("Prøv en bredere CPV-kode"),
        "the empty state helps"
    );
    let bad = app
        .page(Method::GET, "/profiles?cpv=rengøring", "", None)
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.text().contains("CPV-koden rengøring findes ikke"));
}

async fn the_demo_has_enterprises_in_every_state_and_runs_twice(backend: Backend) {
    let app = TestApp::new(backend).await;
    socialbid::demo::run(&app.state).await.expect("demo");
    let public = app
        .api(Method::GET, "/api/v1/profiles", None, None)
        .await
        .json();
    let first_total = public["total"].as_i64().unwrap();
    assert!(first_total >= 20, "{public}");
    socialbid::demo::run(&app.state).await.expect("demo again");
    let again = app
        .api(Method::GET, "/api/v1/profiles", None, None)
        .await
        .json();
    assert_eq!(
        again["total"].as_i64().unwrap(),
        first_total,
        "nothing added twice"
    );
    let states = app
        .state
        .db
        .run(|conn| {
            use diesel::prelude::*;
            use socialbid::db::schema::organisations;
            let rows: Vec<(String, Option<chrono::NaiveDateTime>, Option<String>)> =
                organisations::table
                    .select((
                        organisations::review_state,
                        organisations::suspended_at,
                        organisations::approved_facts,
                    ))
                    .load(conn)?;
            Ok::<_, socialbid::error::AppError>(rows)
        })
        .await
        .unwrap();
    assert!(states.len() >= 30);
    for state in ["pending", "approved", "rejected", "changes_requested"] {
        assert!(states.iter().any(|(s, _, _)| s == state), "{state}");
    }
    assert!(
        states.iter().any(|(_, suspended, _)| suspended.is_some()),
        "suspended"
    );
    assert!(
        states
            .iter()
            .any(|(s, _, facts)| s == "pending" && facts.is_some()),
        "an approved profile with a change waiting"
    );
    // The directory filters find demo enterprises along the trees.
    assert!(!app.directory_names("cpv=853&nuts=DK").await.is_empty());
    let admin = app.admin("admin2@socialbid.dk").await;
    let queue = app
        .api(
            Method::GET,
            "/api/v1/admin/profiles",
            Some(&admin.access_token),
            None,
        )
        .await
        .json();
    assert!(
        !queue["flags"].as_array().unwrap().is_empty(),
        "a flag waits"
    );
    // The mail these decisions and questions queued goes out.
    app.run_jobs().await;
}
