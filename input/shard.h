#ifndef MP_INPUT_SHARD_H
#define MP_INPUT_SHARD_H

#include <stdbool.h>
#include <stddef.h>

/* Sharding by hash: N processes given K/N for K = 0..N-1 split any list
 * without coordination, each keeping the names whose XXH3-64 (seed 0) hash
 * modulo N is K. */

#define MP_SHARD_MAX 65536

struct mp_shard {
  unsigned k, n; /* n == 0: no sharding */
};

/* Parses "K/N" (decimal, 0 <= K < N, 1 <= N <= MP_SHARD_MAX, nothing else
 * in the string) into *out. Returns 0, or -EINVAL (then *out is
 * unchanged). */
int mp_shard_parse(const char *s, struct mp_shard *out);

/* What --shard auto reads from a batch system: the values of environment
 * variables (NULL when unset), and the count given for an Indexed Job. */
struct mp_shard_env {
  /* a Kubernetes Indexed Job: JOB_COMPLETION_INDEX, and the count, which
   * the Job does not pass to its pods (--shard-count or MP_SHARD_COUNT) */
  const char *job_index;
  const char *count;
  const char *count_name; /* where count came from, for messages */
  /* a Slurm job array: SLURM_ARRAY_TASK_ID, _MIN, _COUNT, _STEP */
  const char *task_id, *task_min, *task_count, *task_step;
};

/* Fills *env from the environment (getenv): the count from
 * MP_SHARD_COUNT. */
void mp_shard_env_get(struct mp_shard_env *env);

/* --shard auto: K and N from a Kubernetes Indexed Job (K the completion
 * index, N the count) or a Slurm array (K = (ID - MIN) / STEP, N the
 * array's COUNT, which a count given too must equal). Returns 0 with *out
 * set, or -EINVAL with a message in err[0..errlen) when neither is there,
 * both are, a value is not a number or K is not below N. */
int mp_shard_auto(const struct mp_shard_env *env, struct mp_shard *out,
                  char *err, size_t errlen);

/* True when this process keeps the key: always when s->n is 0, else when
 * mp_hash(key, len) % n == k. The scanner passes the normalized name. */
bool mp_shard_keep(const struct mp_shard *s, const void *key, size_t len);

#endif
