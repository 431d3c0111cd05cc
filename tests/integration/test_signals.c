/* Signals and broken pipes end on whole rows with the documented exit
 * status: a second SIGINT and SIGHUP flush the rows written and stop at
 * once (130), and the summary is written (interrupted, the rows in the
 * file); a reader that goes away (| head -1) is an output error (1),
 * not a death by SIGPIPE (141). */
#include <criterion/criterion.h>
#include <stdbool.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

TestSuite(signals, .init = setup, .timeout = 120);

/* A scan slow enough to be caught midway: --qps paces the queries. */
static const char *const slow[] = {"--qps", "3000", "-q", NULL};

/* The output ends on a whole row and every row parses; the rows. */
static size_t expect_whole_rows(const char *out)
{
  size_t len;
  char *text = mp_proc_slurp(out, &len);
  struct mp_json *rows;

  cr_assert_not_null(text);
  cr_assert_gt(len, 0, "no row was written");
  cr_expect_eq(text[len - 1], '\n', "the last row is torn");
  mp_free(text);
  rows = read_rows(out);
  cr_expect_gt(rows->count, 0);
  len = rows->count;
  mp_json_free(rows);
  return len;
}

/* The summary of a stopped scan says so (its "run" state) and counts the
 * rows in the file. */
static void expect_interrupted(const char *sum, size_t rows)
{
  size_t len;
  char *text = mp_proc_slurp(sum, &len), err[256];
  struct mp_json *v;

  cr_assert_not_null(text, "no summary");
  v = mp_json_parse(text, len, err, sizeof(err));
  cr_assert_not_null(v, "summary: %s", err);
  cr_expect(mp_json_str_eq(mp_json_path(v, "run.state"), "interrupted"));
  cr_expect_eq(mp_json_path(v, "run.rows")->number, (double)rows,
               "the summary counts %.0f rows, the file holds %zu",
               mp_json_path(v, "run.rows")->number, rows);
  cr_expect_eq(mp_json_path(v, "rows")->number, (double)rows);
  mp_json_free(v);
  mp_free(text);
  unlink(sum);
}

/* sigs sent to a scan midway: it ends with 130 on a whole row, and its
 * --summary is written and says so. */
static void stop_midway(const int *sigs, size_t n, const char *name)
{
  char out[4096], sum[4200];
  const char *args[] = {slow[0], slow[1], slow[2], "--summary", sum, NULL};
  pid_t pid;

  scratch_path(out, sizeof(out), name);
  snprintf(sum, sizeof(sum), "%s.json", out);
  pid = bg_scanner(world_list, out, args, 0);
  bg_sleep_ms(1500);
  for (size_t i = 0; i < n; i++) {
    kill(pid, sigs[i]);
    bg_sleep_ms(50);
  }
  cr_expect_eq(bg_wait(pid, 60000), 130);
  expect_interrupted(sum, expect_whole_rows(out));
  unlink(out);
}

Test(signals, second_sigint_flushes_stops_and_writes_the_summary)
{
  const int sigs[] = {SIGINT, SIGINT};

  stop_midway(sigs, 2, "sigint2.ndjson");
}

Test(signals, sighup_flushes_stops_and_writes_the_summary)
{
  const int sigs[] = {SIGHUP};

  stop_midway(sigs, 1, "sighup.ndjson");
}

/* One SIGINT: the domains in flight finish, and the summary is written
 * and says the run was interrupted. */
Test(signals, sigint_finishes_and_the_summary_says_interrupted)
{
  const int sigs[] = {SIGINT};

  stop_midway(sigs, 1, "sigint1.ndjson");
}

Test(signals, a_reader_gone_is_exit_1_not_sigpipe)
{
  char status[4096], cmd[16384];
  const char *argv[] = {"/bin/sh", "-c", cmd, NULL};
  char *text;

  scratch_path(status, sizeof(status), "head.status");
  snprintf(cmd, sizeof(cmd),
           "{ '%s' -r 127.0.0.1:%d -q --no-progress '%s'; echo $? >'%s'; } "
           "| head -1 >/dev/null",
           MP_BINARY, MP_TEST_DNS_PORT, world_list, status);
  cr_assert_eq(mp_proc_run(argv, NULL, NULL, NULL, 120000), 0);
  text = mp_proc_slurp(status, NULL);
  cr_assert_not_null(text);
  cr_expect_eq(atoi(text), 1, "exit status %s", text);
  mp_free(text);
  unlink(status);
}
