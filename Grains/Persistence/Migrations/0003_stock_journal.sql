-- 0003 · The stock entries' journal (see Grains/Stock/Journal/PostgresStockJournal.cs).
--
-- A stock entry does not store its whole state on every write: each group commit appends one row of changes,
-- numbered per stream (the grain key "tenant/sku@zone"). The primary key is the fence: a second activation of
-- the same entry that tries to write a version already written is refused, so it can never acknowledge a
-- reservation decided on stale numbers. A snapshot every so often bounds what activation replays; the ledger
-- is the entry's readable history (every change of on-hand, plus releases and expiries).

CREATE TABLE IF NOT EXISTS multistore_stock_batches
(
    service_id varchar(150) NOT NULL,
    stream     varchar(512) NOT NULL,
    version    bigint       NOT NULL,
    changes    jsonb        NOT NULL,
    written_at timestamptz  NOT NULL DEFAULT now(),
    CONSTRAINT pk_multistore_stock_batches PRIMARY KEY (service_id, stream, version)
);

CREATE TABLE IF NOT EXISTS multistore_stock_snapshots
(
    service_id varchar(150) NOT NULL,
    stream     varchar(512) NOT NULL,
    version    bigint       NOT NULL,
    snapshot   jsonb        NOT NULL,
    CONSTRAINT pk_multistore_stock_snapshots PRIMARY KEY (service_id, stream)
);

CREATE TABLE IF NOT EXISTS multistore_stock_ledger
(
    service_id     varchar(150) NOT NULL,
    stream         varchar(512) NOT NULL,
    sequence       bigint       NOT NULL,
    at             timestamptz  NOT NULL,
    kind           varchar(32)  NOT NULL,
    delta          integer      NOT NULL,
    on_hand_after  integer      NOT NULL,
    reason         varchar(200),
    actor          varchar(200) NOT NULL,
    reservation_id varchar(128),
    CONSTRAINT pk_multistore_stock_ledger PRIMARY KEY (service_id, stream, sequence)
);
