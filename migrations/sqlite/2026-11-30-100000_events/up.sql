-- Live-update events (SQLite flavour): written in the same transaction as the change
-- they describe, read by every server's poller and fanned out to its Server-Sent
-- Events streams, kept a few minutes for reconnecting clients, then pruned.
-- No foreign keys: rows are short-lived and must never stand in the way of deleting
-- an office or a campaign.
CREATE TABLE events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id BIGINT NOT NULL,
    -- The office whose people may see it (a campaign's office, or a number's).
    office_id BIGINT NOT NULL,
    -- 'message.created', 'message.status', 'conversation.updated', 'campaign.updated'.
    kind TEXT NOT NULL,
    campaign_id BIGINT,
    conversation_id BIGINT,
    -- JSON, sent to clients as the event's data.
    data TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
-- Replay after a Last-Event-ID, per organisation.
CREATE INDEX events_organisation ON events (organisation_id, id);
-- Pruning past the replay window.
CREATE INDEX events_created ON events (created_at);
