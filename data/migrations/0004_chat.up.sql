-- Chat history of channels with persistence on. A channel is a stream (mode, subject, descriptor, label):
-- rooms use the label, direct and group channels the UUIDs (nil UUID where unused).

CREATE TABLE message (
  id                UUID         NOT NULL,
  code              SMALLINT     NOT NULL DEFAULT 0,  -- 0 chat, 1 update, 2 remove, 3.. group events
  sender_id         UUID         NOT NULL,
  username          VARCHAR(128) NOT NULL,
  stream_mode       SMALLINT     NOT NULL,
  stream_subject    UUID         NOT NULL,
  stream_descriptor UUID         NOT NULL,
  stream_label      VARCHAR(128) NOT NULL,
  content           JSONB        NOT NULL DEFAULT '{}',
  create_time       TIMESTAMPTZ  NOT NULL DEFAULT now(),
  update_time       TIMESTAMPTZ  NOT NULL DEFAULT now(),
  CONSTRAINT message_pkey PRIMARY KEY (stream_mode, stream_subject, stream_descriptor, stream_label, create_time, id),
  CONSTRAINT message_id_key UNIQUE (id),
  CONSTRAINT message_sender_id_id_key UNIQUE (sender_id, id),
  CONSTRAINT message_sender_id_fkey FOREIGN KEY (sender_id) REFERENCES users (id) ON DELETE CASCADE
);
