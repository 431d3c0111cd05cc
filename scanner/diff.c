/* mailposture diff OLD NEW (docs/diff.md). */
#include "scanner/diff.h"

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "output/compress.h"
#include "output/diff.h"
#include "scanner/base/alloc.h"
#include "scanner/base/hash.h"
#include "scanner/diffrow.h"

#define EXIT_IO    1
#define EXIT_USAGE 2
#define SEEN       (UINT64_C(1) << 63)

/* OLD's rows: the key's hash (0: an empty slot), the digest of the
 * compared values, the row's offset with SEEN once NEW had the key. */
struct slot {
  uint64_t key, digest, off;
};

struct table {
  struct slot *s;
  size_t cap, n;
};

struct run {
  const char *old_path, *new_path;
  const char *out_path; /* -o FILE (.zst, .gz: compressed), or NULL */
  bool ndjson;
  int fail_on; /* -1 never, else the lowest class that fails; 3: any */
  FILE *out;
  struct table t;
  struct mp_diffrow old, new_, reread;
  struct mp_diff_summary sum;
  struct mp_diff_change *c;
  uint64_t dups;
  bool found;
};

static uint64_t key_hash(struct mp_dval k)
{
  uint64_t h = mp_hash(k.s, k.len);

  return h ? h : 1;
}

static struct slot *lookup(struct table *t, uint64_t key)
{
  size_t i = (size_t)key & (t->cap - 1);

  while (t->s[i].key && t->s[i].key != key) {
    i = (i + 1) & (t->cap - 1);
  }
  return &t->s[i];
}

static void grow(struct table *t)
{
  struct table g = {mp_calloc(t->cap ? 2 * t->cap : 1024, sizeof(struct slot)),
                    t->cap ? 2 * t->cap : 1024, t->n};

  for (size_t i = 0; i < t->cap; i++) {
    if (t->s[i].key) {
      *lookup(&g, t->s[i].key) = t->s[i];
    }
  }
  mp_free(t->s);
  *t = g;
}

static int row_error(const struct mp_diffrow *r, const char *path, int rc)
{
  fprintf(stderr, "mailposture: diff: %s: record %llu: %s\n", path,
          (unsigned long long)r->lineno,
          rc == -EILSEQ ? "not a scan row" : strerror(-rc));
  return EXIT_IO;
}

/* Pass 1: OLD's keys, digests and offsets. */
static int load_old(struct run *run)
{
  int rc;

  while ((rc = mp_diffrow_next(&run->old)) == 1) {
    uint64_t key = key_hash(run->old.key);
    struct slot *s;

    if ((run->t.n + 1) * 4 > run->t.cap * 3) {
      grow(&run->t);
    }
    s = lookup(&run->t, key);
    if (s->key) {
      run->dups++; /* the first row of a domain stands for it */
      continue;
    }
    *s = (struct slot){key, mp_diffrow_digest(&run->old), run->old.off};
    run->t.n++;
  }
  return rc < 0 ? row_error(&run->old, run->old_path, rc) : 0;
}

static bool same(struct mp_dval a, struct mp_dval b)
{
  return a.null == b.null && a.len == b.len &&
         (a.len == 0 || memcmp(a.s, b.s, a.len) == 0);
}

static void report(struct run *run, struct mp_diff_domain *d)
{
  static const int rank[] = {1, 2, 3}; /* neutral, improvement, regression */

  mp_diff_summary_add(&run->sum, d);
  if (run->ndjson) {
    mp_diff_write_ndjson(run->out, d);
  } else {
    mp_diff_write_text(run->out, d);
  }
  if (run->fail_on == 3 || (run->fail_on >= 0 && d->kind == MP_DIFF_CHANGED &&
                            rank[d->cls] >= run->fail_on)) {
    run->found = true;
  }
}

/* NEW's row differs from OLD's at off: compare them field by field. */
static int compare(struct run *run, uint64_t off)
{
  const struct mp_csv_column *const *fields;
  struct mp_diff_domain d = {run->new_.key.s, run->new_.key.len,
                             MP_DIFF_CHANGED, MP_DIFF_CLASS_NEUTRAL,
                             run->c,          0};
  size_t n;
  int rc = mp_diffrow_read_at(&run->reread, off);

  if (rc != 1) {
    return row_error(&run->reread, run->old_path, rc ? rc : -EIO);
  }
  fields = mp_diff_fields(&n);
  for (size_t i = 0; i < n; i++) {
    struct mp_dval o = run->reread.val[i], w = run->new_.val[i];
    struct mp_diff_change *c = &run->c[d.n];

    if (same(o, w)) {
      continue;
    }
    *c = (struct mp_diff_change){
        fields[i], o, w, mp_diff_classify(mp_diff_field(fields[i]), o, w)};
    d.cls = c->cls > d.cls ? c->cls : d.cls;
    d.n++;
  }
  if (d.n == 0) { /* the digests collided */
    run->sum.same++;
    return 0;
  }
  report(run, &d);
  return 0;
}

/* Pass 2: NEW's rows against OLD's. */
static int scan_new(struct run *run)
{
  int rc;

  while ((rc = mp_diffrow_next(&run->new_)) == 1) {
    struct slot *s = lookup(&run->t, key_hash(run->new_.key));

    if (!s->key) {
      struct mp_diff_domain d = {run->new_.key.s,
                                 run->new_.key.len,
                                 MP_DIFF_APPEARED,
                                 MP_DIFF_CLASS_NEUTRAL,
                                 NULL,
                                 0};

      report(run, &d);
      continue;
    }
    if (s->off & SEEN) {
      continue; /* a second row of the domain */
    }
    s->off |= SEEN;
    if (s->digest == mp_diffrow_digest(&run->new_)) {
      run->sum.same++;
    } else if ((rc = compare(run, s->off & ~SEEN)) != 0) {
      return rc;
    }
  }
  return rc < 0 ? row_error(&run->new_, run->new_path, rc) : 0;
}

/* Pass 3: OLD's domains that NEW does not have, in OLD's order. */
static int scan_gone(struct run *run)
{
  int rc = mp_diffrow_read_at(&run->old, run->old.start);

  for (; rc == 1; rc = mp_diffrow_next(&run->old)) {
    struct slot *s = lookup(&run->t, key_hash(run->old.key));

    if (s->key && !(s->off & SEEN) && (s->off & ~SEEN) == run->old.off) {
      struct mp_diff_domain d = {run->old.key.s,
                                 run->old.key.len,
                                 MP_DIFF_DISAPPEARED,
                                 MP_DIFF_CLASS_NEUTRAL,
                                 NULL,
                                 0};

      report(run, &d);
    }
  }
  return rc < 0 ? row_error(&run->old, run->old_path, rc) : 0;
}

static void usage(FILE *f)
{
  fputs("usage: mailposture diff [-f text|ndjson] [--fail-on "
        "regression|improvement|any] [-q] [-o FILE] OLD NEW\n"
        "Joins two scan outputs (NDJSON or CSV) by domain and reports what "
        "changed in\nposture (docs/diff.md). Exit status 5: a change at or "
        "above --fail-on.\nOLD, NEW and -o FILE ending in .zst or .gz are "
        "zstd or gzip compressed.\n",
        f);
}

/* Returns 0, 1 for --help, or -EINVAL after a message. */
static int parse(struct run *run, int argc, char **argv, bool *quiet)
{
  static const char *const fails[] = {"", "neutral", "improvement",
                                      "regression", NULL};
  size_t npos = 0;

  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;

    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      return 1;
    } else if (strcmp(a, "-o") == 0 && v) {
      run->out_path = v;
      i++;
    } else if (strcmp(a, "-q") == 0) {
      *quiet = true;
    } else if (strcmp(a, "-f") == 0 && v &&
               (strcmp(v, "text") == 0 || strcmp(v, "ndjson") == 0)) {
      run->ndjson = v[0] == 'n';
      i++;
    } else if (strcmp(a, "--fail-on") == 0 && v) {
      run->fail_on = strcmp(v, "any") == 0 ? 3 : -1;
      for (int k = 2; run->fail_on < 0 && fails[k]; k++) {
        run->fail_on = strcmp(v, fails[k]) == 0 ? k : -1;
      }
      if (run->fail_on < 0) {
        fprintf(stderr,
                "mailposture: diff: --fail-on %s: regression, "
                "improvement or any\n",
                v);
        return -EINVAL;
      }
      i++;
    } else if (a[0] == '-' && a[1]) {
      fprintf(stderr, "mailposture: diff: %s: unknown option or bad value\n",
              a);
      return -EINVAL;
    } else if (npos < 2) {
      *(npos++ ? &run->new_path : &run->old_path) = a;
    } else {
      fprintf(stderr, "mailposture: diff: one OLD and one NEW\n");
      return -EINVAL;
    }
  }
  if (npos != 2) {
    usage(stderr);
    return -EINVAL;
  }
  return 0;
}

static int open_all(struct run *run)
{
  char err[512];

  if (mp_diffrow_open(&run->old, run->old_path, err, sizeof(err)) < 0 ||
      mp_diffrow_open(&run->reread, run->old_path, err, sizeof(err)) < 0 ||
      mp_diffrow_open(&run->new_, run->new_path, err, sizeof(err)) < 0) {
    fprintf(stderr, "mailposture: diff: %s\n", err);
    return EXIT_IO;
  }
  if (run->old.fmt != run->new_.fmt) {
    /* NDJSON against CSV: both read as the comparison of the two needs */
    mp_diffrow_mixed(&run->old);
    mp_diffrow_mixed(&run->reread);
    mp_diffrow_mixed(&run->new_);
  }
  return 0;
}

/* -o FILE: run->out writes to it, through a compressor for .zst, .gz. */
static int open_out(struct run *run, FILE **raw, struct mp_compress **z)
{
  enum mp_zkind kind = mp_compress_kind(run->out_path);

  if (!run->out_path) {
    return 0;
  }
  if (!(*raw = fopen(run->out_path, "w"))) {
    fprintf(stderr, "mailposture: diff: %s: %s\n", run->out_path,
            strerror(errno));
    return EXIT_IO;
  }
  run->out = *raw;
  if (kind != MP_Z_NONE) {
    if (mp_compress_new(*raw, kind, z) < 0) {
      return EXIT_IO;
    }
    run->out = mp_compress_file(*z);
  }
  return 0;
}

/* Flushes (and closes -o FILE); EXIT_IO after a message when a write
 * failed. */
static int close_out(struct run *run, FILE *raw, struct mp_compress *z)
{
  int rc = 0, e = 0;

  errno = 0;
  if (z) {
    e = mp_compress_free(z);
  } else if (fflush(run->out) != 0 || ferror(run->out)) {
    e = errno > 0 ? -errno : -EIO;
  }
  if (raw && fclose(raw) != 0 && e == 0) {
    e = errno > 0 ? -errno : -EIO;
  }
  if (e < 0) {
    fprintf(stderr, "mailposture: diff: write failed: %s\n", strerror(-e));
    rc = EXIT_IO;
  }
  return rc;
}

int mp_diff_main(int argc, char **argv, FILE *out)
{
  struct mp_compress *z = NULL;
  FILE *raw = NULL;
  int wrc;
  struct run run = {.fail_on = -1, .out = out};
  bool quiet = false;
  size_t n;
  int rc = parse(&run, argc, argv, &quiet);

  if (rc != 0) {
    if (rc > 0) {
      usage(stdout);
    }
    return rc > 0 ? 0 : EXIT_USAGE;
  }
  mp_diff_fields(&n);
  run.c = mp_calloc(n + 1, sizeof(*run.c));
  mp_diff_summary_init(&run.sum);
  rc = open_out(&run, &raw, &z);
  rc = rc ? rc : open_all(&run);
  rc = rc ? rc : load_old(&run);
  rc = rc ? rc : scan_new(&run);
  rc = rc ? rc : scan_gone(&run);
  if (!quiet) {
    mp_diff_summary_write(stderr, &run.sum);
  }
  if (run.dups) {
    fprintf(stderr,
            "mailposture: diff: %s: %llu rows repeat a domain; the "
            "first row of each was compared\n",
            run.old_path, (unsigned long long)run.dups);
  }
  wrc = close_out(&run, raw, z);
  rc = rc ? rc : wrc;
  mp_diffrow_close(&run.old);
  mp_diffrow_close(&run.reread);
  mp_diffrow_close(&run.new_);
  mp_diff_summary_close(&run.sum);
  mp_free(run.c);
  mp_free(run.t.s);
  return rc ? rc : run.found ? MP_EXIT_DIFF_FOUND : 0;
}
