#ifndef MP_OUTPUT_ROWS_H
#define MP_OUTPUT_ROWS_H

#include <stdbool.h>
#include <stdint.h>

#include "output/compress.h"
#include "output/finding.h"

/* Reading back rows the writers wrote, for --resume: which input lines
 * have their row, and where the last whole row ends. The one place that
 * reads rows, so a compressed output needs only a decoder here. */

/* Called with the `line` of each whole row; arg is the caller's. */
typedef void (*mp_rows_line_cb)(uint64_t line, void *arg);

struct mp_rows_end {
  uint64_t end;  /* offset just past the last whole row (0: none); in a
                    compressed file, past the last whole frame */
  uint64_t rows; /* whole rows read */
  bool header;   /* CSV: the header line is whole (end is past it) */
  uint64_t worst[MP_SEV_COUNT]; /* whole rows by the severity of their
                                   worst finding (its `findings`), for
                                   --fail-on over the rows kept */
};

/* Reads the rows in fd from offset 0 to its end, compressed as kind, in
 * format "ndjson" or
 * "csv" (RFC 4180: a header record, records end in CRLF outside quoted
 * cells, and quoted cells may hold line breaks), calling each for every
 * whole row; a torn last row (a crash mid-write) is left out and *out says
 * where it starts. Compressed, rows count once their frame is whole and
 * ends on a row's end: a torn last frame (and a frame ending inside a row,
 * with the frames after it) is left out the same way. Returns 0, -EILSEQ
 * when a whole row does not start with a line number or the bytes do not
 * decompress (not a file of this format), -EINVAL for another format, or
 * a read error. Blocking; runs before the loop. */
int mp_rows_scan(int fd, const char *format, enum mp_zkind kind,
                 mp_rows_line_cb each, void *arg, struct mp_rows_end *out);

#endif
