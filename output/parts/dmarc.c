/* The DMARC part (docs/schema.md, "DMARC"): the v=DMARC1 records of the
 * _dmarc answer, then the policy discovery (RFC 7489, RFC 9989), whose
 * members are all null when it did not run (--checks). Its fields read the
 * row. */
#include "output/parts/get.h"
#include "output/parts/rank.h"

#include <string.h>

#define D(r) (&(r)->dmarc_eval)

static bool evaluated(const void *obj)
{
  return D((const struct mp_result *)obj)->evaluated;
}

/* A tag value of one letter (adkim=s, psd=y, t=n), or null when absent. */
static void letter(struct mp_value *v, const char *c)
{
  v->null = *c == 0;
  v->s = c;
  v->len = 1;
}

/* The letters of the one-letter tags (RFC 7489 6.3, RFC 9989), as the
 * parser keeps them. */
static const char *const alignment_names[] = {"r", "s"};
static const char *const psd_names[] = {"y", "n", "u"};
static const char *const testing_names[] = {"y", "n"};
#define LETTERS(t) .values = t, .nvalues = MP_FIELDS(t)

MP_GET(count, struct mp_result, r, mp_value_uint(v, r->dmarc.count))
MP_GET(records, struct mp_result, r,
       mp_value_list(v, &r->dmarc, r->dmarc.count, MP_PICK_MAX))
MP_GET(status, struct mp_result, r,
       mp_value_cstr(v, mp_record_status_name(D(r)->status)))
MP_GET(found_at, struct mp_result, r,
       mp_value_cstr(v, mp_dmarc_found_name(D(r)->found_at)))
MP_GET(method, struct mp_result, r,
       mp_value_cstr(v, mp_dmarc_method_name(D(r)->method)))
MP_GET(policy_domain, struct mp_result, r,
       mp_value_cstr(v, D(r)->policy_domain))
MP_GET(record, struct mp_result, r, mp_value_slice(v, D(r)->record))
MP_GET(org_psl, struct mp_result, r, mp_value_cstr(v, D(r)->org_psl))
MP_GET(org_tree_walk, struct mp_result, r,
       mp_value_cstr(v, D(r)->org_tree_walk))
MP_GET(methods_disagree, struct mp_result, r,
       mp_value_tri(v, D(r)->methods_disagree))
MP_GET(walk_queries, struct mp_result, r, v->null = D(r)->walk_failed;
       v->u = D(r)->walk_queries)
MP_GET(p, struct mp_result, r, mp_value_cstr(v, mp_dmarc_p_name(D(r)->p)))
MP_GET(sp, struct mp_result, r, mp_value_cstr(v, mp_dmarc_p_name(D(r)->sp)))
MP_GET(np, struct mp_result, r, mp_value_cstr(v, mp_dmarc_p_name(D(r)->np)))
MP_GET(pct, struct mp_result, r, mp_value_int_or_null(v, D(r)->pct))
MP_GET(adkim, struct mp_result, r, letter(v, &D(r)->adkim))
MP_GET(aspf, struct mp_result, r, letter(v, &D(r)->aspf))
MP_GET(fo, struct mp_result, r, mp_value_slice(v, D(r)->fo))
MP_GET(psd, struct mp_result, r, letter(v, &D(r)->psd))
MP_GET(testing, struct mp_result, r, letter(v, &D(r)->testing))
MP_GET(effective_policy, struct mp_result, r,
       mp_value_cstr(v, mp_dmarc_effective_name(D(r)->effective_policy)))
MP_GET(rua, struct mp_result, r,
       mp_value_list(v, D(r)->rua, D(r)->nrua, MP_DMARC_URIS_MAX))
MP_GET(ruf, struct mp_result, r,
       mp_value_list(v, D(r)->ruf, D(r)->nruf, MP_DMARC_URIS_MAX))
MP_GET(dest_uri, struct mp_result_report_dest, d, mp_value_text(v, d[i].uri))
MP_GET(dest_domain, struct mp_result_report_dest, d,
       mp_value_cstr(v, d[i].domain))
MP_GET(dest_external, struct mp_result_report_dest, d,
       mp_value_bool(v, d[i].external))
MP_GET(dest_authorization, struct mp_result_report_dest, d,
       mp_value_cstr(v, mp_dmarc_auth_name(d[i].authorization)))
MP_GET(unknown_tags, struct mp_result, r,
       mp_value_list(v, D(r)->unknown, D(r)->nunknown, MP_DMARC_TAGS_MAX))
MP_GET(removed_tags, struct mp_result, r,
       mp_value_list(v, D(r)->removed, D(r)->nremoved, MP_DMARC_TAGS_MAX))
MP_GET(tag_item, struct mp_slice, t, mp_value_text(v, t[i]))
MP_GET(error, struct mp_result, r,
       mp_value_cstr(v, mp_dmarc_reason_name(D(r)->error)))
MP_GET(row, struct mp_result, r, mp_value_object(v, r))

/* dmarc_rua, dmarc_ruf: the URIs. */
static void uri_item(const void *ctx, size_t i, struct mp_csv_item *it)
{
  const struct mp_result_report_dest *d = ((const struct mp_csv_ctx *)ctx)->obj;

  mp_csv_item_set(it, d[i].uri.p, d[i].uri.len);
}

/* dmarc_external_reports: each external destination domain of rua and ruf
 * once, first seen first, with the result of its authorization check. */
struct externals {
  size_t n;
  const struct mp_result_report_dest *d[2 * MP_DMARC_URIS_MAX];
  char *buf; /* one item at a time */
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
  /* The bounds bound the item: it always fits. */
  struct mp_textbuf t = {.buf = x->buf, .size = x->size, .len = 0};

  mp_textbuf_add(&t, x->d[i]->domain, 253);
  mp_textbuf_add(&t, "=", 1);
  mp_textbuf_add(&t, mp_dmarc_auth_name(x->d[i]->authorization), 16);
  mp_csv_item_set(it, t.buf, t.len);
}

static void external_cell(struct mp_rowbuf *o, const void *obj)
{
  const struct mp_result_dmarc *d = D((const struct mp_result *)obj);
  size_t nrua = d->nrua < MP_DMARC_URIS_MAX ? d->nrua : MP_DMARC_URIS_MAX;
  size_t nruf = d->nruf < MP_DMARC_URIS_MAX ? d->nruf : MP_DMARC_URIS_MAX;
  char buf[MP_NAME_MAX + 32];
  struct externals x = {.n = 0, .buf = buf, .size = sizeof(buf)};

  for (size_t i = 0; i < nrua + nruf; i++) {
    add_external(&x, i < nrua ? &d->rua[i] : &d->ruf[i - nrua]);
  }
  mp_csv_list(o, x.n, external_item, &x);
}

static const struct mp_field dest_fields[] = {
    {.name = "uri",
     .kind = MP_K_STRING,
     .meaning = "the URI as written, without a !size suffix",
     .get = dest_uri,
     .diff = MP_DIFF_NEUTRAL},
    {.name = "domain",
     .kind = MP_K_STRING,
     .flags = MP_F_NULL,
     .meaning = "the domain of the address, lowercase",
     .get = dest_domain},
    {.name = "external",
     .kind = MP_K_BOOL,
     .meaning = "outside the organizational domain: needs authorization",
     .get = dest_external},
    {.name = "authorization",
     .kind = MP_K_ENUM,
     .flags = MP_F_NULL,
     .meaning = "the result of the authorization check when external",
     .get = dest_authorization,
     MP_VALUES(dmarc_auth, DMARC_AUTH)},
};
static const struct mp_part dest_part = {"report_dest", MP_FIELDS(dest_fields),
                                         dest_fields};

static const struct mp_field tag_fields[] = {
    {.name = "",
     .kind = MP_K_STRING,
     .meaning = "one tag name",
     .get = tag_item},
};
static const struct mp_part tag_part = {"tag", 1, tag_fields};

/* Table-shaped: every member after records is null when the discovery did
 * not run (when = evaluated). */
static const struct mp_field dmarc[] = {
    {.name = "count",
     .kind = MP_K_UINT,
     .meaning = "how many v=DMARC1 records there are",
     .get = count,
     .group = MP_CSV_DMARC_RECORDS},
    {.name = "records",
     .kind = MP_K_LIST,
     .meaning = "the first 16 of them",
     .get = records,
     .sub = &mp_part_records,
     .group = MP_CSV_DMARC_RECORDS},
    {.name = "status",
     .kind = MP_K_ENUM,
     .flags = MP_F_NULL,
     .meaning = "the result of DMARC policy discovery",
     .get = status,
     MP_VALUES(record_status, RECORD_STATUS),
     .when = evaluated,
     .diff = MP_DIFF_RANK,
     .diff_rank = &mp_rank_dmarc_status},
    {.name = "found_at",
     .kind = MP_K_ENUM,
     .flags = MP_F_NULL,
     .meaning = "where the record that applies was found",
     .get = found_at,
     MP_VALUES(dmarc_found, DMARC_FOUND),
     .when = evaluated},
    {.name = "method",
     .kind = MP_K_ENUM,
     .flags = MP_F_NULL,
     .meaning = "how that record was found",
     .get = method,
     MP_VALUES(dmarc_method, DMARC_METHOD),
     .when = evaluated},
    {.name = "policy_domain",
     .kind = MP_K_STRING,
     .flags = MP_F_NULL,
     .meaning = "the name whose _dmarc record applies",
     .get = policy_domain,
     .when = evaluated,
     .diff = MP_DIFF_NEUTRAL},
    {.name = "record",
     .kind = MP_K_STRING,
     .flags = MP_F_NULL,
     .meaning = "that record",
     .get = record,
     .when = evaluated},
    {.name = "org_psl",
     .kind = MP_K_STRING,
     .flags = MP_F_NULL,
     .meaning = "the organizational domain by the Public Suffix List",
     .get = org_psl,
     .when = evaluated},
    {.name = "org_tree_walk",
     .kind = MP_K_STRING,
     .flags = MP_F_NULL,
     .meaning = "the organizational domain by the DNS tree walk",
     .get = org_tree_walk,
     .when = evaluated},
    {.name = "methods_disagree",
     .kind = MP_K_BOOL,
     .flags = MP_F_NULL,
     .meaning = "the two methods lead to different policy records",
     .get = methods_disagree,
     .when = evaluated},
    {.name = "walk_queries",
     .kind = MP_K_UINT,
     .flags = MP_F_NULL | MP_F_NDJSON_ONLY,
     .meaning = "DNS queries the tree walk made (at most 8)",
     .get = walk_queries,
     .when = evaluated},
    {.name = "p",
     .kind = MP_K_ENUM,
     .flags = MP_F_NULL,
     .meaning = "p=, the policy for the domain itself",
     .get = p,
     MP_VALUES(dmarc_p, DMARC_P),
     .when = evaluated,
     .diff = MP_DIFF_RANK,
     .diff_rank = &mp_rank_dmarc_p},
    {.name = "sp",
     .kind = MP_K_ENUM,
     .flags = MP_F_NULL,
     .meaning = "sp=, the policy for subdomains",
     .get = sp,
     MP_VALUES(dmarc_p, DMARC_P),
     .when = evaluated,
     .diff = MP_DIFF_RANK,
     .diff_rank = &mp_rank_dmarc_p},
    {.name = "np",
     .kind = MP_K_ENUM,
     .flags = MP_F_NULL,
     .meaning = "np=, the policy for subdomains that do not exist",
     .get = np,
     MP_VALUES(dmarc_p, DMARC_P),
     .when = evaluated,
     .diff = MP_DIFF_RANK,
     .diff_rank = &mp_rank_dmarc_p},
    {.name = "pct",
     .kind = MP_K_INT,
     .flags = MP_F_NULL,
     .meaning = "pct=, 0 to 100 (removed by RFC 9989)",
     .get = pct,
     .when = evaluated,
     .diff = MP_DIFF_LESS_WORSE},
    {.name = "adkim",
     .kind = MP_K_ENUM,
     .flags = MP_F_NULL,
     .meaning = "DKIM alignment, relaxed or strict",
     .get = adkim,
     LETTERS(alignment_names),
     .when = evaluated},
    {.name = "aspf",
     .kind = MP_K_ENUM,
     .flags = MP_F_NULL,
     .meaning = "SPF alignment, relaxed or strict",
     .get = aspf,
     LETTERS(alignment_names),
     .when = evaluated},
    {.name = "fo",
     .kind = MP_K_STRING,
     .flags = MP_F_NULL | MP_F_NDJSON_ONLY,
     .meaning = "fo=, the failure reporting options",
     .get = fo,
     .when = evaluated},
    {.name = "psd",
     .kind = MP_K_ENUM,
     .flags = MP_F_NULL,
     .meaning = "psd=, a public suffix domain or not",
     .get = psd,
     LETTERS(psd_names),
     .when = evaluated},
    {.name = "t",
     .kind = MP_K_ENUM,
     .flags = MP_F_NULL,
     .meaning = "t=, testing mode",
     .get = testing,
     LETTERS(testing_names),
     .when = evaluated},
    {.name = "effective_policy",
     .kind = MP_K_ENUM,
     .flags = MP_F_NULL,
     .meaning = "the policy a receiver applies to mail from the domain",
     .get = effective_policy,
     MP_VALUES(dmarc_effective, DMARC_EFFECTIVE),
     .when = evaluated,
     .diff = MP_DIFF_RANK,
     .diff_rank = &mp_rank_dmarc_effective},
    {.name = "rua",
     .kind = MP_K_LIST,
     .flags = MP_F_NULL,
     .meaning = "the rua= destinations, the first 8",
     .get = rua,
     .when = evaluated,
     .sub = &dest_part,
     .csv_item = uri_item,
     .diff = MP_DIFF_SET},
    {.name = "ruf",
     .kind = MP_K_LIST,
     .flags = MP_F_NULL,
     .meaning = "the ruf= destinations, the first 8",
     .get = ruf,
     .when = evaluated,
     .sub = &dest_part,
     .csv_item = uri_item,
     .diff = MP_DIFF_SET},
    {.name = "external_reports",
     .kind = MP_K_LIST,
     .flags = MP_F_NULL | MP_F_CSV_ONLY,
     .meaning = "each external destination domain with its authorization",
     .get = row,
     .when = evaluated,
     .csv_cell = external_cell},
    {.name = "unknown_tags",
     .kind = MP_K_LIST,
     .flags = MP_F_NULL,
     .meaning = "tags no RFC defines, the first 8",
     .get = unknown_tags,
     .when = evaluated,
     .sub = &tag_part},
    {.name = "removed_tags",
     .kind = MP_K_LIST,
     .flags = MP_F_NULL,
     .meaning = "tags RFC 9989 removed (pct, rf, ri), the first 8",
     .get = removed_tags,
     .when = evaluated,
     .sub = &tag_part},
    {.name = "error",
     .kind = MP_K_ENUM,
     .flags = MP_F_NULL,
     .meaning = "why status is invalid, a code",
     .get = error,
     .when = evaluated,
     MP_VALUES(dmarc_reason, DMARC_REASON)},
};

const struct mp_part mp_part_dmarc = {"dmarc", MP_FIELDS(dmarc), dmarc};
