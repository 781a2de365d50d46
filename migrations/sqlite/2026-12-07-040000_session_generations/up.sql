-- A per-user session generation: every session token carries the generation it was
-- issued at, and a token of an older generation is refused. Changing a user's password
-- or role, or deactivating them, moves it on, ending their sessions everywhere.
ALTER TABLE users ADD COLUMN session_generation BIGINT NOT NULL DEFAULT 0;
