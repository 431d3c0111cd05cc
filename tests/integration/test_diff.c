/* mailposture diff on two generated worlds that differ by known edits
 * (mp_worldgen --edited, tests/world/worldedit.h): each world served by
 * Knot in turn, scanned to NDJSON and CSV, and the scans diffed (also
 * NDJSON against CSV). Every edit must be found with its class, and
 * nothing else reported. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "scanner/base/alloc.h"
#include "tests/integration/world.h"
#include "tests/support/proc.h"

#define PORT  (MP_TEST_DNS_PORT + 10) /* test_spf_dns.c lists the others */
#define EDITS 12

struct paths {
  char w[2][4096], run[4096], nd[2][4096], csv[2][4096], out[4096];
  char ndz[2][4096], csvz[2][4096]; /* the scans compressed: .zst, .gz */
};

static void serve(const struct paths *p, int i)
{
  char port[16];
  const char *start[] = {MP_SOURCE_DIR "/tests/world/serve.sh",
                         "start",
                         p->w[i],
                         port,
                         p->run,
                         NULL};
  const char *stop[] = {MP_SOURCE_DIR "/tests/world/serve.sh", "stop", p->run,
                        NULL};
  char server[64], input[4200];
  const char *nd[] = {"-r", server, "-q", "-o", p->nd[i], NULL};
  const char *csv[] = {"-r", server, "-q", "-f", "csv", "-o", p->csv[i], NULL};
  const char *ndz[] = {"-r", server, "-q", "-o", p->ndz[i], NULL};
  const char *csvz[] = {"-r",  server, "-q",       "-f",
                        "csv", "-o",   p->csvz[i], NULL};

  snprintf(port, sizeof(port), "%d", PORT);
  snprintf(server, sizeof(server), "127.0.0.1:%d", PORT);
  snprintf(input, sizeof(input), "%s/domains.txt", p->w[0]);
  cr_assert_eq(mp_proc_run(start, NULL, NULL, NULL, 120000), 0);
  cr_expect_eq(run_scanner(input, "/dev/null", nd), 0);
  cr_expect_eq(run_scanner(input, "/dev/null", csv), 0);
  cr_expect_eq(run_scanner(input, "/dev/null", ndz), 0);
  cr_expect_eq(run_scanner(input, "/dev/null", csvz), 0);
  cr_assert_eq(mp_proc_run(stop, NULL, NULL, NULL, 60000), 0);
}

static void setup(struct paths *p)
{
  const char *gen[] = {MP_WORLDGEN, "--domains", "400",   "--seed",
                       "11",        "--out",     p->w[0], "--edited",
                       p->w[1],     "--edits",   "12",    NULL};

  scratch_path(p->w[0], sizeof(p->w[0]), "diff-w1");
  scratch_path(p->w[1], sizeof(p->w[1]), "diff-w2");
  scratch_path(p->run, sizeof(p->run), "diff-run");
  scratch_path(p->nd[0], sizeof(p->nd[0]), "diff-1.ndjson");
  scratch_path(p->nd[1], sizeof(p->nd[1]), "diff-2.ndjson");
  scratch_path(p->csv[0], sizeof(p->csv[0]), "diff-1.csv");
  scratch_path(p->csv[1], sizeof(p->csv[1]), "diff-2.csv");
  scratch_path(p->out, sizeof(p->out), "diff-out.ndjson");
  scratch_path(p->ndz[0], sizeof(p->ndz[0]), "diff-1.ndjson.zst");
  scratch_path(p->ndz[1], sizeof(p->ndz[1]), "diff-2.ndjson.zst");
  scratch_path(p->csvz[0], sizeof(p->csvz[0]), "diff-1.csv.gz");
  scratch_path(p->csvz[1], sizeof(p->csvz[1]), "diff-2.csv.gz");
  cr_assert_eq(mp_proc_run(gen, NULL, NULL, NULL, 120000), 0);
  serve(p, 0);
  serve(p, 1);
}

static int run_diff(const struct paths *p, const char *a, const char *b,
                    const char *fail_on)
{
  const char *argv[] = {MP_BINARY,   "diff",  "-q", "-f", "ndjson",
                        "--fail-on", fail_on, a,    b,    NULL};

  return mp_proc_run(argv, NULL, p->out, NULL, 120000);
}

/* The edit of domain: its line of edits.tsv, split at tabs. */
static bool find_edit(char *tsv, const char *domain, char **f)
{
  for (char *l = tsv; l && *l;) {
    char *nl = strchr(l, '\n');
    size_t dl = strcspn(l, "\t");

    if (dl == strlen(domain) && memcmp(l, domain, dl) == 0) {
      char *s = l;

      for (int k = 0; k < 4; k++) {
        f[k] = s;
        s += strcspn(s, "\t\n");
        if (*s) {
          *s++ = '\0';
        }
      }
      return true;
    }
    l = nl ? nl + 1 : NULL;
  }
  return false;
}

static void check_report(const struct paths *p)
{
  char path[4200];
  char *tsv;
  struct mp_json *rows = read_rows(p->out);

  snprintf(path, sizeof(path), "%s/edits.tsv", p->w[1]);
  tsv = mp_proc_slurp(path, NULL);
  cr_assert_not_null(tsv);
  cr_assert_not_null(rows);
  cr_expect_eq(rows->count, EDITS, "%zu domains reported, %d edits",
               rows->count, EDITS);
  for (size_t i = 0; i < rows->count; i++) {
    const struct mp_json *r = rows->items[i];
    const struct mp_json *ch = mp_json_get(r, "changes");
    const char *domain = mp_json_str(mp_json_get(r, "domain"));
    char *copy = mp_strndup(tsv, strlen(tsv)), *e[4];
    bool field = false;

    cr_assert_not_null(domain);
    if (!find_edit(copy, domain, e)) {
      cr_expect_fail("%s reported but not edited", domain);
      mp_free(copy);
      continue;
    }
    cr_expect(mp_json_str_eq(mp_json_get(r, "class"), e[3]),
              "%s (%s): class %s, expected %s", domain, e[1],
              mp_json_str(mp_json_get(r, "class")), e[3]);
    for (size_t k = 0; ch && k < ch->count; k++) {
      field |= mp_json_str_eq(mp_json_get(ch->items[k], "field"), e[2]) &&
               mp_json_str_eq(mp_json_get(ch->items[k], "class"), e[3]);
    }
    cr_expect(field, "%s (%s): no %s change classed %s", domain, e[1], e[2],
              e[3]);
    mp_free(copy);
  }
  mp_json_free(rows);
  mp_free(tsv);
}

/* path compressed by zstd(1) or gzip(1) (as a user's tool would) into
 * path.zst or path.gz, or decompressed from it with -d. */
static void tool(const char *prog, const char *in, const char *out)
{
  const char *argv[] = {prog, "-c", in, NULL};
  const char *undo[] = {prog, "-dc", in, NULL};
  bool d = strstr(out, ".zst") == NULL && strstr(out, ".gz") == NULL;

  cr_assert_eq(mp_proc_run(d ? undo : argv, NULL, out, NULL, 60000), 0, "%s %s",
               prog, in);
}

/* The diff of the plain scans, of the same scans compressed by the tools
 * (written to -o FILE.zst, FILE.gz and decompressed by the tools): the
 * same bytes. */
static void same_report_compressed(const struct paths *p)
{
  static const char *const exts[][2] = {{MP_ZSTD_PROG, ".zst"},
                                        {MP_GZIP_PROG, ".gz"}};
  char a[4200], b[4200], z[4200], back[4200];
  char *want, *got;
  size_t wlen, glen;

  snprintf(back, sizeof(back), "%s.back", p->out);
  for (int f = 0; f < 2; f++) {
    const char *in[2] = {f ? p->csv[0] : p->nd[0], f ? p->csv[1] : p->nd[1]};

    cr_assert_eq(run_diff(p, in[0], in[1], "any"), 5);
    want = mp_proc_slurp(p->out, &wlen);
    for (int k = 0; k < 2; k++) {
      const char *argv[] = {MP_BINARY, "diff",      "-q",  "-f",
                            "ndjson",  "--fail-on", "any", "-o",
                            z,         a,           b,     NULL};

      snprintf(a, sizeof(a), "%s.tool%s", in[0], exts[k][1]);
      snprintf(b, sizeof(b), "%s.tool%s", in[1], exts[k][1]);
      snprintf(z, sizeof(z), "%s%s", p->out, exts[k][1]);
      tool(exts[k][0], in[0], a);
      tool(exts[k][0], in[1], b);
      cr_assert_eq(mp_proc_run(argv, NULL, NULL, NULL, 120000), 5);
      tool(exts[k][0], z, back);
      got = mp_proc_slurp(back, &glen);
      cr_expect(glen == wlen && memcmp(got, want, wlen) == 0,
                "diff of %s files: not the plain files' report", exts[k][1]);
      mp_free(got);
    }
    mp_free(want);
  }
}

Test(diff, finds_every_edit_and_nothing_else, .timeout = 600)
{
  struct paths p;

  setup(&p);
  cr_assert_eq(run_diff(&p, p.nd[0], p.nd[1], "regression"), 5);
  check_report(&p);
  cr_assert_eq(run_diff(&p, p.csv[0], p.csv[1], "improvement"), 5);
  check_report(&p);
  /* The same scan twice: nothing to report, even at --fail-on any. */
  cr_assert_eq(run_diff(&p, p.nd[1], p.nd[1], "any"), 0);
  /* NDJSON against CSV, either way, plain or compressed: the same
   * changes; one scan in both formats: none. */
  cr_assert_eq(run_diff(&p, p.csv[0], p.nd[1], "regression"), 5);
  check_report(&p);
  cr_assert_eq(run_diff(&p, p.nd[0], p.csv[1], "regression"), 5);
  check_report(&p);
  cr_assert_eq(run_diff(&p, p.ndz[0], p.csvz[1], "improvement"), 5);
  check_report(&p);
  cr_assert_eq(run_diff(&p, p.csvz[0], p.nd[1], "improvement"), 5);
  check_report(&p);
  cr_assert_eq(run_diff(&p, p.nd[1], p.csvz[1], "any"), 0);
  cr_assert_eq(run_diff(&p, p.csv[0], p.ndz[0], "any"), 0);
  /* The scans written compressed (.zst, .gz) give the same report. */
  cr_assert_eq(run_diff(&p, p.ndz[0], p.ndz[1], "regression"), 5);
  check_report(&p);
  cr_assert_eq(run_diff(&p, p.csvz[0], p.csvz[1], "improvement"), 5);
  check_report(&p);
  same_report_compressed(&p);
}
