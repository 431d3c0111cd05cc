/* The SPF part (docs/schema.md, "SPF"): the v=spf1 records of the TXT
 * answer and their evaluation (RFC 7208), with the --spf-ip checks and the
 * --spf-include targets. Its fields read the row. */
#include "output/parts/get.h"
#include "output/parts/rank.h"

#include <string.h>

#define S(r) (&(r)->spf_eval)

/* A count over the whole tree: null when a failed lookup cut the walk
 * short (docs/schema.md, "How failures show"). */
static void tree_count(struct mp_value *v, const struct mp_result_spf *s,
                       unsigned n)
{
  v->null = s->tree_failed;
  v->u = n;
}

/* A flag of the tree: true when met, else null when a failed lookup cut
 * the walk short. */
static void tree_flag(struct mp_value *v, const struct mp_result_spf *s, bool b)
{
  mp_value_tri(v, b                ? MP_TRI_TRUE
                  : s->tree_failed ? MP_TRI_UNKNOWN
                                   : MP_TRI_FALSE);
}

static bool counted(const void *obj)
{
  return S((const struct mp_result *)obj)->counted;
}

MP_GET(count, struct mp_result, r, mp_value_uint(v, r->spf.count))
MP_GET(records, struct mp_result, r,
       mp_value_list(v, &r->spf, r->spf.count, MP_PICK_MAX))
MP_GET(record_item, struct mp_result_records, p,
       mp_value_text(v, (struct mp_slice){p->rr[i]->data, p->rr[i]->len}))
MP_GET(status, struct mp_result, r,
       mp_value_cstr(v, mp_spf_status_name(S(r)->status)))
MP_GET(reason, struct mp_result, r,
       mp_value_cstr(v, mp_spf_reason_code_name(S(r)->reason)))
MP_GET(error_offset, struct mp_result, r,
       mp_value_int_or_null(v, S(r)->error_offset))
MP_GET(error_record, struct mp_result, r, mp_value_slice(v, S(r)->error_record))
MP_GET(record, struct mp_result, r, mp_value_slice(v, S(r)->record))
MP_GET(lookups, struct mp_result, r, mp_value_uint(v, S(r)->lookups))
MP_GET(lookups_static, struct mp_result, r,
       tree_count(v, S(r), S(r)->lookups_static))
MP_GET(voids, struct mp_result, r, mp_value_uint(v, S(r)->voids))
MP_GET(depth, struct mp_result, r, tree_count(v, S(r), S(r)->depth))
MP_GET(all, struct mp_result, r, mp_value_cstr(v, mp_spf_all_name(S(r)->all)))
MP_GET(includes, struct mp_result, r,
       mp_value_list(v, S(r), S(r)->nincludes, MP_SPF_INCLUDES_MAX))
MP_GET(include_item, struct mp_result_spf, s, mp_value_slice(v, s->includes[i]))
MP_GET(includes_total, struct mp_result, r, mp_value_uint(v, S(r)->nincludes))
MP_GET(redirect, struct mp_result, r, mp_value_slice(v, S(r)->redirect))
MP_GET(uses_ptr, struct mp_result, r, tree_flag(v, S(r), S(r)->uses_ptr))
MP_GET(uses_exists, struct mp_result, r, tree_flag(v, S(r), S(r)->uses_exists))
MP_GET(uses_macros, struct mp_result, r, tree_flag(v, S(r), S(r)->uses_macros))
MP_GET(exact, struct mp_result, r, mp_value_bool(v, S(r)->exact))
MP_GET(ip4_addresses, struct mp_result, r,
       mp_value_uint(v, S(r)->ip4_addresses))
MP_GET(ip6_prefixes, struct mp_result, r, mp_value_uint(v, S(r)->ip6_prefixes))
MP_GET(length, struct mp_result, r, v->null = !S(r)->record.p;
       v->u = S(r)->length)
MP_GET(checks, struct mp_result, r,
       mp_value_list(v, S(r), S(r)->nchecks, MP_SPF_CHECKS_MAX))
MP_GET(check_ip, struct mp_result_spf, s,
       mp_value_cstr(v, s->checks[i].ip ? s->checks[i].ip : ""))
MP_GET(check_result, struct mp_result_spf, s,
       mp_value_cstr(v, mp_spf_check_result_name(s->checks[i].result)))
MP_GET(check_reason, struct mp_result_spf, s,
       mp_value_cstr(v, mp_spf_reason_code_name(s->checks[i].reason)))
MP_GET(targets, struct mp_result, r,
       mp_value_list(v, S(r), S(r)->ntargets, MP_SPF_TARGETS_MAX))
MP_GET(target_name, struct mp_result_spf, s,
       mp_value_cstr(v, s->targets[i].name ? s->targets[i].name : ""))
MP_GET(target_reached, struct mp_result_spf, s, v->null = s->targets[i].unknown;
       v->b = s->targets[i].reached)
MP_GET(target_effective, struct mp_result_spf, s,
       mp_value_cstr(v, mp_spf_check_result_name(s->targets[i].effective)))

/* "key=value" into the item buffer. */
static void pair(const struct mp_csv_ctx *c, const char *key, const char *value,
                 struct mp_csv_item *it)
{
  struct mp_textbuf t = {.buf = c->buf, .size = c->size, .len = 0};

  /* Keys are an address (inet_pton-checked) or a name of at most 253
   * bytes (--spf-include), values a few letters: they fit. */
  mp_textbuf_add(&t, key, MP_NAME_TEXT_MAX);
  mp_textbuf_add(&t, "=", 1);
  mp_textbuf_add(&t, value, 64);
  mp_csv_item_set(it, t.buf, t.len);
}

/* spf_checks: "ip=result" ("192.0.2.7=pass"). */
static void check_item(const void *ctx, size_t i, struct mp_csv_item *it)
{
  const struct mp_csv_ctx *c = ctx;
  const struct mp_result_spf *s = c->obj;

  pair(c, s->checks[i].ip, mp_spf_check_result_name(s->checks[i].result), it);
}

/* spf_include_checks: "name=effective", unreached, shadowed or unknown. */
static void target_item(const void *ctx, size_t i, struct mp_csv_item *it)
{
  const struct mp_csv_ctx *c = ctx;
  const struct mp_result_spf *s = c->obj;
  const char *effective = mp_spf_check_result_name(s->targets[i].effective);

  if (!effective) {
    effective = s->targets[i].unknown   ? "unknown"
                : s->targets[i].reached ? "shadowed"
                                        : "unreached";
  }
  pair(c, s->targets[i].name, effective, it);
}

/* What mp_spf_all_name() writes (output/result.h). */
static const char *const all_names[] = {"pass", "fail", "softfail", "neutral"};

static const struct mp_field record_fields[] = {
    {.name = "",
     .kind = MP_K_STRING,
     .meaning = "one record",
     .get = record_item},
};
/* The item of a list of v=spf1 or v=DMARC1 records picked out of a TXT
 * answer (a struct mp_result_records). */
const struct mp_part mp_part_records = {"record", 1, record_fields};

static const struct mp_field include_fields[] = {
    {.name = "",
     .kind = MP_K_STRING,
     .meaning = "the domain-spec of one include:, as written",
     .get = include_item},
};
static const struct mp_part include_part = {"include", 1, include_fields};

static const struct mp_field check_fields[] = {
    {.name = "ip",
     .kind = MP_K_STRING,
     .meaning = "the address as given",
     .get = check_ip},
    {.name = "result",
     .kind = MP_K_ENUM,
     .meaning = "check_host() for mail from this address",
     .get = check_result,
     MP_VALUES(spf_check_result, SPF_CHECK_RESULT)},
    {.name = "reason",
     .kind = MP_K_ENUM,
     .flags = MP_F_NULL,
     .meaning = "why the result is none, temperror or permerror",
     .get = check_reason,
     MP_VALUES(spf_reason_code, SPF_REASON_CODE)},
};
static const struct mp_part check_part = {"check", MP_FIELDS(check_fields),
                                          check_fields};

static const struct mp_field target_fields[] = {
    {.name = "name",
     .kind = MP_K_STRING,
     .meaning = "the name as given",
     .get = target_name},
    {.name = "reached",
     .kind = MP_K_BOOL,
     .flags = MP_F_NULL,
     .meaning = "the name is an include: or redirect= target in the tree",
     .get = target_reached},
    {.name = "effective",
     .kind = MP_K_ENUM,
     .flags = MP_F_NULL,
     .meaning = "the result an address only this name authorizes gets",
     .get = target_effective,
     MP_VALUES(spf_check_result, SPF_CHECK_RESULT)},
};
static const struct mp_part target_part = {
    "include_check", MP_FIELDS(target_fields), target_fields};

/* Table-shaped. */
static const struct mp_field spf[] = {
    {.name = "count",
     .kind = MP_K_UINT,
     .meaning = "how many v=spf1 records there are",
     .get = count,
     .group = MP_CSV_SPF_RECORDS},
    {.name = "records",
     .kind = MP_K_LIST,
     .meaning = "the first 16 of them",
     .get = records,
     .sub = &mp_part_records,
     .group = MP_CSV_SPF_RECORDS},
    {.name = "status",
     .kind = MP_K_ENUM,
     .meaning = "the domain's SPF policy evaluated without a client",
     .get = status,
     MP_VALUES(spf_status, SPF_STATUS),
     .diff = MP_DIFF_RANK,
     .diff_rank = &mp_rank_spf_status},
    {.name = "reason",
     .kind = MP_K_ENUM,
     .flags = MP_F_NULL,
     .meaning = "why status is not valid, a reason code",
     .get = reason,
     MP_VALUES(spf_reason_code, SPF_REASON_CODE)},
    {.name = "error_offset",
     .kind = MP_K_INT,
     .flags = MP_F_NULL,
     .meaning = "byte offset of a syntax error in error_record",
     .get = error_offset},
    {.name = "error_record",
     .kind = MP_K_STRING,
     .flags = MP_F_NULL | MP_F_NDJSON_ONLY,
     .meaning = "the record holding the syntax error",
     .get = error_record},
    {.name = "record",
     .kind = MP_K_STRING,
     .flags = MP_F_NULL | MP_F_NDJSON_ONLY,
     .meaning = "the domain's v=spf1 record when there is exactly one",
     .get = record},
    {.name = "lookups",
     .kind = MP_K_UINT,
     .meaning = "DNS-querying terms evaluated, stopping at 11",
     .get = lookups,
     .diff = MP_DIFF_NEUTRAL},
    {.name = "lookups_static",
     .kind = MP_K_UINT,
     .flags = MP_F_NULL,
     .meaning = "DNS-querying terms in the whole tree",
     .get = lookups_static},
    {.name = "voids",
     .kind = MP_K_UINT,
     .meaning = "void lookups met",
     .get = voids,
     .diff = MP_DIFF_NEUTRAL},
    {.name = "depth",
     .kind = MP_K_UINT,
     .flags = MP_F_NULL,
     .meaning = "the longest include/redirect chain",
     .get = depth},
    {.name = "all",
     .kind = MP_K_ENUM,
     .flags = MP_F_NULL,
     .meaning = "the result the all that ends the evaluation gives",
     .get = all,
     .values = all_names,
     .nvalues = MP_FIELDS(all_names),
     .diff = MP_DIFF_RANK,
     .diff_rank = &mp_rank_spf_all},
    {.name = "includes",
     .kind = MP_K_LIST,
     .meaning = "the domain's own include: terms, the first 32",
     .get = includes,
     .sub = &include_part,
     .diff = MP_DIFF_SET},
    {.name = "includes_total",
     .kind = MP_K_UINT,
     .flags = MP_F_NDJSON_ONLY,
     .meaning = "how many include: terms the record has",
     .get = includes_total},
    {.name = "redirect",
     .kind = MP_K_STRING,
     .flags = MP_F_NULL,
     .meaning = "the domain-spec of redirect=, as written",
     .get = redirect,
     .diff = MP_DIFF_NEUTRAL},
    {.name = "uses_ptr",
     .kind = MP_K_BOOL,
     .flags = MP_F_NULL,
     .meaning = "a ptr mechanism is reached",
     .get = uses_ptr},
    {.name = "uses_exists",
     .kind = MP_K_BOOL,
     .flags = MP_F_NULL,
     .meaning = "an exists mechanism is reached",
     .get = uses_exists},
    {.name = "uses_macros",
     .kind = MP_K_BOOL,
     .flags = MP_F_NULL,
     .meaning = "a record reached uses macros",
     .get = uses_macros},
    {.name = "exact",
     .kind = MP_K_BOOL,
     .flags = MP_F_NULL,
     .meaning = "the address counts are exact, not a lower bound",
     .get = exact,
     .when = counted},
    {.name = "ip4_addresses",
     .kind = MP_K_UINT,
     .flags = MP_F_NULL,
     .meaning = "IPv4 addresses the policy passes",
     .get = ip4_addresses,
     .when = counted},
    {.name = "ip6_prefixes",
     .kind = MP_K_UINT,
     .flags = MP_F_NULL,
     .meaning = "IPv6 /64 networks the policy passes (beyond int64)",
     .get = ip6_prefixes,
     .when = counted},
    {.name = "length",
     .kind = MP_K_UINT,
     .flags = MP_F_NULL,
     .meaning = "bytes of record",
     .get = length},
    {.name = "checks",
     .kind = MP_K_LIST,
     .meaning = "one check_host() per --spf-ip address",
     .get = checks,
     .sub = &check_part,
     .csv_item = check_item},
    {.name = "include_checks",
     .kind = MP_K_LIST,
     .meaning = "where each --spf-include name sits in the tree",
     .get = targets,
     .sub = &target_part,
     .csv_item = target_item},
};

const struct mp_part mp_part_spf = {"spf", MP_FIELDS(spf), spf};
