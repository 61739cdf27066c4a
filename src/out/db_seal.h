/* salient (internal) — the seal of a results database (src/out/db_seal.c):
 * a content hash of each table stored in the database when it is written,
 * verified with SQLite's quick_check and the columns' types and ranges when
 * it is read (docs/report.md, "A damaged database"). */
#ifndef SALIENT_DB_SEAL_H
#define SALIENT_DB_SEAL_H

#include <sqlite3.h>
#include <stdint.h>

#include "salient/base.h"

/* The hash of table t's content as the seal has it (FNV-1a 64 over each
 * value's type tag and bytes, rows in rowid order) and its rows; SAL_OK or
 * SAL_EIO (no such table, a read error). */
int sal_db_table_hash(sqlite3 *db, const char *t, uint64_t *hash, sqlite3_int64 *rows);

/* (Re)writes the table integrity (name TEXT PRIMARY KEY, rows INTEGER,
 * hash TEXT): every other table's rows and the FNV-1a hash of its content
 * in rowid order.  Inside the writer's transaction; SAL_OK or SAL_EIO. */
int sal_db_seal(sqlite3 *db);

/* SAL_OK when db passes PRAGMA quick_check, every table listed in
 * integrity has its rows and hash, every table is listed (integrity is
 * required when the metadata's format is salient-ensemble 2 or later), and
 * the known columns hold values of their type and range; else SAL_EINPUT
 * and a diagnostic against path naming the table (and column). */
int sal_db_verify(sqlite3 *db, const char *path, sal_diags *diags);

#endif
