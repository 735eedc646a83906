-- The legal form, the free texts and the contact routes join the facts an
-- admin approves. A profile approved before this carries them over from
-- its draft, as they were public then.
UPDATE organisations
SET approved_facts = (approved_facts::jsonb || jsonb_build_object(
    'legal_form', draft::jsonb -> 'legal_form',
    'mission', draft::jsonb -> 'mission',
    'capabilities', draft::jsonb -> 'capabilities',
    'website', draft::jsonb -> 'website',
    'contact_email', draft::jsonb -> 'contact_email',
    'contact_phone', draft::jsonb -> 'contact_phone'))::text
WHERE approved_facts IS NOT NULL;
