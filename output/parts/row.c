/* The row's own fields, its three lookups (TXT, _dmarc TXT, MX) and its
 * finding codes, and the order of the parts in a row (docs/schema.md,
 * "NDJSON fields"). */
#include "output/parts/get.h"

#include <string.h>

#include "output/json.h"

/* ---- a lookup ---------------------------------------------------------- */

MP_GET(lk_name, struct mp_result_lookup, l,
       mp_value_cstr(v, l->name ? l->name : ""))
MP_GET(lk_outcome, struct mp_result_lookup, l,
       mp_value_cstr(v, mp_outcome_name(l->outcome)))
MP_GET(lk_rcode, struct mp_result_lookup, l, mp_value_int_or_null(v, l->rcode))
MP_GET(lk_attempts, struct mp_result_lookup, l, mp_value_uint(v, l->attempts))
MP_GET(lk_rtt, struct mp_result_lookup, l, v->d = l->rtt_ms)
MP_GET(lk_cname, struct mp_result_lookup, l, mp_value_cstr(v, l->cname))
MP_GET(lk_count, struct mp_result_lookup, l, mp_value_uint(v, l->count))
MP_GET(lk_records, struct mp_result_lookup, l,
       mp_value_list(v, l, l->count, SIZE_MAX))
MP_GET(lk_txt, struct mp_result_lookup, l,
       mp_value_text(v, (struct mp_slice){l->rr[i].data, l->rr[i].len}))
MP_GET(lk_mx_pref, struct mp_result_lookup, l, mp_value_uint(v, l->rr[i].pref))
MP_GET(lk_mx_host, struct mp_result_lookup, l,
       mp_value_text(v, (struct mp_slice){l->rr[i].data, l->rr[i].len}))

/* The type's name, or the RFC 3597 section 5 spelling of an unknown one. */
static void lk_type(const void *obj, size_t i, struct mp_value *v)
{
  const struct mp_result_lookup *l = obj;
  const char *name = mp_type_name(l->type);

  (void)i;
  if (!name) {
    memcpy(v->buf, "TYPE", 4);
    mp_json_format_uint(v->buf + 4, l->type); /* at most 5 digits */
    name = v->buf;
  }
  mp_value_cstr(v, name);
}

/* The RRset's TTL as a cache would use it: the smallest. */
static void lk_ttl(const void *obj, size_t i, struct mp_value *v)
{
  const struct mp_result_lookup *l = obj;

  (void)i;
  v->null = l->count == 0;
  if (l->count > 0) {
    uint32_t ttl = l->rr[0].ttl;

    for (size_t k = 1; k < l->count; k++) {
      ttl = l->rr[k].ttl < ttl ? l->rr[k].ttl : ttl;
    }
    v->u = ttl;
  }
}

/* "10 mx1.example.test" (CSV mx_records). */
static void mx_record_item(const void *ctx, size_t i, struct mp_csv_item *it)
{
  const struct mp_result_lookup *l = ((const struct mp_csv_ctx *)ctx)->obj;
  size_t n = mp_json_format_uint(it->head, l->rr[i].pref);

  it->head[n] = ' ';
  it->head[n + 1] = '\0';
  mp_csv_item_set(it, l->rr[i].data, l->rr[i].len);
}

static const struct mp_field txt_record[] = {
    {.name = "",
     .kind = MP_K_STRING,
     .meaning = "one TXT record, its character-strings joined",
     .get = lk_txt},
};
static const struct mp_part txt_records = {"txt_record", 1, txt_record};

static const struct mp_field mx_record[] = {
    {.name = "preference",
     .kind = MP_K_UINT,
     .meaning = "the preference, 0 to 65535",
     .get = lk_mx_pref},
    {.name = "host",
     .kind = MP_K_STRING,
     .meaning = "the exchange; empty for a null MX",
     .get = lk_mx_host},
};
static const struct mp_part mx_records = {"mx_record", MP_FIELDS(mx_record),
                                          mx_record};

/* The members of every lookup but its records. */
#define LOOKUP_FIELDS                                                          \
  {.name = "name",                                                             \
   .kind = MP_K_STRING,                                                        \
   .flags = MP_F_NDJSON_ONLY,                                                  \
   .meaning = "the name queried",                                              \
   .get = lk_name},                                                            \
      {.name = "type",                                                         \
       .kind = MP_K_ENUM,                                                      \
       .flags = MP_F_NDJSON_ONLY,                                              \
       .meaning = "the type queried",                                          \
       .get = lk_type},                                                        \
      {.name = "outcome",                                                      \
       .kind = MP_K_ENUM,                                                      \
       .meaning = "ok, nodata, nxdomain, or how the lookup failed",            \
       .get = lk_outcome,                                                      \
       MP_VALUES(outcome, OUTCOME)},                                           \
      {.name = "rcode",                                                        \
       .kind = MP_K_INT,                                                       \
       .flags = MP_F_NULL,                                                     \
       .meaning = "DNS RCODE of the final answer; null without one",           \
       .get = lk_rcode},                                                       \
      {.name = "attempts",                                                     \
       .kind = MP_K_UINT,                                                      \
       .meaning = "queries sent, retries included",                            \
       .get = lk_attempts},                                                    \
      {.name = "rtt_ms",                                                       \
       .kind = MP_K_NUMBER,                                                    \
       .meaning = "milliseconds from the first query to the outcome",          \
       .get = lk_rtt},                                                         \
      {.name = "ttl",                                                          \
       .kind = MP_K_UINT,                                                      \
       .flags = MP_F_NULL,                                                     \
       .meaning = "the smallest TTL of the records; null without records",     \
       .get = lk_ttl},                                                         \
      {.name = "cname",                                                        \
       .kind = MP_K_STRING,                                                    \
       .flags = MP_F_NULL | MP_F_NDJSON_ONLY,                                  \
       .meaning = "the alias target when the name is a CNAME",                 \
       .get = lk_cname},                                                       \
  {                                                                            \
    .name = "count", .kind = MP_K_UINT, .flags = MP_F_CSV_ONLY,                \
    .meaning = "the number of records", .get = lk_count                        \
  }

static const struct mp_field lookup_txt[] = {
    LOOKUP_FIELDS,
    {.name = "records",
     .kind = MP_K_LIST,
     .meaning = "every TXT record of the answer, in answer order",
     .get = lk_records,
     .sub = &txt_records},
};
const struct mp_part mp_part_lookup_txt = {"lookup", MP_FIELDS(lookup_txt),
                                           lookup_txt};

static const struct mp_field lookup_mx[] = {
    LOOKUP_FIELDS,
    {.name = "records",
     .kind = MP_K_LIST,
     .meaning = "every MX record of the answer, in answer order",
     .get = lk_records,
     .sub = &mx_records,
     .csv_item = mx_record_item},
};
const struct mp_part mp_part_lookup_mx = {"lookup", MP_FIELDS(lookup_mx),
                                          lookup_mx};

/* ---- the row ----------------------------------------------------------- */

MP_GET(line, struct mp_result, r, mp_value_uint(v, r->line))
MP_GET(input, struct mp_result, r, v->s = r->input; v->len = r->input_len)
MP_GET(input_truncated, struct mp_result, r,
       mp_value_bool(v, r->input_truncated))
MP_GET(rank, struct mp_result, r, mp_value_int_or_null(v, r->rank))
MP_GET(domain, struct mp_result, r, mp_value_cstr(v, r->domain))
MP_GET(status, struct mp_result, r, mp_value_cstr(v, mp_status_name(r->status)))
MP_GET(error, struct mp_result, r,
       mp_value_cstr(v, mp_name_error_name(r->error)))
MP_GET(started, struct mp_result, r, mp_value_int(v, r->started_us))
MP_GET(elapsed, struct mp_result, r, v->d = r->elapsed_ms)
MP_GET(txt, struct mp_result, r,
       mp_value_object(v, r->txt.queried ? &r->txt : NULL))
MP_GET(dmarc_txt, struct mp_result, r,
       mp_value_object(v, r->dmarc_txt.queried ? &r->dmarc_txt : NULL))
MP_GET(mx, struct mp_result, r,
       mp_value_object(v, r->mx.queried ? &r->mx : NULL))
/* SPF and DMARC read the picked records and the evaluation: the row. */
MP_GET(spf, struct mp_result, r,
       mp_value_object(v, r->spf_eval.evaluated ? r : NULL))
MP_GET(dmarc, struct mp_result, r,
       mp_value_object(v, r->dmarc_txt.queried ? r : NULL))
MP_GET(dkim, struct mp_result, r,
       mp_value_object(v, r->dkim.evaluated ? &r->dkim : NULL))
MP_GET(mx_hosts, struct mp_result, r,
       mp_value_object(v, r->mx_check.evaluated ? &r->mx_check : NULL))
MP_GET(mta_sts, struct mp_result, r,
       mp_value_object(v, r->mta_sts.evaluated ? &r->mta_sts : NULL))
MP_GET(tls_rpt, struct mp_result, r,
       mp_value_object(v, r->tls_rpt.evaluated ? &r->tls_rpt : NULL))
MP_GET(bimi, struct mp_result, r,
       mp_value_object(v, r->bimi.evaluated ? &r->bimi : NULL))
MP_GET(verdict, struct mp_result, r,
       mp_value_object(v, r->verdict.evaluated ? &r->verdict : NULL))
MP_GET(findings, struct mp_result, r,
       mp_value_list(v, r, r->nfindings, MP_FINDINGS_MAX))
MP_GET(finding, struct mp_result, r,
       mp_value_cstr(v, mp_finding_name(r->findings[i])))

static const struct mp_field finding_fields[] = {
    {.name = "",
     .kind = MP_K_STRING,
     .meaning = "one finding code, e.g. SPF_LOOKUP_LIMIT",
     .get = finding},
};
static const struct mp_part finding_part = {"finding", 1, finding_fields};

/* Table-shaped: the row's fields in NDJSON order. */
static const struct mp_field row[] = {
    {.name = "line",
     .kind = MP_K_UINT,
     .meaning = "1-based line number in the input",
     .get = line},
    {.name = "input",
     .kind = MP_K_STRING,
     .meaning = "the line as given, without its CR/LF, at most 512 bytes",
     .get = input},
    {.name = "input_truncated",
     .kind = MP_K_BOOL,
     .meaning = "the line was longer than 512 bytes",
     .get = input_truncated},
    {.name = "rank",
     .kind = MP_K_INT,
     .flags = MP_F_NULL,
     .meaning = "the rank from a ranked list; null for a plain list",
     .get = rank},
    {.name = "domain",
     .kind = MP_K_STRING,
     .flags = MP_F_NULL,
     .meaning = "the normalized name; null when invalid_name",
     .get = domain},
    {.name = "status",
     .kind = MP_K_ENUM,
     .meaning = "the domain's status, from its lookups",
     .get = status,
     MP_VALUES(status, STATUS),
     .diff = MP_DIFF_NEUTRAL},
    {.name = "error",
     .kind = MP_K_ENUM,
     .flags = MP_F_NULL,
     .meaning = "why the name is not usable (invalid_name)",
     .get = error,
     MP_VALUES(name_error, NAME_ERROR)},
    {.name = "started",
     .kind = MP_K_TIME,
     .meaning = "when work on the domain started",
     .get = started},
    {.name = "elapsed_ms",
     .kind = MP_K_NUMBER,
     .meaning = "milliseconds from started to the row",
     .get = elapsed},
    {.name = "txt",
     .kind = MP_K_OBJECT,
     .flags = MP_F_NULL,
     .meaning = "the TXT lookup of the domain; null when not made",
     .get = txt,
     .sub = &mp_part_lookup_txt,
     .group = MP_CSV_TXT},
    {.name = "dmarc_txt",
     .kind = MP_K_OBJECT,
     .flags = MP_F_NULL,
     .meaning = "the TXT lookup of _dmarc.<domain>; null when not made",
     .get = dmarc_txt,
     .sub = &mp_part_lookup_txt,
     .group = MP_CSV_DMARC_TXT},
    {.name = "mx",
     .kind = MP_K_OBJECT,
     .flags = MP_F_NULL,
     .meaning = "the MX lookup of the domain; null when not made",
     .get = mx,
     .sub = &mp_part_lookup_mx,
     .group = MP_CSV_MX},
    {.name = "spf",
     .kind = MP_K_OBJECT,
     .flags = MP_F_NULL,
     .meaning = "the SPF records and their evaluation; null when not run",
     .get = spf,
     .sub = &mp_part_spf,
     .group = MP_CSV_SPF},
    {.name = "dmarc",
     .kind = MP_K_OBJECT,
     .flags = MP_F_NULL,
     .meaning = "the DMARC records and policy discovery; null when not run",
     .get = dmarc,
     .sub = &mp_part_dmarc,
     .group = MP_CSV_DMARC},
    {.name = "dkim",
     .kind = MP_K_OBJECT,
     .flags = MP_F_NULL,
     .meaning = "the DKIM selector probes; null when not run",
     .get = dkim,
     .sub = &mp_part_dkim,
     .group = MP_CSV_DKIM},
    {.name = "mx_hosts",
     .kind = MP_K_OBJECT,
     .flags = MP_F_NULL,
     .meaning = "the MX hosts and their reverse DNS; null when not run",
     .get = mx_hosts,
     .sub = &mp_part_mx,
     .csv = "mx",
     .group = MP_CSV_MX_HOSTS},
    {.name = "mta_sts",
     .kind = MP_K_OBJECT,
     .flags = MP_F_NULL,
     .meaning = "the MTA-STS record; null when not run",
     .get = mta_sts,
     .sub = &mp_part_mta_sts,
     .group = MP_CSV_MTA_STS},
    {.name = "tls_rpt",
     .kind = MP_K_OBJECT,
     .flags = MP_F_NULL,
     .meaning = "the TLS-RPT record; null when not run",
     .get = tls_rpt,
     .sub = &mp_part_tls_rpt,
     .group = MP_CSV_TLS_RPT},
    {.name = "bimi",
     .kind = MP_K_OBJECT,
     .flags = MP_F_NULL,
     .meaning = "the BIMI record; null when not run",
     .get = bimi,
     .sub = &mp_part_bimi,
     .group = MP_CSV_BIMI},
    {.name = "verdict",
     .kind = MP_K_OBJECT,
     .flags = MP_F_NULL,
     .meaning = "the bulk-sender requirements; null when not computed",
     .get = verdict,
     .sub = &mp_part_verdict,
     .group = MP_CSV_VERDICT},
    {.name = "findings",
     .kind = MP_K_LIST,
     .meaning = "the finding codes of the row",
     .get = findings,
     .sub = &finding_part,
     .group = MP_CSV_FINDINGS,
     .diff = MP_DIFF_FINDINGS},
};

const struct mp_part mp_part_row = {"row", MP_FIELDS(row), row};
