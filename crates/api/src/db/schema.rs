//! The diesel schema, written by hand so both backends share one set of Rust types.

diesel::table! {
    organisations (id) {
        id -> BigInt,
        name -> Text,
        help_text -> Text,
        created_at -> Timestamp,
        texting_opens -> Integer,
        texting_closes -> Integer,
        price_long_code_micros -> BigInt,
        price_toll_free_micros -> BigInt,
        price_short_code_micros -> BigInt,
        opt_out_reply -> Text,
        opt_out_language -> Text,
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
        session_generation -> BigInt,
    }
}

diesel::table! {
    idempotency_keys (organisation_id, key) {
        organisation_id -> BigInt,
        key -> Text,
        fingerprint -> Text,
        status -> Nullable<Integer>,
        content_type -> Nullable<Text>,
        body -> Nullable<Binary>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    login_throttle (key) {
        key -> Text,
        failures -> BigInt,
        window_started_at -> Timestamp,
        blocked_until -> Timestamp,
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

diesel::table! {
    contact_lists (id) {
        id -> BigInt,
        organisation_id -> BigInt,
        office_id -> BigInt,
        name -> Text,
        field_names -> Text,
        contact_count -> BigInt,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        time_zone_field -> Nullable<Text>,
    }
}

diesel::table! {
    contacts (id) {
        id -> BigInt,
        organisation_id -> BigInt,
        contact_list_id -> BigInt,
        row_number -> BigInt,
        first_name -> Text,
        last_name -> Text,
        phone -> Text,
        fields -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    phone_numbers (id) {
        id -> BigInt,
        organisation_id -> BigInt,
        office_id -> BigInt,
        kind -> Text,
        e164 -> Text,
        name -> Text,
        description -> Text,
        number_type -> Text,
        owner_user_id -> Nullable<BigInt>,
        default_operated_by -> Text,
        provider_sid -> Nullable<Text>,
        status -> Text,
        campaign_id -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        released_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    unsolicited_recipients (id) {
        id -> BigInt,
        phone_number_id -> BigInt,
        user_id -> Nullable<BigInt>,
        office_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    campaigns (id) {
        id -> BigInt,
        organisation_id -> BigInt,
        office_id -> BigInt,
        title -> Text,
        state -> Text,
        archive_kind -> Nullable<Text>,
        operated_by -> Text,
        phone_number_id -> Nullable<BigInt>,
        wants_single_use -> Bool,
        contact_list_id -> Nullable<BigInt>,
        message_template -> Text,
        append_opt_out -> Bool,
        assistant_script -> Nullable<Text>,
        time_zone -> Text,
        scheduled_at -> Nullable<Timestamp>,
        launched_at -> Nullable<Timestamp>,
        archived_at -> Nullable<Timestamp>,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        lease_owner -> Nullable<Text>,
        lease_expires_at -> Nullable<Timestamp>,
        texting_opens -> Nullable<Integer>,
        texting_closes -> Nullable<Integer>,
        fanout_after_contact_id -> Nullable<BigInt>,
        fanout_written -> BigInt,
        fanout_total -> BigInt,
        fanout_touched_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    campaign_agents (campaign_id, user_id) {
        campaign_id -> BigInt,
        user_id -> BigInt,
    }
}

diesel::table! {
    campaign_tags (campaign_id, tag_key) {
        campaign_id -> BigInt,
        tag -> Text,
        tag_key -> Text,
        position -> BigInt,
    }
}

diesel::table! {
    opt_outs (id) {
        id -> BigInt,
        organisation_id -> BigInt,
        phone -> Text,
        source -> Text,
        campaign_id -> Nullable<BigInt>,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        lifted_at -> Nullable<Timestamp>,
        lifted_by -> Nullable<BigInt>,
        lift_reason -> Nullable<Text>,
        reason -> Nullable<Text>,
    }
}

diesel::table! {
    messages (id) {
        id -> BigInt,
        organisation_id -> BigInt,
        campaign_id -> Nullable<BigInt>,
        contact_id -> Nullable<BigInt>,
        phone_number_id -> BigInt,
        direction -> Text,
        author -> Text,
        author_user_id -> Nullable<BigInt>,
        from_phone -> Text,
        to_phone -> Text,
        body -> Text,
        encoding -> Text,
        segments -> BigInt,
        status -> Text,
        attempts -> BigInt,
        next_attempt_at -> Timestamp,
        lease_owner -> Nullable<Text>,
        lease_expires_at -> Nullable<Timestamp>,
        provider_message_id -> Nullable<Text>,
        error_code -> Nullable<BigInt>,
        error_reason -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
        conversation_id -> Nullable<BigInt>,
        texting_zone -> Nullable<Text>,
        lookups -> BigInt,
    }
}

diesel::table! {
    conversations (id) {
        id -> BigInt,
        organisation_id -> BigInt,
        office_id -> BigInt,
        campaign_id -> Nullable<BigInt>,
        phone_number_id -> BigInt,
        contact_id -> Nullable<BigInt>,
        contact_phone -> Text,
        first_name -> Text,
        last_name -> Text,
        operated_by -> Text,
        needs_attention -> Bool,
        opt_out_suggested -> Bool,
        assistant_fallbacks -> BigInt,
        route -> Text,
        last_message_id -> Nullable<BigInt>,
        last_message_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        assigned_user_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    conversation_tags (conversation_id, tag_key) {
        conversation_id -> BigInt,
        tag -> Text,
        tag_key -> Text,
        position -> BigInt,
    }
}

diesel::table! {
    campaign_activity (campaign_id, slot_start) {
        campaign_id -> BigInt,
        slot_start -> Timestamp,
        inbound -> BigInt,
        outbound -> BigInt,
    }
}

diesel::table! {
    conversation_participants (conversation_id, user_id) {
        conversation_id -> BigInt,
        user_id -> BigInt,
    }
}

diesel::table! {
    conversation_reads (user_id, conversation_id) {
        user_id -> BigInt,
        conversation_id -> BigInt,
        last_read_message_id -> BigInt,
    }
}

diesel::table! {
    campaign_send_counts (campaign_id) {
        campaign_id -> BigInt,
        queued -> BigInt,
        pending -> BigInt,
        sent -> BigInt,
        delivered -> BigInt,
        failed -> BigInt,
        unknown -> BigInt,
        cancelled -> BigInt,
        skipped_opted_out -> BigInt,
        skipped_invalid -> BigInt,
        skipped_undeliverable -> BigInt,
    }
}

diesel::table! {
    dispatch_lanes (phone_number_id) {
        phone_number_id -> BigInt,
        owner -> Text,
        lease_expires_at -> Timestamp,
    }
}

diesel::table! {
    early_status_reports (provider_message_id) {
        provider_message_id -> Text,
        status -> Text,
        error_code -> Nullable<BigInt>,
        received_at -> Timestamp,
    }
}

diesel::table! {
    events (id) {
        id -> BigInt,
        organisation_id -> BigInt,
        office_id -> BigInt,
        kind -> Text,
        campaign_id -> Nullable<BigInt>,
        conversation_id -> Nullable<BigInt>,
        data -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    message_templates (id) {
        id -> BigInt,
        organisation_id -> BigInt,
        office_id -> Nullable<BigInt>,
        name -> Text,
        name_key -> Text,
        body -> Text,
        tags -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(offices -> organisations (organisation_id));
diesel::joinable!(users -> offices (office_id));
diesel::joinable!(api_keys -> users (user_id));
diesel::joinable!(contacts -> contact_lists (contact_list_id));
diesel::joinable!(contact_lists -> offices (office_id));
diesel::joinable!(campaigns -> offices (office_id));
diesel::joinable!(campaigns -> contact_lists (contact_list_id));
diesel::joinable!(campaigns -> phone_numbers (phone_number_id));
diesel::joinable!(campaign_agents -> campaigns (campaign_id));
diesel::joinable!(campaign_agents -> users (user_id));
diesel::joinable!(campaign_tags -> campaigns (campaign_id));
diesel::joinable!(unsolicited_recipients -> phone_numbers (phone_number_id));
diesel::joinable!(messages -> campaigns (campaign_id));
diesel::joinable!(messages -> contacts (contact_id));
diesel::joinable!(messages -> phone_numbers (phone_number_id));
diesel::joinable!(campaign_send_counts -> campaigns (campaign_id));
diesel::joinable!(messages -> conversations (conversation_id));
diesel::joinable!(conversations -> campaigns (campaign_id));
diesel::joinable!(conversation_tags -> conversations (conversation_id));
diesel::joinable!(conversation_participants -> conversations (conversation_id));

diesel::allow_tables_to_appear_in_same_query!(
    organisations,
    offices,
    users,
    api_keys,
    revoked_tokens,
    audit_log,
    contact_lists,
    contacts,
    phone_numbers,
    unsolicited_recipients,
    campaigns,
    campaign_agents,
    campaign_tags,
    opt_outs,
    messages,
    campaign_send_counts,
    dispatch_lanes,
    early_status_reports,
    conversations,
    conversation_tags,
    conversation_participants,
    conversation_reads,
    campaign_activity,
    events,
    message_templates,
);
