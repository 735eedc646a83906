-- Only the notifications gathered into a digest carry a `digest_key`, and
-- only by that key are they looked up. Indexing the rest (every mail sent
-- at once, every notification still waiting) let the planner answer a
-- digest's `digest_key IS NULL AND user_id = …` by combining this index
-- with the user's, reading every waiting notification each time: 2.5 ms a
-- digest at 90,000 waiting, and growing with them
-- (tests/examples/bench_digests.rs).
DROP INDEX notifications_digest_key;
CREATE INDEX notifications_digest_key ON notifications (digest_key)
    WHERE digest_key IS NOT NULL;
