-- Which campaigns use a contact list: read when a list is shown (can it be deleted?)
-- and when it is deleted (refused while a campaign that left draft holds it; drafts
-- let go of it).
CREATE INDEX campaigns_contact_list ON campaigns (contact_list_id, state);
