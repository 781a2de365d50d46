-- The organisation's own confirmation of an opt-out (empty: the built-in text). Its
-- HELP reply is organisations.help_text.
ALTER TABLE organisations ADD COLUMN opt_out_reply TEXT NOT NULL DEFAULT '';
