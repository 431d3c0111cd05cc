/* NDJSON rows: one JSON object per line, keys in a fixed order
 * (docs/schema.md, "NDJSON fields"). */
#include "output/writer.h"

#include <assert.h>

#include "output/json.h"

/* A string literal without its NUL. */
#define LIT(f, s) fwrite((s), 1, sizeof(s) - 1, (f))

static void records_array(FILE *f, const struct mp_result_lookup *l)
{
  putc_unlocked('[', f);
  for (size_t i = 0; i < l->count; i++) {
    const struct mp_rr *rr = &l->rr[i];

    if (i > 0) {
      putc_unlocked(',', f);
    }
    if (l->type == MP_T_MX) {
      LIT(f, "{\"preference\":");
      mp_json_uint(f, rr->pref);
      LIT(f, ",\"host\":");
      mp_json_string(f, rr->data, rr->len);
      putc_unlocked('}', f);
    } else {
      /* TXT: the joined character-strings, any byte (RFC 7208 3.3). */
      mp_json_string(f, rr->data, rr->len);
    }
  }
  putc_unlocked(']', f);
}

static void lookup(FILE *f, const struct mp_result_lookup *l)
{
  const char *type;

  if (!l->queried) {
    LIT(f, "null");
    return;
  }
  assert(l->name && (l->count == 0 || l->rr));
  LIT(f, "{\"name\":");
  mp_json_cstr(f, l->name ? l->name : "");
  LIT(f, ",\"type\":");
  type = mp_type_name(l->type);
  if (type) {
    mp_json_cstr(f, type);
  } else { /* RFC 3597 section 5 spelling of an unknown type */
    LIT(f, "\"TYPE");
    mp_json_uint(f, l->type);
    putc_unlocked('"', f);
  }
  LIT(f, ",\"outcome\":");
  mp_json_cstr(f, mp_outcome_name(l->outcome));
  LIT(f, ",\"rcode\":");
  if (l->rcode < 0) {
    LIT(f, "null");
  } else {
    mp_json_int(f, l->rcode);
  }
  LIT(f, ",\"attempts\":");
  mp_json_uint(f, l->attempts);
  LIT(f, ",\"rtt_ms\":");
  mp_json_number(f, l->rtt_ms);
  LIT(f, ",\"ttl\":");
  if (l->count == 0) {
    LIT(f, "null");
  } else {
    /* The RRset's TTL as a cache would use it: the smallest. */
    uint32_t ttl = l->rr[0].ttl;

    for (size_t i = 1; i < l->count; i++) {
      ttl = l->rr[i].ttl < ttl ? l->rr[i].ttl : ttl;
    }
    mp_json_uint(f, ttl);
  }
  LIT(f, ",\"cname\":");
  mp_json_cstr(f, l->cname);
  LIT(f, ",\"records\":");
  records_array(f, l);
  putc_unlocked('}', f);
}

static size_t capped(size_t n, size_t max)
{
  return n < max ? n : max;
}

static void boolean(FILE *f, bool b)
{
  if (b) {
    LIT(f, "true");
  } else {
    LIT(f, "false");
  }
}

/* true, false, or null when unknown. */
static void tri(FILE *f, enum mp_tri t)
{
  if (t == MP_TRI_UNKNOWN) {
    LIT(f, "null");
  } else {
    boolean(f, t == MP_TRI_TRUE);
  }
}

/* A piece of a record, or null when there is none (p NULL). */
static void slice(FILE *f, struct mp_slice s)
{
  if (!s.p) {
    LIT(f, "null");
    return;
  }
  mp_json_string(f, s.p, s.len);
}

/* "count" and "records" of a picked set, without the braces. */
static void picked_members(FILE *f, const struct mp_result_records *p)
{
  size_t n = capped(p->count, MP_PICK_MAX);

  LIT(f, "\"count\":");
  mp_json_uint(f, p->count);
  LIT(f, ",\"records\":[");
  for (size_t i = 0; i < n; i++) {
    if (i > 0) {
      putc_unlocked(',', f);
    }
    mp_json_string(f, p->rr[i]->data, p->rr[i]->len);
  }
  putc_unlocked(']', f);
}

static void spf_includes(FILE *f, const struct mp_result_spf *s)
{
  size_t n = capped(s->nincludes, MP_SPF_INCLUDES_MAX);

  LIT(f, ",\"includes\":[");
  for (size_t i = 0; i < n; i++) {
    if (i > 0) {
      putc_unlocked(',', f);
    }
    slice(f, s->includes[i]);
  }
  LIT(f, "],\"includes_total\":");
  mp_json_uint(f, s->nincludes);
}

/* The flattened address counts, null when they are not known. */
static void spf_counts(FILE *f, const struct mp_result_spf *s)
{
  if (!s->counted) {
    LIT(f, ",\"exact\":null,\"ip4_addresses\":null,\"ip6_prefixes\":null");
    return;
  }
  LIT(f, ",\"exact\":");
  boolean(f, s->exact);
  LIT(f, ",\"ip4_addresses\":");
  mp_json_uint(f, s->ip4_addresses);
  LIT(f, ",\"ip6_prefixes\":"); /* up to 2^64 - 1: beyond int64 */
  mp_json_uint(f, s->ip6_prefixes);
}

/* --spf-ip and --spf-include results. */
static void spf_checks(FILE *f, const struct mp_result_spf *s)
{
  size_t n = capped(s->nchecks, MP_SPF_CHECKS_MAX);

  LIT(f, ",\"checks\":[");
  for (size_t i = 0; i < n; i++) {
    if (i > 0) {
      putc_unlocked(',', f);
    }
    LIT(f, "{\"ip\":");
    mp_json_cstr(f, s->checks[i].ip ? s->checks[i].ip : "");
    LIT(f, ",\"result\":");
    mp_json_cstr(f, s->checks[i].result);
    LIT(f, ",\"reason\":");
    mp_json_cstr(f, s->checks[i].reason);
    putc_unlocked('}', f);
  }
  n = capped(s->ntargets, MP_SPF_TARGETS_MAX);
  LIT(f, "],\"include_checks\":[");
  for (size_t i = 0; i < n; i++) {
    if (i > 0) {
      putc_unlocked(',', f);
    }
    LIT(f, "{\"name\":");
    mp_json_cstr(f, s->targets[i].name ? s->targets[i].name : "");
    LIT(f, ",\"reached\":");
    if (s->targets[i].unknown) {
      LIT(f, "null");
    } else {
      boolean(f, s->targets[i].reached);
    }
    LIT(f, ",\"effective\":");
    mp_json_cstr(f, s->targets[i].effective);
    putc_unlocked('}', f);
  }
  putc_unlocked(']', f);
}

/* A count over the whole tree: null when a failed lookup cut the walk
 * short (docs/schema.md, "How failures show"). */
static void tree_count(FILE *f, const struct mp_result_spf *s, unsigned n)
{
  if (s->tree_failed) {
    LIT(f, "null");
  } else {
    mp_json_uint(f, n);
  }
}

/* A flag of the tree: true when met, else null when a failed lookup cut
 * the walk short. */
static void tree_flag(FILE *f, const struct mp_result_spf *s, bool b)
{
  tri(f, b ? MP_TRI_TRUE : s->tree_failed ? MP_TRI_UNKNOWN : MP_TRI_FALSE);
}

/* The v=spf1 records and their evaluation (docs/schema.md, "SPF"); null
 * when the SPF check did not run (invalid name, --checks). */
static void spf(FILE *f, const struct mp_result *r)
{
  const struct mp_result_spf *s = &r->spf_eval;

  if (!s->evaluated) {
    LIT(f, "null");
    return;
  }
  putc_unlocked('{', f);
  picked_members(f, &r->spf);
  LIT(f, ",\"status\":");
  mp_json_cstr(f, mp_spf_status_name(s->status));
  LIT(f, ",\"reason\":");
  mp_json_cstr(f, s->reason);
  LIT(f, ",\"error_offset\":");
  if (s->error_offset < 0) {
    LIT(f, "null");
  } else {
    mp_json_int(f, s->error_offset);
  }
  LIT(f, ",\"error_record\":");
  slice(f, s->error_record);
  LIT(f, ",\"record\":");
  slice(f, s->record);
  LIT(f, ",\"lookups\":");
  mp_json_uint(f, s->lookups);
  LIT(f, ",\"lookups_static\":");
  tree_count(f, s, s->lookups_static);
  LIT(f, ",\"voids\":");
  mp_json_uint(f, s->voids);
  LIT(f, ",\"depth\":");
  tree_count(f, s, s->depth);
  LIT(f, ",\"all\":");
  mp_json_cstr(f, mp_spf_all_name(s->all));
  spf_includes(f, s);
  LIT(f, ",\"redirect\":");
  slice(f, s->redirect);
  LIT(f, ",\"uses_ptr\":");
  tree_flag(f, s, s->uses_ptr);
  LIT(f, ",\"uses_exists\":");
  tree_flag(f, s, s->uses_exists);
  LIT(f, ",\"uses_macros\":");
  tree_flag(f, s, s->uses_macros);
  spf_counts(f, s);
  LIT(f, ",\"length\":");
  if (s->record.p) {
    mp_json_uint(f, s->length);
  } else {
    LIT(f, "null");
  }
  spf_checks(f, s);
  putc_unlocked('}', f);
}

/* A tag value of one letter (adkim=s, psd=y, t=n), or null when absent. */
static void letter(FILE *f, char c)
{
  if (c == 0) {
    LIT(f, "null");
    return;
  }
  mp_json_string(f, &c, 1);
}

/* A piece of text that is always there ("" if the scanner left it out). */
static void text(FILE *f, struct mp_slice s)
{
  mp_json_string(f, s.p ? s.p : "", s.p ? s.len : 0);
}

static void text_array(FILE *f, const struct mp_slice *s, size_t n)
{
  putc_unlocked('[', f);
  for (size_t i = 0; i < n; i++) {
    if (i > 0) {
      putc_unlocked(',', f);
    }
    text(f, s[i]);
  }
  putc_unlocked(']', f);
}

/* A count where 0 means unknown (key sizes). */
static void uint_or_null(FILE *f, unsigned v)
{
  if (v == 0) {
    LIT(f, "null");
    return;
  }
  mp_json_uint(f, v);
}

/* p to t and the policy they give (RFC 7489 section 6.3, RFC 9989). */
static void dmarc_tags(FILE *f, const struct mp_result_dmarc *d)
{
  LIT(f, ",\"p\":");
  mp_json_cstr(f, d->p);
  LIT(f, ",\"sp\":");
  mp_json_cstr(f, d->sp);
  LIT(f, ",\"np\":");
  mp_json_cstr(f, d->np);
  LIT(f, ",\"pct\":");
  if (d->pct < 0) {
    LIT(f, "null");
  } else {
    mp_json_int(f, d->pct);
  }
  LIT(f, ",\"adkim\":");
  letter(f, d->adkim);
  LIT(f, ",\"aspf\":");
  letter(f, d->aspf);
  LIT(f, ",\"fo\":");
  slice(f, d->fo);
  LIT(f, ",\"psd\":");
  letter(f, d->psd);
  LIT(f, ",\"t\":");
  letter(f, d->testing);
  LIT(f, ",\"effective_policy\":");
  mp_json_cstr(f, d->effective_policy);
}

/* rua= or ruf= destinations (RFC 7489 section 7.1). */
static void report_dests(FILE *f, const struct mp_result_report_dest *d,
                         size_t n)
{
  putc_unlocked('[', f);
  for (size_t i = 0; i < capped(n, MP_DMARC_URIS_MAX); i++) {
    if (i > 0) {
      putc_unlocked(',', f);
    }
    LIT(f, "{\"uri\":");
    text(f, d[i].uri);
    LIT(f, ",\"domain\":");
    mp_json_cstr(f, d[i].domain);
    LIT(f, ",\"external\":");
    boolean(f, d[i].external);
    LIT(f, ",\"authorization\":");
    mp_json_cstr(f, d[i].authorization);
    putc_unlocked('}', f);
  }
  putc_unlocked(']', f);
}

/* The members the DMARC discovery adds after "records", in order; all null
 * when it was not run for the row (--checks). */
static const char *const dmarc_keys[] = {"status",
                                         "found_at",
                                         "method",
                                         "policy_domain",
                                         "record",
                                         "org_psl",
                                         "org_tree_walk",
                                         "methods_disagree",
                                         "walk_queries",
                                         "p",
                                         "sp",
                                         "np",
                                         "pct",
                                         "adkim",
                                         "aspf",
                                         "fo",
                                         "psd",
                                         "t",
                                         "effective_policy",
                                         "rua",
                                         "ruf",
                                         "unknown_tags",
                                         "removed_tags",
                                         "error"};

/* Where the policy was found and the tags of its record (docs/schema.md,
 * "DMARC"). */
static void dmarc_eval(FILE *f, const struct mp_result_dmarc *d)
{
  if (!d->evaluated) {
    for (size_t i = 0; i < sizeof(dmarc_keys) / sizeof(dmarc_keys[0]); i++) {
      LIT(f, ",\"");
      fputs(dmarc_keys[i], f);
      LIT(f, "\":null");
    }
    return;
  }
  LIT(f, ",\"status\":");
  mp_json_cstr(f, d->status);
  LIT(f, ",\"found_at\":");
  mp_json_cstr(f, d->found_at);
  LIT(f, ",\"method\":");
  mp_json_cstr(f, d->method);
  LIT(f, ",\"policy_domain\":");
  mp_json_cstr(f, d->policy_domain);
  LIT(f, ",\"record\":");
  slice(f, d->record);
  LIT(f, ",\"org_psl\":");
  mp_json_cstr(f, d->org_psl);
  LIT(f, ",\"org_tree_walk\":");
  mp_json_cstr(f, d->org_tree_walk);
  LIT(f, ",\"methods_disagree\":");
  tri(f, d->methods_disagree);
  LIT(f, ",\"walk_queries\":");
  if (d->walk_failed) {
    LIT(f, "null");
  } else {
    mp_json_uint(f, d->walk_queries);
  }
  dmarc_tags(f, d);
  LIT(f, ",\"rua\":");
  report_dests(f, d->rua, d->nrua);
  LIT(f, ",\"ruf\":");
  report_dests(f, d->ruf, d->nruf);
  LIT(f, ",\"unknown_tags\":");
  text_array(f, d->unknown, capped(d->nunknown, MP_DMARC_TAGS_MAX));
  LIT(f, ",\"removed_tags\":");
  text_array(f, d->removed, capped(d->nremoved, MP_DMARC_TAGS_MAX));
  LIT(f, ",\"error\":");
  mp_json_cstr(f, d->error);
}

/* The v=DMARC1 records and the discovery; null when the _dmarc lookup was
 * not made (invalid name, --checks without dmarc). */
static void dmarc(FILE *f, const struct mp_result *r)
{
  if (!r->dmarc_txt.queried) {
    LIT(f, "null");
    return;
  }
  putc_unlocked('{', f);
  picked_members(f, &r->dmarc);
  dmarc_eval(f, &r->dmarc_eval);
  putc_unlocked('}', f);
}

static void dkim(FILE *f, const struct mp_result_dkim *d)
{
  if (!d->evaluated) {
    LIT(f, "null");
    return;
  }
  LIT(f, "{\"status\":");
  mp_json_cstr(f, d->status);
  LIT(f, ",\"probed\":");
  mp_json_uint(f, d->probed);
  LIT(f, ",\"found\":[");
  for (size_t i = 0; i < capped(d->nfound, MP_DKIM_FOUND_MAX); i++) {
    const struct mp_result_dkim_key *k = &d->found[i];

    if (i > 0) {
      putc_unlocked(',', f);
    }
    LIT(f, "{\"selector\":");
    mp_json_cstr(f, k->selector ? k->selector : "");
    LIT(f, ",\"cname\":");
    mp_json_cstr(f, k->cname);
    LIT(f, ",\"key_type\":");
    mp_json_cstr(f, k->key_type);
    LIT(f, ",\"bits\":");
    uint_or_null(f, k->bits);
    LIT(f, ",\"revoked\":");
    boolean(f, k->revoked);
    LIT(f, ",\"testing\":");
    boolean(f, k->testing);
    LIT(f, ",\"error\":");
    mp_json_cstr(f, k->error);
    LIT(f, ",\"record\":");
    text(f, k->record);
    putc_unlocked('}', f);
  }
  LIT(f, "],\"weakest_bits\":");
  uint_or_null(f, d->weakest_bits);
  LIT(f, ",\"failed\":[");
  for (size_t i = 0; i < capped(d->nfailed, MP_DKIM_FAILED_MAX); i++) {
    if (i > 0) {
      putc_unlocked(',', f);
    }
    LIT(f, "{\"selector\":");
    mp_json_cstr(f, d->failed[i].selector ? d->failed[i].selector : "");
    LIT(f, ",\"outcome\":");
    mp_json_cstr(f, mp_outcome_name(d->failed[i].outcome));
    putc_unlocked('}', f);
  }
  LIT(f, "]}");
}

/* An array of addresses and their reverse DNS. */
static void mx_addresses(FILE *f, const struct mp_result_mx_addr *list,
                         size_t n)
{
  putc_unlocked('[', f);
  for (size_t i = 0; i < n; i++) {
    const struct mp_result_mx_addr *a = &list[i];

    if (i > 0) {
      putc_unlocked(',', f);
    }
    LIT(f, "{\"address\":");
    mp_json_cstr(f, a->addr ? a->addr : "");
    LIT(f, ",\"ptr\":");
    mp_json_cstr(f, a->ptr);
    LIT(f, ",\"ptr_outcome\":");
    mp_json_cstr(f, a->ptr_outcome);
    LIT(f, ",\"fcrdns\":");
    tri(f, a->fcrdns);
    LIT(f, ",\"forward_outcome\":");
    mp_json_cstr(f, a->forward_outcome);
    LIT(f, ",\"generic\":");
    boolean(f, a->generic);
    putc_unlocked('}', f);
  }
  putc_unlocked(']', f);
}

/* The MX hosts and the reverse DNS of their addresses. */
static void mx_hosts(FILE *f, const struct mp_result_mx_check *m)
{
  if (!m->evaluated) {
    LIT(f, "null");
    return;
  }
  LIT(f, "{\"null_mx\":");
  boolean(f, m->null_mx);
  LIT(f, ",\"all_fcrdns\":");
  tri(f, m->all_fcrdns);
  LIT(f, ",\"unresolved\":");
  mp_json_uint(f, m->unresolved);
  LIT(f, ",\"hosts\":[");
  for (size_t i = 0; i < capped(m->nhosts, MP_MX_HOSTS_MAX); i++) {
    const struct mp_result_mx_host *h = &m->hosts[i];
    /* no A/AAAA lookup for an address literal, nor for a null MX record
     * among others */
    bool looked_up = !h->ip_literal && h->host && h->host[0];

    if (i > 0) {
      putc_unlocked(',', f);
    }
    LIT(f, "{\"preference\":");
    mp_json_uint(f, h->preference);
    LIT(f, ",\"host\":");
    mp_json_cstr(f, h->host ? h->host : "");
    LIT(f, ",\"ip_literal\":");
    boolean(f, h->ip_literal);
    LIT(f, ",\"cname\":");
    mp_json_cstr(f, h->cname);
    LIT(f, ",\"resolves\":");
    tri(f, h->resolves);
    LIT(f, ",\"a_outcome\":");
    mp_json_cstr(f, looked_up ? mp_outcome_name(h->a_outcome) : NULL);
    LIT(f, ",\"aaaa_outcome\":");
    mp_json_cstr(f, looked_up ? mp_outcome_name(h->aaaa_outcome) : NULL);
    LIT(f, ",\"addresses\":");
    mx_addresses(f, h->addrs, capped(h->naddrs, MP_MX_ADDRS_MAX));
    putc_unlocked('}', f);
  }
  LIT(f, "],\"senders\":");
  mx_addresses(f, m->senders, capped(m->nsenders, MP_SPF_CHECKS_MAX));
  LIT(f, ",\"senders_fcrdns\":");
  if (m->nsenders == 0) {
    LIT(f, "null");
  } else {
    tri(f, m->senders_fcrdns);
  }
  putc_unlocked('}', f);
}

/* MTA-STS, TLS-RPT or BIMI: status, record, the record's one or two
 * fields of interest (named key1, key2; key2 NULL for one), error. */
static void policy(FILE *f, const struct mp_result_policy *p, const char *key1,
                   const char *key2)
{
  if (!p->evaluated) {
    LIT(f, "null");
    return;
  }
  LIT(f, "{\"status\":");
  mp_json_cstr(f, p->status);
  LIT(f, ",\"record\":");
  slice(f, p->record);
  fprintf(f, ",\"%s\":", key1);
  slice(f, p->field1);
  if (key2) {
    fprintf(f, ",\"%s\":", key2);
    slice(f, p->field2);
  }
  LIT(f, ",\"error\":");
  mp_json_cstr(f, p->error);
  putc_unlocked('}', f);
}

/* An array of requirement codes, at most 8. */
static void codes(FILE *f, const char *const *list, size_t n)
{
  putc_unlocked('[', f);
  for (size_t i = 0; i < capped(n, 8); i++) {
    assert(list[i]);
    if (i > 0) {
      putc_unlocked(',', f);
    }
    mp_json_cstr(f, list[i] ? list[i] : "");
  }
  putc_unlocked(']', f);
}

static void verdict(FILE *f, const struct mp_result_verdict *v)
{
  if (!v->evaluated) {
    LIT(f, "null");
    return;
  }
  LIT(f, "{\"ready\":");
  tri(f, v->ready);
  LIT(f, ",\"failed\":");
  codes(f, v->failed, v->nfailed);
  LIT(f, ",\"unknown\":");
  codes(f, v->unknown, v->nunknown);
  putc_unlocked('}', f);
}

/* Finding codes: an array in every row, empty for an invalid name. */
static void findings(FILE *f, const struct mp_result *r)
{
  size_t n = capped(r->nfindings, MP_FINDINGS_MAX);

  LIT(f, ",\"findings\":[");
  for (size_t i = 0; i < n; i++) {
    const char *code = mp_finding_name(r->findings[i]);

    assert(code);
    if (i > 0) {
      putc_unlocked(',', f);
    }
    mp_json_cstr(f, code ? code : "");
  }
  putc_unlocked(']', f);
}

static int ndjson_write(struct mp_writer *w, const struct mp_result *r)
{
  FILE *f = w->out;

  LIT(f, "{\"line\":");
  mp_json_uint(f, r->line);
  LIT(f, ",\"input\":");
  mp_json_string(f, r->input, r->input_len);
  LIT(f, ",\"input_truncated\":");
  boolean(f, r->input_truncated);
  LIT(f, ",\"rank\":");
  if (r->rank < 0) {
    LIT(f, "null");
  } else {
    mp_json_int(f, r->rank);
  }
  LIT(f, ",\"domain\":");
  mp_json_cstr(f, r->domain);
  LIT(f, ",\"status\":");
  mp_json_cstr(f, mp_status_name(r->status));
  LIT(f, ",\"error\":");
  mp_json_cstr(f, r->error);
  LIT(f, ",\"started\":");
  mp_json_time(f, r->started_us);
  LIT(f, ",\"elapsed_ms\":");
  mp_json_number(f, r->elapsed_ms);
  LIT(f, ",\"txt\":");
  lookup(f, &r->txt);
  LIT(f, ",\"dmarc_txt\":");
  lookup(f, &r->dmarc_txt);
  LIT(f, ",\"mx\":");
  lookup(f, &r->mx);
  LIT(f, ",\"spf\":");
  spf(f, r);
  LIT(f, ",\"dmarc\":");
  dmarc(f, r);
  LIT(f, ",\"dkim\":");
  dkim(f, &r->dkim);
  LIT(f, ",\"mx_hosts\":");
  mx_hosts(f, &r->mx_check);
  LIT(f, ",\"mta_sts\":");
  policy(f, &r->mta_sts, "id", NULL);
  LIT(f, ",\"tls_rpt\":");
  policy(f, &r->tls_rpt, "rua", NULL);
  LIT(f, ",\"bimi\":");
  policy(f, &r->bimi, "location", "authority");
  LIT(f, ",\"verdict\":");
  verdict(f, &r->verdict);
  findings(f, r);
  LIT(f, "}\n");
  return 0;
}

const struct mp_writer_ops mp_writer_ndjson = {
    .name = "ndjson",
    .open = NULL,
    .write = ndjson_write,
    .close = NULL, /* mp_writer_close() flushes */
};
