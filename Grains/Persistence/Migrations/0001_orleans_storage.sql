-- 0001 · Grain state in PostgreSQL for Orleans' ADO.NET grain storage provider (invariant "Npgsql").
--
-- The NuGet package ships no SQL: at silo start the provider loads the statements it runs from the table
-- OrleansQuery, by key, and binds its own named parameters to them:
--   @ServiceId, @GrainTypeString (the [PersistentState] name, e.g. 'stock'), @GrainIdN0, @GrainIdN1,
--   @GrainIdExtensionString (the string key, or a key extension; NULL when there is none),
--   @GrainIdHash, @GrainTypeHash (not needed here: the primary key below is the lookup),
--   @GrainStateVersion (the ETag the activation holds; NULL when it has never seen a row),
--   @PayloadBinary (the serialized state: UTF-8 JSON from System.Text.Json in MultiStore).
-- It reads the result columns PayloadBinary and Version (read), NewGrainStateVersion (write, clear).
--
-- Fencing: the provider raises InconsistentStateException when a write or clear answers the version the
-- activation already held, or answers NULL. Every statement below answers exactly that when its guard on the
-- version fails, so a second activation of the same grain (same ServiceId) can never overwrite the first one's
-- state: its write is refused, and MultiStore's grains then drop the activation without acknowledging anything.
--
-- DeleteStorageKey is deliberately absent: MultiStore never sets DeleteStateOnClear, and without the query the
-- provider refuses that option at start instead of running with semantics nobody here has tested.
--
-- Every statement is idempotent; the migrator also records this file so it runs once per database.

CREATE TABLE IF NOT EXISTS orleansquery
(
    querykey  varchar(64) NOT NULL,
    querytext text        NOT NULL,
    CONSTRAINT pk_orleansquery PRIMARY KEY (querykey)
);

CREATE TABLE IF NOT EXISTS multistore_grain_state
(
    service_id  varchar(150)  NOT NULL,
    grain_type  varchar(512)  NOT NULL,
    grain_key   varchar(1024) NOT NULL,
    grain_n0    bigint        NOT NULL,
    grain_n1    bigint        NOT NULL,
    payload     bytea         NULL,
    version     integer       NOT NULL,
    modified_at timestamptz   NOT NULL DEFAULT now(),
    -- One row per grain state: this key is also what makes two concurrent first writes collide.
    CONSTRAINT pk_multistore_grain_state PRIMARY KEY (service_id, grain_type, grain_key, grain_n0, grain_n1)
);

COMMENT ON TABLE multistore_grain_state IS
    'Orleans grain state (provider "store"). payload is UTF-8 JSON: convert_from(payload, ''UTF8'')::jsonb to read it.';

INSERT INTO orleansquery (querykey, querytext) VALUES
('ReadFromStorageKey', $query$
    SELECT payload AS "PayloadBinary", version AS "Version"
    FROM multistore_grain_state
    WHERE service_id = @ServiceId
      AND grain_type = @GrainTypeString
      AND grain_key = COALESCE(@GrainIdExtensionString, '')
      AND grain_n0 = @GrainIdN0
      AND grain_n1 = @GrainIdN1;
$query$),
('WriteToStorageKey', $query$
    WITH updated AS
    (
        -- An activation that has read (or written) the row updates it only at the version it holds.
        UPDATE multistore_grain_state
        SET payload = @PayloadBinary, version = version + 1, modified_at = now()
        WHERE service_id = @ServiceId
          AND grain_type = @GrainTypeString
          AND grain_key = COALESCE(@GrainIdExtensionString, '')
          AND grain_n0 = @GrainIdN0
          AND grain_n1 = @GrainIdN1
          AND version = CAST(@GrainStateVersion AS integer)
        RETURNING version
    ),
    inserted AS
    (
        -- An activation that saw no row may only create it; the primary key lets exactly one creator win.
        INSERT INTO multistore_grain_state (service_id, grain_type, grain_key, grain_n0, grain_n1, payload, version)
        SELECT @ServiceId, @GrainTypeString, COALESCE(@GrainIdExtensionString, ''), @GrainIdN0, @GrainIdN1, @PayloadBinary, 1
        WHERE CAST(@GrainStateVersion AS integer) IS NULL
        ON CONFLICT ON CONSTRAINT pk_multistore_grain_state DO NOTHING
        RETURNING version
    )
    -- Nothing written: answer the version the caller sent (NULL for a lost creation), which the provider
    -- turns into InconsistentStateException.
    SELECT COALESCE((SELECT version FROM updated), (SELECT version FROM inserted), CAST(@GrainStateVersion AS integer))
        AS "NewGrainStateVersion";
$query$),
('ClearStorageKey', $query$
    WITH cleared AS
    (
        UPDATE multistore_grain_state
        SET payload = NULL, version = version + 1, modified_at = now()
        WHERE service_id = @ServiceId
          AND grain_type = @GrainTypeString
          AND grain_key = COALESCE(@GrainIdExtensionString, '')
          AND grain_n0 = @GrainIdN0
          AND grain_n1 = @GrainIdN1
          AND version = CAST(@GrainStateVersion AS integer)
        RETURNING version
    )
    SELECT COALESCE((SELECT version FROM cleared), CAST(@GrainStateVersion AS integer)) AS "NewGrainStateVersion";
$query$)
ON CONFLICT (querykey) DO UPDATE SET querytext = EXCLUDED.querytext;
