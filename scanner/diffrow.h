#ifndef MP_SCANNER_DIFFROW_H
#define MP_SCANNER_DIFFROW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "input/csvrow.h"
#include "input/jsonrow.h"
#include "output/diff.h"

/* A scan output (NDJSON or CSV, told apart by its first byte: '{' is
 * NDJSON) read one row at a time as the diff sees it: the row's key (its
 * domain, or its input when the name was invalid) and the value of each
 * compared field (mp_diff_fields()), lists with their items sorted. One
 * row is in memory at a time. FILE.zst and FILE.gz are decompressed into a
 * temporary file (scanner/rowfile.h), since mp_diffrow_read_at() seeks. */

enum mp_rowfmt { MP_ROWFMT_NDJSON, MP_ROWFMT_CSV };

struct mp_diffrow {
  FILE *f;
  enum mp_rowfmt fmt;
  uint64_t start;  /* where the first row starts */
  uint64_t off;    /* where the current row starts */
  uint64_t lineno; /* records read, the header included */
  struct mp_jrow json;
  struct mp_csvrow csv;
  char *line;
  size_t linecap;
  long *col; /* CSV: the cell of each compared field, or -1 */
  long keycol, inputcol;
  size_t nfields;
  struct mp_dval key;
  struct mp_dval *val; /* nfields values of the current row */
  size_t *voff;        /* where each value's text starts in vbuf */
  char *vbuf;          /* their text */
  size_t vcap, vlen;
  char *tmp; /* scratch for sorting a list */
  size_t tmpcap;
  /* Set when the other file is in the other format: the values are then
   * written the same way from either format (mp_diffrow_mixed()). */
  bool mixed;
  char *san; /* NDJSON, mixed: a string as the CSV writer sanitizes it */
  size_t sancap;
  char *keybuf; /* NDJSON, mixed: the key, sanitized */
  size_t keycap;
};

/* Opens path. Returns 0, or a negative errno with a message in err. */
int mp_diffrow_open(struct mp_diffrow *r, const char *path, char *err,
                    size_t errlen);
void mp_diffrow_close(struct mp_diffrow *r);

/* OLD and NEW in different formats (NDJSON against CSV): from here on r
 * gives its values as in a comparison of the two, the same from either
 * format: an NDJSON string as the CSV writer writes it (output/csvcell.h,
 * step 1: controls become U+FFFD), an empty one as null (an empty cell);
 * an item of a list of objects in CSV (dkim.found, mx_hosts.hosts,
 * dmarc.rua and ruf) as NDJSON's compared members (name=value joined
 * with ','), read back from the CSV item text. */
void mp_diffrow_mixed(struct mp_diffrow *r);

/* Reads the next row. Returns 1, 0 at the end, -EILSEQ for a row that is
 * not a scan row (r->lineno says which), -EIO on a read error. */
int mp_diffrow_next(struct mp_diffrow *r);

/* Reads the row that starts at off (a previous r->off). Returns 1, or as
 * mp_diffrow_next(). */
int mp_diffrow_read_at(struct mp_diffrow *r, uint64_t off);

/* XXH3 of the compared values of the current row. */
uint64_t mp_diffrow_digest(const struct mp_diffrow *r);

#endif
