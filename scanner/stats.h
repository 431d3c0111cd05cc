#ifndef MP_SCANNER_STATS_H
#define MP_SCANNER_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "output/finding.h"
#include "output/result.h"
#include "output/runinfo.h"
#include "scanner/dns/cache.h"
#include "scanner/job.h"
#include "scanner/dns/resolver.h"
#include "scanner/posture.h"

/* Scan counters, the once-a-second progress line and the final summary. */

struct mp_stats {
  uint64_t start_ns;
  uint64_t rows;
  uint64_t skipped_shard;             /* lines that belong to other shards */
  uint64_t by_severity[MP_SEV_COUNT]; /* rows by their worst finding */
  uint64_t resumed_rows; /* --resume: lines whose row was written before */
  uint64_t domains_peak; /* domains in flight at most */
  uint64_t input_bytes, input_size; /* progress by file size, if known */
  struct mp_resolver_stats dns;     /* copied from the resolver */
  struct mp_cache_stats cache;      /* copied from the answer cache */
  struct mp_check_counts by_check;  /* cache fetches by check */
  struct mp_posture post;        /* status, lookups, adoption, breakdowns... */
  const struct mp_run_info *run; /* the summary's "run", or NULL */
};

/* The PSL that groups the domains by public suffix is set later, in
 * st->post.psl, once the scan has loaded it. */
void mp_stats_init(struct mp_stats *st);
void mp_stats_close(struct mp_stats *st);

/* Counts one written row. */
void mp_stats_row(struct mp_stats *st, const struct mp_result *res);

/* Rewrites the progress line in place ("\r...\033[K"); for a terminal. */
void mp_stats_progress(const struct mp_stats *st, FILE *f);

/* Prints the end-of-scan summary for people. */
void mp_stats_summary(const struct mp_stats *st, FILE *f);

/* Writes the same summary as one JSON object (--summary FILE). */
int mp_stats_summary_json(const struct mp_stats *st, FILE *f);

/* Peak resident set size of this process so far, in KiB. */
uint64_t mp_stats_peak_rss_kib(void);

/* CPU seconds (user + system) the process used so far. */
double mp_stats_cpu_s(void);

/* Anonymous resident memory now (RssAnon of /proc/self/status), in KiB:
 * the process's own data, without the shared-library pages that make up
 * most of a small RSS; 0 when unknown. */
uint64_t mp_stats_anon_rss_kib(void);

#endif
