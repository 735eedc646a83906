UPDATE organisations
SET approved_facts = (approved_facts::jsonb - ARRAY['legal_form', 'mission', 'capabilities',
    'website', 'contact_email', 'contact_phone'])::text
WHERE approved_facts IS NOT NULL;
