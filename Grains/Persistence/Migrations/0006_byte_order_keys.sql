-- 0006 · Key columns compared byte by byte (COLLATE "C").
--
-- Every indexed text column here holds identifiers (service ids, state names, "tenant/entity" keys, stream names,
-- query keys), never text a person sorts, yet each was compared by the database's locale. That order belongs to the
-- C library's locale data: an operating system upgrade that changes it leaves a B-tree built in the old order
-- silently inconsistent (lookups that miss rows, unique keys that admit duplicates). Byte order never changes.
-- It is also cheaper: a locale comparison copies both values and calls strcoll, and a cart's read and write probe a
-- primary key whose two leading text columns are equal in nearly every row. In a profile of the storefront sale,
-- text comparison (bttextcmp) went from 9.2 to 6.6 % of PostgreSQL's CPU.
-- Equality is unchanged (a database's default collation is deterministic); only the order of keys changes, and no
-- query depends on it. PostgreSQL rewrites no table for this, but it rebuilds each index on these columns under the
-- table's exclusive lock: about 1 s per 400,000 grain states on the bench machine.

ALTER TABLE multistore_grain_state
    ALTER COLUMN service_id TYPE varchar(150) COLLATE "C",
    ALTER COLUMN grain_type TYPE varchar(512) COLLATE "C",
    ALTER COLUMN grain_key TYPE varchar(1024) COLLATE "C";

ALTER TABLE multistore_stock_batches
    ALTER COLUMN service_id TYPE varchar(150) COLLATE "C",
    ALTER COLUMN stream TYPE varchar(512) COLLATE "C";

ALTER TABLE multistore_stock_snapshots
    ALTER COLUMN service_id TYPE varchar(150) COLLATE "C",
    ALTER COLUMN stream TYPE varchar(512) COLLATE "C";

ALTER TABLE multistore_stock_ledger
    ALTER COLUMN service_id TYPE varchar(150) COLLATE "C",
    ALTER COLUMN stream TYPE varchar(512) COLLATE "C";

ALTER TABLE multistore_stock_wakeups
    ALTER COLUMN service_id TYPE varchar(150) COLLATE "C",
    ALTER COLUMN stream TYPE varchar(512) COLLATE "C";

ALTER TABLE multistore_reminders
    ALTER COLUMN service_id TYPE varchar(150) COLLATE "C",
    ALTER COLUMN grain_id TYPE varchar(1024) COLLATE "C",
    ALTER COLUMN reminder_name TYPE varchar(150) COLLATE "C";

ALTER TABLE orleansquery
    ALTER COLUMN querykey TYPE varchar(64) COLLATE "C";
