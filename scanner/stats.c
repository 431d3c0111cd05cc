#include "scanner/stats.h"

#include <errno.h>
#include <string.h>
#include <sys/resource.h>
#include <uv.h>

void mp_stats_init(struct mp_stats *st)
{
  memset(st, 0, sizeof(*st));
  st->start_ns = uv_hrtime();
  mp_posture_init(&st->post, NULL);
}

void mp_stats_close(struct mp_stats *st)
{
  mp_posture_close(&st->post);
}

void mp_stats_row(struct mp_stats *st, const struct mp_result *res)
{
  struct mp_prow row;

  st->rows++;
  if (res->nfindings) {
    enum mp_severity worst = MP_SEV_INFO;

    for (size_t i = 0; i < res->nfindings; i++) {
      enum mp_severity sv = mp_finding_severity(res->findings[i]);

      worst = sv < worst ? sv : worst;
    }
    st->by_severity[worst]++;
  }
  mp_prow_from_result(&row, res);
  mp_posture_add(&st->post, &row);
}

uint64_t mp_stats_peak_rss_kib(void)
{
  struct rusage ru;

  if (getrusage(RUSAGE_SELF, &ru) != 0) {
    return 0;
  }
  return (uint64_t)ru.ru_maxrss; /* Linux reports KiB */
}

double mp_stats_cpu_s(void)
{
  struct rusage ru;

  if (getrusage(RUSAGE_SELF, &ru) != 0) {
    return 0;
  }
  return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
         (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
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
  fprintf(f,
          "  %.0f domains/s  %.0f queries/s  %llu timeouts  window %llu"
          "%s\033[K",
          (double)st->rows / t, (double)st->dns.sent / t,
          (unsigned long long)timeouts, (unsigned long long)st->dns.window,
          st->dns.dead ? "  NO RESOLVER ANSWERS" : "");
  fflush(f);
}

static double pct(uint64_t part, uint64_t whole)
{
  return whole ? 100.0 * (double)part / (double)whole : 0.0;
}

static void top_line(FILE *f, const char *what, const struct mp_topk *t)
{
  const struct mp_topk_item *best[5];
  size_t n = mp_topk_best(t, best, 5);

  if (n == 0) {
    return;
  }
  fprintf(f, "\n    %s:", what);
  for (size_t i = 0; i < n; i++) {
    fprintf(f, "%s %s %llu", i ? "," : "", best[i]->name,
            (unsigned long long)best[i]->count);
  }
}

static void adoption_summary(const struct mp_posture *p, FILE *f)
{
  const struct mp_adoption *a = &p->adopt;

  if (!a->domains) {
    return;
  }
  fprintf(f, "\n  adoption, over the %llu domains that resolve:",
          (unsigned long long)a->domains);
  if (a->spf_rows) {
    fprintf(f,
            "\n    SPF: record %.1f%%, valid %.1f%%, over the lookup limit "
            "%.1f%%, +all %.1f%%",
            pct(a->spf_record, a->spf_rows), pct(a->spf_valid, a->spf_rows),
            pct(a->spf_lookup_limit, a->spf_rows),
            pct(a->spf_plus_all, a->spf_rows));
  }
  if (a->dmarc_rows) {
    fprintf(f,
            "\n    DMARC: reject %.1f%%, quarantine %.1f%%, none %.1f%%, "
            "missing %.1f%%; with rua %.1f%%",
            pct(a->dmarc_reject, a->dmarc_rows),
            pct(a->dmarc_quarantine, a->dmarc_rows),
            pct(a->dmarc_none, a->dmarc_rows),
            pct(a->dmarc_missing, a->dmarc_rows),
            pct(a->dmarc_rua, a->dmarc_rows));
  }
  if (a->dkim_rows) {
    /* usable as verifiers see it; records that cannot be used apart */
    fprintf(f,
            "\n    DKIM usable key %.1f%%, only unusable key records %.1f%%, "
            "a probe failed %.1f%%",
            pct(a->dkim_usable, a->dkim_rows),
            pct(a->dkim_unusable, a->dkim_rows),
            pct(a->dkim_incomplete, a->dkim_rows));
  }
  if (a->mx_rows) {
    fprintf(f, "\n    MX: null %.1f%%, all FCrDNS %.1f%% (unknown %.1f%%)",
            pct(a->mx_null, a->mx_rows), pct(a->mx_all_fcrdns, a->mx_rows),
            pct(a->mx_fcrdns_unknown, a->mx_rows));
  }
  if (a->mta_sts_rows || a->tls_rpt_rows || a->bimi_rows) {
    fprintf(f, "\n    MTA-STS %.1f%%, TLS-RPT %.1f%%, BIMI %.1f%%",
            pct(a->mta_sts_valid, a->mta_sts_rows),
            pct(a->tls_rpt_valid, a->tls_rpt_rows),
            pct(a->bimi_valid, a->bimi_rows));
  }
  if (a->verdict_rows) {
    fprintf(f,
            "\n    ready for the bulk-sender requirements: %.1f%% (unknown "
            "%.1f%%)",
            pct(a->ready, a->verdict_rows),
            pct(a->verdict_unknown, a->verdict_rows));
  }
  top_line(f, "top SPF includes", p->includes);
  top_line(f, "top report destinations", p->report_dests);
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
    if (st->post.by_status[s]) {
      fprintf(f, " %s %llu", mp_status_name((enum mp_status)s),
              (unsigned long long)st->post.by_status[s]);
    }
  }
  fprintf(f, "\n  lookups:");
  for (int o = 0; o < MP_OUTCOME_COUNT; o++) {
    if (st->post.lookups[o]) {
      fprintf(f, " %s %llu", mp_outcome_name((enum mp_outcome)o),
              (unsigned long long)st->post.lookups[o]);
    }
  }
  fprintf(f, "\n  queries: sent %llu, retries %llu, shared in flight %llu",
          (unsigned long long)st->dns.sent, (unsigned long long)st->dns.retries,
          (unsigned long long)st->dns.shared);
  fprintf(f,
          "\n  resolver: %llu attempts unanswered in time (%llu answered "
          "late), window %llu at most, %llu domains in flight at most",
          (unsigned long long)st->dns.overdue, (unsigned long long)st->dns.late,
          (unsigned long long)st->dns.window_peak,
          (unsigned long long)st->domains_peak);
  if (st->dns.rate_cuts) {
    fprintf(f, ", rate limit learned (%.0f queries/s at the end)",
            st->dns.rate);
  }
  if (st->dns.down || st->dns.unsent) {
    fprintf(f, "; not answering %llu time(s), %llu lookups failed unsent",
            (unsigned long long)st->dns.down,
            (unsigned long long)st->dns.unsent);
  }
  if (st->cache.lookups) {
    fprintf(f,
            "\n  answer cache: %llu lookups, %.1f%% served from the cache, "
            "%llu fetches (%llu SPF TXT), %llu evictions",
            (unsigned long long)st->cache.lookups,
            100.0 * (double)st->cache.hits / (double)st->cache.lookups,
            (unsigned long long)st->cache.fetches,
            (unsigned long long)st->by_check.spf.txt,
            (unsigned long long)st->cache.evictions);
    fprintf(f,
            "\n  fetches by check beyond the base lookups: spf %llu, dmarc "
            "%llu, dkim %llu, mx %llu",
            (unsigned long long)st->by_check.spf.fetches,
            (unsigned long long)st->by_check.dmarc.fetches,
            (unsigned long long)st->by_check.dkim.fetches,
            (unsigned long long)st->by_check.mx.fetches);
  }
  if (st->skipped_shard) {
    fprintf(f, "\n  lines in other shards: %llu",
            (unsigned long long)st->skipped_shard);
  }
  adoption_summary(&st->post, f);
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
      "\"cpu_s\":%.3f,\"peak_rss_kib\":%llu,\"anon_rss_kib\":%llu,"
      "\"skipped_shard\":%llu,\"cache_lookups\":%llu,"
      "\"cache_hits\":%llu,\"cache_fetches\":%llu,"
      "\"cache_evictions\":%llu,\"cache_unkept\":%llu,"
      "\"spf_target_fetches\":%llu,"
      "\"fetches_spf\":%llu,\"fetches_dmarc\":%llu,"
      "\"fetches_dkim\":%llu,\"fetches_mx\":%llu",
      (unsigned long long)st->rows, t, (double)st->rows / t,
      (unsigned long long)st->dns.sent, (double)st->dns.sent / t,
      st->rows ? (double)st->dns.sent / (double)st->rows : 0.0,
      (unsigned long long)st->dns.retries, (unsigned long long)st->dns.shared,
      mp_stats_cpu_s(), (unsigned long long)mp_stats_peak_rss_kib(),
      (unsigned long long)mp_stats_anon_rss_kib(),
      (unsigned long long)st->skipped_shard,
      (unsigned long long)st->cache.lookups, (unsigned long long)st->cache.hits,
      (unsigned long long)st->cache.fetches,
      (unsigned long long)st->cache.evictions,
      (unsigned long long)st->cache.unkept,
      (unsigned long long)st->by_check.spf.txt,
      (unsigned long long)st->by_check.spf.fetches,
      (unsigned long long)st->by_check.dmarc.fetches,
      (unsigned long long)st->by_check.dkim.fetches,
      (unsigned long long)st->by_check.mx.fetches);
  mp_posture_json_counts(&st->post, f);
  fprintf(f,
          ",\"resolver\":{\"overdue\":%llu,\"late\":%llu,\"window_peak\":%llu,"
          "\"window_end\":%llu,\"domains_peak\":%llu,\"rate_cuts\":%llu,"
          "\"rate_end\":%.1f,\"srtt_ms\":%.3f,\"rto_ms\":%.3f,\"down\":%llu,"
          "\"unsent\":%llu,\"dead\":%s}",
          (unsigned long long)st->dns.overdue, (unsigned long long)st->dns.late,
          (unsigned long long)st->dns.window_peak,
          (unsigned long long)st->dns.window,
          (unsigned long long)st->domains_peak,
          (unsigned long long)st->dns.rate_cuts, st->dns.rate, st->dns.srtt_ms,
          st->dns.rto_ms, (unsigned long long)st->dns.down,
          (unsigned long long)st->dns.unsent, st->dns.dead ? "true" : "false");
  mp_posture_json(&st->post, f);
  if (st->run) {
    mp_run_info_json(st->run, f);
  }
  fputs("}\n", f);
  if (fflush(f) != 0 || ferror(f)) {
    return -(errno ? errno : EIO);
  }
  return 0;
}
