/* CSV rows (RFC 4180: CRLF, a header line, quoted cells with "" inside).
 * The columns and their order are documented in docs/schema.md, "CSV
 * columns", and checked by tests/output/test_schema.c. */
#include "output/writer.h"

#include <assert.h>
#include <string.h>

#include "output/csvcell.h"
#include "output/json.h"

#define LIT(f, s) fwrite((s), 1, sizeof(s) - 1, (f))

#define LOOKUP_COLUMNS(p)                                                      \
  p "_outcome," p "_rcode," p "_attempts," p "_rtt_ms," p "_ttl," p            \
    "_count," p "_records,"

#define SPF_COLUMNS                                                            \
  "spf_status,spf_reason,spf_error_offset,spf_lookups,spf_lookups_static,"     \
  "spf_voids,spf_depth,spf_all,spf_includes,spf_redirect,spf_uses_ptr,"        \
  "spf_uses_exists,spf_uses_macros,spf_exact,spf_ip4_addresses,"               \
  "spf_ip6_prefixes,spf_length,spf_checks,spf_include_checks,"

/* Appended after findings: columns are only ever added at the end. */
#define DMARC_COLUMNS                                                          \
  "dmarc_status,dmarc_found_at,dmarc_method,dmarc_policy_domain,"              \
  "dmarc_record,dmarc_org_psl,dmarc_org_tree_walk,dmarc_methods_disagree,"     \
  "dmarc_p,dmarc_sp,dmarc_np,dmarc_pct,dmarc_adkim,dmarc_aspf,dmarc_psd,"      \
  "dmarc_t,dmarc_effective_policy,dmarc_rua,dmarc_ruf,"                        \
  "dmarc_external_reports,dmarc_unknown_tags,dmarc_removed_tags,dmarc_error,"
#define DMARC_CELLS 23

#define CHECK_COLUMNS                                                          \
  "dkim_status,dkim_probed,dkim_selectors,dkim_weakest_bits,mx_null,"          \
  "mx_all_fcrdns,mx_unresolved,mx_hosts_detail,mta_sts_status,mta_sts_id,"     \
  "tls_rpt_status,tls_rpt_rua,bimi_status,bimi_location,verdict_ready,"        \
  "verdict_failed,verdict_unknown,dkim_failed,mx_senders_fcrdns,"              \
  "mx_senders_detail"

static const char header[] =
    "line,input,input_truncated,rank,domain,status,error,started,elapsed_"
    "ms," LOOKUP_COLUMNS("txt") LOOKUP_COLUMNS("dmarc_txt") LOOKUP_COLUMNS(
        "mx") "spf_count,spf_records,dmarc_count,dmarc_records," SPF_COLUMNS
              "findings," DMARC_COLUMNS CHECK_COLUMNS "\r\n";

static int csv_open(struct mp_writer *w)
{
  LIT(w->out, header);
  return 0;
}

static size_t capped(size_t n, size_t max)
{
  return n < max ? n : max;
}

static void bool_cell(FILE *f, bool b)
{
  if (b) {
    LIT(f, "true");
  } else {
    LIT(f, "false");
  }
}

/* true, false, or empty when unknown. */
static void tri_cell(FILE *f, enum mp_tri t)
{
  if (t != MP_TRI_UNKNOWN) {
    bool_cell(f, t == MP_TRI_TRUE);
  }
}

static void uint_cell(FILE *f, uint64_t v)
{
  mp_json_uint(f, v);
}

/* Numbers print as in NDJSON; NaN and infinities become an empty cell. */
static void number_cell(FILE *f, double v)
{
  char buf[MP_JSON_FMT_MAX];

  fwrite(buf, 1, mp_json_format_number(buf, v), f);
}

static void cstr_cell(FILE *f, const char *s)
{
  if (s) {
    mp_csv_text(f, s, strlen(s));
  }
}

static void lookup_item(const void *ctx, size_t i, struct mp_csv_item *it)
{
  const struct mp_result_lookup *l = ctx;
  const struct mp_rr *rr = &l->rr[i];

  if (l->type == MP_T_MX) { /* "10 mx1.example.test" */
    size_t n = mp_json_format_uint(it->head, rr->pref);

    it->head[n] = ' ';
    it->head[n + 1] = '\0';
  }
  it->data = rr->data;
  it->len = rr->len;
}

static void picked_item(const void *ctx, size_t i, struct mp_csv_item *it)
{
  const struct mp_result_records *p = ctx;

  it->data = p->rr[i]->data;
  it->len = p->rr[i]->len;
}

static void include_item(const void *ctx, size_t i, struct mp_csv_item *it)
{
  const struct mp_result_spf *s = ctx;

  it->data = s->includes[i].p;
  it->len = s->includes[i].len;
}

/* A list whose items are "key=value", built one at a time in buf:
 * mp_csv_list() writes each item before it asks for the next. */
struct pairs {
  const struct mp_result_spf *s;
  char *buf;
  size_t size;
};

static void pair(const struct pairs *l, const char *key, const char *value,
                 struct mp_csv_item *it)
{
  int n =
      snprintf(l->buf, l->size, "%s=%s", key ? key : "", value ? value : "");

  /* Keys are an address (inet_pton-checked) or a name of at most 253
   * bytes (--spf-include), values a few letters: they fit. */
  assert(n >= 0 && (size_t)n < l->size);
  if (n < 0) {
    l->buf[0] = '\0';
  }
  it->data = l->buf;
  it->len = strnlen(l->buf, l->size);
}

static void check_item(const void *ctx, size_t i, struct mp_csv_item *it)
{
  const struct pairs *l = ctx;

  pair(l, l->s->checks[i].ip, l->s->checks[i].result, it);
}

static void target_item(const void *ctx, size_t i, struct mp_csv_item *it)
{
  const struct pairs *l = ctx;
  const char *effective = l->s->targets[i].effective;

  if (!effective) {
    effective = l->s->targets[i].unknown   ? "unknown"
                : l->s->targets[i].reached ? "shadowed"
                                           : "unreached";
  }
  pair(l, l->s->targets[i].name, effective, it);
}

static void finding_item(const void *ctx, size_t i, struct mp_csv_item *it)
{
  const struct mp_result *r = ctx;

  it->data = mp_finding_name(r->findings[i]);
  it->data = it->data ? it->data : "";
  it->len = strlen(it->data);
}

static void lookup_cells(FILE *f, const struct mp_result_lookup *l)
{
  if (!l->queried) {
    LIT(f, ",,,,,,,");
    return;
  }
  LIT(f, ",");
  fputs(mp_outcome_name(l->outcome), f);
  putc_unlocked(',', f);
  if (l->rcode >= 0) {
    uint_cell(f, (uint64_t)l->rcode);
  }
  putc_unlocked(',', f);
  uint_cell(f, l->attempts);
  putc_unlocked(',', f);
  number_cell(f, l->rtt_ms);
  putc_unlocked(',', f);
  if (l->count > 0) {
    uint32_t ttl = l->rr[0].ttl; /* the smallest, as in NDJSON */

    for (size_t i = 1; i < l->count; i++) {
      ttl = l->rr[i].ttl < ttl ? l->rr[i].ttl : ttl;
    }
    uint_cell(f, ttl);
  }
  putc_unlocked(',', f);
  uint_cell(f, l->count);
  putc_unlocked(',', f);
  mp_csv_list(f, l->count, lookup_item, l);
}

/* _count and _records of a picked set; empty when present is false (the
 * check that picks them did not run). */
static void picked_cells(FILE *f, bool present,
                         const struct mp_result_records *p)
{
  putc_unlocked(',', f);
  if (!present) {
    putc_unlocked(',', f);
    return;
  }
  uint_cell(f, p->count);
  putc_unlocked(',', f);
  mp_csv_list(f, capped(p->count, MP_PICK_MAX), picked_item, p);
}

/* A flag of the SPF tree: true when met, else unknown when a failed lookup
 * cut the walk short. */
static enum mp_tri tree_flag(const struct mp_result_spf *s, bool b)
{
  return b ? MP_TRI_TRUE : s->tree_failed ? MP_TRI_UNKNOWN : MP_TRI_FALSE;
}

/* spf_status to spf_uses_macros, each cell after its comma. */
static void spf_summary_cells(FILE *f, const struct mp_result_spf *s)
{
  putc_unlocked(',', f);
  cstr_cell(f, mp_spf_status_name(s->status));
  putc_unlocked(',', f);
  cstr_cell(f, s->reason);
  putc_unlocked(',', f);
  if (s->error_offset >= 0) {
    uint_cell(f, (uint64_t)s->error_offset);
  }
  putc_unlocked(',', f);
  uint_cell(f, s->lookups);
  putc_unlocked(',', f);
  if (!s->tree_failed) {
    uint_cell(f, s->lookups_static);
  }
  putc_unlocked(',', f);
  uint_cell(f, s->voids);
  putc_unlocked(',', f);
  if (!s->tree_failed) {
    uint_cell(f, s->depth);
  }
  putc_unlocked(',', f);
  cstr_cell(f, mp_spf_all_name(s->all));
  putc_unlocked(',', f);
  mp_csv_list(f, capped(s->nincludes, MP_SPF_INCLUDES_MAX), include_item, s);
  putc_unlocked(',', f);
  if (s->redirect.p) {
    mp_csv_text(f, s->redirect.p, s->redirect.len);
  }
  putc_unlocked(',', f);
  tri_cell(f, tree_flag(s, s->uses_ptr));
  putc_unlocked(',', f);
  tri_cell(f, tree_flag(s, s->uses_exists));
  putc_unlocked(',', f);
  tri_cell(f, tree_flag(s, s->uses_macros));
}

/* The SPF evaluation (docs/schema.md, "SPF"): empty when not run. */
static void spf_cells(FILE *f, const struct mp_result *r)
{
  const struct mp_result_spf *s = &r->spf_eval;
  char buf[MP_NAME_MAX + 32];
  struct pairs l = {.s = s, .buf = buf, .size = sizeof(buf)};

  if (!s->evaluated) {
    LIT(f, ",,,,,,,,,,,,,,,,,,,");
    return;
  }
  spf_summary_cells(f, s);
  putc_unlocked(',', f);
  if (s->counted) {
    bool_cell(f, s->exact);
    putc_unlocked(',', f);
    uint_cell(f, s->ip4_addresses);
    putc_unlocked(',', f);
    uint_cell(f, s->ip6_prefixes);
  } else {
    LIT(f, ",,");
  }
  putc_unlocked(',', f);
  if (s->record.p) {
    uint_cell(f, s->length);
  }
  putc_unlocked(',', f);
  mp_csv_list(f, capped(s->nchecks, MP_SPF_CHECKS_MAX), check_item, &l);
  putc_unlocked(',', f);
  mp_csv_list(f, capped(s->ntargets, MP_SPF_TARGETS_MAX), target_item, &l);
}

/* n empty cells, each after its comma. */
static void empty_cells(FILE *f, size_t n)
{
  for (size_t i = 0; i < n; i++) {
    putc_unlocked(',', f);
  }
}

static void slice_cell(FILE *f, struct mp_slice s)
{
  if (s.p) {
    mp_csv_text(f, s.p, s.len);
  }
}

/* A tag value of one letter (adkim=s, psd=y), empty when absent. */
static void letter_cell(FILE *f, char c)
{
  if (c != 0) {
    mp_csv_text(f, &c, 1);
  }
}

/* A list cell of the first n of an array of slices. */
struct slices {
  const struct mp_slice *s;
};

static void slice_item(const void *ctx, size_t i, struct mp_csv_item *it)
{
  const struct slices *l = ctx;

  it->data = l->s[i].p;
  it->len = l->s[i].p ? l->s[i].len : 0;
}

static void slices_cell(FILE *f, const struct mp_slice *s, size_t n)
{
  struct slices l = {.s = s};

  mp_csv_list(f, n, slice_item, &l);
}

static void uri_item(const void *ctx, size_t i, struct mp_csv_item *it)
{
  const struct mp_result_report_dest *d = ctx;

  it->data = d[i].uri.p;
  it->len = d[i].uri.p ? d[i].uri.len : 0;
}

/* dmarc_external_reports: each external destination domain of rua and ruf
 * once, first seen first, with the result of its authorization check. */
struct externals {
  size_t n;
  const struct mp_result_report_dest *d[2 * MP_DMARC_URIS_MAX];
  char *buf; /* one item at a time, as in struct pairs */
  size_t size;
};

static void add_external(struct externals *x,
                         const struct mp_result_report_dest *d)
{
  if (!d->external || !d->domain) {
    return;
  }
  for (size_t i = 0; i < x->n; i++) {
    if (strcmp(x->d[i]->domain, d->domain) == 0) {
      return;
    }
  }
  x->d[x->n++] = d;
}

static void external_item(const void *ctx, size_t i, struct mp_csv_item *it)
{
  const struct externals *x = ctx;
  const char *auth = x->d[i]->authorization;
  /* The precisions bound the item: it always fits. */
  int n = snprintf(x->buf, x->size, "%.253s=%.16s", x->d[i]->domain,
                   auth ? auth : "");

  assert(n >= 0 && (size_t)n < x->size);
  it->data = x->buf;
  it->len = n > 0 ? strnlen(x->buf, x->size) : 0;
}

/* dmarc_p to dmarc_effective_policy, each cell after its comma. */
static void dmarc_tag_cells(FILE *f, const struct mp_result_dmarc *d)
{
  putc_unlocked(',', f);
  cstr_cell(f, d->p);
  putc_unlocked(',', f);
  cstr_cell(f, d->sp);
  putc_unlocked(',', f);
  cstr_cell(f, d->np);
  putc_unlocked(',', f);
  if (d->pct >= 0) {
    uint_cell(f, (uint64_t)d->pct);
  }
  putc_unlocked(',', f);
  letter_cell(f, d->adkim);
  putc_unlocked(',', f);
  letter_cell(f, d->aspf);
  putc_unlocked(',', f);
  letter_cell(f, d->psd);
  putc_unlocked(',', f);
  letter_cell(f, d->testing);
  putc_unlocked(',', f);
  cstr_cell(f, d->effective_policy);
}

/* The DMARC discovery (docs/schema.md, "DMARC"): empty when not run. */
static void dmarc_cells(FILE *f, const struct mp_result_dmarc *d)
{
  char buf[MP_NAME_MAX + 32];
  struct externals x = {.n = 0, .buf = buf, .size = sizeof(buf)};
  size_t nrua = capped(d->nrua, MP_DMARC_URIS_MAX);
  size_t nruf = capped(d->nruf, MP_DMARC_URIS_MAX);

  if (!d->evaluated) {
    empty_cells(f, DMARC_CELLS);
    return;
  }
  putc_unlocked(',', f);
  cstr_cell(f, d->status);
  putc_unlocked(',', f);
  cstr_cell(f, d->found_at);
  putc_unlocked(',', f);
  cstr_cell(f, d->method);
  putc_unlocked(',', f);
  cstr_cell(f, d->policy_domain);
  putc_unlocked(',', f);
  slice_cell(f, d->record);
  putc_unlocked(',', f);
  cstr_cell(f, d->org_psl);
  putc_unlocked(',', f);
  cstr_cell(f, d->org_tree_walk);
  putc_unlocked(',', f);
  tri_cell(f, d->methods_disagree);
  dmarc_tag_cells(f, d);
  putc_unlocked(',', f);
  mp_csv_list(f, nrua, uri_item, d->rua);
  putc_unlocked(',', f);
  mp_csv_list(f, nruf, uri_item, d->ruf);
  for (size_t i = 0; i < nrua + nruf; i++) {
    add_external(&x, i < nrua ? &d->rua[i] : &d->ruf[i - nrua]);
  }
  putc_unlocked(',', f);
  mp_csv_list(f, x.n, external_item, &x);
  putc_unlocked(',', f);
  slices_cell(f, d->unknown, capped(d->nunknown, MP_DMARC_TAGS_MAX));
  putc_unlocked(',', f);
  slices_cell(f, d->removed, capped(d->nremoved, MP_DMARC_TAGS_MAX));
  putc_unlocked(',', f);
  cstr_cell(f, d->error);
}

/* dkim_selectors: "selector:type:bits" then the flags that apply, in this
 * order: ":revoked", ":testing", ":error=<code>" ("s1:rsa:1024:testing"). */
struct built {
  const void *src;
  char *buf;
  size_t size;
};

static void dkim_item(const void *ctx, size_t i, struct mp_csv_item *it)
{
  const struct built *l = ctx;
  const struct mp_result_dkim_key *k =
      &((const struct mp_result_dkim *)l->src)->found[i];
  int n = snprintf(l->buf, l->size, "%.253s:%.64s:%u%s%s%s%.64s",
                   k->selector ? k->selector : "",
                   k->key_type ? k->key_type : "", k->bits,
                   k->revoked ? ":revoked" : "", k->testing ? ":testing" : "",
                   k->error ? ":error=" : "", k->error ? k->error : "");

  assert(n >= 0 && (size_t)n < l->size);
  it->data = l->buf;
  it->len = n > 0 ? strnlen(l->buf, l->size) : 0;
}

static void dkim_cells(FILE *f, const struct mp_result_dkim *d)
{
  char buf[512];
  struct built l = {.src = d, .buf = buf, .size = sizeof(buf)};

  if (!d->evaluated) {
    empty_cells(f, 4);
    return;
  }
  putc_unlocked(',', f);
  cstr_cell(f, d->status);
  putc_unlocked(',', f);
  uint_cell(f, d->probed);
  putc_unlocked(',', f);
  mp_csv_list(f, capped(d->nfound, MP_DKIM_FOUND_MAX), dkim_item, &l);
  putc_unlocked(',', f);
  if (d->weakest_bits > 0) {
    uint_cell(f, d->weakest_bits);
  }
}

/* Text built piece by piece. Every piece is cut at its own bound first and
 * the buffer holds the sum of the bounds, so the text is never cut. */
struct line {
  char *buf;
  size_t size, len;
};

static void add(struct line *t, const char *s, size_t max)
{
  size_t n = s ? strnlen(s, max) : 0;

  assert(t->len + n < t->size);
  if (n == 0 || t->len + n >= t->size) {
    return;
  }
  memcpy(t->buf + t->len, s, n);
  t->len += n;
  t->buf[t->len] = '\0';
}

/* " address>ptr[state]": state is fcrdns, nofcrdns (a PTR name that does
 * not resolve back to the address), noptr (none: NXDOMAIN or no data), the
 * outcome of a PTR lookup that failed (timeout, servfail, ...), or
 * forward=<outcome> when a forward lookup of the PTR name failed and the
 * confirmation is unknown; ",generic" follows for a generic-looking PTR
 * name. */
static void add_address(struct line *t, const struct mp_result_mx_addr *a)
{
  const char *state = a->fcrdns == MP_TRI_TRUE ? "fcrdns" : "nofcrdns";

  if (!a->ptr) {
    state = a->fcrdns == MP_TRI_UNKNOWN && a->ptr_outcome ? a->ptr_outcome
                                                          : "noptr";
  }
  add(t, " ", 1);
  add(t, a->addr, 64);
  add(t, ">", 1);
  add(t, a->ptr, MP_NAME_TEXT_MAX);
  add(t, "[", 1);
  if (a->ptr && a->fcrdns == MP_TRI_UNKNOWN) {
    add(t, "forward=", 8);
    state = a->forward_outcome;
  }
  add(t, state, 16);
  if (a->generic) {
    add(t, ",generic", 8);
  }
  add(t, "]", 1);
}

/* " a=<outcome>" for an address lookup of a host that failed. */
static void add_failed(struct line *t, const char *what, enum mp_outcome o)
{
  if (mp_outcome_failed(o)) {
    add(t, what, 6);
    add(t, mp_outcome_name(o), 16);
  }
}

/* mx_hosts_detail: "preference host" then " cname=target", " literal",
 * " unresolved", " a=<outcome>", " aaaa=<outcome>" when they apply, then
 * each address examined
 * ("10 mx1.example.com 192.0.2.10>mx1.example.com[fcrdns]"). */
static void mx_item(const void *ctx, size_t i, struct mp_csv_item *it)
{
  const struct built *l = ctx;
  const struct mp_result_mx_host *h =
      &((const struct mp_result_mx_check *)l->src)->hosts[i];
  struct line t = {.buf = l->buf, .size = l->size, .len = 0};
  char num[MP_JSON_FMT_MAX];

  l->buf[0] = '\0';
  mp_json_format_uint(num, h->preference);
  add(&t, num, 5);
  add(&t, " ", 1);
  add(&t, h->host, MP_NAME_TEXT_MAX);
  if (h->host && !h->host[0]) { /* "0 ." among others: not examined */
    it->data = t.buf;
    it->len = t.len;
    return;
  }
  if (h->cname) {
    add(&t, " cname=", 7);
    add(&t, h->cname, MP_NAME_TEXT_MAX);
  }
  if (h->ip_literal) {
    add(&t, " literal", 8);
  } else if (h->resolves == MP_TRI_FALSE) {
    add(&t, " unresolved", 11);
  }
  add_failed(&t, " a=", h->a_outcome);
  add_failed(&t, " aaaa=", h->aaaa_outcome);
  for (size_t k = 0; k < capped(h->naddrs, MP_MX_ADDRS_MAX); k++) {
    add_address(&t, &h->addrs[k]);
  }
  it->data = t.buf;
  it->len = t.len;
}

static void mx_cells(FILE *f, const struct mp_result_mx_check *m)
{
  /* 2 names, 4 addresses with a PTR name each, and the small pieces;
   * names from DNS are name text, where an octet may take 4 characters */
  char buf[(2 + MP_MX_ADDRS_MAX) * (MP_NAME_TEXT_MAX + 128)];
  struct built l = {.src = m, .buf = buf, .size = sizeof(buf)};

  if (!m->evaluated) {
    empty_cells(f, 4);
    return;
  }
  putc_unlocked(',', f);
  bool_cell(f, m->null_mx);
  putc_unlocked(',', f);
  tri_cell(f, m->all_fcrdns);
  putc_unlocked(',', f);
  uint_cell(f, m->unresolved);
  putc_unlocked(',', f);
  mp_csv_list(f, capped(m->nhosts, MP_MX_HOSTS_MAX), mx_item, &l);
}

/* status and the one field of interest of MTA-STS, TLS-RPT or BIMI. */
static void policy_cells(FILE *f, const struct mp_result_policy *p)
{
  if (!p->evaluated) {
    empty_cells(f, 2);
    return;
  }
  putc_unlocked(',', f);
  cstr_cell(f, p->status);
  putc_unlocked(',', f);
  slice_cell(f, p->field1);
}

static void code_item(const void *ctx, size_t i, struct mp_csv_item *it)
{
  const char *const *list = ctx;

  it->data = list[i] ? list[i] : "";
  it->len = strlen(it->data);
}

/* verdict_ready (empty when unknown), verdict_failed, verdict_unknown. */
static void verdict_cells(FILE *f, const struct mp_result_verdict *v)
{
  size_t max = sizeof(v->failed) / sizeof(v->failed[0]);

  if (!v->evaluated) {
    empty_cells(f, 3);
    return;
  }
  putc_unlocked(',', f);
  tri_cell(f, v->ready);
  putc_unlocked(',', f);
  mp_csv_list(f, capped(v->nfailed, max), code_item, v->failed);
  putc_unlocked(',', f);
  mp_csv_list(f, capped(v->nunknown, max), code_item, v->unknown);
}

/* dkim_failed: "selector=outcome" per probe that failed ("s1=timeout"). */
static void dkim_failed_item(const void *ctx, size_t i, struct mp_csv_item *it)
{
  const struct built *l = ctx;
  const struct mp_result_dkim *d = l->src;
  int n = snprintf(l->buf, l->size, "%.253s=%s",
                   d->failed[i].selector ? d->failed[i].selector : "",
                   mp_outcome_name(d->failed[i].outcome));

  assert(n >= 0 && (size_t)n < l->size);
  it->data = l->buf;
  it->len = n > 0 ? strnlen(l->buf, l->size) : 0;
}

/* Appended after the verdict: columns are only ever added at the end. */
static void dkim_failed_cell(FILE *f, const struct mp_result_dkim *d)
{
  char buf[MP_NAME_MAX + 32];
  struct built l = {.src = d, .buf = buf, .size = sizeof(buf)};

  putc_unlocked(',', f);
  if (d->evaluated) {
    mp_csv_list(f, capped(d->nfailed, MP_DKIM_FAILED_MAX), dkim_failed_item,
                &l);
  }
}

/* mx_senders_detail: "address>ptr[state]" per --spf-ip address, as the
 * addresses of mx_hosts_detail. */
static void sender_item(const void *ctx, size_t i, struct mp_csv_item *it)
{
  const struct built *l = ctx;
  const struct mp_result_mx_check *m = l->src;
  struct line t = {.buf = l->buf, .size = l->size, .len = 0};

  l->buf[0] = '\0';
  add_address(&t, &m->senders[i]);
  it->data = t.buf + 1; /* without the space that separates it in a host */
  it->len = t.len - 1;
}

/* mx_senders_fcrdns and mx_senders_detail, empty without --spf-ip. */
static void senders_cells(FILE *f, const struct mp_result_mx_check *m)
{
  char buf[MP_NAME_MAX + 128];
  struct built l = {.src = m, .buf = buf, .size = sizeof(buf)};

  if (!m->evaluated || m->nsenders == 0) {
    empty_cells(f, 2);
    return;
  }
  putc_unlocked(',', f);
  tri_cell(f, m->senders_fcrdns);
  putc_unlocked(',', f);
  mp_csv_list(f, capped(m->nsenders, MP_SPF_CHECKS_MAX), sender_item, &l);
}

static int csv_write(struct mp_writer *w, const struct mp_result *r)
{
  FILE *f = w->out;
  char buf[MP_JSON_FMT_MAX];

  uint_cell(f, r->line);
  putc_unlocked(',', f);
  mp_csv_text(f, r->input, r->input_len);
  putc_unlocked(',', f);
  bool_cell(f, r->input_truncated);
  putc_unlocked(',', f);
  if (r->rank >= 0) {
    uint_cell(f, (uint64_t)r->rank);
  }
  putc_unlocked(',', f);
  cstr_cell(f, r->domain);
  putc_unlocked(',', f);
  fputs(mp_status_name(r->status), f);
  putc_unlocked(',', f);
  cstr_cell(f, r->error);
  putc_unlocked(',', f);
  fwrite(buf, 1, mp_json_format_time(buf, r->started_us), f);
  putc_unlocked(',', f);
  number_cell(f, r->elapsed_ms);
  lookup_cells(f, &r->txt);
  lookup_cells(f, &r->dmarc_txt);
  lookup_cells(f, &r->mx);
  picked_cells(f, r->spf_eval.evaluated, &r->spf);
  picked_cells(f, r->dmarc_txt.queried, &r->dmarc);
  spf_cells(f, r);
  putc_unlocked(',', f);
  mp_csv_list(f, capped(r->nfindings, MP_FINDINGS_MAX), finding_item, r);
  dmarc_cells(f, &r->dmarc_eval);
  dkim_cells(f, &r->dkim);
  mx_cells(f, &r->mx_check);
  policy_cells(f, &r->mta_sts);
  policy_cells(f, &r->tls_rpt);
  policy_cells(f, &r->bimi);
  verdict_cells(f, &r->verdict);
  dkim_failed_cell(f, &r->dkim);
  senders_cells(f, &r->mx_check);
  LIT(f, "\r\n");
  return 0;
}

const struct mp_writer_ops mp_writer_csv = {
    .name = "csv",
    .open = csv_open,
    .write = csv_write,
    .close = NULL, /* mp_writer_close() flushes */
};
