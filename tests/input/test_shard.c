#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "input/shard.h"
#include "scanner/base/hash.h"

struct parse_case {
  char in[32];
  int ret;
  unsigned k, n;
};

ParameterizedTestParameters(shard, parses_k_of_n)
{
  static struct parse_case cases[] = {
      {"0/1", 0, 0, 1},
      {"3/4", 0, 3, 4},
      {"0/65536", 0, 0, 65536},
      {"65535/65536", 0, 65535, 65536},
      {"007/10", 0, 7, 10},
      {"", -EINVAL, 0, 0},
      {"1", -EINVAL, 0, 0},
      {"/", -EINVAL, 0, 0},
      {"1/", -EINVAL, 0, 0},
      {"/2", -EINVAL, 0, 0},
      {"4/4", -EINVAL, 0, 0},
      {"5/4", -EINVAL, 0, 0},
      {"0/0", -EINVAL, 0, 0},
      {"0/65537", -EINVAL, 0, 0},
      {"0/1000000", -EINVAL, 0, 0},
      {"0/99999999999999999999", -EINVAL, 0, 0},
      {"-1/4", -EINVAL, 0, 0},
      {"1/-4", -EINVAL, 0, 0},
      {"+1/4", -EINVAL, 0, 0},
      {" 1/4", -EINVAL, 0, 0},
      {"1/4 ", -EINVAL, 0, 0},
      {"1 /4", -EINVAL, 0, 0},
      {"1/4x", -EINVAL, 0, 0},
      {"1/4/8", -EINVAL, 0, 0},
      {"0x1/4", -EINVAL, 0, 0},
  };

  return cr_make_param_array(struct parse_case, cases,
                             sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct parse_case *c, shard, parses_k_of_n)
{
  struct mp_shard s = {12345, 54321};

  cr_assert_eq(mp_shard_parse(c->in, &s), c->ret, "[%s]", c->in);
  if (c->ret == 0) {
    cr_assert_eq(s.k, c->k);
    cr_assert_eq(s.n, c->n);
  } else {
    cr_assert_eq(s.k, 12345, "[%s] changed the output", c->in);
    cr_assert_eq(s.n, 54321);
  }
}

Test(shard, keeps_everything_without_sharding)
{
  struct mp_shard s = {0, 0};

  cr_assert(mp_shard_keep(&s, "example.com", 11));
  cr_assert(mp_shard_keep(&s, "", 0));
}

Test(shard, one_shard_keeps_everything)
{
  struct mp_shard s;

  cr_assert_eq(mp_shard_parse("0/1", &s), 0);
  cr_assert(mp_shard_keep(&s, "example.com", 11));
}

static void check_split(unsigned n)
{
  enum { NAMES = 100000 };
  static unsigned counts[64];
  char name[32];

  cr_assert_leq(n, 64);
  memset(counts, 0, sizeof(counts));
  for (unsigned i = 0; i < NAMES; i++) {
    size_t len = (size_t)snprintf(name, sizeof(name), "d%u.example", i);
    unsigned kept_by = n;

    /* Also tells gcc the hash reads only name[0..len), or inlined XXH3
     * trips -Warray-bounds on the longer-input branches. */
    cr_assert_lt(len, sizeof(name));

    for (unsigned k = 0; k < n; k++) {
      struct mp_shard s = {k, n};

      if (mp_shard_keep(&s, name, len)) {
        cr_assert_eq(kept_by, n, "%s kept by shards %u and %u", name, kept_by,
                     k);
        kept_by = k;
      }
    }
    cr_assert_lt(kept_by, n, "%s kept by no shard", name);
    cr_assert_eq(kept_by, mp_hash(name, len) % n);
    counts[kept_by]++;
  }
  for (unsigned k = 0; k < n; k++) {
    double share = (double)counts[k] * n / NAMES;

    cr_assert(share > 0.95 && share < 1.05, "shard %u/%u holds %u names", k, n,
              counts[k]);
  }
}

Test(shard, splits_names_into_exactly_one_of_n_evenly)
{
  unsigned ns[] = {2, 3, 7, 16};

  for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
    check_split(ns[i]);
  }
}

/* ---- --shard auto ------------------------------------------------------ */

static struct mp_shard s_auto;
static char err[512];

static int resolve(struct mp_shard_env env)
{
  s_auto = (struct mp_shard){12345, 54321};
  err[0] = '\0';
  if (env.count && !env.count_name) {
    env.count_name = "MP_SHARD_COUNT";
  }
  return mp_shard_auto(&env, &s_auto, err, sizeof(err));
}

Test(shard, auto_takes_an_indexed_jobs_index_and_the_given_count)
{
  cr_assert_eq(resolve((struct mp_shard_env){.job_index = "3", .count = "8"}),
               0, "%s", err);
  cr_assert_eq(s_auto.k, 3);
  cr_assert_eq(s_auto.n, 8);
  cr_assert_eq(resolve((struct mp_shard_env){.job_index = "0", .count = "1"}),
               0, "%s", err);
  cr_assert_eq(s_auto.k, 0);
  cr_assert_eq(s_auto.n, 1);
}

Test(shard, auto_refuses_an_indexed_job_without_a_count)
{
  cr_assert_eq(resolve((struct mp_shard_env){.job_index = "3"}), -EINVAL);
  cr_assert_not_null(strstr(err, "--shard-count"), "%s", err);
  cr_assert_not_null(strstr(err, "MP_SHARD_COUNT"), "%s", err);
  cr_assert_eq(s_auto.n, 54321, "changed the output");
}

Test(shard, auto_refuses_an_index_not_below_the_count)
{
  cr_assert_eq(resolve((struct mp_shard_env){.job_index = "8",
                                             .count = "8",
                                             .count_name = "--shard-count"}),
               -EINVAL);
  cr_assert_not_null(strstr(err, "--shard-count"), "%s", err);
  cr_assert_eq(resolve((struct mp_shard_env){.job_index = "0", .count = "0"}),
               -EINVAL);
  cr_assert_eq(
      resolve((struct mp_shard_env){.job_index = "0", .count = "65537"}),
      -EINVAL);
  cr_assert_eq(s_auto.n, 54321, "changed the output");
}

struct bad_value {
  char index[16], count[16];
};

ParameterizedTestParameters(shard, auto_refuses_what_is_not_a_number)
{
  static struct bad_value cases[] = {
      {"", "4"},   {"-1", "4"},  {"1x", "4"},         {" 1", "4"},
      {"1", ""},   {"1", "4 "},  {"1", "0x4"},        {"1", "-4"},
      {"+1", "4"}, {"1", "1e3"}, {"9999999999", "4"},
  };

  return cr_make_param_array(struct bad_value, cases,
                             sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct bad_value *b, shard, auto_refuses_what_is_not_a_number)
{
  cr_assert_eq(
      resolve((struct mp_shard_env){.job_index = b->index, .count = b->count}),
      -EINVAL, "[%s] [%s]", b->index, b->count);
  cr_assert_not_null(strstr(err, "not a number"), "%s", err);
  cr_assert_eq(resolve((struct mp_shard_env){.task_id = b->index,
                                             .task_count = b->count}),
               -EINVAL, "[%s] [%s]", b->index, b->count);
}

Test(shard, auto_refuses_neither_and_both)
{
  cr_assert_eq(resolve((struct mp_shard_env){0}), -EINVAL);
  cr_assert_not_null(strstr(err, "JOB_COMPLETION_INDEX"), "%s", err);
  cr_assert_not_null(strstr(err, "SLURM_ARRAY_TASK_ID"), "%s", err);
  cr_assert_eq(
      resolve((struct mp_shard_env){
          .job_index = "0", .count = "2", .task_id = "0", .task_count = "2"}),
      -EINVAL);
  cr_assert_not_null(strstr(err, "both"), "%s", err);
  cr_assert_eq(s_auto.n, 54321, "changed the output");
}

struct slurm_case {
  char id[8], min[8], count[8], step[8]; /* "" for unset */
  int ret;
  unsigned k, n;
};

ParameterizedTestParameters(shard, auto_counts_a_slurm_arrays_tasks_from_0)
{
  static struct slurm_case cases[] = {
      {"0", "0", "4", "", 0, 0, 4},          /* --array=0-3 */
      {"3", "0", "4", "", 0, 3, 4},          /* --array=0-3 */
      {"1", "1", "4", "", 0, 0, 4},          /* --array=1-4 */
      {"4", "1", "4", "", 0, 3, 4},          /* --array=1-4 */
      {"5", "", "8", "", 0, 5, 8},           /* no MIN: 0 */
      {"12", "10", "3", "2", 0, 1, 3},       /* --array=10-14:2 */
      {"14", "10", "3", "2", 0, 2, 3},       /* --array=10-14:2 */
      {"0", "1", "4", "", -EINVAL, 0, 0},    /* below MIN */
      {"5", "1", "4", "", -EINVAL, 0, 0},    /* past the last: a list */
      {"9", "1", "3", "", -EINVAL, 0, 0},    /* --array=1,5,9 */
      {"11", "10", "3", "2", -EINVAL, 0, 0}, /* off the step */
      {"0", "0", "0", "", -EINVAL, 0, 0},    /* no tasks */
      {"0", "0", "4", "0", -EINVAL, 0, 0},   /* no step */
      {"0", "0", "", "", -EINVAL, 0, 0},     /* no COUNT */
  };

  return cr_make_param_array(struct slurm_case, cases,
                             sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct slurm_case *c, shard,
                  auto_counts_a_slurm_arrays_tasks_from_0)
{
  struct mp_shard_env env = {
      .task_id = c->id,
      .task_min = c->min[0] ? c->min : NULL,
      .task_count = c->count[0] ? c->count : NULL,
      .task_step = c->step[0] ? c->step : NULL,
  };

  cr_assert_eq(resolve(env), c->ret, "task %s min %s count %s step %s: %s",
               c->id, c->min, c->count, c->step, err);
  if (c->ret == 0) {
    cr_assert_eq(s_auto.k, c->k, "task %s", c->id);
    cr_assert_eq(s_auto.n, c->n, "task %s", c->id);
  } else {
    cr_assert_eq(s_auto.n, 54321, "changed the output");
    cr_assert_neq(err[0], '\0');
  }
}

Test(shard, auto_checks_a_given_count_against_the_slurm_array)
{
  struct mp_shard_env env = {.task_id = "2",
                             .task_min = "1",
                             .task_count = "4",
                             .count = "4",
                             .count_name = "--shard-count"};

  cr_assert_eq(resolve(env), 0, "%s", err);
  cr_assert_eq(s_auto.k, 1);
  cr_assert_eq(s_auto.n, 4);
  env.count = "5";
  cr_assert_eq(resolve(env), -EINVAL);
  cr_assert_not_null(strstr(err, "--shard-count is 5"), "%s", err);
}
