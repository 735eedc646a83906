ALTER TABLE organisations RENAME COLUMN registry_key TO cvr;

UPDATE tenders SET reserved = CASE
    WHEN reserved = '[]' THEN 'none'
    ELSE json_extract(reserved, '$[0]')
END;

ALTER TABLE tenders DROP COLUMN currency;
UPDATE tenders SET estimated_value_hundredths = estimated_value_hundredths / 100;
ALTER TABLE tenders RENAME COLUMN estimated_value_hundredths TO estimated_value_dkk;

ALTER TABLE tenders RENAME COLUMN language TO language_any;
ALTER TABLE tenders ADD COLUMN language TEXT NOT NULL DEFAULT 'da' CHECK (language IN ('da', 'en'));
UPDATE tenders SET language = CASE WHEN language_any = 'en' THEN 'en' ELSE 'da' END;
ALTER TABLE tenders DROP COLUMN language_any;
