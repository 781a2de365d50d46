-- Conversations: one per campaign contact (created at launch) and one per unsolicited
-- sender on a reusable number; their tags and the staff who took part (PostgreSQL).
CREATE TABLE conversations (
    id BIGSERIAL PRIMARY KEY,
    organisation_id BIGINT NOT NULL REFERENCES organisations(id),
    -- The campaign's office, or the number's for an unsolicited conversation.
    office_id BIGINT NOT NULL REFERENCES offices(id),
    campaign_id BIGINT REFERENCES campaigns(id),
    phone_number_id BIGINT NOT NULL REFERENCES phone_numbers(id),
    contact_id BIGINT REFERENCES contacts(id),
    -- E.164 of the contact.
    contact_phone TEXT NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    -- 'agent' or 'assistant'.
    operated_by TEXT NOT NULL,
    needs_attention BOOLEAN NOT NULL,
    -- A message read like an opt-out without being a keyword: a person should confirm.
    opt_out_suggested BOOLEAN NOT NULL,
    -- Assistant fallbacks sent in a row (reset by a rule reply).
    assistant_fallbacks BIGINT NOT NULL,
    -- Whose inboxes show it: 'campaign' (the campaign's agents), 'unsolicited' (the
    -- number's unsolicited message settings) or 'closed' (none: the campaign ended).
    route TEXT NOT NULL,
    last_message_id BIGINT,
    last_message_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX conversations_campaign ON conversations (campaign_id, needs_attention, operated_by, id);
CREATE INDEX conversations_number_contact ON conversations (phone_number_id, contact_phone, id);
CREATE INDEX conversations_org_phone ON conversations (organisation_id, contact_phone);
CREATE INDEX conversations_route ON conversations (route, phone_number_id, needs_attention);

CREATE TABLE conversation_tags (
    conversation_id BIGINT NOT NULL REFERENCES conversations(id),
    tag TEXT NOT NULL,
    tag_key TEXT NOT NULL,
    position BIGINT NOT NULL,
    PRIMARY KEY (conversation_id, tag_key)
);
CREATE INDEX conversation_tags_key ON conversation_tags (tag_key, conversation_id);

-- Staff who replied in a conversation (the inbox's Participating tab).
CREATE TABLE conversation_participants (
    conversation_id BIGINT NOT NULL REFERENCES conversations(id),
    user_id BIGINT NOT NULL REFERENCES users(id),
    PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX conversation_participants_user ON conversation_participants (user_id, conversation_id);

ALTER TABLE messages ADD COLUMN conversation_id BIGINT REFERENCES conversations(id);
CREATE INDEX messages_conversation ON messages (conversation_id, id);
CREATE INDEX messages_org_to_status ON messages (organisation_id, to_phone, status);
