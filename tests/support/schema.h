#ifndef MP_TESTS_SUPPORT_SCHEMA_H
#define MP_TESTS_SUPPORT_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>

#include "tests/support/json.h"

/* docs/schema.md as the tests read it: its tables ("NDJSON fields", "CSV
 * columns") parsed into fields, and NDJSON rows checked against them with
 * Criterion expectations, so the writers (test_schema) and the scanner's
 * real rows (integration) cannot drift from the docs. */

#define MP_SCHEMA_FIELDS 512
#define MP_SCHEMA_VALUES 24

struct mp_schema_field {
  char name[96];
  char base[16]; /* int number string bool enum object array list */
  bool nullable; /* "or null" / "or empty" */
  size_t nvalues;
  char values[MP_SCHEMA_VALUES][24]; /* enum: the allowed values */
};

struct mp_schema_table {
  size_t n;
  struct mp_schema_field f[MP_SCHEMA_FIELDS];
};

/* Loads the table under "## <title>" of MP_SOURCE_DIR/docs/schema.md whose
 * first column is col; null_word is "null" (NDJSON) or "empty" (CSV).
 * Fails the test when the table is malformed. */
void mp_schema_load(struct mp_schema_table *t, const char *title,
                    const char *col, const char *null_word);

/* The field called name, or NULL; *index (if not NULL) gets its position. */
const struct mp_schema_field *mp_schema_find(const struct mp_schema_table *t,
                                             const char *name, size_t *index);

/* True when s[0..len) is one of the enum field's documented values. */
bool mp_schema_allowed(const struct mp_schema_field *f, const char *s,
                       size_t len);

/* Checks value v at path ("" for a whole row) against the NDJSON table:
 * every member documented, of its type, in documented order, every
 * documented member present. line names the row in failure messages. */
void mp_schema_check_row(const struct mp_schema_table *t,
                         const struct mp_json *v, const char *path,
                         size_t line);

#endif
