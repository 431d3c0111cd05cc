/* mailposture report: the charts drawn from the summary's adoption,
 * histograms, top lists and findings (docs/report.md). */
#include <string.h>

#include "output/svg.h"
#include "scanner/report.h"

#define TOP_MAX   12 /* bars of a top list */
#define CODES_MAX 15 /* bars of the finding codes */

/* A bar read from "adoption.<key>". */
struct spec {
  const char *key, *data, *label, *tone;
};

/* Fills b from the adoption keys of s: false (a note drawn by the
 * caller) when one is missing. */
static bool adoption_bars(struct mp_report *r, const struct spec *s, size_t n,
                          uint64_t total, struct mp_bar *b)
{
  char path[96];
  bool all = true;

  for (size_t i = 0; i < n; i++) {
    snprintf(path, sizeof(path), "adoption.%s", s[i].key);
    all = mp_report_count(r, 0, path, &b[i].value) && all;
    b[i].key = s[i].data;
    b[i].key_len = 0;
    b[i].label = s[i].label;
    b[i].tone = s[i].tone;
    b[i].total = total;
  }
  return all;
}

static uint64_t adopt(struct mp_report *r, const char *key)
{
  char path[96];
  uint64_t v = 0;

  snprintf(path, sizeof(path), "adoption.%s", key);
  mp_report_count(r, 0, path, &v);
  return v;
}

/* "<p class=sub>" before, count, after. */
static void sub(struct mp_report *r, const char *before, uint64_t n,
                const char *after)
{
  fprintf(r->f, "<p class=\"sub\">%s", before);
  mp_html_count(r->f, n);
  fprintf(r->f, "%s</p>", after);
}

static void tile(struct mp_report *r, const char *id, const char *label,
                 uint64_t part, uint64_t whole)
{
  fprintf(r->f,
          "<div class=\"tile\" id=\"%s\" data-value=\"%llu\" "
          "data-total=\"%llu\"><div class=\"v\">",
          id, (unsigned long long)part, (unsigned long long)whole);
  mp_html_share(r->f, part, whole);
  fprintf(r->f, "</div><div class=\"l\">%s (", label);
  mp_html_count(r->f, part);
  fputs(" of ", r->f);
  mp_html_count(r->f, whole);
  fputs(")</div></div>", r->f);
}

static void tiles(struct mp_report *r)
{
  uint64_t rows = 0;

  if (!mp_report_node(r, 0, "adoption")) {
    return;
  }
  mp_report_count(r, 0, "rows", &rows);
  fputs("<div class=\"tiles\" id=\"key-figures\">", r->f);
  tile(r, "tile-resolve", "domains that resolve", adopt(r, "domains"), rows);
  tile(r, "tile-spf", "valid SPF", adopt(r, "spf_valid"), adopt(r, "spf_rows"));
  tile(r, "tile-dmarc", "DMARC quarantine or reject",
       adopt(r, "dmarc_reject") + adopt(r, "dmarc_quarantine"),
       adopt(r, "dmarc_rows"));
  tile(r, "tile-dkim", "usable DKIM key", adopt(r, "dkim_usable"),
       adopt(r, "dkim_rows"));
  tile(r, "tile-ready", "ready for bulk-sender rules", adopt(r, "ready"),
       adopt(r, "verdict_rows"));
  fputs("</div>\n", r->f);
}

static void dmarc_policy(struct mp_report *r)
{
  static const struct spec s[] = {
      {"dmarc_reject", "reject", "reject", "good"},
      {"dmarc_quarantine", "quarantine", "quarantine", "fair"},
      {"dmarc_none", "none", "none (monitoring)", "warn"},
      {"dmarc_missing", "missing", "no policy", "bad"},
  };
  struct mp_bar b[4];

  if (!adoption_bars(r, s, 4, 0, b)) {
    mp_report_absent(r, "dmarc-policy", "DMARC policy",
                     "adoption.dmarc_reject ...", false);
    return;
  }
  mp_report_card(r, "dmarc-policy", "DMARC policy", NULL, false);
  sub(r, "Effective policy of the ", adopt(r, "dmarc_rows"),
      " domains where DMARC was checked");
  mp_svg_stack(r->f, b, 4);
  fputs("<p class=\"note\">With aggregate reports (rua): ", r->f);
  mp_html_count(r->f, adopt(r, "dmarc_rua"));
  fputs("</p>", r->f);
  mp_report_end(r);
}

static void spf_status(struct mp_report *r)
{
  static const struct spec s[] = {
      {"spf_record", "record", "has a record", "main"},
      {"spf_valid", "valid", "valid", "good"},
      {"spf_lookup_limit", "lookup_limit", "over 10 lookups", "bad"},
      {"spf_plus_all", "plus_all", "ends in +all", "bad"},
  };
  struct mp_bar b[4];

  if (!adoption_bars(r, s, 4, adopt(r, "spf_rows"), b)) {
    mp_report_absent(r, "spf-status", "SPF", "adoption.spf_*", false);
    return;
  }
  mp_report_card(r, "spf-status", "SPF", NULL, false);
  sub(r, "Of the ", adopt(r, "spf_rows"), " domains where SPF was checked");
  mp_svg_hbars(r->f, b, 4, true);
  mp_report_end(r);
}

static void spf_all(struct mp_report *r)
{
  static const struct spec s[] = {
      {"spf_all_fail", "fail", "-all", "good"},
      {"spf_all_softfail", "softfail", "~all", "fair"},
      {"spf_all_neutral", "neutral", "?all", "warn"},
      {"spf_all_pass", "pass", "+all", "bad"},
      {"spf_all_none", "none", "no all", "muted"},
  };
  struct mp_bar b[5];

  if (!adoption_bars(r, s, 5, 0, b)) {
    mp_report_absent(r, "spf-all", "SPF all qualifier",
                     "adoption.spf_all_fail ...", false);
    return;
  }
  mp_report_card(r, "spf-all", "SPF all qualifier", NULL, false);
  sub(r, "How the ", adopt(r, "spf_valid"),
      " valid SPF records end: -all fails mail from elsewhere, +all passes "
      "anyone");
  mp_svg_stack(r->f, b, 5);
  mp_report_end(r);
}

/* A histogram: the array at path, items {"bucket", count}. */
static void histogram(struct mp_report *r, const char *id, const char *title,
                      const char *what, const char *path, const char *count,
                      const char *(*tone)(const char *, size_t))
{
  size_t h = mp_report_node(r, 0, path);
  struct mp_bar b[16];
  size_t n = 0;

  if (!h || r->j.n[h].type != MP_J_ARRAY || r->j.n[h].count == 0) {
    mp_report_absent(r, id, title, path, false);
    return;
  }
  for (size_t k = 0; k < r->j.n[h].count && n < 16; k++) {
    size_t it = mp_jrow_at(&r->j, h, k);
    const char *s;
    size_t len;

    if (mp_report_str(r, mp_jrow_get(&r->j, it, "bucket"), &s, &len) &&
        mp_report_count(r, it, count, &b[n].value)) {
      b[n] = (struct mp_bar){s, len, NULL, b[n].value, 0, tone(s, len)};
      n++;
    }
  }
  mp_report_card(r, id, title, what, false);
  mp_svg_columns(r->f, b, n);
  mp_report_end(r);
}

static bool is(const char *s, size_t len, const char *w)
{
  return len == strlen(w) && memcmp(s, w, len) == 0;
}

static const char *lookups_tone(const char *s, size_t len)
{
  return is(s, len, ">10") ? "bad" : is(s, len, "10") ? "warn" : "main";
}

static const char *bits_tone(const char *s, size_t len)
{
  if (is(s, len, "<1024")) {
    return "bad";
  }
  if (is(s, len, "1024")) {
    return "warn";
  }
  return is(s, len, "other") ? "muted" : "good";
}

/* A top list: items {"name", "domains"}, shares of total. */
static void top(struct mp_report *r, const char *id, const char *title,
                const char *path, uint64_t total, const char *what)
{
  size_t t = mp_jrow_get(&r->j, 0, path);
  struct mp_bar b[TOP_MAX];
  size_t n = 0;

  if (!t || r->j.n[t].type != MP_J_ARRAY) {
    mp_report_absent(r, id, title, path, false);
    return;
  }
  for (size_t k = 0; k < r->j.n[t].count && n < TOP_MAX; k++) {
    size_t it = mp_jrow_at(&r->j, t, k);
    const char *s;
    size_t len;

    if (mp_report_str(r, mp_jrow_get(&r->j, it, "name"), &s, &len) &&
        mp_report_count(r, it, "domains", &b[n].value)) {
      b[n] = (struct mp_bar){s, len, NULL, b[n].value, total, "main"};
      n++;
    }
  }
  mp_report_card(r, id, title, NULL, false);
  sub(r, "Domains naming each, as a share of the ", total, what);
  if (n == 0) {
    fputs("<p class=\"note\">None.</p>", r->f);
  }
  /* a name is text from DNS: the bars escape it */
  mp_svg_hbars(r->f, b, n, false);
  mp_report_end(r);
}

static void dkim(struct mp_report *r)
{
  static const struct spec s[] = {
      {"dkim_found", "found", "key record found", "main"},
      {"dkim_usable", "usable", "usable key", "good"},
      {"dkim_unusable", "unusable", "only unusable keys", "bad"},
      {"dkim_incomplete", "incomplete", "a probe failed", "muted"},
  };
  struct mp_bar b[4];

  if (!adoption_bars(r, s, 4, adopt(r, "dkim_rows"), b)) {
    mp_report_absent(r, "dkim-status", "DKIM", "adoption.dkim_*", false);
    return;
  }
  mp_report_card(r, "dkim-status", "DKIM", NULL, false);
  sub(r, "Of the ", adopt(r, "dkim_rows"),
      " domains probed under the common selectors");
  mp_svg_hbars(r->f, b, 4, true);
  mp_report_end(r);
}

/* MTA-STS, TLS-RPT, BIMI and the MX hosts' reverse DNS: each a share of
 * the domains where it ran. */
static void policies(struct mp_report *r)
{
  static const struct spec s[] = {
      {"mta_sts_valid", "mta_sts", "MTA-STS", "main"},
      {"tls_rpt_valid", "tls_rpt", "TLS-RPT", "main"},
      {"bimi_valid", "bimi", "BIMI", "main"},
      {"mx_all_fcrdns", "mx_fcrdns", "MX hosts all FCrDNS", "good"},
      {"mx_null", "mx_null", "null MX (no mail)", "muted"},
  };
  static const char *const rows[] = {"mta_sts_rows", "tls_rpt_rows",
                                     "bimi_rows", "mx_rows", "mx_rows"};
  struct mp_bar b[5];

  if (!adoption_bars(r, s, 5, 0, b)) {
    mp_report_absent(r, "policies", "MTA-STS, TLS-RPT, BIMI",
                     "adoption.mta_sts_valid ...", false);
    return;
  }
  for (size_t i = 0; i < 5; i++) {
    b[i].total = adopt(r, rows[i]);
  }
  mp_report_card(r, "policies", "MTA-STS, TLS-RPT, BIMI, MX",
                 "Valid records, each a share of the domains where it was "
                 "checked",
                 false);
  mp_svg_hbars(r->f, b, 5, true);
  mp_report_end(r);
}

static void readiness(struct mp_report *r)
{
  static const struct spec s[] = {
      {"ready", "ready", "ready", "good"},
      {"verdict_unknown", "unknown", "unknown (a lookup failed)", "muted"},
  };
  struct mp_bar b[3];
  uint64_t rows = adopt(r, "verdict_rows");

  if (!adoption_bars(r, s, 2, 0, b) ||
      !mp_report_node(r, 0, "adoption.verdict_rows")) {
    mp_report_absent(r, "readiness", "Bulk-sender readiness",
                     "adoption.ready ...", false);
    return;
  }
  b[2] = b[1];
  b[1] = (struct mp_bar){"not_ready", 0, "not ready", 0, 0, "bad"};
  if (rows > b[0].value + b[2].value) {
    b[1].value = rows - b[0].value - b[2].value;
  }
  mp_report_card(r, "readiness", "Bulk-sender readiness", NULL, false);
  sub(r,
      "The DNS-visible part of the 2024 Gmail, Yahoo and Microsoft rules, "
      "over ",
      rows, " domains");
  mp_svg_stack(r->f, b, 3);
  mp_report_end(r);
}

static const char *severity_tone(const char *s, size_t len)
{
  if (is(s, len, "error")) {
    return "bad";
  }
  return is(s, len, "warning") ? "warn" : "muted";
}

static void findings(struct mp_report *r)
{
  static const char *const sev[] = {"error", "warning", "info"};
  struct mp_bar b[CODES_MAX];
  size_t codes = mp_report_node(r, 0, "findings.by_code"), n = 0;
  uint64_t rows = 0;

  if (!mp_report_node(r, 0, "findings.by_severity")) {
    mp_report_absent(r, "findings-severity", "Findings by severity",
                     "findings.by_severity", false);
  } else {
    mp_report_count(r, 0, "rows", &rows);
    for (size_t i = 0; i < 3; i++) {
      char path[64];

      snprintf(path, sizeof(path), "findings.by_severity.%s", sev[i]);
      mp_report_count(r, 0, path, &b[i].value);
      b[i].key = sev[i];
      b[i].key_len = 0;
      b[i].label = NULL;
      b[i].total = rows;
      b[i].tone = severity_tone(sev[i], strlen(sev[i]));
    }
    mp_report_card(r, "findings-severity", "Findings by severity",
                   "Domains with at least one finding of each severity", false);
    mp_svg_hbars(r->f, b, 3, true);
    mp_report_end(r);
  }
  if (!codes || r->j.n[codes].type != MP_J_ARRAY) {
    mp_report_absent(r, "findings-codes", "Top finding codes",
                     "findings.by_code", false);
    return;
  }
  for (size_t k = 0; k < r->j.n[codes].count && n < CODES_MAX; k++) {
    size_t it = mp_jrow_at(&r->j, codes, k);
    const char *s, *sv = "";
    size_t len, svlen = 0;

    mp_report_str(r, mp_jrow_get(&r->j, it, "severity"), &sv, &svlen);
    if (mp_report_str(r, mp_jrow_get(&r->j, it, "code"), &s, &len) &&
        mp_report_count(r, it, "domains", &b[n].value)) {
      b[n] = (struct mp_bar){s,          len,  NULL,
                             b[n].value, rows, severity_tone(sv, svlen)};
      n++;
    }
  }
  mp_report_card(r, "findings-codes", "Top finding codes", NULL, false);
  sub(r, "Domains with each code; ", r->j.n[codes].count,
      " codes seen (mailposture --list-findings explains them)");
  mp_svg_hbars(r->f, b, n, false);
  mp_report_end(r);
}

void mp_report_sections(struct mp_report *r)
{
  tiles(r);
  fputs("<h2 class=\"group\">Policies</h2><div class=\"grid\">\n", r->f);
  dmarc_policy(r);
  readiness(r);
  spf_status(r);
  spf_all(r);
  histogram(r, "spf-lookups", "SPF DNS lookups",
            "Domains with an SPF record by the DNS-querying terms their "
            "evaluation needs; over 10 is a permerror",
            "histograms.spf_lookups", "domains", lookups_tone);
  top(r, "top-includes", "Top SPF include targets", "top_spf_includes",
      adopt(r, "spf_record"), " domains with an SPF record");
  dkim(r);
  histogram(r, "dkim-bits", "DKIM key sizes",
            "Keys found, by RSA modulus in bits; under 1024 is refused by "
            "verifiers (RFC 8301)",
            "histograms.dkim_key_bits", "keys", bits_tone);
  policies(r);
  top(r, "top-report-destinations", "Top DMARC report destinations",
      "top_report_destinations", adopt(r, "dmarc_rua"),
      " domains with rua reports");
  fputs("</div>\n<h2 class=\"group\">Findings</h2><div class=\"grid\">\n",
        r->f);
  findings(r);
  fputs("</div>\n", r->f);
}
