/* mailposture summarize: the summary counted again from row files. */
#include "scanner/summarize.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>

#include "scanner/base/alloc.h"
#include "scanner/posture.h"
#include "scanner/postrow.h"
#include "scanner/rowfile.h"

#define EXIT_IO    1
#define EXIT_USAGE 2

struct args {
  const char *output;
  const char *psl_file;
  const char **rows;
  size_t nrows;
};

static void usage(FILE *f)
{
  fputs("usage: mailposture summarize [-o FILE] [--psl-file FILE] ROWS...\n"
        "Counts the summary JSON of a scan (rows, status, lookups, adoption, "
        "histograms,\nfindings, breakdowns, top lists) from its rows, NDJSON "
        "or CSV, plain or\n.zst/.gz compressed; the files of shards scanned "
        "apart give one summary\n(docs/schema.md \"Summary JSON\").\n"
        "  -o FILE          write the summary to FILE (default: standard "
        "output)\n"
        "  --psl-file FILE  the Public Suffix List for the breakdown by "
        "suffix (default:\n                   " MP_ORGDOMAIN_DEFAULT_PSL
        ", as the scan)\n",
        f);
}

/* Returns 0, 1 for --help, or -EINVAL after a message. */
static int parse(struct args *a, int argc, char **argv)
{
  for (int i = 1; i < argc; i++) {
    const char *s = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;

    if (strcmp(s, "-h") == 0 || strcmp(s, "--help") == 0) {
      return 1;
    } else if (strcmp(s, "-o") == 0 && v) {
      a->output = v;
      i++;
    } else if (strcmp(s, "--psl-file") == 0 && v) {
      a->psl_file = v;
      i++;
    } else if (s[0] == '-' && s[1]) {
      fprintf(stderr,
              "mailposture: summarize: %s: unknown option or no value\n", s);
      return -EINVAL;
    } else {
      a->rows[a->nrows++] = s;
    }
  }
  if (a->nrows == 0) {
    usage(stderr);
    return -EINVAL;
  }
  return 0;
}

/* Counts every row of one file. */
static int count_file(struct mp_posture *p, const char *path)
{
  struct mp_postrow r;
  char err[512];
  int rc = mp_postrow_open(&r, path, err, sizeof(err));

  if (rc < 0) {
    fprintf(stderr, "mailposture: summarize: %s\n", err);
    mp_postrow_close(&r);
    return EXIT_IO;
  }
  while ((rc = mp_postrow_next(&r)) == 1) {
    mp_posture_add(p, &r.row);
  }
  if (rc < 0) {
    fprintf(stderr, "mailposture: summarize: %s: line %llu: %s\n", path,
            (unsigned long long)r.lineno,
            rc == -EILSEQ ? "not a scan row" : mp_rowfile_strerror(rc));
  }
  mp_postrow_close(&r);
  return rc < 0 ? EXIT_IO : 0;
}

static int write_json(const struct mp_posture *p, const char *path, FILE *out)
{
  FILE *f = path ? fopen(path, "w") : out;
  int bad;

  if (!f) {
    fprintf(stderr, "mailposture: summarize: %s: %s\n", path, strerror(errno));
    return EXIT_IO;
  }
  fprintf(f, "{\"rows\":%llu", (unsigned long long)p->rows);
  mp_posture_json_counts(p, f);
  mp_posture_json(p, f);
  fputs("}\n", f);
  bad = fflush(f) != 0 || ferror(f);
  if (path) {
    bad = fclose(f) != 0 || bad;
  }
  if (bad) {
    fprintf(stderr, "mailposture: summarize: %s: write failed\n",
            path ? path : "standard output");
    return EXIT_IO;
  }
  return 0;
}

int mp_summarize_main(int argc, char **argv, FILE *out)
{
  struct args a = {.rows = mp_calloc((size_t)argc + 1, sizeof(char *))};
  struct mp_orgdomain *psl = NULL;
  struct mp_posture p;
  int rc = parse(&a, argc, argv);

  if (rc != 0) {
    if (rc > 0) {
      usage(stdout);
    }
    mp_free(a.rows);
    return rc > 0 ? 0 : EXIT_USAGE;
  }
  if ((rc = mp_orgdomain_new(a.psl_file, &psl)) < 0) {
    fprintf(stderr,
            "mailposture: summarize: %s: %s: suffixes are the last "
            "label\n",
            a.psl_file ? a.psl_file : MP_ORGDOMAIN_DEFAULT_PSL, strerror(-rc));
  }
  mp_posture_init(&p, psl);
  rc = 0;
  for (size_t i = 0; i < a.nrows && rc == 0; i++) {
    rc = count_file(&p, a.rows[i]);
  }
  rc = rc ? rc : write_json(&p, a.output, out);
  mp_posture_close(&p);
  mp_orgdomain_free(psl);
  mp_free(a.rows);
  return rc;
}
