DROP TABLE tender_documents;
DROP TABLE tender_followers;
DROP TABLE tender_questions;
DROP TABLE tender_versions;
DROP TABLE tenders;
