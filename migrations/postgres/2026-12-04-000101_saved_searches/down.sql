ALTER TABLE notification_settings DROP COLUMN saved_search_cadence;
DROP TABLE saved_searches;
