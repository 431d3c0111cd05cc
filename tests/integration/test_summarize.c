/* mailposture summarize against the scan's own summary: the generated
 * world as a ranked list, scanned by one process and by N processes with
 * --shard K/N; summarize of the N parts, and of the one process's rows,
 * gives exactly the posture keys of the one-process --summary, NDJSON and
 * CSV, plain and written to .zst and .gz files. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "scanner/base/alloc.h"
#include "tests/integration/world.h"
#include "tests/support/proc.h"

#define SHARDS 3

static const char *const posture_keys[] = {
    "rows",       "status",           "lookups",
    "adoption",   "histograms",       "findings",
    "breakdowns", "top_spf_includes", "top_report_destinations"};

/* The world's list with a Tranco rank per line, spread over every rank
 * bucket (the last lines ranked past 1M, which counts as unranked). */
static void ranked_list(const char *path)
{
  char in[4096], line[4096];
  FILE *f, *out;
  uint64_t i = 0;

  snprintf(in, sizeof(in), "%s/domains.txt", MP_WORLD_DIR);
  f = fopen(in, "r");
  out = fopen(path, "w");
  cr_assert(f && out);
  while (fgets(line, sizeof(line), f)) {
    if (line[0] == '#' || line[0] == '\n') {
      continue;
    }
    i++;
    fprintf(out, "%llu,%s", (unsigned long long)(i * i / 8 + 1), line);
  }
  fclose(f);
  cr_assert_eq(fclose(out), 0);
}

/* a and b are equal JSON values; where not, the path says where. */
static bool same(const struct mp_json *a, const struct mp_json *b,
                 const char *path)
{
  if (!a || !b || a->type != b->type) {
    cr_log_error("%s: type differs", path);
    return false;
  }
  switch (a->type) {
  case MP_JSON_NUMBER:
    if (a->number != b->number) {
      cr_log_error("%s: %.0f against %.0f", path, a->number, b->number);
      return false;
    }
    return true;
  case MP_JSON_STRING:
    return a->len == b->len && memcmp(a->str, b->str, a->len) == 0;
  case MP_JSON_BOOL:
    return a->boolean == b->boolean;
  case MP_JSON_NULL:
    return true;
  default:
    break;
  }
  if (a->count != b->count) {
    cr_log_error("%s: %zu against %zu members", path, a->count, b->count);
    return false;
  }
  for (size_t i = 0; i < a->count; i++) {
    char sub[512];

    if (a->type == MP_JSON_OBJECT) {
      snprintf(sub, sizeof(sub), "%s.%s", path, a->keys[i]->str);
      if (strcmp(a->keys[i]->str, b->keys[i]->str) != 0) {
        cr_log_error("%s: key %s against %s", path, a->keys[i]->str,
                     b->keys[i]->str);
        return false;
      }
    } else {
      snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
    }
    if (!same(a->items[i], b->items[i], sub)) {
      return false;
    }
  }
  return true;
}

static struct mp_json *load(const char *path)
{
  size_t len;
  char *text = mp_proc_slurp(path, &len), err[256];
  struct mp_json *j;

  cr_assert_not_null(text, "%s: not written", path);
  j = mp_json_parse(text, len, err, sizeof(err));
  cr_assert_not_null(j, "%s: %s", path, err);
  mp_free(text);
  return j;
}

/* summarize files[0..n) into out; returns its exit status. */
static int summarize(const char *out, const char *const *files, size_t n)
{
  const char *argv[16] = {MP_BINARY, "summarize", "-o", out};
  size_t k = 4;

  for (size_t i = 0; i < n; i++) {
    argv[k++] = files[i];
  }
  argv[k] = NULL;
  return mp_proc_run(argv, NULL, NULL, NULL, 120000);
}

/* The posture keys of got equal want's; the run-time keys are absent. */
static void check_equal(const char *want_path, const char *got_path,
                        const char *what)
{
  struct mp_json *want = load(want_path), *got = load(got_path);

  for (size_t i = 0; i < sizeof(posture_keys) / sizeof(posture_keys[0]); i++) {
    const char *k = posture_keys[i];

    cr_expect(same(mp_json_get(want, k), mp_json_get(got, k), k),
              "%s: %s differs from the scan's summary", what, k);
  }
  cr_expect_null(mp_json_get(got, "elapsed_s"), "%s: run-time keys", what);
  cr_expect_null(mp_json_get(got, "resolver"), "%s: run-time keys", what);
  mp_json_free(want);
  mp_json_free(got);
}

/* A copy of the first half of path at cut: a torn last frame. */
static void cut_in_half(const char *path, const char *cut)
{
  size_t len;
  char *text = mp_proc_slurp(path, &len);
  FILE *f = fopen(cut, "w");

  cr_assert(text && f && len > 16);
  cr_assert_eq(fwrite(text, 1, len / 2, f), len / 2);
  cr_assert_eq(fclose(f), 0);
  mp_free(text);
}

/* The scanner over list with args, rows to -o path (compressed by its
 * name); returns its exit status. */
static int scan_to(const char *list, const char *path, const char *const *args)
{
  const char *a[16];
  char out[4096];
  size_t n = 0;
  int rc;

  for (; args && args[n]; n++) {
    a[n] = args[n];
  }
  a[n++] = "-o";
  a[n++] = path;
  a[n] = NULL;
  snprintf(out, sizeof(out), "%s.stdout", path);
  rc = run_scanner(list, out, a);
  unlink(out);
  return rc;
}

/* summarize (argv) exits 1 with why on stderr (to err_path). */
static void expect_refused(const char *const *argv, const char *err_path,
                           const char *why)
{
  char *msg;

  cr_expect_eq(mp_proc_run(argv, NULL, NULL, err_path, 120000), 1, "%s",
               argv[4]);
  msg = mp_proc_slurp(err_path, NULL);
  cr_expect(msg && strstr(msg, why), "%s: %s", argv[4], msg ? msg : "");
  mp_free(msg);
}

/* zext: the suffix of each part's name, then of the one scan's: "" (plain),
 * ".zst" or ".gz". */
static void shards_equal_one_scan(const char *fmt,
                                  const char *const zext[SHARDS + 1])
{
  char list[4096], whole[4096], sum[4096], got[4096], name[64];
  char parts[SHARDS][4096], shard[16];
  const char *files[SHARDS];
  const char *args[] = {"-f",     fmt,         "--input-format",
                        "tranco", "--summary", sum,
                        NULL,     NULL,        NULL};
  struct mp_json *s;

  scratch_path(list, sizeof(list), "summarize-ranked.txt");
  ranked_list(list);
  snprintf(name, sizeof(name), "summarize-whole.%s%s", fmt, zext[SHARDS]);
  scratch_path(whole, sizeof(whole), name);
  scratch_path(sum, sizeof(sum), "summarize-scan.json");
  cr_assert_eq(scan_to(list, whole, args), 0);
  for (int k = 0; k < SHARDS; k++) {
    snprintf(name, sizeof(name), "summarize-part%d.%s%s", k, fmt, zext[k]);
    scratch_path(parts[k], sizeof(parts[k]), name);
    snprintf(shard, sizeof(shard), "%d/%d", k, SHARDS);
    args[6] = "--shard";
    args[7] = shard;
    args[5] = got; /* the parts' own summaries are not compared */
    scratch_path(got, sizeof(got), "summarize-part.json");
    cr_assert_eq(scan_to(list, parts[k], args), 0);
    files[k] = parts[k];
  }
  scratch_path(got, sizeof(got), "summarize-got.json");
  cr_assert_eq(summarize(got, files, SHARDS), 0);
  check_equal(sum, got, "summarize of the parts");
  files[0] = whole;
  cr_assert_eq(summarize(got, files, 1), 0);
  check_equal(sum, got, "summarize of the one scan's rows");

  /* the world spreads over every rank bucket and has findings */
  s = load(sum);
  for (size_t b = 0; b < 5; b++) {
    cr_expect_gt(
        mp_json_get(mp_json_path(s, "breakdowns.by_rank")->items[b], "domains")
            ->number,
        0, "rank bucket %zu empty", b);
  }
  cr_expect_gt(mp_json_path(s, "findings.by_code")->count, 5);
  cr_expect_gt(mp_json_path(s, "breakdowns.by_suffix")->count, 1);
  mp_json_free(s);
  for (int k = 0; k < SHARDS; k++) {
    unlink(parts[k]);
  }
  unlink(whole);
  unlink(list);
}

static const char *const plain[SHARDS + 1] = {"", "", "", ""};

Test(summarize, shards_equal_one_scan_ndjson, .timeout = 600)
{
  shards_equal_one_scan("ndjson", plain);
}

Test(summarize, shards_equal_one_scan_csv, .timeout = 600)
{
  shards_equal_one_scan("csv", plain);
}

Test(summarize, compressed_shards_equal_one_scan_ndjson, .timeout = 600)
{
  const char *const zext[SHARDS + 1] = {".zst", ".gz", "", ".zst"};

  shards_equal_one_scan("ndjson", zext);
}

Test(summarize, compressed_shards_equal_one_scan_csv, .timeout = 600)
{
  const char *const zext[SHARDS + 1] = {".gz", ".zst", ".gz", ".gz"};

  shards_equal_one_scan("csv", zext);
}

/* A cut .zst or .gz file, and plain text named .gz, are errors (exit 1),
 * not a summary of part of the rows. */
Test(summarize, rejects_a_cut_or_false_compressed_file, .timeout = 600)
{
  const char *const exts[] = {"ndjson.zst", "ndjson.gz", "csv.gz"};
  const char *const csv[] = {"-f", "csv", NULL};
  char list[4096], rows[4096], cut[4096], got[4096], err[4096], name[64];
  const char *argv[] = {MP_BINARY, "summarize", "-o", got, cut, NULL};
  FILE *f;

  snprintf(list, sizeof(list), "%s/domains.txt", MP_WORLD_DIR);
  scratch_path(got, sizeof(got), "summarize-cut.json");
  scratch_path(err, sizeof(err), "summarize-cut.err");
  for (size_t i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
    snprintf(name, sizeof(name), "summarize-rows.%s", exts[i]);
    scratch_path(rows, sizeof(rows), name);
    snprintf(name, sizeof(name), "summarize-cut.%s", exts[i]);
    scratch_path(cut, sizeof(cut), name);
    cr_assert_eq(scan_to(list, rows, exts[i][0] == 'c' ? csv : NULL), 0);
    cut_in_half(rows, cut);
    expect_refused(argv, err, "the last frame is torn");
    unlink(rows);
  }
  f = fopen(cut, "w"); /* plain rows named .csv.gz */
  cr_assert_not_null(f);
  fputs("{\"status\":\"ok\"}\n", f);
  cr_assert_eq(fclose(f), 0);
  expect_refused(argv, err, "not compressed data of its suffix");
  unlink(cut);
  unlink(err);
}
