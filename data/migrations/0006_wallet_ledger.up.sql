-- One row per wallet update that asked for a ledger entry; changeset is the map of deltas applied.

CREATE TABLE wallet_ledger (
  id          UUID        NOT NULL,
  user_id     UUID        NOT NULL,
  changeset   JSONB       NOT NULL,
  metadata    JSONB       NOT NULL DEFAULT '{}',
  create_time TIMESTAMPTZ NOT NULL DEFAULT now(),
  update_time TIMESTAMPTZ NOT NULL DEFAULT now(),
  CONSTRAINT wallet_ledger_pkey PRIMARY KEY (user_id, create_time, id),
  CONSTRAINT wallet_ledger_id_key UNIQUE (id),
  CONSTRAINT wallet_ledger_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
