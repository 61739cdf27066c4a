/* dbseal DB: rewrites the seal (the integrity table of row counts and
 * content hashes, src/out/db_seal.c) of a results database.  For the tests
 * only: tests/cli/report_browser.sh adds hostile text to a real study's
 * database with the sqlite3 shell, then seals it as salient would have, so
 * that the report reads it and must show the text without running it. */
#include <stdio.h>

#include <sqlite3.h>

#include "out/db_seal.h"

int main(int argc, char **argv)
{
    sqlite3 *db = NULL;
    if (argc != 2) {
        fprintf(stderr, "usage: dbseal DB\n");
        return 2;
    }
    if (sqlite3_open_v2(argv[1], &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK) {
        fprintf(stderr, "dbseal: cannot open %s\n", argv[1]);
        sqlite3_close(db);
        return 1;
    }
    int rc = sal_db_seal(db);
    if (sqlite3_close(db) != SQLITE_OK || rc != SAL_OK) {
        fprintf(stderr, "dbseal: cannot seal %s\n", argv[1]);
        return 1;
    }
    return 0;
}
