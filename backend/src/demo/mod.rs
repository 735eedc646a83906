//! `socialbid demo`: fills an empty database with a believable Danish
//! picture and prints a login for each role. Running it again changes
//! nothing: every piece checks whether it is already there.

mod bids;
mod pdf;
mod people;
pub mod profiles;
mod tenders;

use crate::app::AppState;

/// The password of every demo account, printed with the logins: the demo
/// is for trying the service, never for real data.
pub const DEMO_PASSWORD: &str = "socialbid-demo-2026";

pub struct Login {
    pub role: &'static str,
    pub email: String,
    pub note: String,
}

/// Seeds what is missing and returns the logins to print.
pub async fn run(app: &AppState) -> anyhow::Result<Vec<Login>> {
    let mut logins = people::seed(app).await?;
    let added = tenders::seed(app).await?;
    tracing::info!(added, "demo tenders");
    let enterprises = profiles::seed(app).await?;
    logins.push(Login {
        role: "profiles",
        email: "kontakt@<name>.socialbid.demo".into(),
        note: format!(
            "{enterprises} social enterprises in every moderation state; see /profiles and /admin/profiles"
        ),
    });
    // After the profiles: only approved organisations bid.
    let closed = bids::seed(app).await?;
    tracing::info!(closed, "demo tenders past their deadline, with bids");
    Ok(logins)
}
