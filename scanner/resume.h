#ifndef MP_SCANNER_RESUME_H
#define MP_SCANNER_RESUME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "output/rows.h"
#include "scanner/config.h"

/* --resume: continuing an interrupted scan into the same -o FILE.
 *
 * At the start of every scan with -o FILE, FILE.mpstate records what the
 * rows depend on: the input's fingerprint and the options that change
 * rows. --resume refuses when either differs, drops a torn last row,
 * marks the input lines that have their row (a bitmap: one bit per input
 * line, 1.25 MB for 10M lines) and the scan skips them. */

/* The input's fingerprint: its size and the XXH3-64 of all its bytes, so
 * an edit anywhere (a line added, removed or changed, which renumbers or
 * changes rows) is seen; the mtime is left out, since a copy or a touch
 * changes no row. known is false for a pipe or terminal. */
struct mp_input_id {
  bool known;
  uint64_t size, hash;
};

/* Reads the regular file fd from its start to its end and back to 0 to
 * fingerprint it; a non-file leaves id->known false. 0 or -errno. */
int mp_resume_input_id(int fd, struct mp_input_id *id);

/* Writes FILE.mpstate (FILE: c->output) for a scan that starts, through a
 * temporary file and a rename. 0 or -errno. */
int mp_resume_state_write(const struct mp_config *c,
                          const struct mp_input_id *id);

struct mp_resume {
  uint8_t *bits; /* bit n: input line n has its row */
  uint64_t nbits;
  struct mp_rows_end rows; /* what the file held */
};

/* Checks FILE.mpstate against c and id, reads FILE's rows (out, opened
 * "r+"), truncates a torn last row and leaves out at the end. 0; -ESTALE
 * (differs), -ENOENT (no state) or -EILSEQ (not a file of the format) with
 * a message in err; or an I/O error. r is the caller's, freed by
 * mp_resume_close() in any case. */
int mp_resume_open(struct mp_resume *r, const struct mp_config *c,
                   const struct mp_input_id *id, FILE *out, char *err,
                   size_t errlen);

/* True when input line `line` already has its row. */
bool mp_resume_has(const struct mp_resume *r, uint64_t line);

void mp_resume_close(struct mp_resume *r);

#endif
