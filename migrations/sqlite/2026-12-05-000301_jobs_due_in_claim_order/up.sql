-- The worker claims the oldest due job: ORDER BY run_at, id LIMIT 1. An
-- index on run_at alone leaves every due job of one run_at to be sorted by
-- id on each claim, 40 ms a claim once 85,000 digests fall due at the same
-- hour (BENCHMARKS.md); in claim order the first row is the answer.
DROP INDEX jobs_due;
CREATE INDEX jobs_due ON jobs (run_at, id) WHERE finished_at IS NULL AND failed_at IS NULL;
