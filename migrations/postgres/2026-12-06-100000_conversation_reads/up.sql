-- What each user has read of each conversation: the newest message it held when they
-- last opened it. A conversation is unread for a user while a contact's message is
-- newer than that (the lists' unread mark).
CREATE TABLE conversation_reads (
    user_id BIGINT NOT NULL REFERENCES users(id),
    conversation_id BIGINT NOT NULL REFERENCES conversations(id),
    last_read_message_id BIGINT NOT NULL,
    PRIMARY KEY (user_id, conversation_id)
);
