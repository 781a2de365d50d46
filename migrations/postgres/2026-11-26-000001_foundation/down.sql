DROP TABLE audit_log;
DROP TABLE revoked_tokens;
DROP TABLE api_keys;
DROP TABLE users;
DROP TABLE offices;
DROP TABLE organisations;
