/* The MX part (docs/schema.md, "MX hosts and reverse DNS"): the MX hosts
 * (RFC 5321 5.1, RFC 7505), their addresses and reverse DNS, and those of
 * the --spf-ip senders. */
#include "output/parts/get.h"
#include "output/parts/rank.h"

#include <string.h>

#include "output/json.h"

/* No A/AAAA lookup is made for an address literal, nor for a null MX
 * record among others. */
static bool looked_up(const struct mp_result_mx_host *h)
{
  return !h->ip_literal && h->host && h->host[0];
}

MP_GET(null_mx, struct mp_result_mx_check, m, mp_value_bool(v, m->null_mx))
MP_GET(all_fcrdns, struct mp_result_mx_check, m, mp_value_tri(v, m->all_fcrdns))
MP_GET(unresolved, struct mp_result_mx_check, m,
       mp_value_uint(v, m->unresolved))
MP_GET(hosts, struct mp_result_mx_check, m,
       mp_value_list(v, m->hosts, m->nhosts, MP_MX_HOSTS_MAX))
MP_GET(preference, struct mp_result_mx_host, h,
       mp_value_uint(v, h[i].preference))
MP_GET(host, struct mp_result_mx_host, h,
       mp_value_cstr(v, h[i].host ? h[i].host : ""))
MP_GET(ip_literal, struct mp_result_mx_host, h,
       mp_value_bool(v, h[i].ip_literal))
MP_GET(cname, struct mp_result_mx_host, h, mp_value_cstr(v, h[i].cname))
MP_GET(resolves, struct mp_result_mx_host, h, mp_value_tri(v, h[i].resolves))
MP_GET(a_outcome, struct mp_result_mx_host, h,
       mp_value_cstr(v,
                     looked_up(&h[i]) ? mp_outcome_name(h[i].a_outcome) : NULL))
MP_GET(aaaa_outcome, struct mp_result_mx_host, h,
       mp_value_cstr(v, looked_up(&h[i]) ? mp_outcome_name(h[i].aaaa_outcome)
                                         : NULL))
MP_GET(addresses, struct mp_result_mx_host, h,
       mp_value_list(v, h[i].addrs, h[i].naddrs, MP_MX_ADDRS_MAX))
MP_GET(address, struct mp_result_mx_addr, a,
       mp_value_cstr(v, a[i].addr ? a[i].addr : ""))
MP_GET(ptr, struct mp_result_mx_addr, a, mp_value_cstr(v, a[i].ptr))
MP_GET(ptr_outcome, struct mp_result_mx_addr, a,
       mp_value_cstr(v, mp_outcome_name(a[i].ptr_outcome)))
MP_GET(fcrdns, struct mp_result_mx_addr, a, mp_value_tri(v, a[i].fcrdns))
MP_GET(forward_outcome, struct mp_result_mx_addr, a,
       mp_value_cstr(v, a[i].forwarded ? mp_outcome_name(a[i].forward_outcome)
                                       : NULL))
MP_GET(generic, struct mp_result_mx_addr, a, mp_value_bool(v, a[i].generic))
MP_GET(senders, struct mp_result_mx_check, m,
       mp_value_list(v, m->senders, m->nsenders, MP_SPF_CHECKS_MAX))
MP_GET(senders_fcrdns, struct mp_result_mx_check, m,
       mp_value_tri(v, m->nsenders == 0 ? MP_TRI_UNKNOWN : m->senders_fcrdns))

/* " address>ptr[state]": state is fcrdns, nofcrdns (a PTR name that does
 * not resolve back to the address), noptr (none: NXDOMAIN or no data), the
 * outcome of a PTR lookup that failed (timeout, servfail, ...), or
 * forward=<outcome> when a forward lookup of the PTR name failed and the
 * confirmation is unknown; ",generic" follows for a generic-looking PTR
 * name. */
static void add_address(struct mp_textbuf *t, const struct mp_result_mx_addr *a)
{
  const char *state = a->fcrdns == MP_TRI_TRUE ? "fcrdns" : "nofcrdns";

  if (!a->ptr) {
    state =
        a->fcrdns == MP_TRI_UNKNOWN ? mp_outcome_name(a->ptr_outcome) : "noptr";
  }
  mp_textbuf_add(t, " ", 1);
  mp_textbuf_add(t, a->addr, 64);
  mp_textbuf_add(t, ">", 1);
  mp_textbuf_add(t, a->ptr, MP_NAME_TEXT_MAX);
  mp_textbuf_add(t, "[", 1);
  if (a->ptr && a->fcrdns == MP_TRI_UNKNOWN) {
    mp_textbuf_add(t, "forward=", 8);
    state = a->forwarded ? mp_outcome_name(a->forward_outcome) : NULL;
  }
  mp_textbuf_add(t, state, 16);
  if (a->generic) {
    mp_textbuf_add(t, ",generic", 8);
  }
  mp_textbuf_add(t, "]", 1);
}

/* " a=<outcome>" for an address lookup of a host that failed. */
static void add_failed(struct mp_textbuf *t, const char *what,
                       enum mp_outcome o)
{
  if (mp_outcome_failed(o)) {
    mp_textbuf_add(t, what, 6);
    mp_textbuf_add(t, mp_outcome_name(o), 16);
  }
}

/* mx_hosts_detail: "preference host" then " cname=target", " literal",
 * " unresolved", " a=<outcome>", " aaaa=<outcome>" when they apply, then
 * each address examined
 * ("10 mx1.example.com 192.0.2.10>mx1.example.com[fcrdns]"). The buffer
 * is MP_CSV_ITEM_MAX bytes. */
static void host_item(const void *ctx, size_t i, struct mp_csv_item *it)
{
  const struct mp_csv_ctx *c = ctx;
  const struct mp_result_mx_host *h =
      &((const struct mp_result_mx_host *)c->obj)[i];
  struct mp_textbuf t = {.buf = c->buf, .size = c->size, .len = 0};
  char num[MP_JSON_FMT_MAX];

  c->buf[0] = '\0';
  mp_json_format_uint(num, h->preference);
  mp_textbuf_add(&t, num, 5);
  mp_textbuf_add(&t, " ", 1);
  mp_textbuf_add(&t, h->host, MP_NAME_TEXT_MAX);
  if (h->host && !h->host[0]) { /* "0 ." among others: not examined */
    mp_csv_item_set(it, t.buf, t.len);
    return;
  }
  if (h->cname) {
    mp_textbuf_add(&t, " cname=", 7);
    mp_textbuf_add(&t, h->cname, MP_NAME_TEXT_MAX);
  }
  if (h->ip_literal) {
    mp_textbuf_add(&t, " literal", 8);
  } else if (h->resolves == MP_TRI_FALSE) {
    mp_textbuf_add(&t, " unresolved", 11);
  }
  add_failed(&t, " a=", h->a_outcome);
  add_failed(&t, " aaaa=", h->aaaa_outcome);
  for (size_t k = 0; k < h->naddrs && k < MP_MX_ADDRS_MAX; k++) {
    add_address(&t, &h->addrs[k]);
  }
  mp_csv_item_set(it, t.buf, t.len);
}

/* mx_senders_detail: "address>ptr[state]" per --spf-ip address, as the
 * addresses of mx_hosts_detail. */
static void sender_item(const void *ctx, size_t i, struct mp_csv_item *it)
{
  const struct mp_csv_ctx *c = ctx;
  struct mp_textbuf t = {.buf = c->buf, .size = c->size, .len = 0};

  c->buf[0] = '\0';
  add_address(&t, &((const struct mp_result_mx_addr *)c->obj)[i]);
  /* without the space that separates it in a host */
  mp_csv_item_set(it, t.buf + 1, t.len - 1);
}

static const struct mp_field address_fields[] = {
    {.name = "address",
     .kind = MP_K_STRING,
     .meaning = "the address as text",
     .get = address},
    {.name = "ptr",
     .kind = MP_K_STRING,
     .flags = MP_F_NULL,
     .meaning = "the first PTR name of the address",
     .get = ptr},
    {.name = "ptr_outcome",
     .kind = MP_K_ENUM,
     .meaning = "the outcome of the PTR lookup",
     .get = ptr_outcome,
     MP_VALUES(outcome, OUTCOME)},
    {.name = "fcrdns",
     .kind = MP_K_BOOL,
     .flags = MP_F_NULL,
     .meaning = "a PTR name of the address resolves back to it",
     .get = fcrdns},
    {.name = "forward_outcome",
     .kind = MP_K_ENUM,
     .flags = MP_F_NULL,
     .meaning = "the outcome of the forward lookup that decided fcrdns",
     .get = forward_outcome,
     MP_VALUES(outcome, OUTCOME)},
    {.name = "generic",
     .kind = MP_K_BOOL,
     .meaning = "the PTR name looks like one of a pool of end users",
     .get = generic},
};
static const struct mp_part address_part = {
    "mx_address", MP_FIELDS(address_fields), address_fields};

static const struct mp_field host_fields[] = {
    {.name = "preference",
     .kind = MP_K_UINT,
     .meaning = "its preference, 0 to 65535",
     .get = preference,
     .diff = MP_DIFF_NEUTRAL},
    {.name = "host",
     .kind = MP_K_STRING,
     .meaning = "the exchange; empty for a null MX among others",
     .get = host,
     .diff = MP_DIFF_NEUTRAL},
    {.name = "ip_literal",
     .kind = MP_K_BOOL,
     .meaning = "the exchange is written as an address",
     .get = ip_literal},
    {.name = "cname",
     .kind = MP_K_STRING,
     .flags = MP_F_NULL,
     .meaning = "the alias target when the exchange is a CNAME",
     .get = cname},
    {.name = "resolves",
     .kind = MP_K_BOOL,
     .flags = MP_F_NULL,
     .meaning = "the exchange has A or AAAA records",
     .get = resolves},
    {.name = "a_outcome",
     .kind = MP_K_ENUM,
     .flags = MP_F_NULL,
     .meaning = "the outcome of the A lookup of the exchange",
     .get = a_outcome,
     MP_VALUES(outcome, OUTCOME)},
    {.name = "aaaa_outcome",
     .kind = MP_K_ENUM,
     .flags = MP_F_NULL,
     .meaning = "the outcome of the AAAA lookup of the exchange",
     .get = aaaa_outcome,
     MP_VALUES(outcome, OUTCOME)},
    {.name = "addresses",
     .kind = MP_K_LIST,
     .meaning = "the addresses examined, A then AAAA, at most 4",
     .get = addresses,
     .sub = &address_part},
};
static const struct mp_part host_part = {"mx_host", MP_FIELDS(host_fields),
                                         host_fields};

static const struct mp_field mx[] = {
    {.name = "null_mx",
     .kind = MP_K_BOOL,
     .meaning = "the MX answer is 0 . alone: no mail accepted",
     .get = null_mx,
     .csv = "null",
     .diff = MP_DIFF_NEUTRAL},
    {.name = "all_fcrdns",
     .kind = MP_K_BOOL,
     .flags = MP_F_NULL,
     .meaning = "every address examined is forward-confirmed",
     .get = all_fcrdns,
     .diff = MP_DIFF_TRUE_GOOD},
    {.name = "unresolved",
     .kind = MP_K_UINT,
     .meaning = "hosts with neither A nor AAAA records",
     .get = unresolved,
     .diff = MP_DIFF_MORE_WORSE},
    {.name = "hosts",
     .kind = MP_K_LIST,
     .meaning = "the hosts examined, in preference order, at most 10",
     .get = hosts,
     .sub = &host_part,
     .csv = "hosts_detail",
     .csv_item = host_item,
     .diff = MP_DIFF_SET},
    {.name = "senders",
     .kind = MP_K_LIST,
     .meaning = "each --spf-ip address and its reverse DNS",
     .get = senders,
     .sub = &address_part,
     .csv = "senders_detail",
     .group = MP_CSV_SENDERS_DETAIL,
     .csv_item = sender_item},
    {.name = "senders_fcrdns",
     .kind = MP_K_BOOL,
     .flags = MP_F_NULL,
     .meaning = "every --spf-ip address is forward-confirmed",
     .get = senders_fcrdns,
     .group = MP_CSV_SENDERS_FCRDNS},
};

const struct mp_part mp_part_mx = {"mx_hosts", MP_FIELDS(mx), mx};
