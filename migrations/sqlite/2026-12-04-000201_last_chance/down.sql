ALTER TABLE notification_settings DROP COLUMN last_chance_cadence;
