-- 0007 · Failed wakes back off (see Grains/Stock/StockWakeUpSweeper.cs).
--
-- The sweeper reads the earliest due rows first. An entry whose wake keeps failing kept its wake_at, so it sorted
-- first at every sweep: enough such rows took the whole sweep, and no other entry's holds ever expired. A failed
-- wake now moves wake_at on by a growing delay and counts the failure here. failed_version is the version whose
-- wake-up time the failures were counted against: a batch that writes a newer wake-up time (the entry woke and
-- moved on) starts the count again, without the journal's write having to touch these columns.
-- Additive only: a silo of the previous release neither reads nor writes them, and adding a column with a constant
-- default rewrites no table.

ALTER TABLE multistore_stock_wakeups
    ADD COLUMN IF NOT EXISTS failures integer NOT NULL DEFAULT 0,
    ADD COLUMN IF NOT EXISTS failed_version bigint NOT NULL DEFAULT 0;
