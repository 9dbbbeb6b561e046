-- Accounts: users (including the system user), their devices, and tombstones of deleted accounts.
-- "Not set" times are the Unix epoch, never NULL (verify_time, disable_time).

CREATE TABLE users (
  id                       UUID         NOT NULL,
  username                 VARCHAR(128) NOT NULL,
  display_name             VARCHAR(255),
  avatar_url               VARCHAR(512),
  lang_tag                 VARCHAR(18)  NOT NULL DEFAULT 'en',
  location                 VARCHAR(255),
  timezone                 VARCHAR(255),
  metadata                 JSONB        NOT NULL DEFAULT '{}',
  wallet                   JSONB        NOT NULL DEFAULT '{}',  -- map of currency name to int64 amount
  email                    VARCHAR(255),
  password                 BYTEA        CHECK (length(password) < 32000),  -- bcrypt hash
  facebook_id              VARCHAR(128),
  google_id                VARCHAR(128),
  gamecenter_id            VARCHAR(128),
  steam_id                 VARCHAR(128),
  custom_id                VARCHAR(128),
  facebook_instant_game_id VARCHAR(128),
  apple_id                 VARCHAR(128),
  edge_count               INT          NOT NULL DEFAULT 0 CHECK (edge_count >= 0),  -- friend count
  create_time              TIMESTAMPTZ  NOT NULL DEFAULT now(),
  update_time              TIMESTAMPTZ  NOT NULL DEFAULT now(),
  verify_time              TIMESTAMPTZ  NOT NULL DEFAULT '1970-01-01 00:00:00 UTC',
  disable_time             TIMESTAMPTZ  NOT NULL DEFAULT '1970-01-01 00:00:00 UTC',  -- banned when later than epoch
  CONSTRAINT users_pkey PRIMARY KEY (id),
  CONSTRAINT users_username_key UNIQUE (username),
  CONSTRAINT users_email_key UNIQUE (email),
  CONSTRAINT users_facebook_id_key UNIQUE (facebook_id),
  CONSTRAINT users_google_id_key UNIQUE (google_id),
  CONSTRAINT users_gamecenter_id_key UNIQUE (gamecenter_id),
  CONSTRAINT users_steam_id_key UNIQUE (steam_id),
  CONSTRAINT users_custom_id_key UNIQUE (custom_id),
  CONSTRAINT users_facebook_instant_game_id_key UNIQUE (facebook_instant_game_id),
  CONSTRAINT users_apple_id_key UNIQUE (apple_id)
);

-- The system user owns server-written storage objects, receipts of deleted accounts, system messages.
INSERT INTO users (id, username) VALUES ('00000000-0000-0000-0000-000000000000', '');

CREATE TABLE user_device (
  id                 VARCHAR(128) NOT NULL,
  user_id            UUID         NOT NULL,
  preferences        JSONB        NOT NULL DEFAULT '{}',
  push_token_amazon  VARCHAR(512) NOT NULL DEFAULT '',
  push_token_android VARCHAR(512) NOT NULL DEFAULT '',
  push_token_huawei  VARCHAR(512) NOT NULL DEFAULT '',
  push_token_ios     VARCHAR(512) NOT NULL DEFAULT '',
  push_token_web     VARCHAR(512) NOT NULL DEFAULT '',
  CONSTRAINT user_device_pkey PRIMARY KEY (id),
  CONSTRAINT user_device_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
  CONSTRAINT user_device_user_id_id_key UNIQUE (user_id, id)
);

CREATE TABLE user_tombstone (
  user_id     UUID        NOT NULL,
  create_time TIMESTAMPTZ NOT NULL DEFAULT now(),
  CONSTRAINT user_tombstone_pkey PRIMARY KEY (create_time, user_id),
  CONSTRAINT user_tombstone_user_id_key UNIQUE (user_id)
);
