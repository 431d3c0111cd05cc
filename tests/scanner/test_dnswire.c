#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "scanner/dns/dnswire.h"

/* A tiny message builder: header, one question, answer RRs. */
struct msg {
  uint8_t b[4096];
  size_t n;
};

static void put16(struct msg *m, unsigned v)
{
  m->b[m->n++] = (uint8_t)(v >> 8);
  m->b[m->n++] = (uint8_t)v;
}

static void put32(struct msg *m, uint32_t v)
{
  put16(m, v >> 16);
  put16(m, v & 0xFFFF);
}

static void put_name(struct msg *m, const char *name)
{
  while (*name) {
    const char *dot = strchr(name, '.');
    size_t len = dot ? (size_t)(dot - name) : strlen(name);

    m->b[m->n++] = (uint8_t)len;
    memcpy(m->b + m->n, name, len);
    m->n += len;
    name += len + (dot ? 1 : 0);
  }
  m->b[m->n++] = 0;
}

static void header(struct msg *m, unsigned rcode, unsigned ancount,
                   const char *qname, unsigned qtype)
{
  m->n = 0;
  put16(m, 0x1234);
  put16(m, 0x8180 | rcode); /* QR RD RA */
  put16(m, 1);
  put16(m, ancount);
  put16(m, 0);
  put16(m, 0);
  put_name(m, qname);
  put16(m, qtype);
  put16(m, 1);
}

/* An RR with an uncompressed owner; rdata given as raw bytes. */
static void rr(struct msg *m, const char *owner, unsigned type, uint32_t ttl,
               const void *rdata, size_t len)
{
  put_name(m, owner);
  put16(m, type);
  put16(m, 1);
  put32(m, ttl);
  put16(m, (unsigned)len);
  memcpy(m->b + m->n, rdata, len);
  m->n += len;
}

static size_t name_wire(uint8_t *out, const char *name)
{
  struct msg m = {.n = 0};

  put_name(&m, name);
  memcpy(out, m.b, m.n);
  return m.n;
}

static struct mp_answer *parse(struct msg *m, const char *qname, uint16_t qtype)
{
  struct mp_answer *a = NULL;

  cr_assert_eq(mp_dnswire_parse(m->b, m->n, qname, qtype, &a), 0);
  cr_assert_not_null(a);
  return a;
}

Test(dnswire, encodes_query_with_edns_opt_last)
{
  uint8_t buf[MP_QUERY_MAX];
  static const uint8_t want[] = {
      0xab, 0xcd, 0x01, 0x00, 0,    1,   0,   0,   0, 0,   0,   1, /* header */
      7,    'e',  'x',  'a',  'm',  'p', 'l', 'e', 4, 't', 'e', 's',
      't',  0,    0,    16,   0,    1,                         /* TXT IN */
      0,    0,    41,   0x04, 0xd0, 0,   0,   0,   0, 0,   0}; /* OPT 1232 */

  cr_assert_eq(mp_dnswire_query(buf, "example.test.", MP_T_TXT, 0xabcd, 1232),
               (int)sizeof(want));
  cr_assert_arr_eq(buf, want, sizeof(want));
}

Test(dnswire, rejects_names_that_cannot_be_encoded)
{
  uint8_t buf[MP_QUERY_MAX];
  char long_label[80], long_name[300];

  memset(long_label, 'a', 64);
  strcpy(long_label + 64, ".test");
  for (size_t i = 0; i < 254; i += 2) {
    long_name[i] = 'a';
    long_name[i + 1] = '.';
  }
  long_name[255] = '\0';
  long_name[254] = 'a';
  cr_expect_eq(mp_dnswire_query(buf, "a..b", MP_T_TXT, 1, 0), -EINVAL);
  cr_expect_eq(mp_dnswire_query(buf, ".a", MP_T_TXT, 1, 0), -EINVAL);
  cr_expect_eq(mp_dnswire_query(buf, long_label, MP_T_TXT, 1, 0), -EINVAL);
  cr_expect_eq(mp_dnswire_query(buf, long_name, MP_T_TXT, 1, 0), -EINVAL);
  cr_expect_gt(mp_dnswire_query(buf, "", MP_T_TXT, 1, 0), 0); /* the root */
}

Test(dnswire, rejoins_txt_strings_without_separator)
{
  struct msg m;
  static const uint8_t rd[] = {6, 'v', '=', 's', 'p', 'f', '1',
                               5, ' ', '-', 'a', 'l', 'l'};
  static const uint8_t nul[] = {3, 'a', 0, 'b'};
  struct mp_answer *a;

  header(&m, 0, 2, "d.test", MP_T_TXT);
  rr(&m, "d.test", MP_T_TXT, 300, rd, sizeof(rd));
  rr(&m, "D.TEST", MP_T_TXT, 60, nul, sizeof(nul));
  a = parse(&m, "d.test", MP_T_TXT);
  cr_assert_eq(a->outcome, MP_OUTCOME_OK);
  cr_assert_eq(a->rcode, 0);
  cr_assert_eq(a->count, 2);
  cr_assert_str_eq(a->rr[0].data, "v=spf1 -all");
  cr_assert_eq(a->rr[0].len, 11);
  cr_assert_eq(a->rr[1].len, 3);
  cr_assert_arr_eq(a->rr[1].data, "a\0b", 3);
  cr_assert_eq(mp_answer_ttl(a), 60);
  cr_assert_null(a->cname);
  mp_answer_unref(a);
}

Test(dnswire, empty_txt_rdata_is_an_empty_record)
{
  struct msg m;
  struct mp_answer *a;

  header(&m, 0, 1, "d.test", MP_T_TXT);
  rr(&m, "d.test", MP_T_TXT, 1, "", 0);
  a = parse(&m, "d.test", MP_T_TXT);
  cr_assert_eq(a->count, 1);
  cr_assert_eq(a->rr[0].len, 0);
  cr_assert_str_eq(a->rr[0].data, "");
  mp_answer_unref(a);
}

Test(dnswire, decodes_mx_with_compression_pointer)
{
  struct msg m;
  uint8_t rd[64];
  struct mp_answer *a;

  header(&m, 0, 1, "d.test", MP_T_MX);
  /* owner: pointer to the question name at offset 12 */
  m.b[m.n++] = 0xC0;
  m.b[m.n++] = 12;
  put16(&m, MP_T_MX);
  put16(&m, 1);
  put32(&m, 3600);
  rd[0] = 0;
  rd[1] = 10;
  rd[2] = 3;
  memcpy(rd + 3, "MX1", 3);
  rd[6] = 0xC0;
  rd[7] = 12; /* mx1.d.test */
  put16(&m, 8);
  memcpy(m.b + m.n, rd, 8);
  m.n += 8;
  a = parse(&m, "d.test", MP_T_MX);
  cr_assert_eq(a->count, 1);
  cr_assert_eq(a->rr[0].pref, 10);
  cr_assert_str_eq(a->rr[0].data, "mx1.d.test");
  mp_answer_unref(a);
}

Test(dnswire, null_mx_target_is_the_empty_root_name)
{
  struct msg m;
  static const uint8_t rd[] = {0, 0, 0};
  struct mp_answer *a;

  header(&m, 0, 1, "d.test", MP_T_MX);
  rr(&m, "d.test", MP_T_MX, 1, rd, sizeof(rd));
  a = parse(&m, "d.test", MP_T_MX);
  cr_assert_eq(a->count, 1);
  cr_assert_str_eq(a->rr[0].data, "");
  mp_answer_unref(a);
}

Test(dnswire, follows_cname_chain_in_any_order)
{
  struct msg m;
  uint8_t w[64];
  static const uint8_t txt[] = {2, 'h', 'i'};
  static const uint8_t other[] = {2, 'n', 'o'};
  struct mp_answer *a;

  header(&m, 0, 4, "alias.test", MP_T_TXT);
  rr(&m, "mid.test", MP_T_CNAME, 60, w, name_wire(w, "target.test"));
  rr(&m, "target.test", MP_T_TXT, 60, txt, sizeof(txt));
  rr(&m, "alias.test", MP_T_CNAME, 60, w, name_wire(w, "mid.test"));
  rr(&m, "unrelated.test", MP_T_TXT, 60, other, sizeof(other));
  a = parse(&m, "alias.test", MP_T_TXT);
  cr_assert_eq(a->outcome, MP_OUTCOME_OK);
  cr_assert_eq(a->count, 1);
  cr_assert_str_eq(a->rr[0].data, "hi");
  cr_assert_str_eq(a->cname, "target.test");
  mp_answer_unref(a);
}

Test(dnswire, cname_loop_ends_without_records)
{
  struct msg m;
  uint8_t w[64];
  struct mp_answer *a;

  header(&m, 0, 2, "a.test", MP_T_TXT);
  rr(&m, "a.test", MP_T_CNAME, 60, w, name_wire(w, "b.test"));
  rr(&m, "b.test", MP_T_CNAME, 60, w, name_wire(w, "a.test"));
  a = parse(&m, "a.test", MP_T_TXT);
  cr_assert_eq(a->outcome, MP_OUTCOME_NODATA);
  cr_assert_eq(a->count, 0);
  cr_assert_str_eq(a->cname, "b.test");
  cr_assert_not(a->dangling, "a loop has no target left to ask");
  mp_answer_unref(a);
}

/* An authoritative server answers an alias into a zone it does not hold
 * with the CNAME alone: the resolver must ask the target. */
Test(dnswire, alias_into_another_zone_is_dangling)
{
  struct msg m;
  uint8_t w[64];
  struct mp_answer *a;

  header(&m, 0, 1, "s1._domainkey.a.test", MP_T_TXT);
  rr(&m, "s1._domainkey.a.test", MP_T_CNAME, 60, w,
     name_wire(w, "s1._domainkey.provider.example"));
  a = parse(&m, "s1._domainkey.a.test", MP_T_TXT);
  cr_assert_eq(a->outcome, MP_OUTCOME_NODATA);
  cr_assert_str_eq(a->cname, "s1._domainkey.provider.example");
  cr_assert(a->dangling);
  mp_answer_unref(a);
}

/* NODATA at the target with the target zone's SOA: the answer is final. */
Test(dnswire, alias_with_negative_answer_is_not_dangling)
{
  struct msg m;
  uint8_t w[64];
  uint8_t soa[128];
  size_t n;
  struct mp_answer *a;

  header(&m, 0, 1, "alias.test", MP_T_TXT);
  m.b[9] = 1; /* NSCOUNT */
  rr(&m, "alias.test", MP_T_CNAME, 60, w, name_wire(w, "target.test"));
  n = name_wire(soa, "ns.test");
  n += name_wire(soa + n, "admin.test");
  memset(soa + n, 0, 20);
  rr(&m, "test", MP_T_SOA, 60, soa, n + 20);
  a = parse(&m, "alias.test", MP_T_TXT);
  cr_assert_eq(a->outcome, MP_OUTCOME_NODATA);
  cr_assert_not(a->dangling);
  mp_answer_unref(a);
}

Test(dnswire, cname_query_returns_the_cname_itself)
{
  struct msg m;
  uint8_t w[64];
  struct mp_answer *a;

  header(&m, 0, 1, "a.test", MP_T_CNAME);
  rr(&m, "a.test", MP_T_CNAME, 60, w, name_wire(w, "b.test"));
  a = parse(&m, "a.test", MP_T_CNAME);
  cr_assert_eq(a->count, 1);
  cr_assert_str_eq(a->rr[0].data, "b.test");
  cr_assert_null(a->cname);
  mp_answer_unref(a);
}

struct rcode_case {
  unsigned rcode;
  unsigned ancount;
  enum mp_outcome want;
};

ParameterizedTestParameters(dnswire, maps_rcodes_to_outcomes)
{
  static struct rcode_case cases[] = {
      {0, 0, MP_OUTCOME_NODATA},   {1, 0, MP_OUTCOME_FORMERR},
      {2, 0, MP_OUTCOME_SERVFAIL}, {3, 0, MP_OUTCOME_NXDOMAIN},
      {4, 0, MP_OUTCOME_ERROR},    {5, 0, MP_OUTCOME_REFUSED},
      {9, 0, MP_OUTCOME_ERROR},
  };

  return cr_make_param_array(struct rcode_case, cases,
                             sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct rcode_case *c, dnswire, maps_rcodes_to_outcomes)
{
  struct msg m;
  struct mp_answer *a;

  header(&m, c->rcode, c->ancount, "x.test", MP_T_TXT);
  a = parse(&m, "x.test", MP_T_TXT);
  cr_assert_eq(a->outcome, c->want);
  cr_assert_eq(a->rcode, (int)c->rcode);
  mp_answer_unref(a);
}

Test(dnswire, decodes_addresses_and_ignores_other_types)
{
  struct msg m;
  static const uint8_t v4[] = {192, 0, 2, 1};
  static const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};
  struct mp_answer *a;

  header(&m, 0, 2, "h.test", MP_T_A);
  rr(&m, "h.test", MP_T_AAAA, 1, v6, sizeof(v6));
  rr(&m, "h.test", MP_T_A, 1, v4, sizeof(v4));
  a = parse(&m, "h.test", MP_T_A);
  cr_assert_eq(a->count, 1);
  cr_assert_str_eq(a->rr[0].data, "192.0.2.1");
  cr_assert_arr_eq(a->rr[0].addr, v4, 4);
  mp_answer_unref(a);

  header(&m, 0, 1, "h.test", MP_T_AAAA);
  rr(&m, "h.test", MP_T_AAAA, 1, v6, sizeof(v6));
  a = parse(&m, "h.test", MP_T_AAAA);
  cr_assert_str_eq(a->rr[0].data, "2001:db8::1");
  cr_assert_arr_eq(a->rr[0].addr, v6, 16);
  mp_answer_unref(a);
}

Test(dnswire, escapes_odd_bytes_in_names)
{
  struct msg m;
  uint8_t w[] = {4, 'A', '.', ' ', '|', 4, 't', 'e', 's', 't', 0};
  struct mp_answer *a;

  header(&m, 0, 1, "p.test", MP_T_PTR);
  rr(&m, "p.test", MP_T_PTR, 1, w, sizeof(w));
  a = parse(&m, "p.test", MP_T_PTR);
  cr_assert_str_eq(a->rr[0].data, "a\\046\\032\\124.test");
  mp_answer_unref(a);
}

/* An owner name with octets that need escaping (RFC 1035 section 5.1):
 * found whether the question is asked raw, escaped, or in another case. */
Test(dnswire, matches_owner_names_that_need_escaping)
{
  static const uint8_t v4[] = {192, 0, 2, 1};
  static const char *const asked[] = {
      "foo:bar/baz.example.com", "foo\\058bar/baz.example.com",
      "FOO\\:Bar\\/baz.EXAMPLE.com.", "foo\\058bar\\047baz.example.com"};
  struct msg m;

  for (size_t i = 0; i < sizeof(asked) / sizeof(asked[0]); i++) {
    struct mp_answer *a;

    header(&m, 0, 1, "foo:bar/baz.example.com", MP_T_A);
    rr(&m, "foo:bar/baz.example.com", MP_T_A, 60, v4, sizeof(v4));
    a = parse(&m, asked[i], MP_T_A);
    cr_expect_eq(a->count, 1, "asked as %s", asked[i]);
    cr_expect_eq(a->outcome, MP_OUTCOME_OK, "asked as %s", asked[i]);
    mp_answer_unref(a);
  }
}

/* A dot, a NUL, a space, a backslash and 0xff inside labels: the CNAME
 * chain is followed on the wire, and the names come out escaped. */
Test(dnswire, follows_aliases_through_names_with_any_octet)
{
  static const uint8_t alias[] = {5, 'a', '.', 'b', 0,   'c',
                                  4, 't', 'e', 's', 't', 0};
  static const uint8_t target[] = {4,   0xff, ' ', '\\', 'X', 4,
                                   't', 'e',  's', 't',  0};
  static const uint8_t mx[] = {0, 10, 3, 'm', 0, 'x', 4, 't', 'e', 's', 't', 0};
  struct msg m;
  struct mp_answer *a;

  m.n = 0;
  put16(&m, 0x1234);
  put16(&m, 0x8180);
  put16(&m, 1);
  put16(&m, 2);
  put16(&m, 0);
  put16(&m, 0);
  memcpy(m.b + m.n, alias, sizeof(alias));
  m.n += sizeof(alias);
  put16(&m, MP_T_MX);
  put16(&m, 1);
  memcpy(m.b + m.n, alias, sizeof(alias)); /* alias CNAME target */
  m.n += sizeof(alias);
  put16(&m, MP_T_CNAME);
  put16(&m, 1);
  put32(&m, 60);
  put16(&m, sizeof(target));
  memcpy(m.b + m.n, target, sizeof(target));
  m.n += sizeof(target);
  memcpy(m.b + m.n, target, sizeof(target)); /* target MX 10 m\000x.test */
  m.n += sizeof(target);
  put16(&m, MP_T_MX);
  put16(&m, 1);
  put32(&m, 60);
  put16(&m, sizeof(mx));
  memcpy(m.b + m.n, mx, sizeof(mx));
  m.n += sizeof(mx);
  a = parse(&m, "a\\.b\\000c.test", MP_T_MX);
  cr_assert_eq(a->outcome, MP_OUTCOME_OK);
  cr_assert_eq(a->count, 1);
  cr_assert_str_eq(a->rr[0].data, "m\\000x.test");
  cr_assert_str_eq(a->cname, "\\255\\032\\092x.test");
  mp_answer_unref(a);
}

Test(dnswire, encodes_escaped_names_as_their_octets)
{
  uint8_t buf[MP_QUERY_MAX];
  static const uint8_t want[] = {7,    'f', 'o', 'o', ':', 'b', 'a',
                                 'r',  3,   'a', '.', 'b', 2,   '\\',
                                 0xff, 4,   't', 'e', 's', 't', 0};
  static const char *const spellings[] = {"foo\\058bar.a\\.b.\\092\\255.test",
                                          "FOO:bar.A\\046B.\\\\\\255.Test."};

  for (size_t i = 0; i < 2; i++) {
    cr_assert_eq(mp_dnswire_query(buf, spellings[i], MP_T_A, 1, 0),
                 (int)(12 + sizeof(want) + 4), "%s", spellings[i]);
    cr_assert_arr_eq(buf + 12, want, sizeof(want), "%s", spellings[i]);
  }
  cr_expect_eq(mp_dnswire_query(buf, "a\\256.test", MP_T_A, 1, 0), -EINVAL);
  cr_expect_eq(mp_dnswire_query(buf, "a\\05.test", MP_T_A, 1, 0), -EINVAL);
  cr_expect_eq(mp_dnswire_query(buf, "test\\", MP_T_A, 1, 0), -EINVAL);
  cr_expect_eq(mp_dnswire_labels("a\\.b.test"), 2);
  cr_expect_eq(mp_dnswire_labels("a.b.test"), 3);
}

/* A query name is raw text, one label per dot, as mp_dnswire_query()
 * encodes it: owners holding bytes the presentation form escapes (an SPF
 * macro's "agent@customer.example", RFC 7208 section 7.3) still match. */
Test(dnswire, matches_owners_with_odd_bytes_to_the_query_name)
{
  struct msg m;
  static const uint8_t v4[] = {127, 0, 0, 2};
  struct mp_answer *a;

  header(&m, 0, 1, "~a&b=c@customer.example._s.test", MP_T_A);
  rr(&m, "~a&b=c@customer.example._s.test", MP_T_A, 1, v4, sizeof(v4));
  a = parse(&m, "~a&b=c@customer.example._s.test", MP_T_A);
  cr_assert_eq(a->outcome, MP_OUTCOME_OK);
  cr_assert_eq(a->count, 1);
  cr_assert_str_eq(a->rr[0].data, "127.0.0.2");
  mp_answer_unref(a);
}

Test(dnswire, ttl_with_high_bit_reads_as_zero)
{
  struct msg m;
  static const uint8_t txt[] = {1, 'x'};
  struct mp_answer *a;

  header(&m, 0, 1, "d.test", MP_T_TXT);
  rr(&m, "d.test", MP_T_TXT, 0x80000000u, txt, sizeof(txt));
  a = parse(&m, "d.test", MP_T_TXT);
  cr_assert_eq(a->rr[0].ttl, 0);
  mp_answer_unref(a);
}

Test(dnswire, rejects_malformed_messages)
{
  struct msg m;
  struct mp_answer *a = NULL;
  static const uint8_t bad_txt[] = {5, 'a', 'b'};
  static const uint8_t v4[] = {1, 2, 3};

  header(&m, 0, 0, "d.test", MP_T_TXT);
  cr_expect_eq(mp_dnswire_parse(m.b, 11, "d.test", MP_T_TXT, &a), -EBADMSG);
  m.b[2] &= 0x7F; /* QR=0: a query, not a reply */
  cr_expect_eq(mp_dnswire_parse(m.b, m.n, "d.test", MP_T_TXT, &a), -EBADMSG);

  header(&m, 0, 1, "d.test", MP_T_TXT);
  rr(&m, "d.test", MP_T_TXT, 1, bad_txt, sizeof(bad_txt));
  cr_expect_eq(mp_dnswire_parse(m.b, m.n, "d.test", MP_T_TXT, &a), -EBADMSG);

  header(&m, 0, 1, "d.test", MP_T_A);
  rr(&m, "d.test", MP_T_A, 1, v4, sizeof(v4));
  cr_expect_eq(mp_dnswire_parse(m.b, m.n, "d.test", MP_T_A, &a), -EBADMSG);

  header(&m, 0, 2, "d.test", MP_T_TXT); /* says 2 answers, has none */
  cr_expect_eq(mp_dnswire_parse(m.b, m.n, "d.test", MP_T_TXT, &a), -EBADMSG);

  header(&m, 0, 1, "d.test", MP_T_TXT);
  m.b[m.n++] = 0xC0; /* a pointer to itself */
  m.b[m.n] = (uint8_t)(m.n - 1);
  m.n++;
  m.n += 10;
  cr_expect_eq(mp_dnswire_parse(m.b, m.n, "d.test", MP_T_TXT, &a), -EBADMSG);
  cr_expect_null(a);
}

/* An EDNS OPT RR (RFC 6891 section 6.1.2): the root as owner, the UDP
 * payload size as class, the extended RCODE in the top byte of the TTL. */
static void opt(struct msg *m, uint8_t ext_rcode)
{
  m->b[m->n++] = 0; /* the root */
  put16(m, 41);
  put16(m, 1232);
  put32(m, (uint32_t)ext_rcode << 24);
  put16(m, 0);
}

static void soa(struct msg *m, const char *owner)
{
  uint8_t rd[128];
  size_t n = name_wire(rd, "ns.test");

  n += name_wire(rd + n, "admin.test");
  memset(rd + n, 0, 20);
  rr(m, owner, MP_T_SOA, 60, rd, n + 20);
}

/* RFC 1035 section 4.1: the four sections hold exactly as many records as
 * the header counts, and nothing follows the last one. */
Test(dnswire, rejects_counts_that_overrun_the_message)
{
  struct msg m;
  struct mp_answer *a = NULL;
  size_t full;

  /* an NXDOMAIN whose SOA is cut short (kdig: "malformed reply") */
  header(&m, 3, 0, "gone.test", MP_T_TXT);
  m.b[9] = 1; /* NSCOUNT */
  soa(&m, "test");
  full = m.n;
  cr_assert_eq(mp_dnswire_parse(m.b, full, "gone.test", MP_T_TXT, &a), 0);
  mp_answer_unref(a);
  a = NULL;
  cr_expect_eq(mp_dnswire_parse(m.b, full - 5, "gone.test", MP_T_TXT, &a),
               -EBADMSG);
  cr_expect_null(a);

  /* an authority or additional record counted but missing */
  header(&m, 3, 0, "gone.test", MP_T_TXT);
  m.b[9] = 2;
  soa(&m, "test");
  cr_expect_eq(mp_dnswire_parse(m.b, m.n, "gone.test", MP_T_TXT, &a), -EBADMSG);
  header(&m, 0, 0, "d.test", MP_T_TXT);
  m.b[11] = 1; /* ARCOUNT */
  cr_expect_eq(mp_dnswire_parse(m.b, m.n, "d.test", MP_T_TXT, &a), -EBADMSG);

  /* an additional record whose data runs past the end */
  header(&m, 0, 0, "d.test", MP_T_TXT);
  m.b[11] = 1;
  opt(&m, 0);
  m.b[m.n - 1] = 4; /* RDLENGTH 4, no data */
  cr_expect_eq(mp_dnswire_parse(m.b, m.n, "d.test", MP_T_TXT, &a), -EBADMSG);
  cr_expect_null(a);
}

/* Bytes after the last record are not part of any message: a reply that
 * has them is malformed (docs/schema.md, Outcomes), not data. */
Test(dnswire, rejects_bytes_after_the_last_record)
{
  static const uint8_t txt[] = {2, 'h', 'i'};
  struct msg m;
  struct mp_answer *a = NULL;

  header(&m, 3, 0, "gone.test", MP_T_TXT);
  m.b[m.n++] = 0;
  cr_expect_eq(mp_dnswire_parse(m.b, m.n, "gone.test", MP_T_TXT, &a), -EBADMSG);

  header(&m, 0, 0, "d.test", MP_T_TXT); /* garbage where no record is */
  memcpy(m.b + m.n, "\x07garbage", 8);
  m.n += 8;
  cr_expect_eq(mp_dnswire_parse(m.b, m.n, "d.test", MP_T_TXT, &a), -EBADMSG);

  header(&m, 0, 1, "d.test", MP_T_TXT);
  rr(&m, "d.test", MP_T_TXT, 60, txt, sizeof(txt));
  m.b[11] = 1;
  opt(&m, 0);
  m.b[m.n++] = 0xC0;
  cr_expect_eq(mp_dnswire_parse(m.b, m.n, "d.test", MP_T_TXT, &a), -EBADMSG);
  cr_expect_null(a);
}

Test(dnswire, walks_the_additional_section_and_its_opt_record)
{
  static const uint8_t txt[] = {2, 'h', 'i'};
  static const uint8_t v4[] = {192, 0, 2, 1};
  struct msg m;
  struct mp_answer *a = NULL;

  header(&m, 0, 1, "d.test", MP_T_TXT);
  rr(&m, "d.test", MP_T_TXT, 60, txt, sizeof(txt));
  m.b[9] = 1;
  soa(&m, "test");
  m.b[11] = 2;
  rr(&m, "ns.test", MP_T_A, 60, v4, sizeof(v4));
  opt(&m, 0);
  a = parse(&m, "d.test", MP_T_TXT);
  cr_assert_eq(a->outcome, MP_OUTCOME_OK);
  cr_assert_eq(a->count, 1);
  cr_assert_str_eq(a->rr[0].data, "hi");
  mp_answer_unref(a);
  a = NULL;

  /* RFC 6891 section 6.1.1: one OPT at most, owned by the root */
  header(&m, 0, 0, "d.test", MP_T_TXT);
  m.b[11] = 2;
  opt(&m, 0);
  opt(&m, 0);
  cr_expect_eq(mp_dnswire_parse(m.b, m.n, "d.test", MP_T_TXT, &a), -EBADMSG);
  header(&m, 0, 0, "d.test", MP_T_TXT);
  m.b[11] = 1;
  put_name(&m, "d.test");
  put16(&m, 41);
  put16(&m, 1232);
  put32(&m, 0);
  put16(&m, 0);
  cr_expect_eq(mp_dnswire_parse(m.b, m.n, "d.test", MP_T_TXT, &a), -EBADMSG);
  cr_expect_null(a);
}

/* RFC 6891 section 6.1.3: the OPT record holds the upper 8 bits of a
 * 12-bit RCODE; BADVERS (16) with an empty answer is not NODATA. */
Test(dnswire, extended_rcode_comes_from_the_opt_record)
{
  struct msg m;
  struct mp_answer *a;

  header(&m, 0, 0, "d.test", MP_T_TXT);
  m.b[11] = 1;
  opt(&m, 1);
  a = parse(&m, "d.test", MP_T_TXT);
  cr_assert_eq(a->rcode, 16);
  cr_assert_eq(a->outcome, MP_OUTCOME_ERROR);
  mp_answer_unref(a);
}

/* The structure alone, for a reply whose lookup is already over: the
 * resolver still counts a malformed one as a failure of the server. */
Test(dnswire, checks_the_structure_without_a_question)
{
  struct msg m;

  header(&m, 3, 0, "gone.test", MP_T_TXT);
  m.b[9] = 1;
  soa(&m, "test");
  cr_assert_eq(mp_dnswire_check(m.b, m.n), 0);
  cr_assert_eq(mp_dnswire_check(m.b, m.n - 1), -EBADMSG);
  m.b[m.n++] = 0;
  cr_assert_eq(mp_dnswire_check(m.b, m.n), -EBADMSG);
  cr_assert_eq(mp_dnswire_check(m.b, 11), -EBADMSG);
}

Test(dnswire, answers_are_reference_counted)
{
  struct mp_answer *a = mp_answer_new(MP_OUTCOME_TIMEOUT, -1, MP_T_MX);

  cr_assert_eq(a->refs, 1);
  cr_assert_eq(mp_answer_ref(a), a);
  cr_assert_eq(a->refs, 2);
  mp_answer_unref(a);
  cr_assert_eq(a->refs, 1);
  cr_assert_eq(a->outcome, MP_OUTCOME_TIMEOUT);
  cr_assert_eq(a->count, 0);
  mp_answer_unref(a);
  mp_answer_unref(NULL);
}

Test(dnswire, builds_reverse_names_for_ptr_queries)
{
  static const uint8_t v4[4] = {192, 0, 2, 1};
  static const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 0x1b};
  char out[MP_REVERSE_MAX];

  mp_dnswire_reverse(AF_INET, v4, out);
  cr_assert_str_eq(out, "1.2.0.192.in-addr.arpa");
  mp_dnswire_reverse(AF_INET6, v6, out);
  cr_assert_str_eq(out, "b.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b."
                        "d.0.1.0.0.2.ip6.arpa");
}

Test(dnswire, counts_labels_of_names_a_query_can_ask)
{
  char label64[70], long_name[300];

  memset(label64, 'a', 64);
  label64[64] = '\0';
  memset(long_name, 'a', sizeof(long_name));
  for (size_t i = 63; i < 254; i += 64) {
    long_name[i] = '.';
  }
  long_name[254] = '\0'; /* 254 octets: one over */
  cr_assert_eq(mp_dnswire_labels("example.com"), 2);
  cr_assert_eq(mp_dnswire_labels("example.com."), 2);
  cr_assert_eq(mp_dnswire_labels("com"), 1);
  cr_assert_eq(mp_dnswire_labels(""), 0);
  cr_assert_eq(mp_dnswire_labels("."), 0);
  cr_assert_eq(mp_dnswire_labels("a..b"), 0);
  cr_assert_eq(mp_dnswire_labels(".a"), 0);
  cr_assert_eq(mp_dnswire_labels(label64), 0);
  cr_assert_eq(mp_dnswire_labels(long_name), 0);
  long_name[253] = '\0';
  cr_assert_eq(mp_dnswire_labels(long_name), 4);
}
