-- The template library: saved messages, the organisation's (office_id NULL) or one
-- office's. name_key is the lower-cased name, unique in the organisation so the
-- composer's "/" shortcut names one template. tags is a JSON array of strings: an
-- organisation keeps at most 1000 templates and every list reads them all, so the tag
-- filter needs no index of its own.
CREATE TABLE message_templates (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    organisation_id BIGINT NOT NULL REFERENCES organisations(id),
    office_id BIGINT REFERENCES offices(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    name_key TEXT NOT NULL,
    body TEXT NOT NULL,
    tags TEXT NOT NULL,
    created_by BIGINT REFERENCES users(id),
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE UNIQUE INDEX message_templates_org_name ON message_templates (organisation_id, name_key);
