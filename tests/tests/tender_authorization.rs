//! Who may call which tender endpoint: every endpoint tried by anonymous,
//! an entrepreneur, an officer of another authority, an officer of the
//! owning authority and an admin, on a draft and on a published tender.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};
use socialbid_tests::{
    AARHUS_CVR, Backend, KOBENHAVN_CVR, Person, TenderBuilder, TestApp, on_both_databases,
};

on_both_databases!(every_tender_endpoint_checks_who_calls);

#[derive(Clone, Copy, Debug, PartialEq)]
enum Who {
    Anonymous,
    Entrepreneur,
    OtherOfficer,
    Owner,
    Admin,
}

const EVERYONE: [Who; 5] = [
    Who::Anonymous,
    Who::Entrepreneur,
    Who::OtherOfficer,
    Who::Owner,
    Who::Admin,
];

struct Cast {
    entrepreneur: Person,
    other: Person,
    owner: Person,
    admin: Person,
}

impl Cast {
    fn token(&self, who: Who) -> Option<&str> {
        match who {
            Who::Anonymous => None,
            Who::Entrepreneur => Some(&self.entrepreneur.access_token),
            Who::OtherOfficer => Some(&self.other.access_token),
            Who::Owner => Some(&self.owner.access_token),
            Who::Admin => Some(&self.admin.access_token),
        }
    }
}

/// What an endpoint answers each caller, in the order of `EVERYONE`.
struct Case {
    method: Method,
    path: String,
    body: Option<Value>,
    expected: [StatusCode; 5],
}

const OK: StatusCode = StatusCode::OK;
const CREATED: StatusCode = StatusCode::CREATED;
const NO_CONTENT: StatusCode = StatusCode::NO_CONTENT;
const UNAUTH: StatusCode = StatusCode::UNAUTHORIZED;
const FORBIDDEN: StatusCode = StatusCode::FORBIDDEN;
const NOT_FOUND: StatusCode = StatusCode::NOT_FOUND;
const CONFLICT: StatusCode = StatusCode::CONFLICT;

fn case(method: Method, path: String, body: Option<Value>, expected: [StatusCode; 5]) -> Case {
    Case {
        method,
        path,
        body,
        expected,
    }
}

async fn every_tender_endpoint_checks_who_calls(backend: Backend) {
    let app = TestApp::new(backend).await;
    let cast = Cast {
        entrepreneur: app.entrepreneur("anna@cafe.dk").await,
        other: app.officer("ole@kk.dk", KOBENHAVN_CVR).await,
        owner: app.officer("mette@aarhus.dk", AARHUS_CVR).await,
        admin: app.admin("admin@socialbid.dk").await,
    };
    let builder = TenderBuilder::new(&app);
    let draft = builder.draft(&app, &cast.owner).await;
    let published = builder.publish(&app, &cast.owner).await;
    let question = app
        .api(
            Method::POST,
            &format!("/api/v1/tenders/{published}/questions"),
            Some(&cast.entrepreneur.access_token),
            Some(json!({"question": "Hvor mange?"})),
        )
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    let pdf = b"%PDF-1.4\n%%EOF\n".to_vec();
    let amended = builder
        .clone()
        .set("estimated_value", json!(2_500_000))
        .body;

    // Reading: drafts are invisible (404) to all but the owner; published
    // tenders are public.
    let mut cases = vec![
        case(Method::GET, "/api/v1/tenders".into(), None, [OK; 5]),
        case(
            Method::GET,
            format!("/api/v1/tenders/{published}"),
            None,
            [OK; 5],
        ),
        case(
            Method::GET,
            format!("/api/v1/tenders/{draft}"),
            None,
            [NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND],
        ),
        case(
            Method::GET,
            format!("/api/v1/tenders/{published}/questions"),
            None,
            [OK; 5],
        ),
        case(
            Method::GET,
            format!("/api/v1/tenders/{draft}/questions"),
            None,
            [NOT_FOUND, NOT_FOUND, NOT_FOUND, OK, NOT_FOUND],
        ),
        case(
            Method::GET,
            format!("/api/v1/tenders/{published}/ocds"),
            None,
            [OK; 5],
        ),
        case(
            Method::GET,
            format!("/api/v1/tenders/{draft}/ocds"),
            None,
            [NOT_FOUND; 5],
        ),
        case(Method::GET, "/api/v1/ocds/releases".into(), None, [OK; 5]),
        case(Method::GET, "/api/v1/cpv?q=rengøring".into(), None, [OK; 5]),
        case(
            Method::GET,
            "/api/v1/tenders/mine".into(),
            None,
            [UNAUTH, FORBIDDEN, OK, OK, FORBIDDEN],
        ),
        // Writing: officers only, and only the owning authority's.
        case(
            Method::POST,
            "/api/v1/tenders".into(),
            Some(json!({"title": "Ny"})),
            [UNAUTH, FORBIDDEN, CREATED, CREATED, FORBIDDEN],
        ),
        case(
            Method::PUT,
            format!("/api/v1/tenders/{draft}"),
            Some(builder.body.clone()),
            [UNAUTH, FORBIDDEN, NOT_FOUND, OK, FORBIDDEN],
        ),
        case(
            Method::PUT,
            format!("/api/v1/tenders/{published}"),
            Some(builder.body.clone()),
            [UNAUTH, FORBIDDEN, FORBIDDEN, CONFLICT, FORBIDDEN],
        ),
        case(
            Method::POST,
            format!("/api/v1/tenders/{draft}/documents?name=a.pdf"),
            None,
            [UNAUTH, FORBIDDEN, NOT_FOUND, CREATED, FORBIDDEN],
        ),
        case(
            Method::POST,
            format!("/api/v1/tenders/{published}/amend"),
            Some(json!({"reason": "Ny værdi", "tender": amended})),
            [UNAUTH, FORBIDDEN, FORBIDDEN, OK, FORBIDDEN],
        ),
        case(
            Method::POST,
            format!("/api/v1/tenders/{published}/questions/{question}/answer"),
            Some(json!({"answer": "Tolv."})),
            [UNAUTH, FORBIDDEN, FORBIDDEN, NO_CONTENT, FORBIDDEN],
        ),
        // Asking and following: entrepreneurs only.
        case(
            Method::POST,
            format!("/api/v1/tenders/{published}/questions"),
            Some(json!({"question": "Og?"})),
            [UNAUTH, CREATED, FORBIDDEN, FORBIDDEN, FORBIDDEN],
        ),
        case(
            Method::POST,
            format!("/api/v1/tenders/{draft}/questions"),
            Some(json!({"question": "Og?"})),
            [UNAUTH, NOT_FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN],
        ),
        case(
            Method::PUT,
            format!("/api/v1/tenders/{published}/follow"),
            None,
            [UNAUTH, NO_CONTENT, FORBIDDEN, FORBIDDEN, FORBIDDEN],
        ),
        case(
            Method::DELETE,
            format!("/api/v1/tenders/{published}/follow"),
            None,
            [UNAUTH, NO_CONTENT, FORBIDDEN, FORBIDDEN, FORBIDDEN],
        ),
        case(
            Method::PUT,
            format!("/api/v1/tenders/{draft}/follow"),
            None,
            [UNAUTH, NOT_FOUND, FORBIDDEN, FORBIDDEN, FORBIDDEN],
        ),
    ];
    // The publish, cancel and delete steps change the tender, so each caller
    // gets a fresh one; the owner goes last.
    for who in EVERYONE {
        let fresh = builder.draft(&app, &cast.owner).await;
        let expected = match who {
            Who::Anonymous => UNAUTH,
            Who::Entrepreneur | Who::Admin => FORBIDDEN,
            Who::OtherOfficer => NOT_FOUND,
            Who::Owner => OK,
        };
        let published = app
            .api(
                Method::POST,
                &format!("/api/v1/tenders/{fresh}/publish"),
                cast.token(who),
                None,
            )
            .await;
        assert_eq!(
            published.status,
            expected,
            "publish by {who:?}: {}",
            published.text()
        );
        let live = builder.publish(&app, &cast.owner).await;
        let expected = match who {
            Who::Anonymous => UNAUTH,
            Who::Entrepreneur | Who::Admin | Who::OtherOfficer => FORBIDDEN,
            Who::Owner => OK,
        };
        let cancelled = app
            .api(
                Method::POST,
                &format!("/api/v1/tenders/{live}/cancel"),
                cast.token(who),
                Some(json!({"reason": "Fejl"})),
            )
            .await;
        assert_eq!(
            cancelled.status,
            expected,
            "cancel by {who:?}: {}",
            cancelled.text()
        );
        let doomed = builder.draft(&app, &cast.owner).await;
        let expected = match who {
            Who::Anonymous => UNAUTH,
            Who::Entrepreneur | Who::Admin => FORBIDDEN,
            Who::OtherOfficer => NOT_FOUND,
            Who::Owner => NO_CONTENT,
        };
        let deleted = app
            .api(
                Method::DELETE,
                &format!("/api/v1/tenders/{doomed}"),
                cast.token(who),
                None,
            )
            .await;
        assert_eq!(
            deleted.status,
            expected,
            "delete by {who:?}: {}",
            deleted.text()
        );
    }

    for case in cases.drain(..) {
        for (who, expected) in EVERYONE.iter().zip(case.expected) {
            let response = if case.path.contains("/documents") {
                let mut request = axum::http::Request::builder()
                    .method(case.method.clone())
                    .uri(&case.path)
                    .header("content-type", "application/pdf");
                if let Some(token) = cast.token(*who) {
                    request = request.header("authorization", format!("Bearer {token}"));
                }
                app.send(request.body(axum::body::Body::from(pdf.clone())).unwrap())
                    .await
            } else {
                app.api(
                    case.method.clone(),
                    &case.path,
                    cast.token(*who),
                    case.body.clone(),
                )
                .await
            };
            // Amending and answering succeed once; the owner is asked last.
            assert_eq!(
                response.status,
                expected,
                "{} {} by {who:?}: {}",
                case.method,
                case.path,
                response.text()
            );
        }
    }

    // A document of a draft is as hidden as the draft.
    let doc = app
        .api(
            Method::GET,
            &format!("/api/v1/tenders/{draft}"),
            Some(&cast.owner.access_token),
            None,
        )
        .await
        .json()["documents"][0]["id"]
        .as_i64()
        .unwrap();
    for who in EVERYONE {
        let expected = if who == Who::Owner { OK } else { NOT_FOUND };
        let response = app
            .api(
                Method::GET,
                &format!("/api/v1/tenders/{draft}/documents/{doc}"),
                cast.token(who),
                None,
            )
            .await;
        assert_eq!(response.status, expected, "document by {who:?}");
    }
    // The mail these decisions and questions queued goes out.
    app.run_jobs().await;
}
