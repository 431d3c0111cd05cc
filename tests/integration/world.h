#ifndef MP_TESTS_INTEGRATION_WORLD_H
#define MP_TESTS_INTEGRATION_WORLD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tests/support/json.h"

/* Shared by the integration tests: the generated world's truth.tsv, running
 * the real binary, reading its NDJSON. */

struct truth {
  uint64_t line;
  char *input; /* raw line bytes (hex-decoded) */
  size_t input_len;
  char *domain; /* "-" when invalid */
  char *status;
  char *outcome[3]; /* txt, dmarc_txt, mx */
  char *records[3]; /* hex list as in truth.tsv */
  long spf_count, dmarc_count;
  char *cname;
};

struct truth_set {
  struct truth *rows;
  size_t count;
  uint64_t max_line;
};

/* Loads MP_WORLD_DIR/truth.tsv; aborts the test on a malformed file. */
void truth_load(struct truth_set *ts);
void truth_free(struct truth_set *ts);

/* Runs the scanner with extra arguments on input, rows to out_path; returns
 * its exit status. The resolver is the world's Knot server unless args
 * name one. */
int run_scanner(const char *input, const char *out_path,
                const char *const *args);

/* Reads out_path as NDJSON (fails the test if it is not). */
struct mp_json *read_rows(const char *out_path);

/* The row of domain in rows (fails the test if there is none). */
const struct mp_json *row_for(const struct mp_json *rows, const char *domain);

/* The rows by line number, an array of max_line + 1 (free it with
 * mp_free); fails the test on a line out of range or with two rows. */
const struct mp_json **rows_by_line(const struct mp_json *rows,
                                    uint64_t max_line);

/* A scratch file path under the build tree, unique per test process. */
void scratch_path(char *buf, size_t len, const char *name);

/* Each byte of ill-formed UTF-8 replaced by U+FFFD, as the writers do. */
char *utf8_sanitize(const char *s, size_t len, size_t *outlen);

/* Lowercase hex of s[0..len). */
char *hex_encode(const char *s, size_t len);

#endif
