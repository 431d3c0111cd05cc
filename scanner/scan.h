#ifndef MP_SCANNER_SCAN_H
#define MP_SCANNER_SCAN_H

#include <stdio.h>

#include "scanner/config.h"
#include "scanner/resume.h"
#include "scanner/stats.h"

/* Runs a whole scan on a loop of its own: streams names from in_fd, keeps at
 * most cfg->concurrency domains in flight, writes one row per non-blank,
 * non-comment line to out in cfg->format. Returns 0 when the input was read
 * to its end, -EINTR when a signal stopped admission (every admitted domain
 * still gets its row), or a negative errno when reading the input or
 * writing a row failed. st holds the counters either way. done (NULL: a
 * fresh scan) is a resumed scan's: the lines that have their row in out
 * already are skipped, and rows are appended without a header. */
int mp_scan_run(const struct mp_config *cfg, int in_fd, FILE *out,
                const struct mp_resume *done, struct mp_stats *st);

/* A stop at once (a second SIGINT or SIGTERM, or SIGHUP) ends the process
 * with status 130 without returning: the rows done so far are flushed
 * whole, st's counters are brought up to date, then this hook, when set,
 * runs (on the loop, not in a signal handler), e.g. to write the summary. */
extern void (*mp_scan_abort_hook)(struct mp_stats *st);

#endif
