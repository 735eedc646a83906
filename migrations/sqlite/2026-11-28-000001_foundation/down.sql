DROP TABLE audit_log;
DROP TABLE jobs;
DROP TABLE login_attempts;
DROP TABLE email_tokens;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE authorities;
