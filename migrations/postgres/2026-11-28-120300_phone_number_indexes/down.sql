DROP INDEX unsolicited_recipients_office;
DROP INDEX unsolicited_recipients_user;
DROP INDEX phone_numbers_live_campaign;
DROP INDEX campaigns_phone_number;
