ALTER TABLE organisations DROP COLUMN opt_out_language;
ALTER TABLE organisations DROP COLUMN opt_out_reply;
