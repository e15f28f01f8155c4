-- Bulk fictitious cases for benchmarks: :n cases (psql variable) spread over every
-- community of the seeded district, in every state, one child each. Numbers :o + 1 to :o + :n
-- (psql variable o: the cases already inserted), so a second run grows the same database.
CREATE TEMP TABLE comm AS
  SELECT id, street_id, district_id, (row_number() OVER (ORDER BY code)) - 1 AS i
  FROM jurisdiction WHERE level = 'community';
CREATE TEMP TABLE k AS SELECT count(*)::int AS n FROM comm;

INSERT INTO child (id, name, sex, birth_date, street_id)
SELECT md5('bench-child-' || g)::uuid, '压测' || g, (ARRAY['female', 'male'])[1 + g % 2]::child_sex,
       date '2009-01-01' + (g % 5000), c.street_id
FROM generate_series(:o + 1, :o + :n) g JOIN comm c ON c.i = g % (SELECT n FROM k);

INSERT INTO "case" (id, case_no, status, risk_level, categories, child_id, community_id, street_id, district_id,
                    created_by_id, reported_at, accepted_at, next_due_at, next_due_kind, version)
SELECT md5('bench-case-' || g)::uuid,
       'BN-2026-' || lpad(g::text, 7, '0'),
       (ARRAY['submitted', 'assessing', 'intervening', 'follow_up', 'closed'])[1 + g % 5]::case_status,
       (ARRAY['R1', 'R2', 'R3', 'R4'])[1 + g % 4]::risk_level,
       ARRAY[(ARRAY['V01', 'N02', 'D05', 'N03', 'D08'])[1 + g % 5]]::varchar[],
       md5('bench-child-' || g)::uuid, c.id, c.street_id, c.district_id,
       (SELECT id FROM "user" WHERE username = 'admin'),
       now() - make_interval(mins => g),
       CASE WHEN g % 5 > 0 THEN now() - make_interval(mins => g) + interval '2 hours' END,
       CASE WHEN g % 5 = 4 THEN timestamptz '9999-12-31 00:00:00+00' ELSE now() + make_interval(hours => (g % 1000) - 200) END,
       CASE WHEN g % 5 = 4 THEN NULL ELSE 'accept_report' END,
       1
FROM generate_series(:o + 1, :o + :n) g JOIN comm c ON c.i = g % (SELECT n FROM k);

-- One report per case (the reporter type the indicators count) and the acceptance deadline.
INSERT INTO report (case_id, reporter_type, discovered_at, filed_at, filed_by_id, narrative)
SELECT md5('bench-case-' || g)::uuid,
       (ARRAY['mandatory_institution', 'mandatory_staff', 'guardian', 'public', 'child_self', 'hotline', 'internal_discovery', 'agency_referral'])[1 + g % 8]::reporter_type,
       now() - make_interval(mins => g + 60), now() - make_interval(mins => g),
       (SELECT id FROM "user" WHERE username = 'admin'), '压测 (benchmark)'
FROM generate_series(:o + 1, :o + :n) g;

-- Every fifth still open: pending while its time has not come (the newest 240 minutes), breached
-- (at its due time, escalated once) past it, as the worker would have left it; of the rest, met or breached.
INSERT INTO deadline (case_id, kind, due_at, remind_at, status, escalation_level, responsible_role, breached_at, closed_at)
SELECT md5('bench-case-' || g)::uuid, 'accept_report', now() - make_interval(mins => g) + interval '4 hours',
       now() - make_interval(mins => g) + interval '3 hours',
       (CASE WHEN g % 5 = 0 AND g < 240 THEN 'pending' WHEN g % 5 = 0 OR g % 7 = 0 THEN 'breached' ELSE 'met' END)::deadline_status,
       CASE WHEN (g % 5 = 0 AND g >= 240) OR (g % 5 <> 0 AND g % 7 = 0) THEN 1 ELSE 0 END,
       'street_supervisor',
       CASE WHEN (g % 5 = 0 AND g >= 240) OR (g % 5 <> 0 AND g % 7 = 0) THEN now() - make_interval(mins => g) + interval '4 hours' END,
       CASE WHEN g % 5 = 0 THEN NULL ELSE now() END
FROM generate_series(:o + 1, :o + :n) g;

-- Vacuumed and analysed at once, unthrottled: otherwise autovacuum works through the new rows
-- (insert-triggered) for minutes, during the measurements that follow.
VACUUM (ANALYZE) child;
VACUUM (ANALYZE) "case";
VACUUM (ANALYZE) report;
VACUUM (ANALYZE) deadline;
-- And the pages they wrote go to disk now, not in a checkpoint spread over the measurements.
CHECKPOINT;
