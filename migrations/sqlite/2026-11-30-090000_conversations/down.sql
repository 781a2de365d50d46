DROP INDEX messages_org_to_status;
DROP INDEX messages_conversation;
ALTER TABLE messages DROP COLUMN conversation_id;
DROP TABLE conversation_participants;
DROP TABLE conversation_tags;
DROP TABLE conversations;
