DROP INDEX campaigns_fanout_pending;
ALTER TABLE campaigns DROP COLUMN fanout_touched_at;
ALTER TABLE campaigns DROP COLUMN fanout_total;
ALTER TABLE campaigns DROP COLUMN fanout_written;
ALTER TABLE campaigns DROP COLUMN fanout_after_contact_id;
