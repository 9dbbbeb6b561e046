-- Validated in-app purchases and subscriptions. Receipts outlive their account: deleting the user hands
-- them to the system user. store: 0 Apple, 1 Google, 2 Huawei, 3 Facebook Instant, 4 Samsung;
-- environment: 0 unknown, 1 sandbox, 2 production. refund_time epoch = not refunded.

CREATE TABLE purchase (
  transaction_id VARCHAR(512) NOT NULL,
  user_id        UUID         NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000',
  product_id     VARCHAR(512) NOT NULL,
  store          SMALLINT     NOT NULL DEFAULT 0,
  environment    SMALLINT     NOT NULL DEFAULT 0,
  purchase_time  TIMESTAMPTZ  NOT NULL DEFAULT now(),
  raw_response   JSONB        NOT NULL DEFAULT '{}',
  refund_time    TIMESTAMPTZ  NOT NULL DEFAULT '1970-01-01 00:00:00 UTC',
  create_time    TIMESTAMPTZ  NOT NULL DEFAULT now(),
  update_time    TIMESTAMPTZ  NOT NULL DEFAULT now(),
  CONSTRAINT purchase_pkey PRIMARY KEY (transaction_id),
  CONSTRAINT purchase_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET DEFAULT
);
CREATE INDEX purchase_user_id_purchase_time_transaction_id_idx ON purchase (user_id, purchase_time DESC, transaction_id);

CREATE TABLE subscription (
  original_transaction_id VARCHAR(512) NOT NULL,
  user_id                 UUID         NOT NULL DEFAULT '00000000-0000-0000-0000-000000000000',
  product_id              VARCHAR(512) NOT NULL,
  store                   SMALLINT     NOT NULL DEFAULT 0,
  environment             SMALLINT     NOT NULL DEFAULT 0,
  purchase_time           TIMESTAMPTZ  NOT NULL DEFAULT now(),
  expire_time             TIMESTAMPTZ  NOT NULL,
  raw_response            JSONB        NOT NULL DEFAULT '{}',
  raw_notification        JSONB        NOT NULL DEFAULT '{}',
  refund_time             TIMESTAMPTZ  NOT NULL DEFAULT '1970-01-01 00:00:00 UTC',
  create_time             TIMESTAMPTZ  NOT NULL DEFAULT now(),
  update_time             TIMESTAMPTZ  NOT NULL DEFAULT now(),
  CONSTRAINT subscription_pkey PRIMARY KEY (original_transaction_id),
  CONSTRAINT subscription_user_id_fkey FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE SET DEFAULT
);
CREATE INDEX subscription_user_id_purchase_time_original_transaction_id_idx
  ON subscription (user_id, purchase_time DESC, original_transaction_id);
