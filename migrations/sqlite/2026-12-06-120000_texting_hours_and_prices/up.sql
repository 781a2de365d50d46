-- Texting hours: the organisation's daily window and a campaign's narrowing of it, in
-- minutes since midnight on the contact's clock (closes may be 1440, the end of the
-- day); the zone each message's contact keeps, set on the messages that wait for the
-- window (campaign messages, a text that opens a conversation) and NULL on replies;
-- and the contact list column that names each contact's zone, when one is mapped.
ALTER TABLE organisations ADD COLUMN texting_opens INTEGER NOT NULL DEFAULT 480;
ALTER TABLE organisations ADD COLUMN texting_closes INTEGER NOT NULL DEFAULT 1260;
ALTER TABLE campaigns ADD COLUMN texting_opens INTEGER;
ALTER TABLE campaigns ADD COLUMN texting_closes INTEGER;
ALTER TABLE messages ADD COLUMN texting_zone TEXT;
ALTER TABLE contact_lists ADD COLUMN time_zone_field TEXT;
-- The campaign page counts the launch messages waiting for texting hours: queued rows
-- only, so the index stays as small as the queue.
CREATE INDEX messages_campaign_waiting ON messages (campaign_id, next_attempt_at) WHERE status = 'queued';
-- The price of one SMS segment by number type, in micro-dollars, for the cost estimate
-- before launch (default: Twilio's US list price, $0.0083).
ALTER TABLE organisations ADD COLUMN price_long_code_micros BIGINT NOT NULL DEFAULT 8300;
ALTER TABLE organisations ADD COLUMN price_toll_free_micros BIGINT NOT NULL DEFAULT 8300;
ALTER TABLE organisations ADD COLUMN price_short_code_micros BIGINT NOT NULL DEFAULT 8300;
