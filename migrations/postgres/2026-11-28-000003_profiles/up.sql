-- Social-enterprise profiles: the organisation (its editable draft and the
-- facts an admin last approved), its members and invitations, what the
-- directory filters on, and flags. The audit log becomes append-only.

CREATE TABLE organisations (
    id BIGSERIAL PRIMARY KEY,
    -- The CVR number of the draft: one profile per CVR number.
    cvr TEXT NOT NULL UNIQUE,
    -- The whole profile as the members last saved it (JSON).
    draft TEXT NOT NULL,
    -- The verified facts (name, CVR, RSV, reserved-contract eligibility) an
    -- admin last approved (JSON); NULL until the first approval.
    approved_facts TEXT,
    review_state TEXT NOT NULL CHECK (review_state IN ('pending', 'approved', 'rejected', 'changes_requested')),
    review_reason TEXT,
    reviewed_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    reviewed_at TIMESTAMP,
    suspended_at TIMESTAMP,
    suspension_reason TEXT,
    -- What the directory filters on, from the public version.
    public_name TEXT,
    public_rsv BOOLEAN NOT NULL DEFAULT FALSE,
    public_res_ws BOOLEAN NOT NULL DEFAULT FALSE,
    public_res_pub_ser BOOLEAN NOT NULL DEFAULT FALSE,
    submitted_at TIMESTAMP NOT NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX organisations_reviewed_by ON organisations (reviewed_by);
CREATE INDEX organisations_review_state ON organisations (review_state, submitted_at);
CREATE INDEX organisations_public_name ON organisations (public_name);

CREATE TABLE organisation_members (
    id BIGSERIAL PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    -- One organisation per person.
    user_id BIGINT NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX organisation_members_organisation_id ON organisation_members (organisation_id);

CREATE TABLE organisation_invitations (
    id BIGSERIAL PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    email TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    invited_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    expires_at TIMESTAMP NOT NULL,
    accepted_at TIMESTAMP
);
CREATE INDEX organisation_invitations_organisation_id ON organisation_invitations (organisation_id);
CREATE INDEX organisation_invitations_invited_by ON organisation_invitations (invited_by);
CREATE INDEX organisation_invitations_email ON organisation_invitations (email);

-- CPV codes (8 digits, any level), NUTS codes (any level) and BT-775 social
-- objectives of each profile.
CREATE TABLE organisation_codes (
    id BIGSERIAL PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    kind TEXT NOT NULL CHECK (kind IN ('cpv', 'nuts', 'objective')),
    code TEXT NOT NULL,
    UNIQUE (organisation_id, kind, code)
);
CREATE INDEX organisation_codes_lookup ON organisation_codes (kind, code);

CREATE TABLE profile_flags (
    id BIGSERIAL PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id) ON DELETE CASCADE,
    reporter_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    reason TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    resolved_at TIMESTAMP,
    resolved_by BIGINT REFERENCES users (id) ON DELETE SET NULL,
    resolution TEXT
);
CREATE INDEX profile_flags_organisation_id ON profile_flags (organisation_id);
CREATE INDEX profile_flags_reporter_id ON profile_flags (reporter_id);
CREATE INDEX profile_flags_resolved_by ON profile_flags (resolved_by);

CREATE INDEX audit_log_action ON audit_log (action, created_at);

-- Nobody edits the audit log. The one change allowed is the database's own
-- ON DELETE SET NULL of actor_id when an account is deleted.
CREATE FUNCTION audit_log_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
       AND NEW.actor_id IS NULL AND OLD.actor_id IS NOT NULL
       AND NEW.id = OLD.id
       AND NEW.actor_email IS NOT DISTINCT FROM OLD.actor_email
       AND NEW.action = OLD.action
       AND NEW.subject_type = OLD.subject_type
       AND NEW.subject_id = OLD.subject_id
       AND NEW.reason IS NOT DISTINCT FROM OLD.reason
       AND NEW.created_at = OLD.created_at THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
FOR EACH ROW EXECUTE FUNCTION audit_log_append_only();
