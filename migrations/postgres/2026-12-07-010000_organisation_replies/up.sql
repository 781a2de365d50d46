-- The organisation's own confirmation of an opt-out and the opt-out language appended
-- to first messages (empty: the built-in texts). Its HELP reply is
-- organisations.help_text.
ALTER TABLE organisations ADD COLUMN opt_out_reply TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN opt_out_language TEXT NOT NULL DEFAULT '';
