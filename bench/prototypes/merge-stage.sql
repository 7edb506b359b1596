-- Stage a pipeline work file (11 columns, as pipeline._validate writes it) the way
-- loading.merge_events does, for timing merge variants by hand in psql (bench/README.md,
-- "Merge experiments"). Run inside BEGIN ... ROLLBACK with \timing on; keep a work file by
-- copying it out of IMPORT_WORK_DIR during an import, and edit its path below.
CREATE TEMPORARY TABLE golive_stage_events (
    line integer, event_key uuid, occurred_at timestamptz, local_date date, event_type text,
    order_type text, area_id bigint, epr_user_id text, staff_id bigint, role_group text,
    patient_pseudonym text
) ON COMMIT DROP;
\echo COPY
\copy golive_stage_events (line,event_key,occurred_at,local_date,event_type,order_type,area_id,epr_user_id,staff_id,role_group,patient_pseudonym) FROM '/tmp/work-1m.csv' WITH (FORMAT csv)
\echo count
SELECT count(*) FROM golive_stage_events;
\echo duplicates
SELECT count(*) FROM (SELECT event_key, count(*) AS n, min(line) AS first_line
FROM golive_stage_events GROUP BY event_key HAVING count(*) > 1 ORDER BY min(line)) d;
-- Then, e.g.:
-- INSERT INTO adoption_event (event_key, batch_id, occurred_at, local_date, event_type,
--     order_type, area_id, epr_user_id, staff_id, role_group, patient_pseudonym)
-- SELECT event_key, <batch id>, occurred_at, local_date, event_type, coalesce(order_type, ''),
--     area_id, epr_user_id, staff_id, coalesce(role_group, ''), coalesce(patient_pseudonym, '')
-- FROM golive_stage_events ON CONFLICT (event_key) DO NOTHING;
-- SET CONSTRAINTS ALL IMMEDIATE;   -- fires deferred foreign-key checks, if any, to time them
-- ROLLBACK;
