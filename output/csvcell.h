#ifndef MP_OUTPUT_CSVCELL_H
#define MP_OUTPUT_CSVCELL_H

#include <stddef.h>

#include "output/rowbuf.h"

/* Text cells of the CSV writer (RFC 4180). Untrusted bytes become a cell in
 * four steps:
 *   1. sanitize: each byte not part of well-formed UTF-8 becomes U+FFFD,
 *      and so does each C0 control other than TAB, CR and LF, DEL, and each
 *      C1 control (U+0080..U+009F), so a cell cannot carry a terminal
 *      escape sequence;
 *   2. list cells only: items are joined with '|', and inside an item '\'
 *      is written "\\" and '|' is written "\|";
 *   3. a cell whose first character is = + - @ TAB or CR gets a leading
 *      apostrophe, so spreadsheets do not run it as a formula (OWASP CSV
 *      injection);
 *   4. a cell holding , " CR or LF, or beginning or ending with a space, is
 *      quoted, with " doubled.
 * The functions write the cell only, never a separator, into the row
 * buffer o (output/rowbuf.h), and allocate nothing; a cell of any size is
 * written whole. stdio errors are left for the caller's ferror() check. */

/* One item of a list cell: head (ASCII, NUL-terminated, e.g. "10 " before
 * an MX host) then data[0..len), any bytes. */
struct mp_csv_item {
  char head[8];
  const char *data;
  size_t len;
};

/* Fills *item with item i of the caller's list ctx. */
typedef void (*mp_csv_item_cb)(const void *ctx, size_t i,
                               struct mp_csv_item *item);

/* Writes s[0..len) (any bytes; s may be NULL when len is 0) as one cell. */
void mp_csv_text(struct mp_rowbuf *o, const char *s, size_t len);

/* Writes the n items that get() returns for ctx as one list cell. */
void mp_csv_list(struct mp_rowbuf *o, size_t n, mp_csv_item_cb get,
                 const void *ctx);

#endif
