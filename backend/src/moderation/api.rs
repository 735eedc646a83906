//! Moderation as JSON under `/api/v1/admin` (admins only).
