DROP INDEX opt_outs_campaign;
DROP INDEX messages_campaign_author;
DROP TABLE campaign_activity;
