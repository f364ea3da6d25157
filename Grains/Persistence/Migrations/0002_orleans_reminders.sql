-- 0002 · Durable reminders in PostgreSQL for Orleans' ADO.NET reminder table (invariant "Npgsql").
--
-- Reminders live next to the grain state they guard (a pending reservation's expiry), so one database backup
-- holds both, and losing Redis (membership only) never loses a reminder.
--
-- The provider loads these statements from OrleansQuery and binds:
--   @ServiceId, @GrainId (the grain id as text), @ReminderName, @StartTime (UTC), @Period (milliseconds, int or
--   bigint), @GrainHash / @BeginHash / @EndHash (the uniform hash as a signed int: a silo reads the reminders of
--   its own ring range, which wraps around when BeginHash >= EndHash), @Version (the ETag to delete at).
-- It reads the columns GrainId, ReminderName, StartTime, Period (as bigint) and Version; an upsert answers the new
-- Version, a delete answers one boolean column.

CREATE TABLE IF NOT EXISTS multistore_reminders
(
    service_id    varchar(150)  NOT NULL,
    grain_id      varchar(1024) NOT NULL,
    reminder_name varchar(150)  NOT NULL,
    start_time    timestamptz   NOT NULL,
    period_ms     bigint        NOT NULL,
    grain_hash    integer       NOT NULL,
    version       integer       NOT NULL,
    CONSTRAINT pk_multistore_reminders PRIMARY KEY (service_id, grain_id, reminder_name)
);

CREATE INDEX IF NOT EXISTS ix_multistore_reminders_range ON multistore_reminders (service_id, grain_hash);

INSERT INTO orleansquery (querykey, querytext) VALUES
('ReadReminderRowsKey', $query$
    SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
           period_ms AS "Period", version AS "Version"
    FROM multistore_reminders
    WHERE service_id = @ServiceId AND grain_id = @GrainId;
$query$),
('ReadReminderRowKey', $query$
    SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
           period_ms AS "Period", version AS "Version"
    FROM multistore_reminders
    WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName;
$query$),
('ReadRangeRows1Key', $query$
    SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
           period_ms AS "Period", version AS "Version"
    FROM multistore_reminders
    WHERE service_id = @ServiceId AND grain_hash > @BeginHash AND grain_hash <= @EndHash;
$query$),
('ReadRangeRows2Key', $query$
    SELECT grain_id AS "GrainId", reminder_name AS "ReminderName", start_time AS "StartTime",
           period_ms AS "Period", version AS "Version"
    FROM multistore_reminders
    WHERE service_id = @ServiceId AND (grain_hash > @BeginHash OR grain_hash <= @EndHash);
$query$),
('UpsertReminderRowKey', $query$
    INSERT INTO multistore_reminders (service_id, grain_id, reminder_name, start_time, period_ms, grain_hash, version)
    VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, CAST(@Period AS bigint), @GrainHash, 0)
    ON CONFLICT ON CONSTRAINT pk_multistore_reminders DO UPDATE
    SET start_time = EXCLUDED.start_time,
        period_ms = EXCLUDED.period_ms,
        grain_hash = EXCLUDED.grain_hash,
        version = multistore_reminders.version + 1
    RETURNING version AS "Version";
$query$),
('DeleteReminderRowKey', $query$
    WITH deleted AS
    (
        DELETE FROM multistore_reminders
        WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName
          AND version = CAST(@Version AS integer)
        RETURNING 1
    )
    SELECT EXISTS (SELECT 1 FROM deleted);
$query$),
('DeleteReminderRowsKey', $query$
    DELETE FROM multistore_reminders WHERE service_id = @ServiceId;
$query$)
ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext;
