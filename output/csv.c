/* CSV rows (RFC 4180: CRLF, a header line, quoted cells with "" inside).
 * The columns and their order are documented in docs/schema.md, "CSV
 * columns", and checked by tests/output/test_schema.c. */
#include "output/writer.h"

#include <assert.h>
#include <errno.h>
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

static const char header[] =
    "line,input,input_truncated,rank,domain,status,error,started,elapsed_"
    "ms," LOOKUP_COLUMNS("txt") LOOKUP_COLUMNS("dmarc_txt") LOOKUP_COLUMNS(
        "mx") "spf_count,spf_records,dmarc_count,dmarc_records," SPF_COLUMNS
              "findings\r\n";

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

  if (!l->s->targets[i].reached) {
    effective = "unreached";
  } else if (!effective) {
    effective = "shadowed";
  }
  pair(l, l->s->targets[i].name, effective, it);
}

static void finding_item(const void *ctx, size_t i, struct mp_csv_item *it)
{
  const struct mp_result *r = ctx;

  it->data = r->findings[i] ? r->findings[i] : "";
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

static void picked_cells(FILE *f, const struct mp_result *r,
                         const struct mp_result_records *p)
{
  putc_unlocked(',', f);
  if (r->status == MP_STATUS_INVALID_NAME) {
    putc_unlocked(',', f);
    return;
  }
  uint_cell(f, p->count);
  putc_unlocked(',', f);
  mp_csv_list(f, capped(p->count, MP_PICK_MAX), picked_item, p);
}

/* The all qualifier as the result it gives (RFC 7208 section 4.6.2), in
 * words as in ndjson.c: "+" and "-" would begin the cell like a formula. */
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

/* spf_status to spf_uses_macros, each cell after its comma. */
static void spf_summary_cells(FILE *f, const struct mp_result_spf *s)
{
  putc_unlocked(',', f);
  cstr_cell(f, s->status);
  putc_unlocked(',', f);
  cstr_cell(f, s->reason);
  putc_unlocked(',', f);
  if (s->error_offset >= 0) {
    uint_cell(f, (uint64_t)s->error_offset);
  }
  putc_unlocked(',', f);
  uint_cell(f, s->lookups);
  putc_unlocked(',', f);
  uint_cell(f, s->lookups_static);
  putc_unlocked(',', f);
  uint_cell(f, s->voids);
  putc_unlocked(',', f);
  uint_cell(f, s->depth);
  putc_unlocked(',', f);
  cstr_cell(f, all_name(s->all));
  putc_unlocked(',', f);
  mp_csv_list(f, capped(s->nincludes, MP_SPF_INCLUDES_MAX), include_item, s);
  putc_unlocked(',', f);
  if (s->redirect.p) {
    mp_csv_text(f, s->redirect.p, s->redirect.len);
  }
  putc_unlocked(',', f);
  bool_cell(f, s->uses_ptr);
  putc_unlocked(',', f);
  bool_cell(f, s->uses_exists);
  putc_unlocked(',', f);
  bool_cell(f, s->uses_macros);
}

/* The SPF evaluation (docs/schema.md, "SPF"): empty for an invalid name. */
static void spf_cells(FILE *f, const struct mp_result *r)
{
  const struct mp_result_spf *s = &r->spf_eval;
  char buf[MP_NAME_MAX + 32];
  struct pairs l = {.s = s, .buf = buf, .size = sizeof(buf)};

  if (r->status == MP_STATUS_INVALID_NAME) {
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
  picked_cells(f, r, &r->spf);
  picked_cells(f, r, &r->dmarc);
  spf_cells(f, r);
  putc_unlocked(',', f);
  mp_csv_list(f, capped(r->nfindings, MP_FINDINGS_MAX), finding_item, r);
  LIT(f, "\r\n");
  return 0;
}

static int csv_close(struct mp_writer *w)
{
  return fflush(w->out) == 0 ? 0 : errno > 0 ? -errno : -EIO;
}

const struct mp_writer_ops mp_writer_csv = {
    .name = "csv",
    .open = csv_open,
    .write = csv_write,
    .close = csv_close,
};
