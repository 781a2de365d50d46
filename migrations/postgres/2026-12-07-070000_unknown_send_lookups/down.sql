DROP INDEX messages_unknown;
ALTER TABLE messages DROP COLUMN lookups;
