/* --resume: a scan killed (-9), interrupted (SIGINT) or stopped by a full
 * disk, resumed until it completes, ends with the rows of a clean scan:
 * every line once, no line missing, posture fields equal (timing fields
 * aside). MP_RESUME_KILLS sets the number of kills (default 8; the issue's
 * manual run: 20). */
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "scanner/base/alloc.h"
#include "tests/integration/bg.h"
#include "tests/integration/world.h"
#include "tests/support/proc.h"

static char world_list[4096];

static void setup(void)
{
  snprintf(world_list, sizeof(world_list), "%s/domains.txt", MP_WORLD_DIR);
}

TestSuite(resume, .init = setup, .timeout = 600);

/* Paced so that a kill lands midway. */
static const char *const fresh[] = {"--qps", "8000", "-q", NULL};
static const char *const again[] = {"--resume", "--qps", "8000", "-q", NULL};
static const char *const finish[] = {"--resume", "-q", NULL};

/* Equal but for the members that change from run to run. */
static bool same(const struct mp_json *a, const struct mp_json *b)
{
  return mp_json_same_except(a, b, mp_json_row_volatile);
}

/* out.zst, out.gz decompressed by zstd(1), gzip(1) into plain: what a
 * user's tools read. */
static const char *plain_of(const char *out, char *plain, size_t n)
{
  size_t len = strlen(out);
  bool zst = len > 4 && strcmp(out + len - 4, ".zst") == 0;
  bool gz = len > 3 && strcmp(out + len - 3, ".gz") == 0;
  const char *argv[] = {zst ? MP_ZSTD_PROG : MP_GZIP_PROG, "-dc", out, NULL};

  if (!zst && !gz) {
    return out;
  }
  snprintf(plain, n, "%s.plain", out);
  cr_assert_eq(mp_proc_run(argv, NULL, plain, NULL, 60000), 0,
               "%s does not decompress", out);
  return plain;
}

/* Which parts of a row differ from the clean scan's, with the statuses:
 * a lookup that timed out under load in one scan shows as one. */
static void log_difference(uint64_t line, const struct mp_json *a,
                           const struct mp_json *b)
{
  for (size_t i = 0; i < a->count; i++) {
    const struct mp_json *v = mp_json_get(b, a->keys[i]->str);

    if (!v || !mp_json_same_except(a->items[i], v, mp_json_row_volatile)) {
      cr_log_warn("line %llu (%s, status %s, clean %s): %s differs",
                  (unsigned long long)line,
                  mp_json_str(mp_json_get(a, "domain")),
                  mp_json_str(mp_json_get(b, "status")),
                  mp_json_str(mp_json_get(a, "status")), a->keys[i]->str);
    }
  }
}

/* out holds the rows of clean: the same lines, once each, equal. */
static void expect_same_rows(const char *clean, const char *out)
{
  struct truth_set ts;
  struct mp_json *a, *b;
  const struct mp_json **x, **y;
  size_t differ = 0;
  char plain[4200];
  const char *rows = plain_of(out, plain, sizeof(plain));

  truth_load(&ts);
  a = read_rows(clean);
  b = read_rows(rows);
  if (rows != out) {
    unlink(plain);
  }
  cr_expect_eq(b->count, a->count, "%zu rows, a clean scan has %zu", b->count,
               a->count);
  x = rows_by_line(a, ts.max_line);
  y = rows_by_line(b, ts.max_line);
  for (uint64_t l = 1; l <= ts.max_line; l++) {
    cr_expect((x[l] == NULL) == (y[l] == NULL), "line %llu: %s",
              (unsigned long long)l, x[l] ? "missing" : "extra");
    if (x[l] && y[l] && !same(x[l], y[l])) {
      differ++;
      log_difference(l, x[l], y[l]);
    }
  }
  cr_expect_eq(differ, 0, "%zu rows differ from a clean scan's", differ);
  cr_log_info("%zu rows compared", a->count);
  mp_free(x);
  mp_free(y);
  mp_json_free(a);
  mp_json_free(b);
  truth_free(&ts);
}

static void clean_scan(char *clean, size_t n)
{
  const char *args[] = {"-q", NULL};

  scratch_path(clean, n, "clean.ndjson");
  cr_assert_eq(run_scanner(world_list, clean, args), 0);
}

static void remove_all(const char *out)
{
  char p[4200];

  unlink(out);
  snprintf(p, sizeof(p), "%s.mpstate", out);
  unlink(p);
  snprintf(p, sizeof(p), "%s.log", out);
  unlink(p);
  snprintf(p, sizeof(p), "%s.log.stderr", out);
  unlink(p);
}

/* Starts (or resumes) a scan into out, stops it with sig after a random
 * 100..1500 ms; returns its exit status. */
static int stop_at_random(const char *out, bool resume, int sig)
{
  const char *args[16];
  size_t n = 0;
  const char *const *from = resume ? again : fresh;
  char log[4200];
  pid_t pid;

  args[n++] = "-o";
  args[n++] = out;
  while (*from) {
    args[n++] = *from++;
  }
  args[n] = NULL;
  snprintf(log, sizeof(log), "%s.log", out);
  pid = bg_scanner(world_list, log, args, 0);
  bg_sleep_ms(100 + rand() % 1400);
  kill(pid, sig);
  return bg_wait(pid, 120000);
}

static void resume_to_the_end(const char *out)
{
  const char *args[] = {"-o", out, finish[0], finish[1], NULL};
  char log[4200];

  snprintf(log, sizeof(log), "%s.log", out);
  cr_assert_eq(run_scanner(world_list, log, args), 0);
  unlink(log);
}

static void stopped_and_resumed(int sig, int times, const char *name)
{
  char clean[4096], out[4096];

  srand((unsigned)getpid());
  clean_scan(clean, sizeof(clean));
  scratch_path(out, sizeof(out), name);
  for (int i = 0; i < times; i++) {
    int rc = stop_at_random(out, i > 0, sig);

    /* 0: it ended before the signal came */
    cr_assert(rc == 0 || rc == 128 + sig || rc == 130, "exit %d", rc);
  }
  resume_to_the_end(out);
  expect_same_rows(clean, out);
  remove_all(out);
  remove_all(clean);
}

Test(resume, kill_9_at_random_points_then_resume)
{
  const char *env = getenv("MP_RESUME_KILLS");
  int kills = env ? atoi(env) : 8;

  cr_log_info("%d kills", kills);
  stopped_and_resumed(SIGKILL, kills, "kill9.ndjson");
}

/* Compressed: each kill leaves whole frames and a torn one; --resume cuts
 * the torn one and appends frames. */
Test(resume, kill_9_then_resume_compressed)
{
  stopped_and_resumed(SIGKILL, 3, "kill9.ndjson.zst");
  stopped_and_resumed(SIGKILL, 3, "kill9.ndjson.gz");
}

/* -o rows.ndjson.zst and rows.ndjson.gz hold the rows a plain scan writes
 * (apart from timing and order). */
Test(resume, compressed_scans_hold_the_plain_rows)
{
  static const char *const names[] = {"rows.ndjson.zst", "rows.ndjson.gz"};
  const char *args[] = {"-o", NULL, "-q", NULL};
  char clean[4096], out[4096], log[4096];

  clean_scan(clean, sizeof(clean));
  scratch_path(log, sizeof(log), "compressed.log");
  for (size_t i = 0; i < 2; i++) {
    scratch_path(out, sizeof(out), names[i]);
    args[1] = out;
    cr_assert_eq(run_scanner(world_list, log, args), 0);
    expect_same_rows(clean, out);
    remove_all(out);
  }
  remove_all(clean);
  unlink(log);
}

Test(resume, sigint_then_resume)
{
  stopped_and_resumed(SIGINT, 3, "sigint.ndjson");
}

/* The summary of a resume that ran to the end: state "resumed", and the
 * rows kept and the rows written make up every line's. */
static void expect_resumed(const char *sum, size_t lines)
{
  size_t len;
  char *text = mp_proc_slurp(sum, &len), err[256];
  struct mp_json *v;
  const struct mp_json *run;

  cr_assert_not_null(text);
  v = mp_json_parse(text, len, err, sizeof(err));
  cr_assert_not_null(v, "summary: %s", err);
  run = mp_json_get(v, "run");
  cr_expect(mp_json_str_eq(mp_json_get(run, "state"), "resumed"));
  cr_expect_gt(mp_json_get(run, "resumed_rows")->number, 0);
  cr_expect_eq(mp_json_get(run, "resumed_rows")->number +
                   mp_json_get(run, "rows")->number,
               (double)lines);
  mp_json_free(v);
  mp_free(text);
  unlink(sum);
}

/* CSV: a torn last record whose open quoted cell holds a line break is
 * dropped, no second header is written, and every line has one record. */
Test(resume, csv_drops_a_torn_record_and_writes_no_second_header)
{
  struct truth_set ts;
  char clean[4096], out[4096];
  const char *args[] = {"-f", "csv", "-o", out, "-q", NULL};
  char sum[4096];
  const char *more[] = {"-f", "csv",       "-o", out, "--resume",
                        "-q", "--summary", sum,  NULL};
  char *text;
  size_t len, cut = 0, records = 0;
  bool quoted = false;
  FILE *f;

  truth_load(&ts);
  scratch_path(clean, sizeof(clean), "clean.log");
  scratch_path(out, sizeof(out), "rows.csv");
  scratch_path(sum, sizeof(sum), "resumed.json");
  cr_assert_eq(run_scanner(world_list, clean, args), 0);
  text = mp_proc_slurp(out, &len);
  cr_assert_not_null(text);
  /* keep the records ending in the first half, then a torn one */
  for (size_t i = 0; i < len / 2; i++) {
    quoted ^= text[i] == '"';
    cut = !quoted && text[i] == '\n' ? i + 1 : cut;
  }
  f = fopen(out, "w");
  cr_assert_not_null(f);
  fwrite(text, 1, cut, f);
  fputs("999999,\"torn\r\n,cell", f);
  cr_assert_eq(fclose(f), 0);
  mp_free(text);
  cr_assert_eq(run_scanner(world_list, clean, more), 0);
  text = mp_proc_slurp(out, &len);
  quoted = false;
  for (size_t i = 0; i < len; i++) {
    quoted ^= text[i] == '"';
    records += !quoted && text[i] == '\n';
  }
  cr_expect_eq(records, ts.count + 1, "%zu records", records);
  cr_expect_null(strstr(text + 1, "\nline,input,"), "a second header");
  cr_expect_null(strstr(text, "999999,"), "the torn record is kept");
  mp_free(text);
  expect_resumed(sum, ts.count);
  remove_all(out);
  remove_all(clean);
  truth_free(&ts);
}

/* Another input or other row-changing options: exit 2, the file as it
 * was; other pacing (--qps, -c) is fine. */
Test(resume, refuses_other_options_or_input)
{
  char out[4096], log[4096], other[4096];
  const char *first[] = {"-o", out, "-q", "--checks", "spf,dmarc", NULL};
  const char *checks[] = {"-o", out, "--resume", "-q", NULL};
  const char *dkim[] = {"-o",       out,         "--resume",       "-q",
                        "--checks", "spf,dmarc", "--dkim-require", "s1",
                        NULL};
  const char *pacing[] = {"-o",        out,  "--resume", "-q", "--checks",
                          "spf,dmarc", "-c", "7",        NULL};
  FILE *f;
  size_t before, after;

  scratch_path(out, sizeof(out), "refuse.ndjson");
  scratch_path(log, sizeof(log), "refuse.log");
  scratch_path(other, sizeof(other), "other.txt");
  cr_assert_eq(run_scanner(world_list, log, first), 0);
  mp_free(mp_proc_slurp(out, &before));
  cr_expect_eq(run_scanner(world_list, log, checks), 2);
  cr_expect_eq(run_scanner(world_list, log, dkim), 2);
  f = fopen(other, "w");
  cr_assert_not_null(f);
  fputs("example.test\n", f);
  cr_assert_eq(fclose(f), 0);
  cr_expect_eq(run_scanner(other, log, pacing), 2);
  mp_free(mp_proc_slurp(out, &after));
  cr_expect_eq(after, before, "a refused --resume changed the file");
  cr_expect_eq(run_scanner(world_list, log, pacing), 0);
  unlink(other);
  remove_all(out);
  remove_all(log);
}

/* --fail-on after --resume reads the rows kept too: a file that has every
 * row already (the world has errors) fails as the scan that wrote it
 * would have, though the resume scans nothing. */
Test(resume, fail_on_reads_the_rows_kept)
{
  char out[4096], log[4096];
  const char *first[] = {"-o", out, "-q", NULL};
  const char *error[] = {"-o",        out,     "--resume", "-q",
                         "--fail-on", "error", NULL};
  const char *csv[] = {"-f", "csv", "-o", out, "-q", NULL};
  const char *csv_error[] = {"-f",        "csv",   "-o", out, "--resume",
                             "--fail-on", "error", "-q", NULL};

  scratch_path(out, sizeof(out), "failon.ndjson");
  scratch_path(log, sizeof(log), "failon.log");
  cr_assert_eq(run_scanner(world_list, log, first), 0);
  cr_expect_eq(run_scanner(world_list, log, error), 4);
  remove_all(out);
  cr_assert_eq(run_scanner(world_list, log, csv), 0);
  cr_expect_eq(run_scanner(world_list, log, csv_error), 4);
  remove_all(out);
  remove_all(log);
}

/* ---- a full disk: a small tmpfs ------------------------------------------ */

static char disk[4096]; /* the tmpfs's mount point, while mounted */

static void unmount_disk(void)
{
  if (disk[0] && umount(disk) != 0) {
    umount2(disk, MNT_DETACH);
  }
  if (disk[0]) {
    rmdir(disk);
  }
  disk[0] = '\0';
}

/* A tmpfs of size bytes at disk (mounting needs root: skip otherwise). */
static void mount_disk(size_t size)
{
  char opt[64];

  scratch_path(disk, sizeof(disk), "disk");
  cr_assert(mkdir(disk, 0755) == 0 || errno == EEXIST, "%s", disk);
  snprintf(opt, sizeof(opt), "size=%zu,mode=0755", size);
  if (mount("tmpfs", disk, "tmpfs", 0, opt) != 0) {
    int e = errno;

    rmdir(disk);
    disk[0] = '\0';
    cr_assert(e == EPERM || e == EACCES, "mount: %s", strerror(e));
    printf("resume.full_disk: skipped: mounting a tmpfs needs root (%s)\n",
           strerror(e));
    cr_skip("mounting a tmpfs needs root: %s", strerror(e));
  }
}

static void resize_disk(size_t size)
{
  char opt[64];

  snprintf(opt, sizeof(opt), "size=%zu", size);
  cr_assert_eq(mount("tmpfs", disk, "tmpfs", MS_REMOUNT, opt), 0,
               "remount %s: %s", opt, strerror(errno));
}

/* A file of size bytes in the tmpfs, filling it. */
static void fill(const char *path, size_t size)
{
  static char block[1 << 16];
  FILE *f = fopen(path, "w");

  cr_assert_not_null(f, "%s: %s", path, strerror(errno));
  for (size_t n = 0; n < size; n += sizeof(block)) {
    fwrite(block, 1, sizeof(block), f);
  }
  cr_assert_eq(fclose(f), 0, "%s: %s", path, strerror(errno));
}

/* A scan (or a resume) into out on the full disk: status 1, and stderr
 * names the file and says why; the sidecar is still there. */
static void fails_for_space(const char *out, const char *const *args)
{
  char log[4096], st[4200];
  char *err;
  struct stat sb;

  scratch_path(log, sizeof(log), "fulldisk.log");
  cr_assert_eq(run_scanner(world_list, log, args), 1);
  snprintf(st, sizeof(st), "%s.stderr", log);
  err = mp_proc_slurp(st, NULL);
  unlink(st);
  cr_assert_not_null(err);
  cr_expect_not_null(strstr(err, out), "no %s in stderr: %s", out, err);
  cr_expect_not_null(strstr(err, "space left on device"), "stderr: %s", err);
  mp_free(err);
  snprintf(st, sizeof(st), "%s.mpstate", out);
  cr_expect_eq(stat(st, &sb), 0, "%s is gone", st);
  unlink(log);
}

/* The CSV records of path: each truth line once (the header aside). */
static void expect_csv_lines(const char *path)
{
  struct truth_set ts;
  size_t len, records = 0;
  char *text = mp_proc_slurp(path, &len);
  unsigned char *seen;
  bool quoted = false, start = false;

  cr_assert_not_null(text);
  truth_load(&ts);
  seen = mp_calloc(ts.max_line + 1, 1);
  for (size_t i = 0; i < len; i++) {
    if (start) {
      uint64_t l = strtoull(text + i, NULL, 10);

      cr_assert(l > 0 && l <= ts.max_line, "record %zu: line %llu", records,
                (unsigned long long)l);
      cr_expect_eq(seen[l], 0, "line %llu has two records",
                   (unsigned long long)l);
      seen[l] = 1;
      records++;
    }
    quoted ^= text[i] == '"';
    start = !quoted && text[i] == '\n' && i + 1 < len;
  }
  cr_expect_eq(records, ts.count, "%zu records, %zu lines", records, ts.count);
  mp_free(seen);
  mp_free(text);
  truth_free(&ts);
}

#define KIB 1024u

/* A scan into a tmpfs of 1 MiB that 768 KiB of another file fill stops
 * with status 1 and a message naming the file; --resume on the still full
 * disk stops the same way; with the filler gone it goes on as far as it
 * can; with room (the tmpfs grown), it completes, and the rows are a clean
 * scan's. fmt: NULL or "csv". */
static void full_disk_then_resume(const char *name, const char *fmt)
{
  char out[4200], filler[4200], clean[4096];
  const char *first[] = {"-o", out, "-q", "-f", fmt, NULL};
  const char *again_[] = {"-o", out, "--resume", "-q", "-f", fmt, NULL};
  char log[4096];
  int rc;

  if (!fmt) {
    first[3] = again_[4] = NULL;
  }
  mount_disk(1024 * KIB);
  snprintf(out, sizeof(out), "%s/%s", disk, name);
  snprintf(filler, sizeof(filler), "%s/filler", disk);
  fill(filler, 768 * KIB);
  fails_for_space(out, first);
  fails_for_space(out, again_);
  cr_assert_eq(unlink(filler), 0);
  scratch_path(log, sizeof(log), "fulldisk.log");
  rc = run_scanner(world_list, log, again_);
  cr_expect(rc == 0 || rc == 1, "exit %d", rc);
  resize_disk(64 * 1024 * KIB);
  cr_assert_eq(run_scanner(world_list, log, again_), 0);
  if (fmt) {
    expect_csv_lines(out);
  } else {
    clean_scan(clean, sizeof(clean));
    expect_same_rows(clean, out);
    remove_all(clean);
  }
  remove_all(out);
  remove_all(log);
}

Test(resume, full_disk_then_resume, .fini = unmount_disk)
{
  full_disk_then_resume("disk.ndjson", NULL);
}

Test(resume, full_disk_then_resume_csv_and_zst, .fini = unmount_disk)
{
  full_disk_then_resume("disk.csv", "csv");
  unmount_disk();
  full_disk_then_resume("disk.ndjson.zst", NULL);
}
