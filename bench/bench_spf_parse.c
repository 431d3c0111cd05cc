/* The SPF record parser over a corpus of real-world record shapes
 * (bench/data/spf-corpus.txt: big providers' records, typical domains,
 * macros, common mistakes marked "!").
 *
 *   all      every record of the corpus in turn (ns/record)
 *   typical  "v=spf1 ip4:192.0.2.0/24 include:_spf.google.com
 *            include:spf.protection.outlook.com ~all" alone
 *   classes  the same per kind of record: simple, includes, ip lists,
 *            macros, invalid
 *
 * Checks that every record parses, and that every "!" record does not;
 * exits 1 otherwise.
 *
 * bench_spf_parse [--tiny] [CORPUS]  (default: data/spf-corpus.txt next to
 * this source file) */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "scanner/base/alloc.h"
#include "scanner/spf/parse.h"

#define TERMS_MAX 64

static const char typical[] = "v=spf1 ip4:192.0.2.0/24 "
                              "include:_spf.google.com "
                              "include:spf.protection.outlook.com ~all";

enum klass { K_SIMPLE, K_INCLUDE, K_IPLIST, K_MACRO, K_INVALID, K_COUNT };

static const char *const klass_name[K_COUNT] = {
    "simple (no include, < 5 ip)", "includes / redirect",
    "ip lists (>= 5 ip4/ip6)",     "macros, exists, ptr",
    "invalid (marked !)",
};

struct rec {
  char *text;
  size_t len;
  bool invalid;
  enum klass klass;
};

static struct rec *recs;
static size_t nrecs;
static volatile size_t sink;

static uint64_t now_ns(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static enum klass classify(const struct mp_spf_record *r)
{
  size_t ips = 0;
  bool include = r->has_redirect;

  if (r->uses_macros || r->uses_exists || r->uses_ptr) {
    return K_MACRO;
  }
  for (size_t i = 0; i < r->nterms; i++) {
    ips += r->terms[i].mech == MP_SPF_IP4 || r->terms[i].mech == MP_SPF_IP6;
    include |= r->terms[i].mech == MP_SPF_INCLUDE;
  }
  return ips >= 5 ? K_IPLIST : include ? K_INCLUDE : K_SIMPLE;
}

/* Reads the corpus and checks each record once. Returns the number of
 * records whose parse did not match their "!" mark, or -1. */
static int load(const char *path)
{
  FILE *f = fopen(path, "r");
  char *line = NULL;
  size_t cap = 0, capr = 0;
  ssize_t n;
  int bad = 0;
  struct mp_spf_term terms[TERMS_MAX];
  struct mp_spf_record r;
  struct mp_spf_syntax_error e;

  if (!f) {
    fprintf(stderr, "bench_spf_parse: %s: %s\n", path, strerror(errno));
    return -1;
  }
  while ((n = getline(&line, &cap, f)) >= 0) {
    size_t len = (size_t)n;
    bool invalid = line[0] == '!';
    int rc;

    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) {
      len--;
    }
    if (len == 0 || line[0] == '#') {
      continue;
    }
    if (nrecs == capr) {
      capr = capr ? capr * 2 : 64;
      recs = mp_realloc(recs, capr * sizeof(*recs));
    }
    recs[nrecs].text = mp_strndup(line + invalid, len - invalid);
    recs[nrecs].len = len - invalid;
    recs[nrecs].invalid = invalid;
    rc = mp_spf_parse(recs[nrecs].text, recs[nrecs].len, terms, TERMS_MAX, &r,
                      &e);
    if ((rc == 0) == invalid) {
      fprintf(stderr, "bench_spf_parse: %s: %s at %zu: %s\n",
              invalid ? "accepted" : "rejected", mp_spf_syntax_name(e.kind),
              e.offset, recs[nrecs].text);
      bad++;
    }
    recs[nrecs].klass = invalid ? K_INVALID : classify(&r);
    nrecs++;
  }
  free(line); /* getline's buffer, not ours */
  fclose(f);
  return bad;
}

/* Parses the records whose class is k (all when k is K_COUNT) in passes
 * until min_ns have gone by, at least min_passes times. Returns ns per
 * record, and the records parsed in *count. */
static double run(enum klass k, uint64_t min_ns, size_t min_passes,
                  size_t *count)
{
  struct mp_spf_term terms[TERMS_MAX];
  struct mp_spf_record r;
  struct mp_spf_syntax_error e;
  size_t done = 0, passes = 0;
  uint64_t t0 = now_ns(), t;

  do {
    for (size_t i = 0; i < nrecs; i++) {
      if (k != K_COUNT && recs[i].klass != k) {
        continue;
      }
      mp_spf_parse(recs[i].text, recs[i].len, terms, TERMS_MAX, &r, &e);
      sink += r.nterms;
      done++;
    }
    passes++;
    t = now_ns() - t0;
  } while (done > 0 && (passes < min_passes || t < min_ns));
  *count = done;
  return done ? (double)t / (double)done : 0.0;
}

static double run_typical(uint64_t min_ns, size_t min_loops)
{
  struct mp_spf_term terms[TERMS_MAX];
  struct mp_spf_record r;
  struct mp_spf_syntax_error e;
  size_t done = 0;
  uint64_t t0 = now_ns(), t;

  do {
    for (int i = 0; i < 1000; i++) {
      mp_spf_parse(typical, sizeof(typical) - 1, terms, TERMS_MAX, &r, &e);
      sink += r.nterms;
    }
    done += 1000;
    t = now_ns() - t0;
  } while (done < min_loops || t < min_ns);
  return (double)t / (double)done;
}

/* data/spf-corpus.txt next to this file, whose path the compiler knows. */
static void default_path(char *buf, size_t cap)
{
  const char *slash = strrchr(__FILE__, '/');
  int dir = slash ? (int)(slash - __FILE__) : 1;

  snprintf(buf, cap, "%.*s/data/spf-corpus.txt", dir, slash ? __FILE__ : ".");
}

int main(int argc, char **argv)
{
  char path[4096];
  bool tiny = false;
  const char *corpus = NULL;
  uint64_t scale;
  double all, typ, per[K_COUNT];
  size_t count, n[K_COUNT];
  int bad;

  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--tiny") == 0) {
      tiny = true;
    } else {
      corpus = argv[i];
    }
  }
  if (!corpus) {
    default_path(path, sizeof(path));
    corpus = path;
  }
  if ((bad = load(corpus)) < 0) {
    return 1;
  }
  if (nrecs == 0) {
    fprintf(stderr, "bench_spf_parse: %s: no records\n", corpus);
    return 1;
  }
  /* About 0.5 s in all; --tiny: a few passes each. */
  scale = tiny ? 0 : 1000000u;
  typ = run_typical(100 * scale, tiny ? 1000 : 0);
  all = run(K_COUNT, 250 * scale, tiny ? 3 : 1, &count);
  for (int k = 0; k < K_COUNT; k++) {
    per[k] = run((enum klass)k, 30 * scale, tiny ? 3 : 1, &n[k]);
  }
  printf("spf_parse: %zu records, %.0f ns/record (typical ~%.0f ns)\n", nrecs,
         all, typ);
  for (int k = 0; k < K_COUNT; k++) {
    size_t in_class = 0;

    for (size_t i = 0; i < nrecs; i++) {
      in_class += recs[i].klass == (enum klass)k;
    }
    printf("  %-30s %3zu records %8.0f ns/record\n", klass_name[k], in_class,
           per[k]);
  }
  for (size_t i = 0; i < nrecs; i++) {
    mp_free(recs[i].text);
  }
  mp_free(recs);
  if (bad > 0) {
    fprintf(stderr, "bench_spf_parse: %d records did not parse as marked\n",
            bad);
    return 1;
  }
  return 0;
}
