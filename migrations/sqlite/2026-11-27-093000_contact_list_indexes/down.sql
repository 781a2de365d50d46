DROP INDEX campaigns_contact_list;
