-- When a job whose effect leaves the database (a mail) began that effect;
-- a worker taking over a crashed job's lock sees it and does not repeat it.
ALTER TABLE jobs ADD COLUMN started_at TIMESTAMP;
