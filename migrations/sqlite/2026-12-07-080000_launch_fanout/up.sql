-- A launch writes its messages a chunk of contacts at a time, each chunk its own
-- transaction, so webhooks and staff work interleave with a large launch.
-- fanout_after_contact_id: while the launch is still being written, the last contact
-- written (0 before the first chunk); NULL once every contact is written.
-- fanout_written / fanout_total: contacts handled so far / on the list at launch.
-- fanout_touched_at: when the last chunk was written (a launch whose server died is
-- resumed once it has been still for a while).
ALTER TABLE campaigns ADD COLUMN fanout_after_contact_id BIGINT;
ALTER TABLE campaigns ADD COLUMN fanout_written BIGINT NOT NULL DEFAULT 0;
ALTER TABLE campaigns ADD COLUMN fanout_total BIGINT NOT NULL DEFAULT 0;
ALTER TABLE campaigns ADD COLUMN fanout_touched_at TIMESTAMP;
CREATE INDEX campaigns_fanout_pending ON campaigns (fanout_touched_at) WHERE fanout_after_contact_id IS NOT NULL;
