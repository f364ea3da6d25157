-- 0004 · When each stock entry must next be woken (see Grains/Stock/StockWakeUpSweeper.cs).
--
-- A held reservation must expire even if no silo that knew of it survives. Instead of one Orleans reminder per
-- entry (a row write of its own before the first hold, and in-memory state on a silo for every entry), each
-- journal batch that changes the entry's earliest hold deadline upserts it here, in the same statement as the hold
-- itself. A sweeper on every silo reads the due rows and wakes their entries, which expire the holds.
-- version keeps an older batch from overwriting a newer one's deadline.

CREATE TABLE IF NOT EXISTS multistore_stock_wakeups
(
    service_id varchar(150) NOT NULL,
    stream     varchar(512) NOT NULL,
    version    bigint       NOT NULL,
    wake_at    timestamptz,
    CONSTRAINT pk_multistore_stock_wakeups PRIMARY KEY (service_id, stream)
);

CREATE INDEX IF NOT EXISTS ix_multistore_stock_wakeups_due
    ON multistore_stock_wakeups (service_id, wake_at)
    WHERE wake_at IS NOT NULL;
