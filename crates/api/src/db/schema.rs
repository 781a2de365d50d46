//! The diesel schema, written by hand so both backends share one set of Rust types.

diesel::table! {
    organisations (id) {
        id -> BigInt,
        name -> Text,
        help_text -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    offices (id) {
        id -> BigInt,
        organisation_id -> BigInt,
        name -> Text,
        time_zone -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        organisation_id -> BigInt,
        office_id -> BigInt,
        email -> Text,
        name -> Text,
        password_hash -> Text,
        role -> Text,
        view_other_offices -> Bool,
        two_way_messaging -> Bool,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    api_keys (id) {
        id -> BigInt,
        organisation_id -> BigInt,
        user_id -> BigInt,
        name -> Text,
        prefix -> Text,
        key_hash -> Text,
        created_at -> Timestamp,
        last_used_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    revoked_tokens (jti) {
        jti -> Text,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        organisation_id -> BigInt,
        actor_user_id -> Nullable<BigInt>,
        entity_type -> Text,
        entity_id -> BigInt,
        action -> Text,
        details -> Text,
        created_at -> Timestamp,
    }
}

diesel::joinable!(offices -> organisations (organisation_id));
diesel::joinable!(users -> offices (office_id));
diesel::joinable!(api_keys -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(organisations, offices, users, api_keys, revoked_tokens, audit_log,);
