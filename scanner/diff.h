#ifndef MP_SCANNER_DIFF_H
#define MP_SCANNER_DIFF_H

#include <stdio.h>

/* mailposture diff OLD NEW: the subcommand (docs/diff.md). Joins two scan
 * outputs by domain and reports what changed in posture. Memory: 24 bytes
 * per row of OLD in a hash table (a digest of the compared fields and the
 * row's offset, re-read when NEW's row differs), one row of each file at a
 * time. */

/* Exit statuses beside main.c's: a change at or above --fail-on. */
#define MP_EXIT_DIFF_FOUND 5

/* Runs the subcommand with argv[0] "diff"; reports go to out, the summary
 * and errors to stderr. Returns the exit status: 0, 1 (a file could not be
 * read or holds a line that is not a row), 2 (usage), or
 * MP_EXIT_DIFF_FOUND. */
int mp_diff_main(int argc, char **argv, FILE *out);

#endif
