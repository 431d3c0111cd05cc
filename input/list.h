#ifndef MP_INPUT_LIST_H
#define MP_INPUT_LIST_H

#include <stddef.h>
#include <stdint.h>

#include "output/status.h" /* enum mp_name_error: the row's codes */

/* Input list formats: one name per line (plain) or the Tranco CSV
 * "rank,name". Blank lines and '#' comments produce no row; every other
 * line produces exactly one entry, malformed ones included. */

enum mp_list_format {
  MP_LIST_AUTO,
  MP_LIST_PLAIN,
  MP_LIST_TRANCO,
};

/* Parser state, owned by the caller (no heap memory, no close needed). */
struct mp_list {
  enum mp_list_format format;
};

/* One non-blank, non-comment line split into its fields. The pointers are
 * slices of the line given to mp_list_parse() and live as long as it. */
struct mp_entry {
  int64_t rank;     /* Tranco rank, -1 when none */
  const char *name; /* the name field, surrounding whitespace trimmed */
  size_t name_len;
  enum mp_name_error error; /* ABSENT, or BAD_RANK when the line does not
                               fit the format */
};

/* Initializes a parser for format f. With MP_LIST_AUTO the first
 * non-blank, non-comment line decides between plain and tranco. */
void mp_list_init(struct mp_list *l, enum mp_list_format f);

/* Parses "auto", "plain" or "tranco" into *out. Returns 0, or -EINVAL for
 * any other string (then *out is unchanged). */
int mp_list_format_parse(const char *s, enum mp_list_format *out);

/* Parses one line (text[0..len), any bytes, no terminator needed). Returns
 * 0 for a blank or comment line (no row), else 1 with *out filled: also
 * for a malformed line, whose error field is then set. A trailing comment
 * (whitespace then '#') is stripped. In AUTO mode the first line that
 * returns 1 fixes l->format to PLAIN or TRANCO. */
int mp_list_parse(struct mp_list *l, const char *text, size_t len,
                  struct mp_entry *out);

#endif
