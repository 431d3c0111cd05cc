#ifndef MP_SCANNER_SUMMARIZE_H
#define MP_SCANNER_SUMMARIZE_H

#include <stdio.h>

/* mailposture summarize [-o FILE] [--psl-file FILE] ROWS...: the summary
 * JSON of a scan (its posture keys: rows, status, lookups, adoption,
 * histograms, findings, breakdowns, top lists) counted again from row
 * files, NDJSON or CSV, so that shards scanned apart give one summary.
 * Memory is bounded whatever the number of rows: one row at a time, the
 * counters of struct mp_posture (scanner/posture.h). */

/* Runs the subcommand with argv[0] "summarize"; the summary goes to out
 * unless -o names a file. Returns the exit status: 0, 1 (a file could not
 * be read, holds a line that is not a row, or the summary could not be
 * written) or 2 (usage). */
int mp_summarize_main(int argc, char **argv, FILE *out);

#endif
