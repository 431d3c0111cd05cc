#ifndef MP_OUTPUT_PART_H
#define MP_OUTPUT_PART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "output/csvcell.h"
#include "output/result.h"

/* The row as a table of parts, after zmap's fieldset: each part of the row
 * (the row's own fields, each check's object) is described once, as a
 * table of fields with a name, a kind, nullability, a one-line meaning and
 * an accessor that reads the value from the row. The NDJSON writer walks
 * the tables; the CSV writer flattens them into its columns (header, cells,
 * the empty forms of a part that is absent); tests/output/test_schema.c
 * checks them against docs/schema.md. The tables are in output/parts/ and
 * are constant: nothing here allocates or holds state. */

enum mp_kind {
  MP_K_STRING, /* any bytes (DNS text is untrusted) */
  MP_K_ENUM,   /* a name from a fixed set of the code's words */
  MP_K_INT,    /* signed decimal */
  MP_K_UINT,   /* unsigned decimal (up to 2^64 - 1) */
  MP_K_NUMBER, /* three decimals; null for NaN and infinities */
  MP_K_TIME,   /* RFC 3339 UTC with milliseconds (a string in the docs) */
  MP_K_BOOL,
  MP_K_OBJECT, /* the members are the fields of sub */
  MP_K_LIST,   /* the items are sub's fields (one nameless field: a
                  scalar item) */
};

/* Field flags. */
#define MP_F_NULL        1u /* may be null (an empty CSV cell) */
#define MP_F_NDJSON_ONLY 2u /* no CSV column */
#define MP_F_CSV_ONLY    4u /* no NDJSON member (a CSV summary column) */

/* The CSV column groups in header order. The columns of a group follow the
 * tables' order; the groups keep the order in which columns were added to
 * the CSV, which only ever appends (docs/schema.md, "CSV columns"). */
enum mp_csv_group {
  MP_CSV_INHERIT, /* the group of the enclosing object */
  MP_CSV_ROW,
  MP_CSV_TXT,
  MP_CSV_DMARC_TXT,
  MP_CSV_MX,
  MP_CSV_SPF_RECORDS,
  MP_CSV_DMARC_RECORDS,
  MP_CSV_SPF,
  MP_CSV_FINDINGS,
  MP_CSV_DMARC,
  MP_CSV_DKIM,
  MP_CSV_MX_HOSTS,
  MP_CSV_MTA_STS,
  MP_CSV_TLS_RPT,
  MP_CSV_BIMI,
  MP_CSV_VERDICT,
  MP_CSV_DKIM_FAILED,
  MP_CSV_SENDERS_FCRDNS,
  MP_CSV_SENDERS_DETAIL,
  MP_CSV_GROUPS
};

/* One value read from the row. An accessor sets null, or the member of its
 * kind: s and len (STRING, ENUM), i (INT, TIME: Unix microseconds), u
 * (UINT), d (NUMBER), b (BOOL), obj (OBJECT: what its members read), or
 * obj and n (LIST: what its items read, and how many). buf holds a short
 * text an accessor builds (s may point into it). */
struct mp_value {
  bool null;
  bool b;
  const char *s;
  size_t len;
  int64_t i;
  uint64_t u;
  double d;
  const void *obj;
  size_t n;
  char buf[16];
};

/* Reads a field from obj, the object that holds it (for an item of a
 * list: the list's obj, and i the item's index; else i is 0). */
typedef void (*mp_field_get)(const void *obj, size_t i, struct mp_value *v);

/* The CSV item of a list whose items are objects: ctx is a struct
 * mp_csv_ctx. Items that need text built use buf. */
struct mp_csv_ctx {
  const void *obj; /* the list's obj */
  char *buf;
  size_t size; /* MP_CSV_ITEM_MAX */
};

/* The largest CSV item text: an MX host with its name, an alias and four
 * addresses, each with a PTR name (names from DNS are name text, where an
 * octet may take 4 characters). */
#define MP_CSV_ITEM_MAX ((2 + MP_MX_ADDRS_MAX) * (MP_NAME_TEXT_MAX + 128))

struct mp_part;

/* An enum's values in a ranked order, worst first, ended by 0 (ABSENT,
 * never ranked), and the enum's name table (output/status.h) that names
 * them in rows. */
struct mp_rank {
  const char *const *names;
  unsigned char order[8];
};

/* How mailposture diff compares a field (docs/diff.md). A field without a
 * rule is not compared: volatile fields (times, RTT, TTL, attempts, line
 * numbers), raw record text and detail that a compared field sums up.
 * Lists are compared as sets of items (order is not posture). */
enum mp_diff_rule {
  MP_DIFF_SKIP = 0,
  MP_DIFF_NEUTRAL,    /* any change is neutral */
  MP_DIFF_RANK,       /* an enum ranked by diff_rank, worst first: up is an
                         improvement, down a regression, an unranked value
                         neutral */
  MP_DIFF_MORE_WORSE, /* a number: a larger one is a regression */
  MP_DIFF_LESS_WORSE, /* a number: a smaller one is a regression (null
                         counts as the smallest) */
  MP_DIFF_TRUE_GOOD,  /* a bool: true to false (or null) is a regression */
  MP_DIFF_SET,        /* a list: items added or removed are neutral */
  MP_DIFF_SET_LOSS,   /* a list: an item removed is a regression, one added
                         an improvement */
  MP_DIFF_SET_GAIN,   /* a list: an item added is a regression, one removed
                         an improvement */
  MP_DIFF_FINDINGS,   /* finding codes: added at severity warning or error is
                         a regression, removed an improvement; info neutral */
};

struct mp_field {
  const char *name; /* NDJSON key; "" for the item of a list of scalars */
  enum mp_kind kind;
  unsigned flags;      /* MP_F_* */
  const char *meaning; /* one line, for people (docs, schemas) */
  mp_field_get get;
  bool (*when)(const void *obj); /* NULL, or false: the value is null */
  const struct mp_part *sub;     /* OBJECT: members; LIST: the item */
  /* CSV: the column name (an OBJECT: the prefix of its members' columns)
   * when it is not the NDJSON name, the group when it is not the enclosing
   * object's, and how a LIST is packed into one cell: csv_item per item
   * (else each scalar item as it is), or csv_cell for the whole cell. */
  const char *csv;
  enum mp_csv_group group;
  mp_csv_item_cb csv_item;
  void (*csv_cell)(struct mp_rowbuf *o, const void *obj);
  /* ENUM: the names it may take, from the enum's name table (values[0]
   * may be NULL: an ABSENT that is written null), when the code has one;
   * tests/output/test_schema.c checks them against the docs. */
  const char *const *values;
  size_t nvalues;
  /* mailposture diff: the rule, and for MP_DIFF_RANK the order of the
   * values (output/parts/rank.h). For a list of objects, the items' fields
   * with a rule make up an item's text. */
  enum mp_diff_rule diff;
  const struct mp_rank *diff_rank;
};

/* The allowed values of an enum field from its name table (output/status.h):
 * MP_VALUES(dmarc_p, DMARC_P). */
#define MP_VALUES(name, NAME)                                                  \
  .values = mp_##name##_names, .nvalues = MP_##NAME##_COUNT

struct mp_part {
  const char *name; /* "spf", "dmarc", ...; "row" for the whole row */
  size_t n;
  const struct mp_field *fields;
};

/* The row: its own fields, then one object per part below. */
extern const struct mp_part mp_part_row;
extern const struct mp_part mp_part_lookup_txt, mp_part_lookup_mx;
extern const struct mp_part mp_part_spf, mp_part_dmarc, mp_part_dkim;
extern const struct mp_part mp_part_mx, mp_part_mta_sts, mp_part_tls_rpt;
extern const struct mp_part mp_part_bimi, mp_part_verdict;
extern const struct mp_part mp_part_records; /* an item of spf/dmarc.records */

/* Reads field f of obj (item i of a list, else 0) into *v: null when the
 * field's when() says so, else what its accessor reads. */
static inline void mp_field_read(const struct mp_field *f, const void *obj,
                                 size_t i, struct mp_value *v)
{
  v->null = false;
  if (f->when && !f->when(obj)) {
    v->null = true;
    return;
  }
  f->get(obj, i, v);
}

/* True when f is a list whose items are scalars (one nameless field). */
static inline bool mp_field_scalar_list(const struct mp_field *f)
{
  return f->kind == MP_K_LIST && f->sub->n == 1 && !f->sub->fields[0].name[0];
}

/* ---- for accessors ----------------------------------------------------- */

/* A NUL-terminated string, null when s is NULL. */
static inline void mp_value_cstr(struct mp_value *v, const char *s)
{
  v->null = s == NULL;
  v->s = s;
  v->len = s ? strlen(s) : 0;
}

/* A piece of a record, null when there is none (p NULL). */
static inline void mp_value_slice(struct mp_value *v, struct mp_slice s)
{
  v->null = s.p == NULL;
  v->s = s.p;
  v->len = s.p ? s.len : 0;
}

/* A piece of text that is always there ("" for none). */
static inline void mp_value_text(struct mp_value *v, struct mp_slice s)
{
  v->null = false;
  v->s = s.p ? s.p : "";
  v->len = s.p ? s.len : 0;
}

static inline void mp_value_uint(struct mp_value *v, uint64_t u)
{
  v->u = u;
}

/* A count where 0 means unknown (key sizes). */
static inline void mp_value_uint_or_null(struct mp_value *v, uint64_t u)
{
  v->null = u == 0;
  v->u = u;
}

static inline void mp_value_int(struct mp_value *v, int64_t i)
{
  v->i = i;
}

/* A signed value where a negative one means absent. */
static inline void mp_value_int_or_null(struct mp_value *v, int64_t i)
{
  v->null = i < 0;
  v->i = i;
}

static inline void mp_value_bool(struct mp_value *v, bool b)
{
  v->b = b;
}

/* true, false, or null when unknown. */
static inline void mp_value_tri(struct mp_value *v, enum mp_tri t)
{
  v->null = t == MP_TRI_UNKNOWN;
  v->b = t == MP_TRI_TRUE;
}

static inline void mp_value_object(struct mp_value *v, const void *obj)
{
  v->null = obj == NULL;
  v->obj = obj;
}

/* The first n (at most max) items of a list that obj holds. */
static inline void mp_value_list(struct mp_value *v, const void *obj, size_t n,
                                 size_t max)
{
  v->obj = obj;
  v->n = n < max ? n : max;
}

/* One CSV column: the fields from the row down to it (path[0] is a field
 * of mp_part_row; the last is a scalar or a list packed into one cell). */
struct mp_csv_column {
  char name[48];
  size_t depth;
  const struct mp_field *path[2]; /* the object, then the field */
  bool nullable; /* the cell may be empty: the field or an object above it
                    may be null (never said of a list, empty when empty) */
};

/* The CSV columns in header order: the tables from mp_part_row flattened,
 * fields with MP_F_NDJSON_ONLY left out, ordered by group. *n gets their
 * number. The first call builds them; they are read-only afterwards (a
 * writer runs on one thread). */
const struct mp_csv_column *mp_csv_columns(size_t *n);

/* The number of fields of a table (for struct mp_part's n). */
#define MP_FIELDS(t) (sizeof(t) / sizeof((t)[0]))

#endif
