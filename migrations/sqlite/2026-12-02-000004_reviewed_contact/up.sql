-- The legal form, the free texts and the contact routes join the facts an
-- admin approves. A profile approved before this carries them over from
-- its draft, as they were public then.
UPDATE organisations
SET approved_facts = json_set(approved_facts,
    '$.legal_form', json_extract(draft, '$.legal_form'),
    '$.mission', json_extract(draft, '$.mission'),
    '$.capabilities', json_extract(draft, '$.capabilities'),
    '$.website', json_extract(draft, '$.website'),
    '$.contact_email', json_extract(draft, '$.contact_email'),
    '$.contact_phone', json_extract(draft, '$.contact_phone'))
WHERE approved_facts IS NOT NULL;
