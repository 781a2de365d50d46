-- A conversation may be assigned to one user: it is then in that user's personal inbox
-- and out of every other inbox (campaign agents', office inboxes) until unassigned.
ALTER TABLE conversations ADD COLUMN assigned_user_id BIGINT REFERENCES users(id);
CREATE INDEX conversations_assignee ON conversations (assigned_user_id, needs_attention)
    WHERE assigned_user_id IS NOT NULL;
