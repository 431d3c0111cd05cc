/* CSV rows (RFC 4180: CRLF, a header line, quoted cells with "" inside).
 * The columns and their order are documented in docs/schema.md, "CSV
 * columns", and checked by tests/output/test_schema.c. */
#include "output/writer.h"

#include <errno.h>
#include <string.h>

#include "output/csvcell.h"
#include "output/json.h"

#define LIT(f, s) fwrite((s), 1, sizeof(s) - 1, (f))

#define LOOKUP_COLUMNS(p)                                                      \
  p "_outcome," p "_rcode," p "_attempts," p "_rtt_ms," p "_ttl," p            \
    "_count," p "_records,"

static const char header[] =
    "line,input,input_truncated,rank,domain,status,error,started,elapsed_"
    "ms," LOOKUP_COLUMNS("txt") LOOKUP_COLUMNS("dmarc_txt") LOOKUP_COLUMNS(
        "mx") "spf_count,spf_records,dmarc_count,dmarc_records\r\n";

static int csv_open(struct mp_writer *w)
{
  LIT(w->out, header);
  return 0;
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
  mp_csv_list(f, p->count < MP_PICK_MAX ? p->count : MP_PICK_MAX, picked_item,
              p);
}

static int csv_write(struct mp_writer *w, const struct mp_result *r)
{
  FILE *f = w->out;
  char buf[MP_JSON_FMT_MAX];

  uint_cell(f, r->line);
  putc_unlocked(',', f);
  mp_csv_text(f, r->input, r->input_len);
  if (r->input_truncated) {
    LIT(f, ",true,");
  } else {
    LIT(f, ",false,");
  }
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
