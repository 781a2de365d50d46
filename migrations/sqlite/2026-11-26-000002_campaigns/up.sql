-- Contact lists, phone numbers, campaigns, tags and the suppression list (SQLite flavour).
CREATE TABLE contact_lists (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id BIGINT NOT NULL REFERENCES organisations(id),
    office_id BIGINT NOT NULL REFERENCES offices(id),
    name TEXT NOT NULL,
    -- JSON array of the extra column names, in file order.
    field_names TEXT NOT NULL,
    contact_count BIGINT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX contact_lists_org ON contact_lists (organisation_id, office_id, id);

CREATE TABLE contacts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id BIGINT NOT NULL REFERENCES organisations(id),
    contact_list_id BIGINT NOT NULL REFERENCES contact_lists(id) ON DELETE CASCADE,
    -- The row's line in the imported file (1 = first data row).
    row_number BIGINT NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    -- E.164.
    phone TEXT NOT NULL,
    -- JSON array of the extra fields' values, aligned with contact_lists.field_names.
    fields TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE INDEX contacts_list ON contacts (contact_list_id, id);
CREATE UNIQUE INDEX contacts_list_phone ON contacts (contact_list_id, phone);
CREATE INDEX contacts_org_phone ON contacts (organisation_id, phone);

CREATE TABLE phone_numbers (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id BIGINT NOT NULL REFERENCES organisations(id),
    office_id BIGINT NOT NULL REFERENCES offices(id),
    -- 'reusable' or 'single_use'.
    kind TEXT NOT NULL,
    e164 TEXT NOT NULL,
    name TEXT NOT NULL,
    description TEXT NOT NULL,
    -- 'long_code', 'toll_free', 'short_code' or 'simulator' (decides the send rate).
    number_type TEXT NOT NULL,
    owner_user_id BIGINT REFERENCES users(id),
    -- 'agent' or 'assistant': who answers unsolicited messages.
    default_operated_by TEXT NOT NULL,
    provider_sid TEXT,
    -- 'active' or 'released'.
    status TEXT NOT NULL,
    campaign_id BIGINT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    released_at TIMESTAMP
);
CREATE UNIQUE INDEX phone_numbers_live_e164 ON phone_numbers (e164) WHERE status = 'active';
CREATE INDEX phone_numbers_org ON phone_numbers (organisation_id, office_id, kind, status);

-- The users and office inboxes that receive a reusable number's unsolicited messages.
CREATE TABLE unsolicited_recipients (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    phone_number_id BIGINT NOT NULL REFERENCES phone_numbers(id) ON DELETE CASCADE,
    user_id BIGINT REFERENCES users(id),
    office_id BIGINT REFERENCES offices(id),
    CHECK ((user_id IS NULL) <> (office_id IS NULL))
);
CREATE INDEX unsolicited_recipients_number ON unsolicited_recipients (phone_number_id);

CREATE TABLE campaigns (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id BIGINT NOT NULL REFERENCES organisations(id),
    office_id BIGINT NOT NULL REFERENCES offices(id),
    title TEXT NOT NULL,
    state TEXT NOT NULL,
    archive_kind TEXT,
    operated_by TEXT NOT NULL,
    phone_number_id BIGINT REFERENCES phone_numbers(id),
    wants_single_use BOOLEAN NOT NULL,
    contact_list_id BIGINT REFERENCES contact_lists(id),
    message_template TEXT NOT NULL,
    append_opt_out BOOLEAN NOT NULL,
    -- JSON of the Virtual Assistant's script, when assistant-operated.
    assistant_script TEXT,
    time_zone TEXT NOT NULL,
    scheduled_at TIMESTAMP,
    launched_at TIMESTAMP,
    archived_at TIMESTAMP,
    created_by BIGINT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    -- Scheduler lease: which server is launching it, until when.
    lease_owner TEXT,
    lease_expires_at TIMESTAMP
);
CREATE INDEX campaigns_tab ON campaigns (organisation_id, state, updated_at, id);
CREATE INDEX campaigns_due ON campaigns (state, scheduled_at);

CREATE TABLE campaign_agents (
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    user_id BIGINT NOT NULL REFERENCES users(id),
    PRIMARY KEY (campaign_id, user_id)
);

CREATE TABLE campaign_tags (
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id) ON DELETE CASCADE,
    -- As typed (trimmed); tag_key is its lower-cased form for matching.
    tag TEXT NOT NULL,
    tag_key TEXT NOT NULL,
    position BIGINT NOT NULL,
    PRIMARY KEY (campaign_id, tag_key)
);
CREATE INDEX campaign_tags_key ON campaign_tags (tag_key, campaign_id);

-- The organisation's suppression list: one live row per number.
CREATE TABLE opt_outs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id BIGINT NOT NULL REFERENCES organisations(id),
    phone TEXT NOT NULL,
    -- 'keyword', 'manual' or 'api'.
    source TEXT NOT NULL,
    campaign_id BIGINT REFERENCES campaigns(id),
    created_by BIGINT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    lifted_at TIMESTAMP,
    lifted_by BIGINT REFERENCES users(id),
    lift_reason TEXT
);
CREATE UNIQUE INDEX opt_outs_live ON opt_outs (organisation_id, phone) WHERE lifted_at IS NULL;
CREATE INDEX opt_outs_org ON opt_outs (organisation_id, created_at);
