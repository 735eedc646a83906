//! The tables, written by hand to match both migration sets
//! (`migrations/sqlite` and `migrations/postgres`); a test compares them
//! with what each database reports.

diesel::table! {
    authorities (id) {
        id -> BigInt,
        name -> Text,
        cvr -> Text,
        nuts_code -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        email -> Text,
        name -> Text,
        password_hash -> Text,
        role -> Text,
        locale -> Text,
        email_verified_at -> Nullable<Timestamp>,
        authority_id -> Nullable<BigInt>,
        approval_state -> Nullable<Text>,
        approval_reason -> Nullable<Text>,
        approved_by -> Nullable<BigInt>,
        approval_decided_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    sessions (id) {
        id -> BigInt,
        user_id -> BigInt,
        refresh_hash -> Text,
        previous_refresh_hash -> Nullable<Text>,
        user_agent -> Nullable<Text>,
        created_at -> Timestamp,
        last_used_at -> Timestamp,
        expires_at -> Timestamp,
        revoked_at -> Nullable<Timestamp>,
        rotated_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    email_tokens (id) {
        id -> BigInt,
        user_id -> BigInt,
        purpose -> Text,
        token_hash -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_attempts (id) {
        id -> BigInt,
        email -> Text,
        ip -> Text,
        attempted_at -> Timestamp,
    }
}

diesel::table! {
    jobs (id) {
        id -> BigInt,
        kind -> Text,
        payload -> Text,
        dedupe_key -> Nullable<Text>,
        run_at -> Timestamp,
        attempts -> Integer,
        max_attempts -> Integer,
        locked_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        finished_at -> Nullable<Timestamp>,
        failed_at -> Nullable<Timestamp>,
        started_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        actor_id -> Nullable<BigInt>,
        actor_email -> Nullable<Text>,
        action -> Text,
        subject_type -> Text,
        subject_id -> BigInt,
        reason -> Nullable<Text>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    organisations (id) {
        id -> BigInt,
        registry_key -> Text,
        draft -> Text,
        approved_facts -> Nullable<Text>,
        review_state -> Text,
        review_reason -> Nullable<Text>,
        reviewed_by -> Nullable<BigInt>,
        reviewed_at -> Nullable<Timestamp>,
        suspended_at -> Nullable<Timestamp>,
        suspension_reason -> Nullable<Text>,
        public_name -> Nullable<Text>,
        public_rsv -> Bool,
        public_res_ws -> Bool,
        public_res_pub_ser -> Bool,
        submitted_at -> Timestamp,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    organisation_members (id) {
        id -> BigInt,
        organisation_id -> BigInt,
        user_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    organisation_invitations (id) {
        id -> BigInt,
        organisation_id -> BigInt,
        email -> Text,
        token_hash -> Text,
        invited_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        accepted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    organisation_codes (id) {
        id -> BigInt,
        organisation_id -> BigInt,
        kind -> Text,
        code -> Text,
    }
}

diesel::table! {
    profile_flags (id) {
        id -> BigInt,
        organisation_id -> BigInt,
        reporter_id -> Nullable<BigInt>,
        reason -> Text,
        created_at -> Timestamp,
        resolved_at -> Nullable<Timestamp>,
        resolved_by -> Nullable<BigInt>,
        resolution -> Nullable<Text>,
    }
}

diesel::joinable!(users -> authorities (authority_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(email_tokens -> users (user_id));
diesel::joinable!(organisation_members -> organisations (organisation_id));
diesel::joinable!(organisation_members -> users (user_id));
diesel::joinable!(organisation_invitations -> organisations (organisation_id));
diesel::joinable!(organisation_codes -> organisations (organisation_id));
diesel::joinable!(profile_flags -> organisations (organisation_id));

diesel::allow_tables_to_appear_in_same_query!(
    authorities,
    users,
    sessions,
    email_tokens,
    login_attempts,
    jobs,
    audit_log,
    organisations,
    organisation_members,
    organisation_invitations,
    organisation_codes,
    profile_flags,
);

diesel::table! {
    tenders (id) {
        id -> BigInt,
        authority_id -> BigInt,
        created_by -> Nullable<BigInt>,
        status -> Text,
        title -> Text,
        description -> Text,
        contract_nature -> Nullable<Text>,
        procedure_type -> Nullable<Text>,
        main_cpv -> Nullable<Text>,
        additional_cpv -> Text,
        nuts_codes -> Text,
        estimated_value_hundredths -> Nullable<BigInt>,
        submission_deadline -> Nullable<Timestamp>,
        question_deadline -> Nullable<Timestamp>,
        reserved -> Text,
        strategic -> Text,
        lots -> Text,
        criteria -> Text,
        social_weight -> Integer,
        version -> Integer,
        cancel_reason -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        published_at -> Nullable<Timestamp>,
        closed_at -> Nullable<Timestamp>,
        cancelled_at -> Nullable<Timestamp>,
        language -> Text,
        currency -> Text,
    }
}

diesel::table! {
    tender_versions (id) {
        id -> BigInt,
        tender_id -> BigInt,
        version -> Integer,
        kind -> Text,
        snapshot -> Text,
        changes -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    tender_questions (id) {
        id -> BigInt,
        tender_id -> BigInt,
        asked_by -> Nullable<BigInt>,
        question -> Text,
        answer -> Nullable<Text>,
        answered_by -> Nullable<BigInt>,
        asked_at -> Timestamp,
        answered_at -> Nullable<Timestamp>,
        declined_at -> Nullable<Timestamp>,
        decline_reason -> Nullable<Text>,
    }
}

diesel::table! {
    tender_followers (id) {
        id -> BigInt,
        tender_id -> BigInt,
        user_id -> BigInt,
        created_at -> Timestamp,
    }
}

diesel::table! {
    tender_documents (id) {
        id -> BigInt,
        tender_id -> BigInt,
        file_name -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        storage_key -> Text,
        uploaded_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        removed_at -> Nullable<Timestamp>,
        title -> Nullable<Text>,
    }
}

diesel::joinable!(tenders -> authorities (authority_id));
diesel::joinable!(tender_versions -> tenders (tender_id));
diesel::joinable!(tender_questions -> tenders (tender_id));
diesel::joinable!(tender_followers -> tenders (tender_id));
diesel::joinable!(tender_documents -> tenders (tender_id));

diesel::allow_tables_to_appear_in_same_query!(
    tenders,
    tender_versions,
    tender_questions,
    tender_followers,
    tender_documents,
    authorities,
);
diesel::allow_tables_to_appear_in_same_query!(tenders, users);
diesel::allow_tables_to_appear_in_same_query!(tender_questions, users);

diesel::table! {
    rate_limits (key) {
        key -> Text,
        hits -> Integer,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    search_changes (id) {
        id -> BigInt,
        entity -> Text,
        entity_id -> BigInt,
        created_at -> Timestamp,
        tx_id -> BigInt,
    }
}

diesel::table! {
    imported_tenders (tender_id) {
        tender_id -> BigInt,
        procedure_key -> Text,
        source -> Text,
        publication_number -> Nullable<Text>,
        link -> Nullable<Text>,
        notice_language -> Text,
        details -> Text,
        awards -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    imported_notices (id) {
        id -> BigInt,
        notice_key -> Text,
        procedure_key -> Text,
        tender_id -> BigInt,
        publication_number -> Nullable<Text>,
        stage -> Text,
        sha256 -> Text,
        notice -> Text,
        imported_at -> Timestamp,
    }
}

diesel::table! {
    external_authorities (authority_id) {
        authority_id -> BigInt,
        national_id -> Nullable<Text>,
        country -> Nullable<Text>,
        contact -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(imported_tenders -> tenders (tender_id));
diesel::joinable!(imported_notices -> tenders (tender_id));
diesel::joinable!(external_authorities -> authorities (authority_id));

diesel::allow_tables_to_appear_in_same_query!(imported_tenders, imported_notices);
diesel::allow_tables_to_appear_in_same_query!(imported_tenders, tenders);
diesel::allow_tables_to_appear_in_same_query!(imported_tenders, authorities);
diesel::allow_tables_to_appear_in_same_query!(imported_notices, tenders);
diesel::allow_tables_to_appear_in_same_query!(external_authorities, authorities);
diesel::allow_tables_to_appear_in_same_query!(external_authorities, tenders);

diesel::table! {
    matches (tender_id, organisation_id) {
        tender_id -> BigInt,
        organisation_id -> BigInt,
        score -> Float8,
        reasons -> Text,
        computed_at -> Timestamp,
    }
}

diesel::joinable!(matches -> tenders (tender_id));
diesel::joinable!(matches -> organisations (organisation_id));
diesel::allow_tables_to_appear_in_same_query!(matches, tenders, organisations);

diesel::table! {
    notification_settings (user_id) {
        user_id -> BigInt,
        match_cadence -> Text,
        amendment_cadence -> Text,
        answer_cadence -> Text,
        cancellation_cadence -> Text,
        min_match_percent -> Integer,
        digest_hour -> Integer,
        digest_weekday -> Integer,
        updated_at -> Timestamp,
        saved_search_cadence -> Text,
        last_chance_cadence -> Text,
        weekly_summary_cadence -> Text,
        profile_decision_cadence -> Text,
        officer_decision_cadence -> Text,
    }
}

diesel::table! {
    bids (id) {
        id -> BigInt,
        tender_id -> BigInt,
        lot -> Integer,
        organisation_id -> BigInt,
        state -> Text,
        sealed -> Text,
        content_sha256 -> Nullable<Text>,
        submitted_at -> Nullable<Timestamp>,
        submitted_by -> Nullable<BigInt>,
        withdrawn_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    notifications (id) {
        id -> BigInt,
        user_id -> BigInt,
        kind -> Text,
        event_key -> Text,
        tender_id -> Nullable<BigInt>,
        cadence -> Text,
        vars -> Text,
        created_at -> Timestamp,
        digest_key -> Nullable<Text>,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(notification_settings -> users (user_id));
diesel::joinable!(notifications -> users (user_id));
diesel::joinable!(notifications -> tenders (tender_id));
diesel::allow_tables_to_appear_in_same_query!(notifications, notification_settings);
diesel::allow_tables_to_appear_in_same_query!(notifications, users);
diesel::allow_tables_to_appear_in_same_query!(notification_settings, users);
diesel::allow_tables_to_appear_in_same_query!(notifications, tenders);

diesel::joinable!(bids -> tenders (tender_id));
diesel::joinable!(bids -> organisations (organisation_id));
diesel::allow_tables_to_appear_in_same_query!(bids, tenders);
diesel::allow_tables_to_appear_in_same_query!(bids, organisations);
diesel::allow_tables_to_appear_in_same_query!(bids, users);

diesel::table! {
    bid_partners (bid_id, organisation_id) {
        bid_id -> BigInt,
        organisation_id -> BigInt,
        role -> Text,
        share_percent -> Integer,
        state -> Text,
        invited_by -> Nullable<BigInt>,
        invited_at -> Timestamp,
        answered_by -> Nullable<BigInt>,
        answered_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(bid_partners -> bids (bid_id));
diesel::joinable!(bid_partners -> organisations (organisation_id));
diesel::allow_tables_to_appear_in_same_query!(bid_partners, bids);
diesel::allow_tables_to_appear_in_same_query!(bid_partners, organisations);
diesel::allow_tables_to_appear_in_same_query!(bid_partners, tenders);
diesel::allow_tables_to_appear_in_same_query!(bid_partners, organisation_members);
diesel::allow_tables_to_appear_in_same_query!(bid_partners, users);

diesel::table! {
    bid_documents (id) {
        id -> BigInt,
        bid_id -> BigInt,
        sealed -> Text,
        storage_key -> Text,
        uploaded_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(bid_documents -> bids (bid_id));
diesel::allow_tables_to_appear_in_same_query!(bid_documents, bids);
diesel::allow_tables_to_appear_in_same_query!(bid_documents, tenders);

diesel::table! {
    tender_dismissals (organisation_id, tender_id) {
        organisation_id -> BigInt,
        tender_id -> BigInt,
        dismissed_by -> Nullable<BigInt>,
        dismissed_at -> Timestamp,
    }
}

diesel::joinable!(tender_dismissals -> organisations (organisation_id));
diesel::joinable!(tender_dismissals -> tenders (tender_id));
diesel::allow_tables_to_appear_in_same_query!(tender_dismissals, organisations);
diesel::allow_tables_to_appear_in_same_query!(tender_dismissals, tenders);
diesel::allow_tables_to_appear_in_same_query!(tender_dismissals, organisation_members);

diesel::table! {
    bid_openings (tender_id) {
        tender_id -> BigInt,
        opened_by -> Nullable<BigInt>,
        opened_at -> Timestamp,
    }
}

diesel::joinable!(bid_openings -> tenders (tender_id));
diesel::allow_tables_to_appear_in_same_query!(bid_openings, tenders);
diesel::allow_tables_to_appear_in_same_query!(bid_openings, bids);

diesel::table! {
    bid_scores (bid_id, criterion) {
        bid_id -> BigInt,
        criterion -> Integer,
        score -> Integer,
        reason -> Text,
        scored_by -> Nullable<BigInt>,
        scored_at -> Timestamp,
    }
}

diesel::table! {
    awards (id) {
        id -> BigInt,
        tender_id -> BigInt,
        lot -> Integer,
        bid_id -> BigInt,
        awarded_by -> Nullable<BigInt>,
        awarded_at -> Timestamp,
        standstill_ends_at -> Timestamp,
        signed_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(bid_scores -> bids (bid_id));
diesel::joinable!(awards -> bids (bid_id));
diesel::joinable!(awards -> tenders (tender_id));
diesel::allow_tables_to_appear_in_same_query!(bid_scores, bids);
diesel::allow_tables_to_appear_in_same_query!(awards, bids);
diesel::allow_tables_to_appear_in_same_query!(awards, tenders);

diesel::table! {
    saved_searches (id) {
        id -> BigInt,
        user_id -> BigInt,
        name -> Text,
        query -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(saved_searches -> users (user_id));
diesel::allow_tables_to_appear_in_same_query!(saved_searches, users);
