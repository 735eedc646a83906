//! The job queue: side effects (mail now, indexing and matching later) are
//! rows written in the same transaction as the change that causes them, so
//! nothing committed is lost and nothing is sent for a change that rolled
//! back. Workers claim due jobs, run them, and retry failures with
//! exponential back-off.

mod queue;
mod registry;
pub mod worker;

pub use queue::{
    ClaimedJob, Job, STALE_LOCK_MINUTES, claim, complete, due_count, enqueue, enqueue_all,
    enqueue_at, fail, give_up, pending_count,
};
pub use registry::{BackgroundJob, JobContext, Registry};

/// A failure that trying again cannot mend (an SMTP server's permanent
/// refusal, 5xx): a job that returns it is given up at once, keeping the
/// reason for whoever looks at failed jobs.
#[derive(Debug)]
pub struct Permanent(pub String);

impl std::fmt::Display for Permanent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Permanent {}
