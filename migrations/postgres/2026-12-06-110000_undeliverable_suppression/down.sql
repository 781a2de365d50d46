ALTER TABLE campaign_send_counts DROP COLUMN skipped_undeliverable;
ALTER TABLE opt_outs DROP COLUMN reason;
