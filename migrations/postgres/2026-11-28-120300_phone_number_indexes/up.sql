-- Indexes behind the phone-number rules.
-- Releasing a number or moving it to another office first looks for campaigns that use it.
CREATE INDEX campaigns_phone_number ON campaigns (phone_number_id, state);
-- A campaign has at most one live single-use number (a retried launch finds it again).
CREATE UNIQUE INDEX phone_numbers_live_campaign ON phone_numbers (campaign_id)
    WHERE status = 'active' AND campaign_id IS NOT NULL;
-- Each user and each office inbox appears once in a number's unsolicited settings.
CREATE UNIQUE INDEX unsolicited_recipients_user ON unsolicited_recipients (phone_number_id, user_id)
    WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX unsolicited_recipients_office ON unsolicited_recipients (phone_number_id, office_id)
    WHERE office_id IS NOT NULL;
