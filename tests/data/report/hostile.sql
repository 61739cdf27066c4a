-- Hostile text for tests/cli/report_browser.sh, added to a real study's
-- results.sqlite (salient theses on tests/study/every-section.theses.yaml):
-- an HTML closing script tag, markup, quotes, ampersands and U+2028 in the
-- title, the description, two theses (one naming a variant that does not
-- exist) and a parameter without a source.  The
-- report must show all of it as text and run none of it.
INSERT OR REPLACE INTO metadata VALUES ('title', 'Every section </script><script>document.body.setAttribute("data-pwned","1")</script> & co');
INSERT OR REPLACE INTO metadata VALUES ('description', 'A fixture: "quotes", <b>not bold</b>, a line' || char(8232) || 'separator & an ampersand.');
INSERT OR REPLACE INTO metadata VALUES ('key_metric', 'ground_ukraine');
INSERT INTO theses (id, ord, seed, claim, test, expect, value, lo, hi, probability, verdict, summary, variant)
    VALUES ('T-hostile-1', -2, '000_04819db93339b2a2.txt', 'North Korean troops free Russian forces for Donetsk </script><b>bold?</b>',
    'compare no-dprk: ground_ukraine', '< 0', -1.5, -3.2, 0.1, 0.81, 'supported', 'The fixture says "yes" & means it.',
    '</script><b>no such variant</b>');
INSERT INTO theses (id, ord, seed, claim, test, expect, value, lo, hi, probability, verdict, summary)
    VALUES ('T-hostile-2', -1, '001_54f1b1677264e073.txt', 'Seoul sends lethal aid <!-- ', 'event rok-aid.lethal', 'p > 0.5',
    0, 0, 0, 0, 'contradicted', 'No run reached the lethal rung.');
INSERT INTO parameters VALUES ('fixture.no_source', -1, 'fixed', '0.9 <i>', NULL, NULL);
