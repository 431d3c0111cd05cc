/* A row scanned while lookups fail against the same row scanned clean,
 * part by part: the rules of docs/schema.md, "How failures show". */
#include "tests/integration/failures.h"

#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#define REPORTS_MAX 12 /* silent rows and false negatives shown per scan */

/* One row's comparison. */
struct cmp {
  const char *config;
  size_t line;
  const struct mp_json *c, *f; /* the clean row, the faulty row */
  bool differs, silent;
  struct fault_tally *t;
};

static const char *const timing_keys[] = {"rtt_ms", "attempts", "elapsed_ms",
                                          "started", NULL};

/* Equal but for the timing fields. */
static bool same(const struct mp_json *a, const struct mp_json *b)
{
  return mp_json_same_except(a, b, timing_keys);
}

static const struct mp_json *get(const struct mp_json *v, const char *key)
{
  return mp_json_get(v, key);
}

static const char *str(const struct mp_json *v)
{
  return mp_json_str(v) ? mp_json_str(v) : mp_json_is_null(v) ? "null" : "?";
}

static bool is_false(const struct mp_json *v)
{
  return v && v->type == MP_JSON_BOOL && !v->boolean;
}

static bool is_true(const struct mp_json *v)
{
  return v && v->type == MP_JSON_BOOL && v->boolean;
}

/* A lookup outcome that says nothing about the name. */
static bool failure(const struct mp_json *outcome)
{
  static const char *const names[] = {"servfail", "refused", "timeout",
                                      "formerr", "error"};

  for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
    if (mp_json_str_eq(outcome, names[i])) {
      return true;
    }
  }
  return false;
}

static bool has(const struct mp_json *list, const char *s)
{
  for (size_t i = 0; list && i < list->count; i++) {
    if (mp_json_str_eq(list->items[i], s)) {
      return true;
    }
  }
  return false;
}

/* The item of list whose member key equals that of like, or NULL. */
static const struct mp_json *match(const struct mp_json *list, const char *key,
                                   const struct mp_json *like)
{
  for (size_t i = 0; list && i < list->count; i++) {
    if (same(get(list->items[i], key), get(like, key))) {
      return list->items[i];
    }
  }
  return NULL;
}

static void report(struct cmp *k, const char *kind, const char *part,
                   const char *msg)
{
  if (++k->t->reports <= REPORTS_MAX) {
    cr_log_warn("faults %s: line %zu %s: %s: %s", k->config, k->line, part,
                kind, msg);
  }
}

/* The part differs from the clean one and does not say why. */
static void silent(struct cmp *k, const char *part, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static void silent(struct cmp *k, const char *part, const char *fmt, ...)
{
  char msg[512];
  va_list ap;

  k->silent = true;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof(msg), fmt, ap);
  va_end(ap);
  report(k, "silent", part, msg);
}

/* f, a field of the faulty row, reads as a negative answer where the
 * clean row's c has data. */
static void negative(struct cmp *k, const char *field, const struct mp_json *c,
                     const struct mp_json *f)
{
  static const char *const negatives[] = {"nxdomain", "nodata", "none",
                                          "not_authorized", "no_domainkey"};
  bool neg = is_false(f) && is_true(c);
  char msg[256];

  for (size_t i = 0; !neg && i < sizeof(negatives) / sizeof(negatives[0]);
       i++) {
    neg = mp_json_str_eq(f, negatives[i]) && !same(c, f);
  }
  if (neg) {
    k->t->false_neg++;
    snprintf(msg, sizeof(msg), "%s, clean %s", is_false(f) ? "false" : str(f),
             is_true(c) ? "true" : str(c));
    report(k, "false negative", field, msg);
  }
}

/* --- the parts ----------------------------------------------------------
 * Each says whether it differs from the clean part, and whether it says
 * why; the rules are those of docs/schema.md, "How failures show". */

/* The row's status and the domain's three lookups: a failure outcome. */
static void part_lookups(struct cmp *k)
{
  static const char *const names[] = {"txt", "dmarc_txt", "mx"};
  const struct mp_json *c = get(k->c, "status"), *f = get(k->f, "status");

  if (!same(c, f)) {
    k->differs = true;
    if (!failure(f)) {
      silent(k, "status", "%s, clean %s", str(f), str(c));
    }
    negative(k, "status", c, f);
  }
  for (size_t i = 0; i < 3; i++) {
    c = get(k->c, names[i]);
    f = get(k->f, names[i]);
    if (same(c, f)) {
      continue;
    }
    k->differs = true;
    if (!failure(get(f, "outcome"))) {
      silent(k, names[i], "outcome %s, clean %s", str(get(f, "outcome")),
             str(get(c, "outcome")));
    }
    negative(k,
             i == 0   ? "txt.outcome"
             : i == 1 ? "dmarc_txt.outcome"
                      : "mx.outcome",
             get(c, "outcome"), get(f, "outcome"));
  }
}

static bool one_of(const struct mp_json *key, const char *const *names,
                   size_t n)
{
  for (size_t i = 0; i < n; i++) {
    if (mp_json_str_eq(key, names[i])) {
      return true;
    }
  }
  return false;
}

/* The members of an object part but the lists named in skip: each that
 * differs says why when explained (the part's status) or when it is one
 * of unknown and null. */
static void members(struct cmp *k, const char *part, const struct mp_json *c,
                    const struct mp_json *f, bool explained,
                    const char *const *skip, size_t nskip,
                    const char *const *unknown, size_t nunknown)
{
  for (size_t i = 0; i < f->count && i < c->count; i++) {
    if (one_of(f->keys[i], skip, nskip) || same(c->items[i], f->items[i]) ||
        explained ||
        (one_of(f->keys[i], unknown, nunknown) &&
         mp_json_is_null(f->items[i]))) {
      continue;
    }
    silent(k, part, "%s differs, status %s", f->keys[i]->str,
           str(get(f, "status")));
    return;
  }
}

/* SPF: status temperror; past a failed lookup of the tree (a permerror
 * from a limit met first) the tree's counts and flags null; a --spf-ip
 * result temperror; a --spf-include name temperror or reached null. */
static void part_spf(struct cmp *k)
{
  static const char *const lists[] = {"checks", "include_checks"};
  static const char *const tree[] = {"lookups_static", "depth", "uses_ptr",
                                     "uses_exists", "uses_macros"};
  const struct mp_json *c = get(k->c, "spf"), *f = get(k->f, "spf");
  const struct mp_json *cl, *fl;

  if (same(c, f)) {
    return;
  }
  k->differs = true;
  if (!c || !f || c->type != MP_JSON_OBJECT || f->type != MP_JSON_OBJECT) {
    silent(k, "spf", "run in one scan only");
    return;
  }
  members(k, "spf", c, f, mp_json_str_eq(get(f, "status"), "temperror"), lists,
          2, tree, mp_json_str_eq(get(f, "status"), "permerror") ? 5 : 0);
  negative(k, "spf.status", get(c, "status"), get(f, "status"));
  cl = get(c, "checks");
  fl = get(f, "checks");
  for (size_t i = 0; i < fl->count && i < cl->count; i++) {
    const struct mp_json *r = get(fl->items[i], "result");

    if (!same(cl->items[i], fl->items[i]) && !mp_json_str_eq(r, "temperror")) {
      silent(k, "spf.checks", "%s: %s, clean %s", str(get(fl->items[i], "ip")),
             str(r), str(get(cl->items[i], "result")));
    }
    negative(k, "spf.checks", get(cl->items[i], "result"), r);
  }
  cl = get(c, "include_checks");
  fl = get(f, "include_checks");
  for (size_t i = 0; i < fl->count && i < cl->count; i++) {
    const struct mp_json *x = fl->items[i];

    if (!same(cl->items[i], x) &&
        !mp_json_str_eq(get(x, "effective"), "temperror") &&
        !mp_json_is_null(get(x, "reached"))) {
      silent(k, "spf.include_checks", "%s: %s, clean %s", str(get(x, "name")),
             str(get(x, "effective")), str(get(cl->items[i], "effective")));
    }
    negative(k, "spf.include_checks.reached", get(cl->items[i], "reached"),
             get(x, "reached"));
  }
}

/* DMARC: status temperror; or, with the domain's own record, the walk's
 * organizational domain and queries null; methods_disagree null; a report
 * destination's authorization lookup_failed. */
static void part_dmarc(struct cmp *k)
{
  static const char *const lists[] = {"rua", "ruf"};
  static const char *const walk[] = {"methods_disagree", "org_tree_walk",
                                     "walk_queries"};
  const struct mp_json *c = get(k->c, "dmarc"), *f = get(k->f, "dmarc");
  bool temperror;

  if (same(c, f)) {
    return;
  }
  k->differs = true;
  if (!c || !f || c->type != MP_JSON_OBJECT || f->type != MP_JSON_OBJECT) {
    silent(k, "dmarc", "run in one scan only");
    return;
  }
  temperror = mp_json_str_eq(get(f, "status"), "temperror");
  /* the walk's own fields unknown beside the domain's own record */
  members(k, "dmarc", c, f, temperror, lists, 2, walk,
          mp_json_str_eq(get(f, "found_at"), "self") ? 3 : 1);
  negative(k, "dmarc.status", get(c, "status"), get(f, "status"));
  for (size_t l = 0; l < 2 && !temperror; l++) {
    const struct mp_json *cl = get(c, lists[l]), *fl = get(f, lists[l]);

    if (same(cl, fl)) {
      continue;
    }
    if (!cl || !fl || cl->count != fl->count) {
      silent(k, "dmarc", "another %s list", lists[l]);
      continue;
    }
    for (size_t i = 0; i < fl->count; i++) {
      const struct mp_json *a = get(fl->items[i], "authorization");

      if (!same(cl->items[i], fl->items[i]) &&
          !mp_json_str_eq(a, "lookup_failed")) {
        silent(k, "dmarc", "%s %s: %s", lists[l], str(get(fl->items[i], "uri")),
               str(a));
      }
      negative(k, "dmarc.authorization", get(cl->items[i], "authorization"), a);
    }
  }
}

/* DKIM: a probe listed as failed. A key found is the clean scan's key of
 * that selector, and a key of the clean scan not found is under a failed
 * probe. "none" with every probe answered is the clean "no_domainkey"
 * (the probes run when the _domainkey lookup fails with REFUSED or the
 * like, as with --no-dkim-shortcut, and all answer that no key is there;
 * after a timeout or SERVFAIL there every selector is listed failed). */
static void part_dkim(struct cmp *k)
{
  const struct mp_json *c = get(k->c, "dkim"), *f = get(k->f, "dkim");
  const struct mp_json *failed = get(f, "failed"), *cf, *ff;

  if (same(c, f) || (mp_json_str_eq(get(c, "status"), "no_domainkey") &&
                     mp_json_str_eq(get(f, "status"), "none") &&
                     get(f, "found")->count == 0 && failed->count == 0)) {
    return;
  }
  k->differs = true;
  if (failed->count == 0) {
    silent(k, "dkim", "status %s (clean %s) with every probe answered",
           str(get(f, "status")), str(get(c, "status")));
  }
  if (!mp_json_str_eq(get(c, "status"), "no_domainkey") ||
      !mp_json_str_eq(get(f, "status"), "none")) {
    negative(k, "dkim.status", get(c, "status"), get(f, "status"));
  }
  cf = get(c, "found");
  ff = get(f, "found");
  for (size_t i = 0; i < ff->count; i++) {
    if (!same(match(cf, "selector", ff->items[i]), ff->items[i])) {
      silent(k, "dkim", "a key at %s the clean scan has not",
             str(get(ff->items[i], "selector")));
    }
  }
  for (size_t i = 0; i < cf->count; i++) {
    if (!match(ff, "selector", cf->items[i]) &&
        !match(failed, "selector", cf->items[i])) {
      silent(k, "dkim", "the key at %s neither found nor its probe failed",
             str(get(cf->items[i], "selector")));
    }
  }
}

static bool host_failed(const struct mp_json *h)
{
  return failure(get(h, "a_outcome")) || failure(get(h, "aaaa_outcome"));
}

static bool address_failed(const struct mp_json *a)
{
  return failure(get(a, "ptr_outcome")) || failure(get(a, "forward_outcome"));
}

/* One address of a host or a --spf-ip address: its PTR or forward lookup
 * failed. */
static void address(struct cmp *k, const char *part, const struct mp_json *c,
                    const struct mp_json *f)
{
  if (!same(c, f) && !address_failed(f)) {
    silent(k, part, "%s: fcrdns %s, clean %s", str(get(f, "address")),
           str(get(f, "fcrdns")), str(get(c, "fcrdns")));
  }
  negative(k, "mx_hosts fcrdns", get(c, "fcrdns"), get(f, "fcrdns"));
  negative(k, "mx_hosts ptr_outcome", get(c, "ptr_outcome"),
           get(f, "ptr_outcome"));
  negative(k, "mx_hosts forward_outcome", get(c, "forward_outcome"),
           get(f, "forward_outcome"));
}

/* One MX host (the same MX answer): its A or AAAA lookup failed (then its
 * addresses may differ: at most 4 are examined, A first), or each address
 * that differs says why. */
static void host(struct cmp *k, const struct mp_json *c,
                 const struct mp_json *f)
{
  const struct mp_json *ca = get(c, "addresses"), *fa = get(f, "addresses");
  bool failed = host_failed(f);

  for (size_t i = 0; i < f->count && i < c->count; i++) {
    if (!mp_json_str_eq(f->keys[i], "addresses") && !failed &&
        !same(c->items[i], f->items[i])) {
      silent(k, "mx_hosts", "%s: %s differs", str(get(f, "host")),
             f->keys[i]->str);
    }
  }
  negative(k, "mx_hosts resolves", get(c, "resolves"), get(f, "resolves"));
  negative(k, "mx_hosts a_outcome", get(c, "a_outcome"), get(f, "a_outcome"));
  negative(k, "mx_hosts aaaa_outcome", get(c, "aaaa_outcome"),
           get(f, "aaaa_outcome"));
  for (size_t i = 0; i < fa->count; i++) {
    const struct mp_json *m = match(ca, "address", fa->items[i]);

    if (m) {
      address(k, "mx_hosts", m, fa->items[i]);
    } else if (!failed) {
      silent(k, "mx_hosts", "%s: address %s the clean scan has not",
             str(get(f, "host")), str(get(fa->items[i], "address")));
    }
  }
  for (size_t i = 0; i < ca->count && !failed; i++) {
    if (!match(fa, "address", ca->items[i])) {
      silent(k, "mx_hosts", "%s: address %s missing", str(get(f, "host")),
             str(get(ca->items[i], "address")));
    }
  }
}

/* MX hosts: null after a failed MX lookup; hosts as above; all_fcrdns and
 * senders_fcrdns null; fewer unresolved hosts beside one that resolves
 * null. */
static void part_mx_hosts(struct cmp *k)
{
  const struct mp_json *c = get(k->c, "mx_hosts"), *f = get(k->f, "mx_hosts");
  const struct mp_json *ch, *fh, *cs, *fs;
  bool unknown = false;

  if (same(c, f)) {
    return;
  }
  k->differs = true;
  if (mp_json_is_null(f) || mp_json_is_null(c)) {
    if (mp_json_is_null(c) || !failure(mp_json_path(k->f, "mx.outcome"))) {
      silent(k, "mx_hosts", "null in one scan, mx %s (clean %s)",
             str(mp_json_path(k->f, "mx.outcome")),
             str(mp_json_path(k->c, "mx.outcome")));
    }
    return;
  }
  ch = get(c, "hosts");
  fh = get(f, "hosts");
  if (!same(get(c, "null_mx"), get(f, "null_mx")) || ch->count != fh->count) {
    silent(k, "mx_hosts", "other hosts from the same MX answer");
    return;
  }
  for (size_t i = 0; i < fh->count; i++) {
    host(k, ch->items[i], fh->items[i]);
    unknown |= mp_json_is_null(get(fh->items[i], "resolves"));
  }
  if (!same(get(c, "all_fcrdns"), get(f, "all_fcrdns")) &&
      !mp_json_is_null(get(f, "all_fcrdns"))) {
    silent(k, "mx_hosts", "all_fcrdns %s",
           is_true(get(f, "all_fcrdns")) ? "true" : "false");
  }
  negative(k, "mx_hosts.all_fcrdns", get(c, "all_fcrdns"),
           get(f, "all_fcrdns"));
  if (!same(get(c, "unresolved"), get(f, "unresolved")) &&
      (!unknown ||
       get(f, "unresolved")->number > get(c, "unresolved")->number)) {
    silent(k, "mx_hosts", "unresolved %.0f, clean %.0f",
           get(f, "unresolved")->number, get(c, "unresolved")->number);
  }
  cs = get(c, "senders");
  fs = get(f, "senders");
  for (size_t i = 0; i < fs->count && i < cs->count; i++) {
    address(k, "mx_hosts.senders", cs->items[i], fs->items[i]);
  }
  if (!same(get(c, "senders_fcrdns"), get(f, "senders_fcrdns")) &&
      !mp_json_is_null(get(f, "senders_fcrdns"))) {
    silent(k, "mx_hosts", "senders_fcrdns differs");
  }
  negative(k, "mx_hosts.senders_fcrdns", get(c, "senders_fcrdns"),
           get(f, "senders_fcrdns"));
}

/* MTA-STS, TLS-RPT, BIMI: status temperror. */
static void part_policies(struct cmp *k)
{
  static const char *const names[] = {"mta_sts", "tls_rpt", "bimi"};

  for (size_t i = 0; i < 3; i++) {
    const struct mp_json *c = get(k->c, names[i]), *f = get(k->f, names[i]);

    if (same(c, f)) {
      continue;
    }
    k->differs = true;
    if (!mp_json_str_eq(get(f, "status"), "temperror")) {
      silent(k, names[i], "status %s, clean %s", str(get(f, "status")),
             str(get(c, "status")));
    }
    negative(k, names[i], get(c, "status"), get(f, "status"));
  }
}

/* A requirement of the verdict: 'f' failed, 'u' unknown, 'm' met. */
static char state(const struct mp_json *v, const char *req)
{
  return has(get(v, "failed"), req)    ? 'f'
         : has(get(v, "unknown"), req) ? 'u'
                                       : 'm';
}

static const char *word(char state)
{
  return state == 'f' ? "failed" : state == 'u' ? "unknown" : "met";
}

/* The verdict: null when the row's status is a failure; a requirement in
 * another state than the clean one is unknown; ready null. */
static void part_verdict(struct cmp *k)
{
  static const char *const reqs[] = {"spf_or_dkim", "dmarc", "mx_fcrdns",
                                     "sender_fcrdns"};
  const struct mp_json *c = get(k->c, "verdict"), *f = get(k->f, "verdict");

  if (same(c, f)) {
    return;
  }
  k->differs = true;
  if (mp_json_is_null(f) || mp_json_is_null(c)) {
    if (mp_json_is_null(c) || !failure(get(k->f, "status"))) {
      silent(k, "verdict", "null in one scan, status %s",
             str(get(k->f, "status")));
    }
    return;
  }
  for (size_t i = 0; i < 4; i++) {
    char cs = state(c, reqs[i]), fs = state(f, reqs[i]);

    if (cs != fs && fs != 'u') {
      silent(k, "verdict", "%s %s, clean %s", reqs[i], word(fs), word(cs));
    }
    if (fs == 'f' && cs == 'm') {
      k->t->false_neg++;
      report(k, "false negative", "verdict", reqs[i]);
    }
  }
  if (!same(get(c, "ready"), get(f, "ready")) &&
      !mp_json_is_null(get(f, "ready"))) {
    silent(k, "verdict", "ready differs");
  }
  negative(k, "verdict.ready", get(c, "ready"), get(f, "ready"));
}

static bool temperror(const struct mp_json *row, const char *path)
{
  return mp_json_str_eq(mp_json_path(row, path), "temperror");
}

/* A report destination of the DMARC part whose authorization lookup
 * failed. */
static bool authorization_failed(const struct mp_json *d)
{
  for (size_t l = 0; l < 2; l++) {
    const struct mp_json *list = get(d, l ? "ruf" : "rua");

    for (size_t i = 0; list && i < list->count; i++) {
      if (mp_json_str_eq(get(list->items[i], "authorization"),
                         "lookup_failed")) {
        return true;
      }
    }
  }
  return false;
}

/* Whether what a finding code reads says a lookup failed, so that a
 * failure may have withheld it. */
static bool says(const struct cmp *k, const char *code)
{
  const struct mp_json *f = k->f, *d = get(f, "dmarc");

  if (!strncmp(code, "SPF_", 4)) {
    return temperror(f, "spf.status");
  }
  if (!strncmp(code, "DMARC_", 6) && temperror(f, "dmarc.status")) {
    return true;
  }
  if (!strcmp(code, "DMARC_METHODS_DISAGREE")) {
    return mp_json_is_null(get(d, "methods_disagree"));
  }
  if (!strcmp(code, "DMARC_REPORT_UNAUTHORIZED")) {
    return authorization_failed(d);
  }
  if (!strcmp(code, "DMARC_MISSING")) { /* only a domain that exists */
    return failure(get(f, "status"));
  }
  if (!strncmp(code, "DMARC_", 6)) {
    return false;
  }
  if (!strncmp(code, "DKIM_", 5)) {
    return mp_json_path(f, "dkim.failed")->count > 0;
  }
  if (!strncmp(code, "MX_", 3)) {
    return has(get(f, "findings"), "MX_TEMPERROR") ||
           (mp_json_is_null(get(f, "mx_hosts")) &&
            failure(mp_json_path(f, "mx.outcome")));
  }
  if (!strcmp(code, "MTA_STS_WITHOUT_TLS_RPT")) {
    return temperror(f, "mta_sts.status") || temperror(f, "tls_rpt.status");
  }
  if (!strcmp(code, "BIMI_WITHOUT_ENFORCEMENT")) {
    return temperror(f, "bimi.status") || temperror(f, "dmarc.status");
  }
  return temperror(f, !strncmp(code, "MTA_STS_", 8)   ? "mta_sts.status"
                      : !strncmp(code, "TLS_RPT_", 8) ? "tls_rpt.status"
                                                      : "bimi.status");
}

/* Findings: a failure adds only the codes that say so, and withholds a
 * code only where its part says a lookup failed. */
static void part_findings(struct cmp *k)
{
  static const char *const failures[] = {"SPF_TEMPERROR", "MX_TEMPERROR",
                                         "DKIM_PROBE_FAILED"};
  const struct mp_json *c = get(k->c, "findings"), *f = get(k->f, "findings");

  if (same(c, f)) {
    return;
  }
  k->differs = true;
  for (size_t i = 0; i < f->count; i++) {
    if (!has(c, f->items[i]->str) && !one_of(f->items[i], failures, 3)) {
      silent(k, "findings", "%s, which the clean row has not",
             f->items[i]->str);
    }
  }
  for (size_t i = 0; i < c->count; i++) {
    if (!has(f, c->items[i]->str) && !says(k, c->items[i]->str)) {
      silent(k, "findings", "%s left out, and its part says no failure",
             c->items[i]->str);
    }
  }
}

static void compare(struct cmp *k)
{
  static const char *const row[] = {"line", "input",  "input_truncated",
                                    "rank", "domain", "error"};

  for (size_t i = 0; i < sizeof(row) / sizeof(row[0]); i++) {
    if (!same(get(k->c, row[i]), get(k->f, row[i]))) {
      k->differs = true;
      silent(k, row[i], "differs");
    }
  }
  part_lookups(k);
  part_spf(k);
  part_dmarc(k);
  part_dkim(k);
  part_mx_hosts(k);
  part_policies(k);
  part_verdict(k);
  part_findings(k);
}

void fault_compare(const char *config, size_t line, const struct mp_json *clean,
                   const struct mp_json *faulty, struct fault_tally *t)
{
  struct cmp k = {
      .config = config, .line = line, .c = clean, .f = faulty, .t = t};

  compare(&k);
  t->rows++;
  t->differ += k.differs;
  t->silent += k.silent;
}
