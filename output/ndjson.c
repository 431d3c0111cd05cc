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

static void picked(FILE *f, const struct mp_result *r,
                   const struct mp_result_records *p)
{
  size_t n = p->count < MP_PICK_MAX ? p->count : MP_PICK_MAX;

  if (r->status == MP_STATUS_INVALID_NAME) {
    LIT(f, "null");
    return;
  }
  LIT(f, "{\"count\":");
  mp_json_uint(f, p->count);
  LIT(f, ",\"records\":[");
  for (size_t i = 0; i < n; i++) {
    if (i > 0) {
      putc_unlocked(',', f);
    }
    mp_json_string(f, p->rr[i]->data, p->rr[i]->len);
  }
  LIT(f, "]}");
}

static int ndjson_write(struct mp_writer *w, const struct mp_result *r)
{
  FILE *f = w->out;

  LIT(f, "{\"line\":");
  mp_json_uint(f, r->line);
  LIT(f, ",\"input\":");
  mp_json_string(f, r->input, r->input_len);
  LIT(f, ",\"input_truncated\":");
  if (r->input_truncated) {
    LIT(f, "true");
  } else {
    LIT(f, "false");
  }
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
  picked(f, r, &r->spf);
  LIT(f, ",\"dmarc\":");
  picked(f, r, &r->dmarc);
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
