#ifndef MP_TESTS_SUPPORT_JSON_H
#define MP_TESTS_SUPPORT_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A small strict JSON parser for tests (RFC 8259), independent of the
 * writers in output/ so it can judge them.
 *
 * Strict means it rejects: anything but exactly one value (leading and
 * trailing JSON whitespace allowed), invalid UTF-8 anywhere (overlongs,
 * surrogates, > U+10FFFF, truncated sequences), raw control characters
 * (< 0x20) in strings, unknown escapes, lone surrogate escapes (\ud800
 * without its pair), numbers outside the RFC grammar (leading zeros,
 * "1.", ".5", "+1", NaN), duplicate object keys, and nesting deeper than
 * MP_JSON_DEPTH_MAX.
 *
 * Ownership: mp_json_parse() and mp_json_parse_ndjson() return a tree the
 * caller frees with mp_json_free(); every pointer inside it (items, keys,
 * strings) belongs to that tree. The lookup functions return borrowed
 * pointers into it, or NULL, and accept NULL, so lookups can be chained:
 * mp_json_str_eq(mp_json_path(row, "txt.outcome"), "ok"). */

#define MP_JSON_DEPTH_MAX 256

enum mp_json_type {
  MP_JSON_NULL,
  MP_JSON_BOOL,
  MP_JSON_NUMBER,
  MP_JSON_STRING,
  MP_JSON_ARRAY,
  MP_JSON_OBJECT,
};

struct mp_json {
  enum mp_json_type type;
  bool boolean;    /* BOOL */
  double number;   /* NUMBER, as strtod() reads it */
  bool integral;   /* NUMBER written without fraction or exponent ("12",
                      "-0", "18446744073709551616"; not "12.0" or "1e3") */
  bool is_int;     /* integral and within int64_t: integer holds it */
  int64_t integer; /* NUMBER when is_int */
  char *str;       /* STRING: the decoded bytes (UTF-8, escapes resolved),
                      NUL-terminated; may hold NUL bytes, so use len */
  size_t len;      /* STRING: bytes in str */
  size_t count;    /* ARRAY: items; OBJECT: members */
  struct mp_json **items; /* ARRAY: the items; OBJECT: the member values;
                             both in document order */
  struct mp_json **keys;  /* OBJECT: the member names, STRING values, in
                             document order (keys[i] names items[i]) */
};

/* Parses s[0..len) (need not be NUL-terminated) as one JSON text. Returns
 * the tree, or NULL with a message "offset N: what" in err (errlen bytes,
 * err may be NULL). */
struct mp_json *mp_json_parse(const char *s, size_t len, char *err,
                              size_t errlen);

/* Parses NDJSON: each line is one JSON text ending in '\n' (the last line
 * too; empty input gives an empty array). Returns an ARRAY with one item
 * per line, or NULL with "line N: offset M: what" in err (N is 1-based, M
 * counts from the start of the line). Empty lines are rejected. */
struct mp_json *mp_json_parse_ndjson(const char *s, size_t len, char *err,
                                     size_t errlen);

/* Frees a tree from mp_json_parse*(); NULL is a no-op. Only roots may be
 * freed. */
void mp_json_free(struct mp_json *v);

/* The value of member key (NUL-terminated) of obj; NULL when obj is not an
 * object or has no such member. mp_json_getn() takes a key of any bytes. */
const struct mp_json *mp_json_get(const struct mp_json *obj, const char *key);
const struct mp_json *mp_json_getn(const struct mp_json *obj, const char *key,
                                   size_t keylen);

/* Item i of array arr; NULL when arr is not an array or i is out of range. */
const struct mp_json *mp_json_at(const struct mp_json *arr, size_t i);

/* Follows a path of member names separated by '.' and array indexes in
 * brackets: "txt.outcome", "mx.records[1].host", "[0].line". NULL when any
 * step is missing or the path is malformed. Names cannot contain '.' or
 * '['; use mp_json_get() for those. */
const struct mp_json *mp_json_path(const struct mp_json *v, const char *path);

/* "null", "bool", "number", "string", "array", "object". */
const char *mp_json_type_name(enum mp_json_type t);

/* True when v is a STRING equal to s (NUL-terminated, so v holds no NUL). */
bool mp_json_str_eq(const struct mp_json *v, const char *s);

/* v->str when v is a STRING, else NULL. */
const char *mp_json_str(const struct mp_json *v);

/* True when v is the JSON null; false for NULL (a missing value). */
bool mp_json_is_null(const struct mp_json *v);

/* Length (1 to 4) of the well-formed UTF-8 sequence at the start of
 * s[0..n), or 0: the parser's own rule, written apart from output/json.c so
 * tests can judge the writers' replacement of ill-formed bytes. */
size_t mp_json_ref_utf8_len(const uint8_t *s, size_t n);

/* True when a and b are equal values: the same types, strings of the same
 * bytes, numbers of the same value, the same members in the same order;
 * members (at any depth) named in skip (a NULL-ended list; NULL: none)
 * are left out of the comparison but must be there in both. Two NULLs are
 * equal, NULL and a value are not. */
bool mp_json_same_except(const struct mp_json *a, const struct mp_json *b,
                         const char *const *skip);

/* The members of a scan row that change from run to run (times, round
 * trips, TTLs, attempts), for mp_json_same_except(). */
extern const char *const mp_json_row_volatile[];

#endif
