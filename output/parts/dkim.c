/* The DKIM part (docs/schema.md, "DKIM"): the selector probes and the key
 * records found (RFC 6376 section 3.6.1). */
#include "output/parts/get.h"
#include "output/parts/rank.h"

#include <string.h>

#include "output/json.h"

MP_GET(status, struct mp_result_dkim, d,
       mp_value_cstr(v, mp_dkim_status_name(d->status)))
MP_GET(probed, struct mp_result_dkim, d, mp_value_uint(v, d->probed))
MP_GET(found, struct mp_result_dkim, d,
       mp_value_list(v, d->found, d->nfound, MP_DKIM_FOUND_MAX))
MP_GET(selector, struct mp_result_dkim_key, k,
       mp_value_cstr(v, k[i].selector ? k[i].selector : ""))
MP_GET(cname, struct mp_result_dkim_key, k, mp_value_cstr(v, k[i].cname))
MP_GET(key_type, struct mp_result_dkim_key, k, mp_value_cstr(v, k[i].key_type))
MP_GET(bits, struct mp_result_dkim_key, k, mp_value_uint_or_null(v, k[i].bits))
MP_GET(revoked, struct mp_result_dkim_key, k, mp_value_bool(v, k[i].revoked))
MP_GET(testing, struct mp_result_dkim_key, k, mp_value_bool(v, k[i].testing))
MP_GET(key_error, struct mp_result_dkim_key, k,
       mp_value_cstr(v, mp_dkim_error_name(k[i].error)))
MP_GET(record, struct mp_result_dkim_key, k, mp_value_text(v, k[i].record))
MP_GET(weakest_bits, struct mp_result_dkim, d,
       mp_value_uint_or_null(v, d->weakest_bits))
MP_GET(failed, struct mp_result_dkim, d,
       mp_value_list(v, d, d->nfailed, MP_DKIM_FAILED_MAX))
MP_GET(failed_selector, struct mp_result_dkim, d,
       mp_value_cstr(v, d->failed[i].selector ? d->failed[i].selector : ""))
MP_GET(failed_outcome, struct mp_result_dkim, d,
       mp_value_cstr(v, mp_outcome_name(d->failed[i].outcome)))

/* dkim_selectors: "selector:type:bits" then the flags that apply, in this
 * order: ":revoked", ":testing", ":error=<code>" ("s1:rsa:1024:testing"). */
static void key_item(const void *ctx, size_t i, struct mp_csv_item *it)
{
  const struct mp_csv_ctx *c = ctx;
  const struct mp_result_dkim_key *k =
      &((const struct mp_result_dkim_key *)c->obj)[i];
  struct mp_textbuf t = {.buf = c->buf, .size = c->size, .len = 0};
  char num[MP_JSON_FMT_MAX];

  mp_textbuf_add(&t, k->selector, 253);
  mp_textbuf_add(&t, ":", 1);
  mp_textbuf_add(&t, k->key_type, 64);
  mp_textbuf_add(&t, ":", 1);
  mp_json_format_uint(num, k->bits);
  mp_textbuf_add(&t, num, 10);
  if (k->revoked) {
    mp_textbuf_add(&t, ":revoked", 8);
  }
  if (k->testing) {
    mp_textbuf_add(&t, ":testing", 8);
  }
  if (k->error) {
    mp_textbuf_add(&t, ":error=", 7);
    mp_textbuf_add(&t, mp_dkim_error_name(k->error), 64);
  }
  mp_csv_item_set(it, t.buf, t.len);
}

/* dkim_failed: "selector=outcome" per probe that failed ("s1=timeout"). */
static void failed_item(const void *ctx, size_t i, struct mp_csv_item *it)
{
  const struct mp_csv_ctx *c = ctx;
  const struct mp_result_dkim *d = c->obj;
  struct mp_textbuf t = {.buf = c->buf, .size = c->size, .len = 0};

  mp_textbuf_add(&t, d->failed[i].selector, 253);
  mp_textbuf_add(&t, "=", 1);
  mp_textbuf_add(&t, mp_outcome_name(d->failed[i].outcome), 16);
  mp_csv_item_set(it, t.buf, t.len);
}

static const struct mp_field key_fields[] = {
    {.name = "selector",
     .kind = MP_K_STRING,
     .meaning = "the selector: the key is at <selector>._domainkey.<domain>",
     .get = selector,
     .diff = MP_DIFF_NEUTRAL},
    {.name = "cname",
     .kind = MP_K_STRING,
     .flags = MP_F_NULL,
     .meaning = "the alias target when that name is a CNAME",
     .get = cname},
    {.name = "key_type",
     .kind = MP_K_STRING,
     .flags = MP_F_NULL,
     .meaning = "rsa, ed25519, or the k= value as written",
     .get = key_type,
     .diff = MP_DIFF_NEUTRAL},
    {.name = "bits",
     .kind = MP_K_UINT,
     .flags = MP_F_NULL,
     .meaning = "the RSA modulus size",
     .get = bits,
     .diff = MP_DIFF_NEUTRAL},
    {.name = "revoked",
     .kind = MP_K_BOOL,
     .meaning = "p= is empty: the key is revoked",
     .get = revoked,
     .diff = MP_DIFF_NEUTRAL},
    {.name = "testing",
     .kind = MP_K_BOOL,
     .meaning = "t=y: the domain is testing DKIM",
     .get = testing},
    {.name = "error",
     .kind = MP_K_ENUM,
     .flags = MP_F_NULL,
     .meaning = "why the key record cannot be used, a code",
     .get = key_error,
     MP_VALUES(dkim_error, DKIM_ERROR)},
    {.name = "record",
     .kind = MP_K_STRING,
     .meaning = "the key record",
     .get = record},
};
static const struct mp_part key_part = {"dkim_key", MP_FIELDS(key_fields),
                                        key_fields};

static const struct mp_field failed_fields[] = {
    {.name = "selector",
     .kind = MP_K_STRING,
     .meaning = "the selector",
     .get = failed_selector},
    {.name = "outcome",
     .kind = MP_K_ENUM,
     .meaning = "how the TXT lookup of the selector failed",
     .get = failed_outcome,
     MP_VALUES(outcome, OUTCOME)},
};
static const struct mp_part failed_part = {
    "dkim_failed", MP_FIELDS(failed_fields), failed_fields};

static const struct mp_field dkim[] = {
    {.name = "status",
     .kind = MP_K_ENUM,
     .meaning = "found, none, no_domainkey or temperror",
     .get = status,
     MP_VALUES(dkim_status, DKIM_STATUS),
     .diff = MP_DIFF_RANK,
     .diff_rank = &mp_rank_dkim_status},
    {.name = "probed",
     .kind = MP_K_UINT,
     .meaning = "selectors asked",
     .get = probed},
    {.name = "found",
     .kind = MP_K_LIST,
     .meaning = "the selectors with a key record, the first 8",
     .get = found,
     .sub = &key_part,
     .csv = "selectors",
     .csv_item = key_item,
     .diff = MP_DIFF_SET_LOSS},
    {.name = "weakest_bits",
     .kind = MP_K_UINT,
     .flags = MP_F_NULL,
     .meaning = "the smallest RSA key neither revoked nor in error",
     .get = weakest_bits,
     .diff = MP_DIFF_LESS_WORSE},
    {.name = "failed",
     .kind = MP_K_LIST,
     .meaning = "the probes that failed, every one",
     .get = failed,
     .sub = &failed_part,
     .group = MP_CSV_DKIM_FAILED,
     .csv_item = failed_item},
};

const struct mp_part mp_part_dkim = {"dkim", MP_FIELDS(dkim), dkim};
