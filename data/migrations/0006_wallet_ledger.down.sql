DROP TABLE IF EXISTS wallet_ledger;
