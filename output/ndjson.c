/* NDJSON rows: one JSON object per line, keys in a fixed order
 * (docs/schema.md, "NDJSON fields"). */
#include "output/writer.h"

#include <assert.h>
#include <errno.h>

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

/* The all qualifier as the result it gives (RFC 7208 section 4.6.2), in
 * words as in csv.c: "+" and "-" would begin a CSV cell like a formula. */
static const char *all_name(char qualifier)
{
  switch (qualifier) {
  case '+':
    return "pass";
  case '-':
    return "fail";
  case '~':
    return "softfail";
  case '?':
    return "neutral";
  default:
    return NULL;
  }
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
    boolean(f, s->targets[i].reached);
    LIT(f, ",\"effective\":");
    mp_json_cstr(f, s->targets[i].effective);
    putc_unlocked('}', f);
  }
  putc_unlocked(']', f);
}

/* The v=spf1 records and their evaluation (docs/schema.md, "SPF"). */
static void spf(FILE *f, const struct mp_result *r)
{
  const struct mp_result_spf *s = &r->spf_eval;

  if (r->status == MP_STATUS_INVALID_NAME) {
    LIT(f, "null");
    return;
  }
  putc_unlocked('{', f);
  picked_members(f, &r->spf);
  LIT(f, ",\"status\":");
  mp_json_cstr(f, s->status);
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
  mp_json_uint(f, s->lookups_static);
  LIT(f, ",\"voids\":");
  mp_json_uint(f, s->voids);
  LIT(f, ",\"depth\":");
  mp_json_uint(f, s->depth);
  LIT(f, ",\"all\":");
  mp_json_cstr(f, all_name(s->all));
  spf_includes(f, s);
  LIT(f, ",\"redirect\":");
  slice(f, s->redirect);
  LIT(f, ",\"uses_ptr\":");
  boolean(f, s->uses_ptr);
  LIT(f, ",\"uses_exists\":");
  boolean(f, s->uses_exists);
  LIT(f, ",\"uses_macros\":");
  boolean(f, s->uses_macros);
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

static void dmarc(FILE *f, const struct mp_result *r)
{
  if (r->status == MP_STATUS_INVALID_NAME) {
    LIT(f, "null");
    return;
  }
  putc_unlocked('{', f);
  picked_members(f, &r->dmarc);
  putc_unlocked('}', f);
}

/* Finding codes: an array in every row, empty for an invalid name. */
static void findings(FILE *f, const struct mp_result *r)
{
  size_t n = capped(r->nfindings, MP_FINDINGS_MAX);

  LIT(f, ",\"findings\":[");
  for (size_t i = 0; i < n; i++) {
    assert(r->findings[i]);
    if (i > 0) {
      putc_unlocked(',', f);
    }
    mp_json_cstr(f, r->findings[i] ? r->findings[i] : "");
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
  findings(f, r);
  LIT(f, "}\n");
  return 0;
}

static int ndjson_close(struct mp_writer *w)
{
  return fflush(w->out) == 0 ? 0 : errno > 0 ? -errno : -EIO;
}

const struct mp_writer_ops mp_writer_ndjson = {
    .name = "ndjson",
    .open = NULL,
    .write = ndjson_write,
    .close = ndjson_close,
};
