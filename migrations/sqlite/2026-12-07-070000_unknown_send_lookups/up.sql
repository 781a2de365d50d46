-- How often the provider was asked about a send whose answer was lost (status
-- 'unknown'); next_attempt_at is when it is asked next.
ALTER TABLE messages ADD COLUMN lookups BIGINT NOT NULL DEFAULT 0;
CREATE INDEX messages_unknown ON messages (next_attempt_at) WHERE status = 'unknown';
