-- Automatic suppression: a number the provider says cannot receive texts goes on the
-- organisation's suppression list with the provider's code and words as its reason,
-- and launches count the contacts they skip for it apart from opt-outs.
ALTER TABLE opt_outs ADD COLUMN reason TEXT;
ALTER TABLE campaign_send_counts ADD COLUMN skipped_undeliverable BIGINT NOT NULL DEFAULT 0;
