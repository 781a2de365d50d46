DROP INDEX messages_campaign_waiting;
ALTER TABLE contact_lists DROP COLUMN time_zone_field;
ALTER TABLE messages DROP COLUMN texting_zone;
ALTER TABLE campaigns DROP COLUMN texting_closes;
ALTER TABLE campaigns DROP COLUMN texting_opens;
ALTER TABLE organisations DROP COLUMN texting_closes;
ALTER TABLE organisations DROP COLUMN texting_opens;
