-- The first answer to a POST sent with an Idempotency-Key, kept 24 hours per
-- organisation and key, so a retried request is answered, not done twice. While the
-- first request runs, status is NULL.
CREATE TABLE idempotency_keys (
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    status INTEGER,
    content_type TEXT,
    body BLOB,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (organisation_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
