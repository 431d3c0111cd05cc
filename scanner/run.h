#ifndef MP_SCANNER_RUN_H
#define MP_SCANNER_RUN_H

#include "output/runinfo.h"
#include "scanner/config.h"
#include "scanner/resume.h"

/* The summary's "run" object (output/runinfo.h), filled from the
 * configuration and the scan. */

/* "mailposture 0.1.0, c-ares 1.18.1, libuv 1.44.2" for --version. */
void mp_run_versions(FILE *f);

/* Fills r at the start of a scan: versions, options (c, validated), the
 * PSL's date, the input (id, computed once for --resume and for this),
 * the start time. r borrows c's strings. */
void mp_run_begin(struct mp_run_info *r, const struct mp_config *c,
                  const struct mp_input_id *id);

/* Fills the end: the time, rows written, the rows the file held already
 * (resumed: --resume's count) and how it ended (rc: mp_scan_run()'s, or
 * the output's error). */
void mp_run_end(struct mp_run_info *r, const struct mp_config *c, uint64_t rows,
                uint64_t resumed_rows, int rc);

#endif
