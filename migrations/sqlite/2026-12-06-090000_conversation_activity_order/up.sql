-- Conversation lists sort by latest activity (the newest message), newest first: every
-- conversation carries the time of its newest message, and the list indexes end with
-- it so a page is read in order by key.
UPDATE conversations
SET last_message_at = COALESCE(
    (SELECT MAX(messages.created_at) FROM messages WHERE messages.conversation_id = conversations.id),
    conversations.created_at
)
WHERE last_message_at IS NULL;
DROP INDEX conversations_campaign;
CREATE INDEX conversations_campaign ON conversations (campaign_id, needs_attention, operated_by, last_message_at, id);
CREATE INDEX conversations_org_activity ON conversations (organisation_id, last_message_at, id);
