UPDATE organisations
SET approved_facts = json_remove(approved_facts, '$.legal_form', '$.mission', '$.capabilities',
    '$.website', '$.contact_email', '$.contact_phone')
WHERE approved_facts IS NOT NULL;
