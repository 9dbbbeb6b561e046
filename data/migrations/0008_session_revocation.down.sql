DROP TABLE IF EXISTS session_revocation;
