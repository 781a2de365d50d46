DROP INDEX conversations_org_activity;
DROP INDEX conversations_campaign;
CREATE INDEX conversations_campaign ON conversations (campaign_id, needs_attention, operated_by, id);
