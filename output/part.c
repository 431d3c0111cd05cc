/* The CSV columns, flattened from the part tables. */
#include "output/part.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define COLUMNS_MAX 128
#define DEPTH_MAX   2 /* objects nest one level in the tables */

/* A table that breaks the limits above is a bug in the tables: stop in
 * every build type, before writing out of bounds (not an assert, which
 * release builds drop). */
static void table_bug(const char *what)
{
  fprintf(stderr, "mailposture: bug in the part tables: %s\n", what);
  abort();
}

struct plan {
  size_t n;
  struct mp_csv_column c[COLUMNS_MAX];
};

/* Appends the columns of part (below path[0..depth), named prefix) that
 * fall in group want; group and nullable are those of the enclosing
 * object. */
static void flatten(struct plan *p, const struct mp_part *part,
                    const struct mp_field **path, size_t depth,
                    const char *prefix, enum mp_csv_group group, bool nullable,
                    enum mp_csv_group want)
{
  for (size_t i = 0; i < part->n; i++) {
    const struct mp_field *f = &part->fields[i];
    enum mp_csv_group g = f->group != MP_CSV_INHERIT ? f->group : group;
    bool null = nullable || (f->flags & MP_F_NULL) || f->when;
    char name[sizeof(p->c[0].name)];
    int len;

    if (f->flags & MP_F_NDJSON_ONLY) {
      continue;
    }
    len = snprintf(name, sizeof(name), "%s%s%s", prefix, prefix[0] ? "_" : "",
                   f->csv ? f->csv : f->name);
    if (len <= 0 || (size_t)len >= sizeof(name)) {
      table_bug("a CSV column name is too long");
    }
    if (depth >= DEPTH_MAX) {
      table_bug("objects nested too deep");
    }
    path[depth] = f;
    if (f->kind == MP_K_OBJECT) {
      flatten(p, f->sub, path, depth + 1, name, g, null, want);
    } else if (g == want) {
      struct mp_csv_column *c;

      if (p->n == COLUMNS_MAX) {
        table_bug("too many CSV columns");
      }
      c = &p->c[p->n++];
      memcpy(c->name, name, (size_t)len + 1);
      c->depth = depth + 1;
      for (size_t k = 0; k <= depth; k++) {
        c->path[k] = path[k];
      }
      c->nullable = null && f->kind != MP_K_LIST;
    }
  }
}

const struct mp_csv_column *mp_csv_columns(size_t *n)
{
  static struct plan plan;

  if (plan.n == 0) {
    const struct mp_field *path[DEPTH_MAX];

    for (int g = MP_CSV_ROW; g < MP_CSV_GROUPS; g++) {
      flatten(&plan, &mp_part_row, path, 0, "", MP_CSV_ROW, false,
              (enum mp_csv_group)g);
    }
  }
  *n = plan.n;
  return plan.c;
}
