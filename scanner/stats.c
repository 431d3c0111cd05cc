#include "scanner/stats.h"

#include <errno.h>
#include <string.h>
#include <sys/resource.h>
#include <uv.h>

void mp_stats_init(struct mp_stats *st)
{
  memset(st, 0, sizeof(*st));
  st->start_ns = uv_hrtime();
}

void mp_stats_row(struct mp_stats *st, const struct mp_result *res)
{
  const struct mp_result_lookup *all[] = {&res->txt, &res->dmarc_txt, &res->mx};

  st->rows++;
  st->by_status[res->status]++;
  for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++) {
    if (all[i]->queried) {
      st->lookups[all[i]->outcome]++;
    }
  }
}

uint64_t mp_stats_peak_rss_kib(void)
{
  struct rusage ru;

  if (getrusage(RUSAGE_SELF, &ru) != 0) {
    return 0;
  }
  return (uint64_t)ru.ru_maxrss; /* Linux reports KiB */
}

uint64_t mp_stats_anon_rss_kib(void)
{
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  unsigned long long kib = 0;

  if (!f) {
    return 0;
  }
  while (fgets(line, sizeof(line), f)) {
    if (sscanf(line, "RssAnon: %llu", &kib) == 1) {
      break;
    }
  }
  fclose(f);
  return kib;
}

static double elapsed_s(const struct mp_stats *st)
{
  double s = (double)(uv_hrtime() - st->start_ns) / 1e9;

  return s > 1e-9 ? s : 1e-9;
}

void mp_stats_progress(const struct mp_stats *st, FILE *f)
{
  double t = elapsed_s(st);
  uint64_t timeouts = st->dns.outcomes[MP_OUTCOME_TIMEOUT];

  fprintf(f, "\r%llu rows", (unsigned long long)st->rows);
  if (st->input_size) {
    double frac = (double)st->input_bytes / (double)st->input_size;

    fprintf(f, " (%.1f%%)", frac * 100.0);
    if (frac > 0.001) {
      unsigned long eta = (unsigned long)(t / frac - t);

      fprintf(f, " ETA %lu:%02lu:%02lu", eta / 3600, eta / 60 % 60, eta % 60);
    }
  }
  fprintf(f, "  %.0f domains/s  %.0f queries/s  %llu timeouts\033[K",
          (double)st->rows / t, (double)st->dns.sent / t,
          (unsigned long long)timeouts);
  fflush(f);
}

void mp_stats_summary(const struct mp_stats *st, FILE *f)
{
  double t = elapsed_s(st);

  fprintf(f,
          "mailposture: %llu rows in %.2f s (%.0f domains/s), %llu queries "
          "(%.0f queries/s, %.2f per row), peak RSS %.1f MiB\n",
          (unsigned long long)st->rows, t, (double)st->rows / t,
          (unsigned long long)st->dns.sent, (double)st->dns.sent / t,
          st->rows ? (double)st->dns.sent / (double)st->rows : 0.0,
          (double)mp_stats_peak_rss_kib() / 1024.0);
  fprintf(f, "  status:");
  for (int s = 0; s < MP_STATUS_COUNT; s++) {
    if (st->by_status[s]) {
      fprintf(f, " %s %llu", mp_status_name((enum mp_status)s),
              (unsigned long long)st->by_status[s]);
    }
  }
  fprintf(f, "\n  lookups:");
  for (int o = 0; o < MP_OUTCOME_COUNT; o++) {
    if (st->lookups[o]) {
      fprintf(f, " %s %llu", mp_outcome_name((enum mp_outcome)o),
              (unsigned long long)st->lookups[o]);
    }
  }
  fprintf(f, "\n  queries: sent %llu, retries %llu, shared in flight %llu",
          (unsigned long long)st->dns.sent, (unsigned long long)st->dns.retries,
          (unsigned long long)st->dns.shared);
  if (st->cache.lookups) {
    fprintf(f,
            "\n  answer cache: %llu lookups, %.1f%% served from the cache, "
            "%llu fetches (%llu SPF TXT), %llu evictions",
            (unsigned long long)st->cache.lookups,
            100.0 * (double)st->cache.hits / (double)st->cache.lookups,
            (unsigned long long)st->cache.fetches,
            (unsigned long long)st->cache.fetches_txt,
            (unsigned long long)st->cache.evictions);
  }
  if (st->skipped_shard) {
    fprintf(f, "\n  lines in other shards: %llu",
            (unsigned long long)st->skipped_shard);
  }
  fputc('\n', f);
}

int mp_stats_summary_json(const struct mp_stats *st, FILE *f)
{
  double t = elapsed_s(st);

  fprintf(
      f,
      "{\"rows\":%llu,\"elapsed_s\":%.3f,\"domains_per_s\":%.1f,"
      "\"queries_sent\":%llu,\"queries_per_s\":%.1f,"
      "\"queries_per_row\":%.3f,\"retries\":%llu,\"shared\":%llu,"
      "\"peak_rss_kib\":%llu,\"anon_rss_kib\":%llu,"
      "\"skipped_shard\":%llu,\"cache_lookups\":%llu,"
      "\"cache_hits\":%llu,\"cache_fetches\":%llu,"
      "\"cache_fetches_txt\":%llu,\"cache_evictions\":%llu,"
      "\"status\":{",
      (unsigned long long)st->rows, t, (double)st->rows / t,
      (unsigned long long)st->dns.sent, (double)st->dns.sent / t,
      st->rows ? (double)st->dns.sent / (double)st->rows : 0.0,
      (unsigned long long)st->dns.retries, (unsigned long long)st->dns.shared,
      (unsigned long long)mp_stats_peak_rss_kib(),
      (unsigned long long)mp_stats_anon_rss_kib(),
      (unsigned long long)st->skipped_shard,
      (unsigned long long)st->cache.lookups, (unsigned long long)st->cache.hits,
      (unsigned long long)st->cache.fetches,
      (unsigned long long)st->cache.fetches_txt,
      (unsigned long long)st->cache.evictions);
  for (int s = 0; s < MP_STATUS_COUNT; s++) {
    fprintf(f, "%s\"%s\":%llu", s ? "," : "", mp_status_name((enum mp_status)s),
            (unsigned long long)st->by_status[s]);
  }
  fputs("},\"lookups\":{", f);
  for (int o = 0; o < MP_OUTCOME_COUNT; o++) {
    fprintf(f, "%s\"%s\":%llu", o ? "," : "",
            mp_outcome_name((enum mp_outcome)o),
            (unsigned long long)st->lookups[o]);
  }
  fputs("}}\n", f);
  if (fflush(f) != 0 || ferror(f)) {
    return -(errno ? errno : EIO);
  }
  return 0;
}
