-- Friends, groups and persistent notifications.
-- Edges are stored twice (one row per direction); `position` orders a source's edges for listing.

CREATE TABLE user_edge (
  source_id      UUID        NOT NULL CHECK (source_id <> '00000000-0000-0000-0000-000000000000'),
  position       BIGINT      NOT NULL,
  update_time    TIMESTAMPTZ NOT NULL DEFAULT now(),
  destination_id UUID        NOT NULL CHECK (destination_id <> '00000000-0000-0000-0000-000000000000'),
  state          SMALLINT    NOT NULL DEFAULT 0,  -- 0 friend, 1 invite sent, 2 invite received, 3 blocked
  metadata       JSONB       NOT NULL DEFAULT '{}',
  CONSTRAINT user_edge_pkey PRIMARY KEY (source_id, state, position),
  CONSTRAINT user_edge_source_id_fkey FOREIGN KEY (source_id) REFERENCES users (id) ON DELETE CASCADE,
  CONSTRAINT user_edge_source_id_destination_id_key UNIQUE (source_id, destination_id)
);
CREATE INDEX user_edge_destination_id_idx ON user_edge (destination_id);

CREATE TABLE groups (
  id           UUID         NOT NULL,
  creator_id   UUID         NOT NULL,
  name         VARCHAR(255) NOT NULL,
  description  VARCHAR(255),
  avatar_url   VARCHAR(512),
  lang_tag     VARCHAR(18),
  metadata     JSONB        NOT NULL DEFAULT '{}',
  state        SMALLINT     NOT NULL DEFAULT 0 CHECK (state >= 0),  -- 0 open, 1 closed
  edge_count   INT          NOT NULL DEFAULT 0,                     -- member count
  max_count    INT          NOT NULL DEFAULT 100 CHECK (max_count >= 1),
  create_time  TIMESTAMPTZ  NOT NULL DEFAULT now(),
  update_time  TIMESTAMPTZ  NOT NULL DEFAULT now(),
  disable_time TIMESTAMPTZ  NOT NULL DEFAULT '1970-01-01 00:00:00 UTC',
  CONSTRAINT groups_pkey PRIMARY KEY (id),
  CONSTRAINT groups_name_key UNIQUE (name),
  CONSTRAINT groups_edge_count_check CHECK (edge_count >= 1 AND edge_count <= max_count)
);
-- Group listings: by language and size, by recent activity, and by name prefix (LIKE 'abc%').
CREATE INDEX groups_disable_time_lang_tag_edge_count_id_idx ON groups (disable_time, lang_tag, edge_count, id);
CREATE INDEX groups_disable_time_update_time_edge_count_id_idx ON groups (disable_time, update_time, edge_count, id);
CREATE INDEX groups_name_pattern_idx ON groups (name varchar_pattern_ops);

CREATE TABLE group_edge (
  source_id      UUID        NOT NULL CHECK (source_id <> '00000000-0000-0000-0000-000000000000'),
  position       BIGINT      NOT NULL,
  update_time    TIMESTAMPTZ NOT NULL DEFAULT now(),
  destination_id UUID        NOT NULL CHECK (destination_id <> '00000000-0000-0000-0000-000000000000'),
  state          SMALLINT    NOT NULL DEFAULT 0,  -- 0 superadmin, 1 admin, 2 member, 3 join request, 4 banned
  CONSTRAINT group_edge_pkey PRIMARY KEY (source_id, state, position),
  CONSTRAINT group_edge_source_id_destination_id_key UNIQUE (source_id, destination_id)
);
CREATE INDEX group_edge_destination_id_idx ON group_edge (destination_id);

CREATE TABLE notification (
  id          UUID         NOT NULL,
  user_id     UUID         NOT NULL,
  subject     VARCHAR(255) NOT NULL,
  content     JSONB        NOT NULL DEFAULT '{}',
  code        SMALLINT     NOT NULL,  -- negative codes are reserved for the server
  sender_id   UUID         NOT NULL,
  create_time TIMESTAMPTZ  NOT NULL DEFAULT now(),
  CONSTRAINT notification_pkey PRIMARY KEY (user_id, create_time, id),
  CONSTRAINT notification_id_key UNIQUE (id),
  CONSTRAINT notification_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
);
