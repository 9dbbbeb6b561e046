-- Troupe's own table (Nakama keeps this only in memory): session and refresh tokens revoked before their
-- expiry (logout, account deletion), so a restart does not bring them back. A row is useless after
-- expiry_time (the token has expired anyway) and may be purged then.

CREATE TABLE session_revocation (
  token_id    VARCHAR(64) NOT NULL,  -- the token's id claim
  user_id     UUID        NOT NULL,
  expiry_time TIMESTAMPTZ NOT NULL,
  create_time TIMESTAMPTZ NOT NULL DEFAULT now(),
  CONSTRAINT session_revocation_pkey PRIMARY KEY (token_id),
  CONSTRAINT session_revocation_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX session_revocation_expiry_time_idx ON session_revocation (expiry_time);
CREATE INDEX session_revocation_user_id_idx ON session_revocation (user_id);
