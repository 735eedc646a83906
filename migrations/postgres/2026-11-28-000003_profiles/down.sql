DROP TRIGGER audit_log_append_only ON audit_log;
DROP FUNCTION audit_log_append_only();
DROP INDEX audit_log_action;
DROP TABLE profile_flags;
DROP TABLE organisation_codes;
DROP TABLE organisation_invitations;
DROP TABLE organisation_members;
DROP TABLE organisations;
