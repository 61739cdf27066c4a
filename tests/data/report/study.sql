-- The study tables of docs/report.md for tests/cli/report_browser.sh, added to
-- a real 'salient ensemble examples/every-section.yaml' database whose
-- variant_quantiles, variant_events, compare and sobol tables the test fills
-- from real runs of the CLI.  The rows here are a fixture: hand-written
-- theses and parameters holding hostile text (an HTML closing script tag,
-- markup, quotes, ampersands, U+2028) that the report must show as text,
-- and event-time curves made up from the events table.
INSERT OR REPLACE INTO metadata VALUES ('title', 'Every section </script><script>document.body.setAttribute("data-pwned","1")</script> & co');
INSERT OR REPLACE INTO metadata VALUES ('description', 'A fixture: "quotes", <b>not bold</b>, a line' || char(8232) || 'separator & an ampersand.');
INSERT OR REPLACE INTO metadata VALUES ('study', '1');
INSERT OR REPLACE INTO metadata VALUES ('sobol_base', '64');
INSERT OR REPLACE INTO metadata VALUES ('key_metric', 'ground_ukraine');

CREATE TABLE event_curve (event TEXT, day INTEGER, date TEXT, probability REAL, PRIMARY KEY (event, day));
WITH RECURSIVE d(day) AS (SELECT 0 UNION ALL SELECT day + 1 FROM d WHERE day < (SELECT CAST(value AS INTEGER) FROM metadata WHERE key = 'horizon'))
INSERT INTO event_curve
SELECT e.event, d.day, date((SELECT value FROM metadata WHERE key = 'start'), '+' || d.day || ' days'),
       e.probability * MIN(1.0, (d.day + 1) / 40.0)
FROM events e, d ORDER BY e.rowid, d.day;

CREATE TABLE theses (id TEXT PRIMARY KEY, ord INTEGER, seed TEXT, claim TEXT, test TEXT, expect TEXT,
    value REAL, lo REAL, hi REAL, probability REAL, verdict TEXT, summary TEXT);
INSERT INTO theses VALUES ('T1', 1, '000_04819db93339b2a2.txt', 'North Korean troops free Russian forces for Donetsk </script><b>bold?</b>',
    'compare no-dprk: ground_ukraine', '< 0', -1.5, -3.2, 0.1, 0.81, 'supported', 'The fixture says "yes" & means it.');
INSERT INTO theses VALUES ('T2', 2, '003_e78fd839c6d9bc11.txt', 'Support roles matter more than assaults', 'compare support-roles-only: dprk_casualties',
    '> 0', NULL, NULL, NULL, 0.42, 'uncertain', 'Too close to call in 200 runs.');
INSERT INTO theses VALUES ('T3', 3, '001_54f1b1677264e073.txt', 'Seoul sends lethal aid', 'event rok-aid.lethal', 'p > 0.5',
    0, 0, 0, 0, 'contradicted', 'No run reached the lethal rung.');

CREATE TABLE parameters (path TEXT PRIMARY KEY, ord INTEGER, kind TEXT, value TEXT, source TEXT, description TEXT);
INSERT INTO parameters VALUES ('parameters.dprk_total', 1, 'uncertain', 'pert(3000, 11000, 12000)',
    '001_54f1b1677264e073.txt: White House ~3,000; Zelensky 10,000; up to 12,000', 'North Korean troops sent in all');
INSERT INTO parameters VALUES ('parameters.dprk_share_of_total', 2, 'fixed', '0.9', NULL, NULL);
INSERT INTO parameters VALUES ('forces.russia-kursk.strength', 3, 'fixed', '45000', 'reported Russian grouping <i>&amp;</i>', NULL);
