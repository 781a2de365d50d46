-- The outbound queue and every message sent or received, the campaign send counters,
-- dispatcher lanes and early provider reports (SQLite flavour).
CREATE TABLE messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id BIGINT NOT NULL REFERENCES organisations(id),
    campaign_id BIGINT REFERENCES campaigns(id),
    contact_id BIGINT REFERENCES contacts(id),
    -- Our number: the sender of an outbound message, the receiver of an inbound one.
    phone_number_id BIGINT NOT NULL REFERENCES phone_numbers(id),
    -- 'outbound' or 'inbound'.
    direction TEXT NOT NULL,
    -- 'campaign' (the launch message), 'agent', 'assistant', 'system' or 'contact'.
    author TEXT NOT NULL,
    author_user_id BIGINT REFERENCES users(id),
    from_phone TEXT NOT NULL,
    to_phone TEXT NOT NULL,
    body TEXT NOT NULL,
    -- 'gsm7' or 'ucs2'.
    encoding TEXT NOT NULL,
    segments BIGINT NOT NULL,
    -- See tidings_domain::delivery::MessageStatus.
    status TEXT NOT NULL,
    -- Provider calls made so far.
    attempts BIGINT NOT NULL,
    -- A queued message is not sent before this instant (retry backoff).
    next_attempt_at TIMESTAMP NOT NULL,
    lease_owner TEXT,
    lease_expires_at TIMESTAMP,
    provider_message_id TEXT,
    error_code BIGINT,
    error_reason TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL,
    -- When the provider took it.
    sent_at TIMESTAMP
);
CREATE UNIQUE INDEX messages_provider_id ON messages (provider_message_id) WHERE provider_message_id IS NOT NULL;
-- The dispatcher's queue, per sending number.
CREATE INDEX messages_queue ON messages (phone_number_id, next_attempt_at, id) WHERE status = 'queued';
-- Leases to recover after a crash.
CREATE INDEX messages_in_flight ON messages (lease_expires_at) WHERE status IN ('claimed', 'sending');
CREATE INDEX messages_campaign ON messages (campaign_id, id);
CREATE INDEX messages_campaign_status ON messages (campaign_id, status, id);
CREATE INDEX messages_campaign_contact ON messages (campaign_id, contact_id, id);

-- A campaign's launch messages by send_counts bucket, kept in the same transaction as
-- every status change, plus the contacts skipped at launch.
CREATE TABLE campaign_send_counts (
    campaign_id BIGINT PRIMARY KEY REFERENCES campaigns(id),
    queued BIGINT NOT NULL DEFAULT 0,
    pending BIGINT NOT NULL DEFAULT 0,
    sent BIGINT NOT NULL DEFAULT 0,
    delivered BIGINT NOT NULL DEFAULT 0,
    failed BIGINT NOT NULL DEFAULT 0,
    unknown BIGINT NOT NULL DEFAULT 0,
    cancelled BIGINT NOT NULL DEFAULT 0,
    skipped_opted_out BIGINT NOT NULL DEFAULT 0,
    skipped_invalid BIGINT NOT NULL DEFAULT 0
);

-- One dispatcher at a time sends from a number, so its rate holds across servers.
CREATE TABLE dispatch_lanes (
    phone_number_id BIGINT PRIMARY KEY REFERENCES phone_numbers(id),
    owner TEXT NOT NULL,
    lease_expires_at TIMESTAMP NOT NULL
);

-- Status reports that arrived before the send that names them was recorded.
CREATE TABLE early_status_reports (
    provider_message_id TEXT PRIMARY KEY,
    status TEXT NOT NULL,
    error_code BIGINT,
    received_at TIMESTAMP NOT NULL
);
