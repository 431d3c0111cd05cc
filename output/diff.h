#ifndef MP_OUTPUT_DIFF_H
#define MP_OUTPUT_DIFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "output/part.h"

/* mailposture diff, the pure half: which fields are compared (the CSV
 * columns of the part tables whose field has a diff rule), how a change of
 * one is classed (docs/diff.md), and the text and NDJSON reports. Nothing
 * here reads files; scanner/diff.c joins the two scans. */

enum mp_diff_class {
  MP_DIFF_CLASS_NEUTRAL,
  MP_DIFF_CLASS_IMPROVEMENT,
  MP_DIFF_CLASS_REGRESSION,
};

/* "neutral", "improvement", "regression". */
const char *mp_diff_class_name(enum mp_diff_class c);

/* A compared value: null, or text. A list is its items (as in a CSV list
 * cell: '\' and '|' escaped, joined with '|'), sorted bytewise, so two
 * lists with the same items have the same text. */
struct mp_dval {
  bool null;
  const char *s;
  size_t len;
};

/* The compared fields: the CSV columns whose field has a rule, in column
 * order; *n gets their number. Read-only, built on the first call. */
const struct mp_csv_column *const *mp_diff_fields(size_t *n);

/* The rule of a compared field (its last path element's). */
static inline const struct mp_field *
mp_diff_field(const struct mp_csv_column *c)
{
  return c->path[c->depth - 1];
}

/* Sorts the items of a list text s[0..len) in place (tmp: len bytes of
 * scratch). */
void mp_diff_sort_items(char *s, size_t len, char *tmp);

/* The class of a change of field f from old to new (which differ). */
enum mp_diff_class mp_diff_classify(const struct mp_field *f,
                                    struct mp_dval old, struct mp_dval new_);

/* Calls each() for every item of one list that is not in the other, in
 * order, with added true for an item of new_ only. */
void mp_diff_items(struct mp_dval old, struct mp_dval new_,
                   void (*each)(const char *s, size_t len, bool added,
                                void *ctx),
                   void *ctx);

/* The severity class of adding finding code s[0..len): regression for an
 * error or warning, neutral for info or an unknown code. */
enum mp_diff_class mp_diff_finding_class(const char *s, size_t len);

/* ---- reports ----------------------------------------------------------- */

enum mp_diff_kind { MP_DIFF_CHANGED, MP_DIFF_APPEARED, MP_DIFF_DISAPPEARED };

struct mp_diff_change {
  const struct mp_csv_column *col;
  struct mp_dval old, new_;
  enum mp_diff_class cls;
};

struct mp_diff_domain {
  const char *domain;
  size_t len;
  enum mp_diff_kind kind;
  enum mp_diff_class cls; /* the worst of its changes */
  const struct mp_diff_change *c;
  size_t n;
};

/* Counts for the summary: per kind, per class of changed domains, and per
 * field (indexed as mp_diff_fields()). */
struct mp_diff_summary {
  uint64_t same, changed, appeared, disappeared;
  uint64_t by_class[3];
  uint64_t *by_field;
  size_t nfields;
};

void mp_diff_summary_init(struct mp_diff_summary *s);
void mp_diff_summary_close(struct mp_diff_summary *s);
void mp_diff_summary_add(struct mp_diff_summary *s,
                         const struct mp_diff_domain *d);

/* Writes one domain's report: text (a header line, one indented line per
 * change) or NDJSON (one object). stdio errors are left for ferror(). */
void mp_diff_write_text(FILE *f, const struct mp_diff_domain *d);
void mp_diff_write_ndjson(FILE *f, const struct mp_diff_domain *d);

/* Writes the summary as text lines. */
void mp_diff_summary_write(FILE *f, const struct mp_diff_summary *s);

#endif
