//! A per-address limit on the requests that send mail to an address anyone
//! can type (registration, a new verification link, a reset link), so one
//! machine cannot fill strangers' mailboxes. The per-recipient limit in the
//! database (`auth::rate_limit::may_mail`) caps what many machines together
//! can send to one address.
//!
//! Kept in memory with `governor`: a replica counts on its own, which is
//! enough to stop one machine from flooding, and costs no database write
//! for a request that is refused.

use std::num::NonZeroU32;
use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::app::AppState;
use crate::auth::rate_limit::too_many;
use crate::web::client::client_ip;

/// The form posts and API calls that mail an address given in the request.
const MAIL_SENDING: [&str; 6] = [
    "/register",
    "/verify/resend",
    "/forgot-password",
    "/api/v1/accounts",
    "/api/v1/accounts/verify/resend",
    "/api/v1/accounts/password-reset",
];

/// Ten at once from one address, then one more each minute.
pub const BURST: u32 = 10;
pub const SECONDS_PER_REQUEST: u64 = 60;

/// Addresses remembered before forgetting the ones whose allowance is whole
/// again.
const TRIM_ABOVE: usize = 10_000;

#[derive(Clone)]
pub struct MailSendingLimit {
    limiter: Arc<DefaultKeyedRateLimiter<String>>,
}

impl Default for MailSendingLimit {
    fn default() -> Self {
        let burst = NonZeroU32::new(BURST).expect("BURST is not zero");
        let quota = Quota::with_period(std::time::Duration::from_secs(SECONDS_PER_REQUEST))
            .expect("the period is not zero")
            .allow_burst(burst);
        MailSendingLimit {
            limiter: Arc::new(RateLimiter::keyed(quota)),
        }
    }
}

/// Middleware: refuses a mail-sending POST with 429 and `Retry-After` when
/// its address has used up its allowance. A request with no known address
/// (the router driven in-process, without a socket) is not limited here;
/// `serve` always has the socket's address.
pub async fn limit(
    State((app, limit)): State<(AppState, MailSendingLimit)>,
    request: Request,
    next: Next,
) -> Response {
    let sends_mail =
        request.method() == Method::POST && MAIL_SENDING.contains(&request.uri().path());
    if !sends_mail {
        return next.run(request).await;
    }
    let (parts, body) = request.into_parts();
    let address = client_ip(&parts, app.config.trust_forwarded_for);
    let request = Request::from_parts(parts, body);
    let Some(address) = address else {
        return next.run(request).await;
    };
    if limit.limiter.len() > TRIM_ABOVE {
        limit.limiter.retain_recent();
    }
    match limit.limiter.check_key(&address) {
        Ok(()) => next.run(request).await,
        Err(not_until) => {
            let wait = not_until.wait_time_from(DefaultClock::default().now());
            let wait = chrono::Duration::from_std(wait)
                .unwrap_or(chrono::Duration::seconds(SECONDS_PER_REQUEST as i64));
            too_many("too_many_requests", wait).into_response()
        }
    }
}
