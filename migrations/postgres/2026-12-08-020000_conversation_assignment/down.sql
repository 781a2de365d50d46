DROP INDEX conversations_assignee;
ALTER TABLE conversations DROP COLUMN assigned_user_id;
