-- Beyond Denmark: tenders in any EU official language, values in their
-- published currency, several reservations per tender, and organisations
-- from every EU and EEA member state.

-- The language was limited to Danish and English by a CHECK; the
-- application now checks it against the official languages. SQLite drops
-- a column-level CHECK only with its column, so the column is recreated
-- (on both databases, to keep the column order the same).
ALTER TABLE tenders RENAME COLUMN language TO language_da_en;
ALTER TABLE tenders ADD COLUMN language TEXT NOT NULL DEFAULT 'da';
UPDATE tenders SET language = language_da_en;
ALTER TABLE tenders DROP COLUMN language_da_en;

-- Values keep the currency they were published in, in hundredths of its
-- unit so a notice's 291934.60 EUR stays exact. Until now they were whole
-- Danish kroner.
ALTER TABLE tenders RENAME COLUMN estimated_value_dkk TO estimated_value_hundredths;
UPDATE tenders SET estimated_value_hundredths = estimated_value_hundredths * 100;
ALTER TABLE tenders ADD COLUMN currency TEXT NOT NULL DEFAULT 'DKK';

-- BT-71 may hold several codes: the reservations become a JSON list
-- (empty when the tender is not reserved).
UPDATE tenders SET reserved = CASE
    WHEN reserved = 'none' THEN '[]'
    ELSE '["' || reserved || '"]'
END;

-- One profile per organisation: the Danish CVR number for a Danish
-- organisation, the country code and national business identifier
-- (`DE:HRB 12345`) for one from another member state.
ALTER TABLE organisations RENAME COLUMN cvr TO registry_key;
