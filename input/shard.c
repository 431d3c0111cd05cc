#include "input/shard.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "scanner/base/hash.h"

/* Parses a decimal number of at most 6 digits at *s, advancing *s. Returns
 * false when there is no digit or the number is too long. */
static bool parse_number(const char **s, unsigned *out)
{
  unsigned v = 0;
  int digits = 0;

  while (**s >= '0' && **s <= '9') {
    if (++digits > 6) {
      return false;
    }
    v = v * 10 + (unsigned)(**s - '0');
    (*s)++;
  }
  *out = v;
  return digits > 0;
}

int mp_shard_parse(const char *s, struct mp_shard *out)
{
  unsigned k = 0, n = 0;

  if (!s || !parse_number(&s, &k) || *s++ != '/' || !parse_number(&s, &n) ||
      *s != '\0') {
    return -EINVAL;
  }
  if (n < 1 || n > MP_SHARD_MAX || k >= n) {
    return -EINVAL;
  }
  out->k = k;
  out->n = n;
  return 0;
}

/* ---- --shard auto ------------------------------------------------------ */

__attribute__((format(printf, 3, 4))) static int fail(char *err, size_t errlen,
                                                      const char *fmt, ...)
{
  va_list ap;
  int k = snprintf(err, errlen, "--shard auto: ");

  va_start(ap, fmt);
  if (k > 0 && (size_t)k < errlen) {
    vsnprintf(err + k, errlen - (size_t)k, fmt, ap);
  }
  va_end(ap);
  return -EINVAL;
}

/* The value of variable name, a decimal number of at most 9 digits and
 * nothing else, into *out. */
static int number(const char *name, const char *value, unsigned *out, char *err,
                  size_t errlen)
{
  unsigned v = 0;
  const char *s = value;

  while (*s >= '0' && *s <= '9' && s - value < 9) {
    v = v * 10 + (unsigned)(*s++ - '0');
  }
  if (s == value || *s) {
    return fail(err, errlen, "%s is '%s', not a number", name, value);
  }
  *out = v;
  return 0;
}

/* The count of an Indexed Job's shards (env->count, from count_name). */
static int count_of(const struct mp_shard_env *env, unsigned *n, char *err,
                    size_t errlen)
{
  if (number(env->count_name, env->count, n, err, errlen) < 0) {
    return -EINVAL;
  }
  if (*n < 1 || *n > MP_SHARD_MAX) {
    return fail(err, errlen, "%s is %u: expected 1..%d", env->count_name, *n,
                MP_SHARD_MAX);
  }
  return 0;
}

/* A Kubernetes Indexed Job: K is JOB_COMPLETION_INDEX (0..completions-1);
 * the pods are not told the count, so it is given. */
static int from_job(const struct mp_shard_env *env, struct mp_shard *out,
                    char *err, size_t errlen)
{
  unsigned k = 0, n = 0;

  if (number("JOB_COMPLETION_INDEX", env->job_index, &k, err, errlen) < 0) {
    return -EINVAL;
  }
  if (!env->count) {
    return fail(err, errlen,
                "JOB_COMPLETION_INDEX is set but not the number of "
                "shards: give --shard-count N or MP_SHARD_COUNT (the "
                "Job's completions)");
  }
  if (count_of(env, &n, err, errlen) < 0) {
    return -EINVAL;
  }
  if (k >= n) {
    return fail(err, errlen,
                "JOB_COMPLETION_INDEX %u is not below %u (%s): the "
                "Job's completions and the count differ",
                k, n, env->count_name);
  }
  *out = (struct mp_shard){k, n};
  return 0;
}

/* A Slurm array --array=MIN-MAX[:STEP]: its tasks are MIN, MIN+STEP, ...,
 * COUNT of them, and K counts them from 0. MIN and STEP are 0 and 1 when
 * unset. A list (--array=1,5,9) gives numbers that do not map, refused. */
static int from_slurm(const struct mp_shard_env *env, struct mp_shard *out,
                      char *err, size_t errlen)
{
  unsigned id = 0, min = 0, step = 1, n = 0, given = 0;

  if (!env->task_count) {
    return fail(err, errlen,
                "SLURM_ARRAY_TASK_ID is set but not "
                "SLURM_ARRAY_TASK_COUNT");
  }
  if (number("SLURM_ARRAY_TASK_ID", env->task_id, &id, err, errlen) < 0 ||
      number("SLURM_ARRAY_TASK_COUNT", env->task_count, &n, err, errlen) < 0 ||
      (env->task_min &&
       number("SLURM_ARRAY_TASK_MIN", env->task_min, &min, err, errlen) < 0) ||
      (env->task_step && number("SLURM_ARRAY_TASK_STEP", env->task_step, &step,
                                err, errlen) < 0)) {
    return -EINVAL;
  }
  if (n < 1 || n > MP_SHARD_MAX || step < 1) {
    return fail(err, errlen,
                "SLURM_ARRAY_TASK_COUNT %u and STEP %u: expected "
                "1..%d tasks and a step of 1 or more",
                n, step, MP_SHARD_MAX);
  }
  if (id < min || (id - min) % step || (id - min) / step >= n) {
    return fail(err, errlen,
                "task %u is not one of the %u of an array MIN-MAX:STEP "
                "with MIN %u and STEP %u (a list such as --array=1,5,9 "
                "does not map to shards): give --shard K/N",
                id, n, min, step);
  }
  if (env->count) {
    if (count_of(env, &given, err, errlen) < 0) {
      return -EINVAL;
    }
    if (given != n) {
      return fail(err, errlen, "%s is %u but the Slurm array has %u tasks",
                  env->count_name, given, n);
    }
  }
  *out = (struct mp_shard){(id - min) / step, n};
  return 0;
}

void mp_shard_env_get(struct mp_shard_env *env)
{
  *env = (struct mp_shard_env){
      .job_index = getenv("JOB_COMPLETION_INDEX"),
      .count = getenv("MP_SHARD_COUNT"),
      .count_name = "MP_SHARD_COUNT",
      .task_id = getenv("SLURM_ARRAY_TASK_ID"),
      .task_min = getenv("SLURM_ARRAY_TASK_MIN"),
      .task_count = getenv("SLURM_ARRAY_TASK_COUNT"),
      .task_step = getenv("SLURM_ARRAY_TASK_STEP"),
  };
}

int mp_shard_auto(const struct mp_shard_env *env, struct mp_shard *out,
                  char *err, size_t errlen)
{
  if (env->job_index && env->task_id) {
    return fail(err, errlen,
                "both JOB_COMPLETION_INDEX and SLURM_ARRAY_TASK_ID are "
                "set: give --shard K/N");
  }
  if (env->job_index) {
    return from_job(env, out, err, errlen);
  }
  if (env->task_id) {
    return from_slurm(env, out, err, errlen);
  }
  return fail(err, errlen,
              "neither JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) "
              "nor SLURM_ARRAY_TASK_ID (a Slurm job array) is set: give "
              "--shard K/N");
}

bool mp_shard_keep(const struct mp_shard *s, const void *key, size_t len)
{
  if (s->n == 0) {
    return true;
  }
  return mp_hash(key, len) % s->n == s->k;
}
