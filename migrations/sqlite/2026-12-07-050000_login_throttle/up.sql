-- Failed sign-ins, counted where every server sees them: one row per account and client
-- network (an exponential delay) and one per network (a hard lock past its limit).
CREATE TABLE login_throttle (
    key TEXT PRIMARY KEY NOT NULL,
    failures BIGINT NOT NULL DEFAULT 0,
    window_started_at TIMESTAMP NOT NULL,
    blocked_until TIMESTAMP NOT NULL
);
CREATE INDEX login_throttle_window ON login_throttle (window_started_at);
