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
        cvr -> Text,
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
        language -> Text,
        title -> Text,
        description -> Text,
        contract_nature -> Nullable<Text>,
        procedure_type -> Nullable<Text>,
        main_cpv -> Nullable<Text>,
        additional_cpv -> Text,
        nuts_codes -> Text,
        estimated_value_dkk -> Nullable<BigInt>,
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
