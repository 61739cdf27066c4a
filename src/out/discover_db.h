/* salient (internal) — the tables and CSV rows of scenario discovery
 * (src/out/discover_out.c), shared by `salient discover`'s files and a
 * study's discovery questions (src/out/study_out.c; docs/discover.md). */
#ifndef SALIENT_DISCOVER_DB_H
#define SALIENT_DISCOVER_DB_H

#include <stdio.h>
#include <sqlite3.h>

#include "salient/out.h"

/* The columns of boxes.csv (a study's discover.csv puts `question,` first). */
#define SAL_DISC_BOXES_HEADER "box,input,lower,upper,subset,quasi_p,stability,coverage,density,mass"

/* Creates the tables discover, discover_boxes, discover_trajectory,
 * discover_inputs and discover_points (each with a first column
 * `question`), inside the caller's transaction.  SAL_OK or SAL_EIO. */
int sal_disc_db_create(sqlite3 *db);

/* Adds question `question`: its keys in discover (m's), and, when r is not
 * NULL, its boxes, trajectory, inputs and points (y: the runs' labels, may
 * be NULL only when r is).  SAL_OK, SAL_EIO. */
int sal_disc_db_add(sqlite3 *db, int question, const sal_disc_result *r,
                    const sal_disc_runs *runs, const unsigned char *y, const sal_disc_meta *m);

/* The rows of boxes.csv for r (none when r is NULL), each after the field
 * `question` when it is not NULL.  SAL_OK or SAL_EIO. */
int sal_disc_csv_boxes(FILE *f, const char *question, const sal_disc_result *r,
                       const sal_disc_runs *runs);

#endif
