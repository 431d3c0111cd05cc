#ifndef MP_OUTPUT_RUNINFO_H
#define MP_OUTPUT_RUNINFO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The summary's "run" object: what produced the rows (the program and
 * library versions, the options, the Public Suffix List, the input) and
 * how the run ended, so a nightly job can tell two summaries apart
 * without its logs. Plain values: the scanner fills them in
 * (scanner/run.h), this writer only prints. docs/schema.md ("Summary
 * JSON") documents every key; tests/output/test_schema checks it. */

#define MP_RUN_LIST_MAX 72 /* items of a list option printed */

/* How the run ended. */
enum mp_run_state {
  MP_RUN_COMPLETED,   /* every input line has its row */
  MP_RUN_INTERRUPTED, /* a signal stopped it (exit status 130) */
  MP_RUN_RESUMED,     /* --resume: ran to the end, the file's rows kept */
  MP_RUN_FAILED,      /* stopped by an input or output error */
};

/* A list of strings (options given more than once, or a,b,c). */
struct mp_run_list {
  size_t n;
  const char *v[MP_RUN_LIST_MAX];
};

struct mp_run_info {
  const char *version, *cares_version, *libuv_version;
  /* the options */
  struct mp_run_list resolvers, checks, dkim_selectors, dkim_require;
  struct mp_run_list spf_ips, spf_includes;
  const char *spf_sender, *spf_helo; /* spf_helo NULL: the domain */
  const char *format, *input_format;
  unsigned shard_k, shard_n; /* shard_n 0: no --shard */
  unsigned window, concurrency, timeout_ms, retries;
  bool fixed_window;
  double qps; /* 0: no cap */
  /* the Public Suffix List: its path, mtime (-1: unknown) and the
   * "// VERSION:" and "// COMMIT:" lines of its head, if it has them */
  const char *psl_path;
  int64_t psl_mtime_s;
  char psl_version[64], psl_commit[64];
  /* the input: path (NULL: standard input or -d names), fingerprint */
  const char *input_path;
  size_t ndomains; /* -d NAME given: how many */
  bool input_known;
  uint64_t input_size, input_hash;
  /* how it went: wall-clock times (Unix microseconds) */
  int64_t start_us, end_us;
  uint64_t rows;         /* rows written by this run */
  uint64_t resumed_rows; /* rows the file held already (--resume) */
  enum mp_run_state state;
};

/* The name of a state ("completed", ...), or NULL past the last. */
const char *mp_run_state_name(enum mp_run_state s);

/* Reads the "// VERSION: ..." and "// COMMIT: ..." lines from the head of
 * the Public Suffix List at path (lists fetched from publicsuffix.org
 * carry them; Debian's does not) and its mtime into r; what is absent
 * stays empty (-1 for the mtime). */
void mp_run_info_psl(struct mp_run_info *r, const char *path);

/* Writes ,"run":{...} (a member to append to an open object). Returns 0;
 * stdio errors are left to the caller's ferror(). */
int mp_run_info_json(const struct mp_run_info *r, FILE *f);

#endif
