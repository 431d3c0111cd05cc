/* The posture counts as summary JSON members (docs/schema.md "Summary
 * JSON"). Every order is fixed by the counts and then by name, so equal
 * counts give equal text whatever order the rows came in. */
#include <stdlib.h>
#include <string.h>

#include "output/json.h"
#include "scanner/base/alloc.h"
#include "scanner/posture.h"

static void adoption_members(const struct mp_adoption *a, FILE *f)
{
  const uint64_t *v = (const uint64_t *)a;

  for (size_t i = 0; i < MP_ADOPTION_COUNT; i++) {
    fprintf(f, "%s\"%s\":%llu", i ? "," : "", mp_adoption_names[i],
            (unsigned long long)v[i]);
  }
}

static void top_json(FILE *f, const char *key, const struct mp_topk *t)
{
  const struct mp_topk_item *best[20];
  size_t n = mp_topk_best(t, best, 20);

  fprintf(f, ",\"%s\":[", key);
  for (size_t i = 0; i < n; i++) {
    fprintf(f, "%s{\"name\":", i ? "," : "");
    mp_json_cstr(f, best[i]->name);
    fprintf(f, ",\"domains\":%llu,\"over_by_at_most\":%llu}",
            (unsigned long long)best[i]->count,
            (unsigned long long)best[i]->over);
  }
  fputc(']', f);
}

static void bucket(FILE *f, bool first, const char *name, const char *what,
                   uint64_t n)
{
  fprintf(f, "%s{\"bucket\":\"%s\",\"%s\":%llu}", first ? "" : ",", name, what,
          (unsigned long long)n);
}

static void histograms(const struct mp_posture *p, FILE *f)
{
  static const char *const bits[MP_DKIM_BITS_BUCKETS] = {
      "<1024", "1024", "2048", "3072", "4096", "other"};
  char name[8];

  fputs(",\"histograms\":{\"spf_lookups\":[", f);
  for (size_t i = 0; i < MP_SPF_LOOKUP_BUCKETS; i++) {
    snprintf(name, sizeof(name), "%zu", i);
    bucket(f, i == 0, i == 11 ? ">10" : name, "domains", p->spf_lookups[i]);
  }
  fputs("],\"dkim_key_bits\":[", f);
  for (size_t i = 0; i < MP_DKIM_BITS_BUCKETS; i++) {
    bucket(f, i == 0, bits[i], "keys", p->dkim_bits[i]);
  }
  fputs("]}", f);
}

static void findings(const struct mp_posture *p, FILE *f)
{
  size_t order[MP_FINDING_COUNT], n = 0;

  fputs(",\"findings\":{\"by_severity\":{", f);
  for (int s = 0; s < MP_SEV_COUNT; s++) {
    fprintf(f, "%s\"%s\":%llu", s ? "," : "",
            mp_severity_name((enum mp_severity)s),
            (unsigned long long)p->severity[s]);
  }
  fputs("},\"by_code\":[", f);
  /* most domains first, then table order: a stable insertion sort */
  for (size_t c = 0; c < MP_FINDING_COUNT; c++) {
    size_t j = n;

    if (!p->code[c]) {
      continue;
    }
    while (j > 0 && p->code[order[j - 1]] < p->code[c]) {
      order[j] = order[j - 1];
      j--;
    }
    order[j] = c;
    n++;
  }
  for (size_t i = 0; i < n; i++) {
    enum mp_finding_code c = (enum mp_finding_code)order[i];

    fprintf(f, "%s{\"code\":\"%s\",\"severity\":\"%s\",\"domains\":%llu}",
            i ? "," : "", mp_finding_name(c),
            mp_severity_name(mp_finding_severity(c)),
            (unsigned long long)p->code[c]);
  }
  fputs("]}", f);
}

static void group_json(FILE *f, bool first, const char *key,
                       const struct mp_adoption *a)
{
  fprintf(f, "%s{\"key\":", first ? "" : ",");
  mp_json_cstr(f, key);
  fputc(',', f);
  adoption_members(a, f);
  fputc('}', f);
}

/* Most domains first, then by key. */
static int larger(const void *x, const void *y)
{
  const struct mp_posture_group *a = *(const struct mp_posture_group *const *)x;
  const struct mp_posture_group *b = *(const struct mp_posture_group *const *)y;

  if (a->a.domains != b->a.domains) {
    return a->a.domains > b->a.domains ? -1 : 1;
  }
  return strcmp(a->key, b->key);
}

static void by_suffix(const struct mp_posture *p, FILE *f)
{
  const struct mp_posture_group **g = mp_calloc(p->nsuffix + 1, sizeof(*g));
  struct mp_adoption other = p->suffix_overflow;

  for (size_t i = 0; i < p->nsuffix; i++) {
    g[i] = &p->suffix[i];
  }
  qsort(g, p->nsuffix, sizeof(*g), larger);
  fputs("\"by_suffix\":[", f);
  for (size_t i = 0; i < p->nsuffix; i++) {
    if (i < MP_POSTURE_SUFFIXES_LISTED) {
      group_json(f, i == 0, g[i]->key, &g[i]->a);
    } else {
      mp_adoption_merge(&other, &g[i]->a);
    }
  }
  group_json(f, p->nsuffix == 0, "other", &other);
  fputc(']', f);
  mp_free(g);
}

static void breakdowns(const struct mp_posture *p, FILE *f)
{
  static const char *const ranks[MP_RANK_BUCKETS] = {
      "1-1k", "1k-10k", "10k-100k", "100k-1M", "unranked"};

  fputs(",\"breakdowns\":{", f);
  by_suffix(p, f);
  fputs(",\"by_rank\":[", f);
  for (size_t i = 0; i < MP_RANK_BUCKETS; i++) {
    group_json(f, i == 0, ranks[i], &p->by_rank[i]);
  }
  fputs("]}", f);
}

void mp_posture_json_counts(const struct mp_posture *p, FILE *f)
{
  fputs(",\"status\":{", f);
  for (int s = 0; s < MP_STATUS_COUNT; s++) {
    fprintf(f, "%s\"%s\":%llu", s ? "," : "", mp_status_name((enum mp_status)s),
            (unsigned long long)p->by_status[s]);
  }
  fputs("},\"lookups\":{", f);
  for (int o = 0; o < MP_OUTCOME_COUNT; o++) {
    fprintf(f, "%s\"%s\":%llu", o ? "," : "",
            mp_outcome_name((enum mp_outcome)o),
            (unsigned long long)p->lookups[o]);
  }
  fputc('}', f);
}

void mp_posture_json(const struct mp_posture *p, FILE *f)
{
  fputs(",\"adoption\":{", f);
  adoption_members(&p->adopt, f);
  fputc('}', f);
  histograms(p, f);
  findings(p, f);
  breakdowns(p, f);
  top_json(f, "top_spf_includes", p->includes);
  top_json(f, "top_report_destinations", p->report_dests);
}
