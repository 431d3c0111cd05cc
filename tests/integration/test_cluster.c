/* Shards on a cluster (docs/cluster.md): N processes given --shard K/N, or
 * --shard auto under a Kubernetes Indexed Job's or a Slurm array's
 * variables (the Slurm one through deploy/slurm/mailposture.sbatch), give
 * together exactly the rows of one scan: every line once, in the shard
 * its name hashes to, posture fields equal (timing fields aside). --resume
 * fingerprints the shard auto resolved to. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scanner/base/alloc.h"
#include "scanner/base/hash.h"
#include "tests/integration/world.h"
#include "tests/support/proc.h"

static char world_list[4096];

static const char *const batch_vars[] = {
    "JOB_COMPLETION_INDEX", "MP_SHARD_COUNT",         "SLURM_ARRAY_TASK_ID",
    "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_STEP",
};

static void setup(void)
{
  snprintf(world_list, sizeof(world_list), "%s/domains.txt", MP_WORLD_DIR);
  for (size_t i = 0; i < sizeof(batch_vars) / sizeof(batch_vars[0]); i++) {
    unsetenv(batch_vars[i]);
  }
}

TestSuite(cluster, .init = setup, .timeout = 600);

/* Equal but for the members that change from run to run. */
static bool same(const struct mp_json *a, const struct mp_json *b)
{
  return mp_json_same_except(a, b, mp_json_row_volatile);
}

/* The rows of N shards, gathered by line and checked against one scan. */
struct gather {
  struct truth_set ts;
  struct mp_json *clean, *parts[8];
  const struct mp_json **whole, **got;
  size_t nparts;
};

static void gather_init(struct gather *g)
{
  char clean[4096];
  const char *args[] = {"-q", NULL};

  memset(g, 0, sizeof(*g));
  truth_load(&g->ts);
  scratch_path(clean, sizeof(clean), "one-scan.ndjson");
  cr_assert_eq(run_scanner(world_list, clean, args), 0);
  g->clean = read_rows(clean);
  cr_assert_eq(g->clean->count, g->ts.count);
  g->whole = rows_by_line(g->clean, g->ts.max_line);
  g->got = mp_calloc(g->ts.max_line + 1, sizeof(*g->got));
  unlink(clean);
}

/* Takes shard k of n's rows from out_path: each line once over all
 * shards, each named domain in the shard its hash says. */
static void gather_part(struct gather *g, const char *out_path, unsigned k,
                        unsigned n)
{
  struct mp_json *rows = read_rows(out_path);

  cr_assert_lt(g->nparts, 8);
  g->parts[g->nparts++] = rows;
  cr_expect_gt(rows->count, g->ts.count / (2 * n), "shard %u/%u is small", k,
               n);
  for (size_t i = 0; i < rows->count; i++) {
    const struct mp_json *row = rows->items[i];
    int64_t line = mp_json_get(row, "line")->integer;
    const struct mp_json *d = mp_json_get(row, "domain");

    cr_assert(line > 0 && (uint64_t)line <= g->ts.max_line);
    cr_assert_null(g->got[line], "line %lld in two shards", (long long)line);
    g->got[line] = row;
    if (d && d->type == MP_JSON_STRING) {
      cr_expect_eq(mp_hash(d->str, d->len) % n, k, "%s is not in shard %u/%u",
                   d->str, k, n);
    }
  }
}

/* The shards' rows are the one scan's: the same lines, rows equal. */
static void gather_check(struct gather *g)
{
  size_t rows = 0, differ = 0;

  for (uint64_t l = 1; l <= g->ts.max_line; l++) {
    cr_expect((g->whole[l] == NULL) == (g->got[l] == NULL), "line %llu: %s",
              (unsigned long long)l, g->whole[l] ? "missing" : "extra");
    if (g->whole[l] && g->got[l]) {
      rows++;
      if (!same(g->whole[l], g->got[l])) {
        if (++differ <= 10) {
          cr_log_warn("line %llu differs from one scan's row",
                      (unsigned long long)l);
        }
      }
    }
  }
  cr_expect_eq(rows, g->ts.count, "%zu rows, one scan has %zu", rows,
               g->ts.count);
  cr_expect_eq(differ, 0, "%zu rows differ from one scan's", differ);
  cr_log_info("%zu rows of %zu shards compared", rows, g->nparts);
  for (size_t i = 0; i < g->nparts; i++) {
    mp_json_free(g->parts[i]);
  }
  mp_free(g->whole);
  mp_free(g->got);
  mp_json_free(g->clean);
  truth_free(&g->ts);
}

static void remove_all(const char *out)
{
  char p[4300];

  unlink(out);
  snprintf(p, sizeof(p), "%s.mpstate", out);
  unlink(p);
  snprintf(p, sizeof(p), "%s.stderr", out);
  unlink(p);
}

Test(cluster, k_of_n_give_together_one_scans_rows)
{
  struct gather g;
  char out[4096], shard[16], name[64];
  const char *args[] = {"--shard", shard, "-q", NULL};

  gather_init(&g);
  for (unsigned k = 0; k < 3; k++) {
    snprintf(shard, sizeof(shard), "%u/3", k);
    snprintf(name, sizeof(name), "part-%u.ndjson", k);
    scratch_path(out, sizeof(out), name);
    cr_assert_eq(run_scanner(world_list, out, args), 0);
    gather_part(&g, out, k, 3);
    remove_all(out);
  }
  gather_check(&g);
}

/* An Indexed Job of 4: JOB_COMPLETION_INDEX 0..3, the count from
 * MP_SHARD_COUNT for two pods and --shard-count for the others. */
Test(cluster, auto_in_an_indexed_job_gives_one_scans_rows)
{
  struct gather g;
  char out[4096], index[16], name[64];
  const char *env_count[] = {"--shard", "auto", "-q", NULL};
  const char *opt_count[] = {"--shard", "auto", "--shard-count",
                             "4",       "-q",   NULL};

  gather_init(&g);
  for (unsigned k = 0; k < 4; k++) {
    snprintf(index, sizeof(index), "%u", k);
    setenv("JOB_COMPLETION_INDEX", index, 1);
    if (k % 2) {
      setenv("MP_SHARD_COUNT", "4", 1);
    } else {
      unsetenv("MP_SHARD_COUNT");
    }
    snprintf(name, sizeof(name), "job-%u.ndjson", k);
    scratch_path(out, sizeof(out), name);
    cr_assert_eq(run_scanner(world_list, out, k % 2 ? env_count : opt_count),
                 0);
    gather_part(&g, out, k, 4);
    remove_all(out);
  }
  gather_check(&g);
}

/* deploy/slurm/mailposture.sbatch run as a Slurm array 3-5 would run it
 * (tasks 3, 4 and 5: shards 0, 1 and 2 of 3), then task 4 run again, as
 * after a requeue: it resumes its part, which stays whole. */
Test(cluster, auto_in_the_slurm_script_gives_one_scans_rows)
{
  struct gather g;
  char dir[4096], out[4200], id[16], resolver[64];
  const char *argv[] = {"/bin/bash",
                        MP_SOURCE_DIR "/deploy/slurm/mailposture.sbatch", NULL};

  gather_init(&g);
  scratch_path(dir, sizeof(dir), "slurm");
  snprintf(resolver, sizeof(resolver), "127.0.0.1:%d", MP_TEST_DNS_PORT);
  setenv("MAILPOSTURE", MP_BINARY, 1);
  setenv("INPUT", world_list, 1);
  setenv("OUTDIR", dir, 1);
  setenv("RESOLVER", resolver, 1);
  setenv("SLURM_ARRAY_TASK_MIN", "3", 1);
  setenv("SLURM_ARRAY_TASK_COUNT", "3", 1);
  for (unsigned task = 3; task <= 6; task++) {
    unsigned t = task == 6 ? 4 : task;

    snprintf(id, sizeof(id), "%u", t);
    setenv("SLURM_ARRAY_TASK_ID", id, 1);
    snprintf(out, sizeof(out), "%s.task-%u.log", dir, t);
    cr_assert_eq(mp_proc_run(argv, NULL, NULL, out, 300000), 0, "task %u", t);
    unlink(out);
  }
  for (unsigned t = 3; t <= 5; t++) {
    snprintf(out, sizeof(out), "%s/part-%u.ndjson", dir, t);
    gather_part(&g, out, t - 3, 3);
    remove_all(out);
    snprintf(out, sizeof(out), "%s/summary-%u.json", dir, t);
    cr_expect_eq(access(out, R_OK), 0, "no %s", out);
    unlink(out);
  }
  rmdir(dir);
  gather_check(&g);
}

/* The state file holds the shard auto resolved to: another index is
 * refused, the same K/N given by hand is taken. */
Test(cluster, resume_fingerprints_the_resolved_shard)
{
  char out[4096], log[4096], path[4200], *state;
  const char *first[] = {"-o", out, "-q", "--shard", "auto", NULL};
  const char *again[] = {"-o", out, "-q", "--resume", "--shard", "auto", NULL};
  const char *by_hand[] = {"-o", out, "-q", "--resume", "--shard", "1/3", NULL};

  scratch_path(out, sizeof(out), "resume-auto.ndjson");
  scratch_path(log, sizeof(log), "resume-auto.log");
  setenv("JOB_COMPLETION_INDEX", "1", 1);
  setenv("MP_SHARD_COUNT", "3", 1);
  cr_assert_eq(run_scanner(world_list, log, first), 0);
  snprintf(path, sizeof(path), "%s.mpstate", out);
  state = mp_proc_slurp(path, NULL);
  cr_assert_not_null(state);
  cr_expect_not_null(strstr(state, "\nshard 1/3\n"), "%s", state);
  mp_free(state);
  setenv("JOB_COMPLETION_INDEX", "2", 1);
  cr_expect_eq(run_scanner(world_list, log, again), 2);
  setenv("JOB_COMPLETION_INDEX", "1", 1);
  cr_expect_eq(run_scanner(world_list, log, again), 0);
  unsetenv("JOB_COMPLETION_INDEX");
  unsetenv("MP_SHARD_COUNT");
  cr_expect_eq(run_scanner(world_list, log, by_hand), 0);
  remove_all(out);
  remove_all(log);
}

/* Neither batch system, or an index the count does not hold: status 2
 * and a message that says what to give. */
Test(cluster, auto_without_a_batch_system_is_a_usage_error)
{
  char out[4096], log[4200], *err;
  const char *args[] = {"--shard", "auto", NULL};
  const char *count[] = {"--shard", "auto", "--shard-count", "2", NULL};

  scratch_path(out, sizeof(out), "usage.out");
  cr_expect_eq(run_scanner(world_list, out, args), 2);
  snprintf(log, sizeof(log), "%s.stderr", out);
  err = mp_proc_slurp(log, NULL);
  cr_assert_not_null(err);
  cr_expect_not_null(strstr(err, "JOB_COMPLETION_INDEX"), "%s", err);
  cr_expect_not_null(strstr(err, "SLURM_ARRAY_TASK_ID"), "%s", err);
  mp_free(err);
  setenv("JOB_COMPLETION_INDEX", "2", 1);
  cr_expect_eq(run_scanner(world_list, out, count), 2);
  remove_all(out);
}
