-- Analytics without scanning a campaign's messages: message counts per campaign and
-- 15-minute UTC slot (every time zone's hours, days, months and years start on one),
-- kept in the same transaction as each send or receipt; indexes for the reply-side
-- queries and the Contacts tab.
CREATE TABLE campaign_activity (
    campaign_id BIGINT NOT NULL REFERENCES campaigns(id),
    slot_start TIMESTAMP NOT NULL,
    inbound BIGINT NOT NULL DEFAULT 0,
    outbound BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (campaign_id, slot_start)
);
CREATE INDEX messages_campaign_author ON messages (campaign_id, author, id);
CREATE INDEX opt_outs_campaign ON opt_outs (campaign_id);
