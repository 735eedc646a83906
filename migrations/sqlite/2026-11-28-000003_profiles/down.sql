DROP TRIGGER audit_log_no_delete;
DROP TRIGGER audit_log_no_update;
DROP INDEX audit_log_action;
DROP TABLE profile_flags;
DROP TABLE organisation_codes;
DROP TABLE organisation_invitations;
DROP TABLE organisation_members;
DROP TABLE organisations;
