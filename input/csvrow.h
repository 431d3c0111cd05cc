#ifndef MP_INPUT_CSVROW_H
#define MP_INPUT_CSVROW_H

#include <stddef.h>
#include <stdio.h>

/* A reader of CSV records (RFC 4180) from a stream: cells separated by ',',
 * records ended by LF or CRLF (or the end of the stream), a quoted cell may
 * hold , " CR and LF with " doubled. Strict: a quote inside an unquoted
 * cell, or anything but , or the end of the record after a closing quote,
 * is an error. The stream may be any FILE (a decompressor slots in as a
 * FILE from fopencookie(3) or a pipe). The struct owns the decoded cells;
 * they grow to the largest record and are valid until the next read. */

struct mp_csvrow {
  char *buf; /* the cells' bytes, each NUL-terminated */
  size_t cap, len;
  size_t *off; /* cell i is buf + off[i], olen[i] bytes */
  size_t *olen;
  size_t n, ncap;
};

void mp_csvrow_init(struct mp_csvrow *r);
void mp_csvrow_close(struct mp_csvrow *r);

/* Reads the next record from f. Returns 1 for a record, 0 at the end of
 * the stream, -EILSEQ for a malformed record, -EIO on a read error. */
int mp_csvrow_read(struct mp_csvrow *r, FILE *f);

/* Cell i of the record read last, or NULL past its last cell; *len gets
 * its length. */
const char *mp_csvrow_cell(const struct mp_csvrow *r, size_t i, size_t *len);

#endif
