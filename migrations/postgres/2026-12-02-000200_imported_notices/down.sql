DROP TABLE external_authorities;
DROP TABLE imported_notices;
DROP TABLE imported_tenders;
