-- Leaderboards and tournaments (a tournament is a leaderboard with duration > 0) and their records.
-- sort_order: 0 asc, 1 desc. operator (DB values): 0 best, 1 set, 2 increment, 3 decrement.
-- end_time epoch = never ends. A record's expiry_time is the end of its reset period (epoch = never).

CREATE TABLE leaderboard (
  id             VARCHAR(128) NOT NULL,
  authoritative  BOOLEAN      NOT NULL DEFAULT FALSE,
  sort_order     SMALLINT     NOT NULL DEFAULT 1,
  operator       SMALLINT     NOT NULL DEFAULT 0,
  reset_schedule VARCHAR(64),  -- cron expression
  metadata       JSONB        NOT NULL DEFAULT '{}',
  create_time    TIMESTAMPTZ  NOT NULL DEFAULT now(),
  category       SMALLINT     NOT NULL DEFAULT 0 CHECK (category >= 0 AND category <= 127),
  description    VARCHAR(255) NOT NULL DEFAULT '',
  duration       INT          NOT NULL DEFAULT 0 CHECK (duration >= 0),  -- seconds
  end_time       TIMESTAMPTZ  NOT NULL DEFAULT '1970-01-01 00:00:00 UTC',
  join_required  BOOLEAN      NOT NULL DEFAULT FALSE,
  max_size       INT          NOT NULL DEFAULT 100000000 CHECK (max_size > 0),
  max_num_score  INT          NOT NULL DEFAULT 1000000 CHECK (max_num_score > 0),
  title          VARCHAR(255) NOT NULL DEFAULT '',
  size           INT          NOT NULL DEFAULT 0 CHECK (size >= 0),
  start_time     TIMESTAMPTZ  NOT NULL DEFAULT now(),
  enable_ranks   BOOLEAN      NOT NULL DEFAULT FALSE,
  CONSTRAINT leaderboard_pkey PRIMARY KEY (id)
);
-- Tournament listing by category and time window.
CREATE INDEX leaderboard_tournament_idx ON leaderboard (category, start_time, end_time, id) WHERE duration > 0;

CREATE TABLE leaderboard_record (
  leaderboard_id VARCHAR(128) NOT NULL,
  owner_id       UUID         NOT NULL,  -- a user or a group: no foreign key
  username       VARCHAR(128),
  score          BIGINT       NOT NULL DEFAULT 0 CHECK (score >= 0),
  subscore       BIGINT       NOT NULL DEFAULT 0 CHECK (subscore >= 0),
  num_score      INT          NOT NULL DEFAULT 1 CHECK (num_score >= 0),
  metadata       JSONB        NOT NULL DEFAULT '{}',
  create_time    TIMESTAMPTZ  NOT NULL DEFAULT now(),
  update_time    TIMESTAMPTZ  NOT NULL DEFAULT now(),
  expiry_time    TIMESTAMPTZ  NOT NULL DEFAULT '1970-01-01 00:00:00 UTC',
  max_num_score  INT          NOT NULL DEFAULT 1000000 CHECK (max_num_score > 0),
  -- Ranked listing of one period, either direction: (leaderboard_id, expiry_time, score, subscore).
  CONSTRAINT leaderboard_record_pkey PRIMARY KEY (leaderboard_id, expiry_time, score, subscore, owner_id),
  CONSTRAINT leaderboard_record_leaderboard_id_fkey FOREIGN KEY (leaderboard_id) REFERENCES leaderboard (id) ON DELETE CASCADE,
  -- One record per owner per period; also the owner's records across leaderboards.
  CONSTRAINT leaderboard_record_owner_id_leaderboard_id_expiry_time_key UNIQUE (owner_id, leaderboard_id, expiry_time)
);
