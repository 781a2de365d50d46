DROP TABLE early_status_reports;
DROP TABLE dispatch_lanes;
DROP TABLE campaign_send_counts;
DROP TABLE messages;
