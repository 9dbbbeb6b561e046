-- Storage objects, keyed by (collection, key, user_id); the system user owns server-written objects.
-- `version` is the hex MD5 of the value as written; read: 0 none, 1 owner, 2 public; write: 0 none, 1 owner.

CREATE TABLE storage (
  collection  VARCHAR(128) NOT NULL,
  key         VARCHAR(128) NOT NULL,
  user_id     UUID         NOT NULL,
  value       JSONB        NOT NULL DEFAULT '{}',
  version     VARCHAR(32)  NOT NULL,
  read        SMALLINT     NOT NULL DEFAULT 1 CHECK (read >= 0),
  write       SMALLINT     NOT NULL DEFAULT 1 CHECK (write >= 0),
  create_time TIMESTAMPTZ  NOT NULL DEFAULT now(),
  update_time TIMESTAMPTZ  NOT NULL DEFAULT now(),
  CONSTRAINT storage_pkey PRIMARY KEY (collection, key, user_id),
  CONSTRAINT storage_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
-- Listings: public objects of a collection (read = 2) by key; one user's objects of a collection by key;
-- one user's objects across collections (runtime listing without a collection, account deletion).
CREATE INDEX storage_collection_read_key_user_id_idx ON storage (collection, read, key, user_id);
CREATE INDEX storage_collection_user_id_read_key_idx ON storage (collection, user_id, read, key);
CREATE INDEX storage_user_id_collection_key_idx ON storage (user_id, collection, key);
