DROP TABLE opt_outs;
DROP TABLE campaign_tags;
DROP TABLE campaign_agents;
DROP TABLE campaigns;
DROP TABLE unsolicited_recipients;
DROP TABLE phone_numbers;
DROP TABLE contacts;
DROP TABLE contact_lists;
