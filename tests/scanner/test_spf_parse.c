#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "scanner/spf/parse.h"

#define CAP 16

/* Parses a NUL-terminated record with a CAP-sized array. */
static int parse(const char *text, struct mp_spf_term *terms,
                 struct mp_spf_record *rec, struct mp_spf_syntax_error *err)
{
  return mp_spf_parse(text, strlen(text), terms, CAP, rec, err);
}

/* The domain-spec of a term, as a NUL-terminated copy in buf. */
static const char *dom(const struct mp_spf_record *r,
                       const struct mp_spf_term *t, char *buf, size_t cap)
{
  cr_assert_lt(t->dom_len, cap);
  memcpy(buf, r->text + t->dom_off, t->dom_len);
  buf[t->dom_len] = '\0';
  return buf;
}

/* ---- One directive of each form, parsed ------------------------------ */

struct term_case {
  char term[64];
  enum mp_spf_mech mech;
  enum mp_spf_qual qual;
  unsigned cidr4, cidr6;
  char domain[56]; /* "" when none */
  bool macro;
  char addr[48]; /* ip4, ip6: the address in text form */
};

ParameterizedTestParameters(spf_parse, parses_each_directive_form)
{
  static struct term_case cases[] = {
      /* Section 4.6.2: qualifiers; 5.1: all. */
      {"all", MP_SPF_ALL, MP_SPF_Q_PASS, 32, 128, "", false, ""},
      {"+all", MP_SPF_ALL, MP_SPF_Q_PASS, 32, 128, "", false, ""},
      {"-all", MP_SPF_ALL, MP_SPF_Q_FAIL, 32, 128, "", false, ""},
      {"~all", MP_SPF_ALL, MP_SPF_Q_SOFTFAIL, 32, 128, "", false, ""},
      {"?all", MP_SPF_ALL, MP_SPF_Q_NEUTRAL, 32, 128, "", false, ""},
      {"-ALL", MP_SPF_ALL, MP_SPF_Q_FAIL, 32, 128, "", false, ""},
      /* 5.2 include. */
      {"include:_spf.google.com", MP_SPF_INCLUDE, MP_SPF_Q_PASS, 32, 128,
       "_spf.google.com", false, ""},
      {"?InClUdE:spf.protection.outlook.com", MP_SPF_INCLUDE, MP_SPF_Q_NEUTRAL,
       32, 128, "spf.protection.outlook.com", false, ""},
      {"include:o.spf.example.com.", MP_SPF_INCLUDE, MP_SPF_Q_PASS, 32, 128,
       "o.spf.example.com.", false, ""},
      {"-include:_spfh.%{d2}", MP_SPF_INCLUDE, MP_SPF_Q_FAIL, 32, 128,
       "_spfh.%{d2}", true, ""},
      /* 5.3 a, with every dual-cidr-length form. */
      {"a", MP_SPF_A, MP_SPF_Q_PASS, 32, 128, "", false, ""},
      {"a/24", MP_SPF_A, MP_SPF_Q_PASS, 24, 128, "", false, ""},
      {"a//64", MP_SPF_A, MP_SPF_Q_PASS, 32, 64, "", false, ""},
      {"a/24//64", MP_SPF_A, MP_SPF_Q_PASS, 24, 64, "", false, ""},
      {"a/0//0", MP_SPF_A, MP_SPF_Q_PASS, 0, 0, "", false, ""},
      {"A:mail.example.com", MP_SPF_A, MP_SPF_Q_PASS, 32, 128,
       "mail.example.com", false, ""},
      {"a:mail.example.com/28", MP_SPF_A, MP_SPF_Q_PASS, 28, 128,
       "mail.example.com", false, ""},
      {"a:mail.example.com//48", MP_SPF_A, MP_SPF_Q_PASS, 32, 48,
       "mail.example.com", false, ""},
      {"a:mail.example.com/32//128", MP_SPF_A, MP_SPF_Q_PASS, 32, 128,
       "mail.example.com", false, ""},
      {"a:foo:bar/baz.example.com", MP_SPF_A, MP_SPF_Q_PASS, 32, 128,
       "foo:bar/baz.example.com", false, ""},
      {"a:foo.example.xn--zckzah", MP_SPF_A, MP_SPF_Q_PASS, 32, 128,
       "foo.example.xn--zckzah", false, ""},
      {"a:mail.example...com", MP_SPF_A, MP_SPF_Q_PASS, 32, 128,
       "mail.example...com", false, ""},
      {"a:x.123-4", MP_SPF_A, MP_SPF_Q_PASS, 32, 128, "x.123-4", false, ""},
      {"a:.com", MP_SPF_A, MP_SPF_Q_PASS, 32, 128, ".com", false, ""},
      {"a:%{H}.bar", MP_SPF_A, MP_SPF_Q_PASS, 32, 128, "%{H}.bar", true, ""},
      {"a:%{d}/24", MP_SPF_A, MP_SPF_Q_PASS, 24, 128, "%{d}", true, ""},
      {"a:macro%%percent%_%_space%-url-space.example.com", MP_SPF_A,
       MP_SPF_Q_PASS, 32, 128, "macro%%percent%_%_space%-url-space.example.com",
       true, ""},
      {"a:x.example%-", MP_SPF_A, MP_SPF_Q_PASS, 32, 128, "x.example%-", true,
       ""},
      /* 5.4 mx. */
      {"mx", MP_SPF_MX, MP_SPF_Q_PASS, 32, 128, "", false, ""},
      {"MX:example.com/30//126", MP_SPF_MX, MP_SPF_Q_PASS, 30, 126,
       "example.com", false, ""},
      {"-mx:%%%_/.Clara.de/27", MP_SPF_MX, MP_SPF_Q_FAIL, 27, 128,
       "%%%_/.Clara.de", true, ""},
      /* 5.5 ptr. */
      {"ptr", MP_SPF_PTR, MP_SPF_Q_PASS, 32, 128, "", false, ""},
      {"?PTR:Example.Com", MP_SPF_PTR, MP_SPF_Q_NEUTRAL, 32, 128, "Example.Com",
       false, ""},
      /* 5.6 ip4, ip6. */
      {"ip4:192.0.2.0/24", MP_SPF_IP4, MP_SPF_Q_PASS, 24, 128, "", false,
       "192.0.2.0"},
      {"ip4:1.2.3.4", MP_SPF_IP4, MP_SPF_Q_PASS, 32, 128, "", false, "1.2.3.4"},
      {"-IP4:0.0.0.0/0", MP_SPF_IP4, MP_SPF_Q_FAIL, 0, 128, "", false,
       "0.0.0.0"},
      {"ip4:255.255.255.255/32", MP_SPF_IP4, MP_SPF_Q_PASS, 32, 128, "", false,
       "255.255.255.255"},
      {"ip4:192.0.2.129/25", MP_SPF_IP4, MP_SPF_Q_PASS, 25, 128, "", false,
       "192.0.2.129"},
      {"ip6:2001:db8::/32", MP_SPF_IP6, MP_SPF_Q_PASS, 32, 32, "", false,
       "2001:db8::"},
      {"ip6:::1", MP_SPF_IP6, MP_SPF_Q_PASS, 32, 128, "", false, "::1"},
      {"ip6:::", MP_SPF_IP6, MP_SPF_Q_PASS, 32, 128, "", false, "::"},
      {"ip6:::FFFF:1.2.3.4", MP_SPF_IP6, MP_SPF_Q_PASS, 32, 128, "", false,
       "::ffff:1.2.3.4"},
      {"ip6:::1.1.1.1/0", MP_SPF_IP6, MP_SPF_Q_PASS, 32, 0, "", false,
       "::1.1.1.1"},
      {"ip6:Cafe:Babe:8000::/33", MP_SPF_IP6, MP_SPF_Q_PASS, 32, 33, "", false,
       "cafe:babe:8000::"},
      {"ip6:1:2:3:4:5:6:7:8/128", MP_SPF_IP6, MP_SPF_Q_PASS, 32, 128, "", false,
       "1:2:3:4:5:6:7:8"},
      {"ip6:1:2:3:4:5:6:1.2.3.4", MP_SPF_IP6, MP_SPF_Q_PASS, 32, 128, "", false,
       "1:2:3:4:5:6:102:304"},
      /* 5.7 exists. */
      {"exists:mail.example.com", MP_SPF_EXISTS, MP_SPF_Q_PASS, 32, 128,
       "mail.example.com", false, ""},
      {"exists:%{i}._spf.%{d}", MP_SPF_EXISTS, MP_SPF_Q_PASS, 32, 128,
       "%{i}._spf.%{d}", true, ""},
      {"~exists:%{ir}.%{l1r+-}._spf.%{d}", MP_SPF_EXISTS, MP_SPF_Q_SOFTFAIL, 32,
       128, "%{ir}.%{l1r+-}._spf.%{d}", true, ""},
      {"exists:%{i}.%{s1}.100/86400.rate.%{d}", MP_SPF_EXISTS, MP_SPF_Q_PASS,
       32, 128, "%{i}.%{s1}.100/86400.rate.%{d}", true, ""},
  };

  return cr_make_param_array(struct term_case, cases,
                             sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct term_case *c, spf_parse, parses_each_directive_form)
{
  char text[96], buf[64];
  struct mp_spf_term terms[CAP];
  struct mp_spf_record r;
  struct mp_spf_syntax_error e;
  uint8_t want[16] = {0};
  const struct mp_spf_term *t = &terms[0];

  snprintf(text, sizeof(text), "v=spf1 %s", c->term);
  cr_assert_eq(parse(text, terms, &r, &e), 0, "[%s]: %s at %zu", text,
               mp_spf_syntax_name(e.kind), e.offset);
  cr_assert_eq(r.nterms, 1);
  cr_expect_eq(t->mech, c->mech, "[%s]", text);
  cr_expect_eq(t->qual, c->qual, "[%s]", text);
  cr_expect_eq(t->cidr4, c->cidr4, "[%s]", text);
  cr_expect_eq(t->cidr6, c->cidr6, "[%s]", text);
  cr_expect_eq(t->off, 7);
  cr_expect_eq(t->len, strlen(c->term));
  cr_expect_eq(t->has_domain, c->domain[0] != '\0', "[%s]", text);
  cr_expect_eq(t->macro, c->macro, "[%s]", text);
  if (c->domain[0]) {
    cr_expect_str_eq(dom(&r, t, buf, sizeof(buf)), c->domain);
  }
  if (c->addr[0]) {
    cr_assert_eq(
        inet_pton(c->mech == MP_SPF_IP4 ? AF_INET : AF_INET6, c->addr, want),
        1);
  }
  cr_expect_arr_eq(t->addr, want, sizeof(want), "[%s]", text);
  cr_expect_eq(r.uses_macros, c->macro);
  cr_expect_eq(r.uses_ptr, c->mech == MP_SPF_PTR);
  cr_expect_eq(r.uses_exists, c->mech == MP_SPF_EXISTS);
}

/* ---- Whole records: accepted, or the error kind and offset ----------- */

struct record_case {
  char name[32]; /* a conformance-suite test name, or a short label */
  char in[112];
  size_t in_len; /* 0: strlen(in) */
  enum mp_spf_syntax kind;
  size_t offset;
};

#define OK MP_SPF_SYNTAX_OK, 0

ParameterizedTestParameters(spf_parse, accepts_or_rejects_records)
{
  static struct record_case cases[] = {
      /* The records of the rfc7208-tests.yml cases about syntax. */
      {"non-ascii-policy", "v=spf1 a:\xEF\xBB\xBFgarbage.example.net -all", 0,
       MP_SPF_SYNTAX_CHARACTER, 9},
      {"non-ascii-mech",
       "v=spf1 \x80"
       "a:example.net -all",
       0, MP_SPF_SYNTAX_CHARACTER, 7},
      {"non-ascii-result",
       "v=spf1 a:example.net \x96"
       "all",
       0, MP_SPF_SYNTAX_CHARACTER, 21},
      {"control-char-policy", "v=spf1 a:ctrl.example.com\x0dptr -all", 0,
       MP_SPF_SYNTAX_CHARACTER, 25},
      {"badip4",
       "v=spf1 ip4:192.0.2.5\x0a include:spf.protection.outlook.com ~all", 0,
       MP_SPF_SYNTAX_CHARACTER, 20},
      {"two-spaces", "v=spf1 a  -all", 0, OK},
      {"trailing-space", "v=spf1 a -all ", 0, OK},
      {"null-text", "v=spf1 ip4:192.0.2.5 -all", 0, OK},
      {"nospace1", "v=spf1mx", 0, MP_SPF_SYNTAX_VERSION, 0},
      {"nospace2", "v=spf10", 0, MP_SPF_SYNTAX_VERSION, 0},
      {"empty", "v=spf1", 0, OK},
      {"multitxt2", "V=sPf1 +all", 0, OK},
      {"case-insensitive", "v=SpF1 ~all", 0, OK},
      {"nospftxttimeout", "v=spf3 !a:yahoo.com -all", 0, MP_SPF_SYNTAX_VERSION,
       0},
      {"include-none", "v=spfl am not an SPF record", 0, MP_SPF_SYNTAX_VERSION,
       0},
      {"detect-errors-anywhere", "v=spf1 ip4:1.2.3.4 -all moo", 0,
       MP_SPF_SYNTAX_TERM, 24},
      {"modifier-charset-good",
       "v=spf1 moo.cow-far_out=man:dog/cat ip4:1.2.3.4 -all", 0, OK},
      {"modifier-charset-bad1",
       "v=spf1 moo.cow/far_out=man:dog/cat ip4:1.2.3.4 -all", 0,
       MP_SPF_SYNTAX_TERM, 7},
      {"modifier-charset-bad2",
       "v=spf1 moo.cow:far_out=man:dog/cat ip4:1.2.3.4 -all", 0,
       MP_SPF_SYNTAX_TERM, 7},
      {"redirect-is-modifier", "v=spf1 ip4:1.2.3.4 redirect:t2.example.com", 0,
       MP_SPF_SYNTAX_TERM, 19},
      {"invalid-domain", "v=spf1 a:foo-bar -all", 0, MP_SPF_SYNTAX_DOMAIN, 9},
      {"invalid-domain-empty-label", "v=spf1 a:mail.example...com -all", 0, OK},
      {"invalid-domain-long",
       "v=spf1 "
       "a:a123456789012345678901234567890123456789012345678901234567890123."
       "example.com -all",
       0, OK},
      {"invalid-domain-long-via-macro", "v=spf1 a:%{H}.bar -all", 0, OK},
      {"all-dot", "v=spf1 -all.", 0, MP_SPF_SYNTAX_TERM, 7},
      {"all-arg", "v=spf1 -all:foobar", 0, MP_SPF_SYNTAX_ARGUMENT, 11},
      {"all-cidr", "v=spf1 -all/8", 0, MP_SPF_SYNTAX_CIDR, 11},
      {"all-double", "v=spf1 all -all", 0, OK},
      {"ptr-cidr", "v=spf1 ptr/0 -all", 0, MP_SPF_SYNTAX_CIDR, 10},
      {"ptr-empty-domain", "v=spf1 ptr:", 0, MP_SPF_SYNTAX_DOMAIN, 11},
      {"ptr-case-change", "v=spf1 ptr:example.Com -all", 0, OK},
      {"a-cidr6", "v=spf1 a//33 -all", 0, OK},
      {"a-bad-cidr4", "v=spf1 a/33 -all", 0, MP_SPF_SYNTAX_CIDR, 8},
      {"a-bad-cidr6", "v=spf1 a//129 -all", 0, MP_SPF_SYNTAX_CIDR, 9},
      {"a-dual-cidr-ip4-match", "v=spf1 a/24//64 -all", 0, OK},
      {"a-dual-cidr-ip4-err", "v=spf1 a/24/64 -all", 0, MP_SPF_SYNTAX_CIDR, 8},
      {"a-bad-domain", "v=spf1 a:example.com:8080", 0, MP_SPF_SYNTAX_DOMAIN, 9},
      {"a-null", "v=spf1 a:foo.example.com\0", 25, MP_SPF_SYNTAX_CHARACTER, 24},
      {"a-numeric", "v=spf1 a:111.222.33.44", 0, MP_SPF_SYNTAX_DOMAIN, 9},
      {"a-numeric-toplabel", "v=spf1 a:abc.123", 0, MP_SPF_SYNTAX_DOMAIN, 9},
      {"a-dash-in-toplabel", "v=spf1 a:foo.example.xn--zckzah -all", 0, OK},
      {"a-bad-toplabel", "v=spf1 a:example.-com", 0, MP_SPF_SYNTAX_DOMAIN, 9},
      {"a-only-toplabel", "v=spf1 a:museum", 0, MP_SPF_SYNTAX_DOMAIN, 9},
      {"a-only-toplabel-trailing-dot", "v=spf1 a:museum.", 0,
       MP_SPF_SYNTAX_DOMAIN, 9},
      {"a-colon-domain", "v=spf1 a:foo:bar/baz.example.com", 0, OK},
      {"a-empty-domain", "v=spf1 a:", 0, MP_SPF_SYNTAX_DOMAIN, 9},
      {"a-multi-ip1", "v=spf1 a:foo.example.com/24", 0, OK},
      {"include-syntax-error", "v=spf1 include +all", 0, MP_SPF_SYNTAX_ARGUMENT,
       14},
      {"include-cidr", "v=spf1 include:ip5.example.com/24 -all", 0,
       MP_SPF_SYNTAX_DOMAIN, 15},
      {"include-empty-domain", "v=spf1 include: -all", 0, MP_SPF_SYNTAX_DOMAIN,
       15},
      {"mx-bad-cidr4", "v=spf1 mx/33 -all", 0, MP_SPF_SYNTAX_CIDR, 9},
      {"mx-bad-cidr6", "v=spf1 mx//129 -all", 0, MP_SPF_SYNTAX_CIDR, 10},
      {"mx-bad-domain", "v=spf1 mx:example.com:8080", 0, MP_SPF_SYNTAX_DOMAIN,
       10},
      {"mx-null", "v=spf1 mx:foo.example.com\0", 26, MP_SPF_SYNTAX_CHARACTER,
       25},
      {"mx-numeric-top-label", "v=spf1 mx:abc.123", 0, MP_SPF_SYNTAX_DOMAIN,
       10},
      {"mx-colon-domain", "v=spf1 mx:foo:bar/baz.example.com", 0, OK},
      {"mx-bad-toplab", "v=spf1 mx:example.-com", 0, MP_SPF_SYNTAX_DOMAIN, 10},
      {"mx-empty-domain", "v=spf1 mx: -all", 0, MP_SPF_SYNTAX_DOMAIN, 10},
      {"exists-empty-domain", "v=spf1 exists:", 0, MP_SPF_SYNTAX_DOMAIN, 14},
      {"exists-implicit", "v=spf1 exists", 0, MP_SPF_SYNTAX_ARGUMENT, 13},
      {"exists-cidr", "v=spf1 exists:mail.example.com/24", 0,
       MP_SPF_SYNTAX_DOMAIN, 14},
      {"cidr4-0", "v=spf1 ip4:1.1.1.1/0 -all", 0, OK},
      {"cidr4-32", "v=spf1 ip4:1.2.3.4/32 -all", 0, OK},
      {"cidr4-33", "v=spf1 ip4:1.2.3.4/33 -all", 0, MP_SPF_SYNTAX_CIDR, 18},
      {"cidr4-032", "v=spf1 ip4:1.2.3.4/032 -all", 0, MP_SPF_SYNTAX_CIDR, 18},
      {"bare-ip4", "v=spf1 ip4", 0, MP_SPF_SYNTAX_ARGUMENT, 10},
      {"bad-ip4-port", "v=spf1 ip4:1.2.3.4:8080", 0, MP_SPF_SYNTAX_IP4, 11},
      {"bad-ip4-short", "v=spf1 ip4:1.2.3", 0, MP_SPF_SYNTAX_IP4, 11},
      {"ip4-dual-cidr", "v=spf1 ip4:1.2.3.4//32", 0, MP_SPF_SYNTAX_CIDR, 18},
      {"ip4-mapped-ip6", "v=spf1 -ip4:1.2.3.4 ip6:::FFFF:1.2.3.4", 0, OK},
      {"bare-ip6", "v=spf1 -all ip6", 0, MP_SPF_SYNTAX_ARGUMENT, 15},
      {"cidr6-0", "v=spf1 ip6:::1.1.1.1/0", 0, OK},
      {"cidr6-129", "v=spf1 ip6:::1.1.1.1/129", 0, MP_SPF_SYNTAX_CIDR, 20},
      {"cidr6-bad", "v=spf1 ip6:::1.1.1.1//33", 0, MP_SPF_SYNTAX_CIDR, 20},
      {"cidr6-33", "v=spf1 ip6:Cafe:Babe:8000::/33", 0, OK},
      {"ip6-bad1", "v=spf1 ip6::CAFE::BABE", 0, MP_SPF_SYNTAX_IP6, 11},
      {"invalid-modifier", "v=spf1 1up=foo", 0, MP_SPF_SYNTAX_MODIFIER, 7},
      {"empty-modifier-name", "v=spf1 =all", 0, MP_SPF_SYNTAX_MODIFIER, 7},
      {"unknown-modifier-syntax", "v=spf1 -all foo=%abc", 0,
       MP_SPF_SYNTAX_MACRO, 17},
      {"exp-empty-domain", "v=spf1 exp= -all", 0, MP_SPF_SYNTAX_DOMAIN, 11},
      {"exp-twice", "v=spf1 exp=e13msg.example.com -all exp=e11msg.example.com",
       0, MP_SPF_SYNTAX_DUPLICATE, 35},
      {"redirect-twice",
       "v=spf1 redirect=e12.example.com -all redirect=e12.example.com", 0,
       MP_SPF_SYNTAX_DUPLICATE, 37},
      {"exp-syntax-error", "v=spf1 exp=-all", 0, MP_SPF_SYNTAX_DOMAIN, 11},
      {"redirect-syntax-error", "v=spf1 redirect=-all ?all", 0,
       MP_SPF_SYNTAX_DOMAIN, 16},
      {"redirect-empty-domain", "v=spf1 ?all redirect=", 0,
       MP_SPF_SYNTAX_DOMAIN, 21},
      {"default-modifier-obsolete", "v=spf1 default=pass", 0, OK},
      {"default-modifier-obsolete2", "v=spf1 default=+", 0, OK},
      {"trailing-dot-domain", "v=spf1 redirect=%{d}.d.spf.example.com.", 0, OK},
      {"trailing-dot-exp", "v=spf1 exp=msg.example.com. -all", 0, OK},
      {"exp-only-macro-char", "v=spf1 -all exp=%{r}.example.com", 0,
       MP_SPF_SYNTAX_MACRO, 18},
      {"invalid-macro-char", "v=spf1 -exists:%(ir).sbl.example.com ?all", 0,
       MP_SPF_SYNTAX_MACRO, 16},
      {"invalid-embedded-macro-char",
       "v=spf1 exists:foo%(ir).sbl.example.com ?all", 0, MP_SPF_SYNTAX_MACRO,
       18},
      {"invalid-trailing-macro-char", "v=spf1 exists:foo%.sbl.example.com ?all",
       0, MP_SPF_SYNTAX_MACRO, 18},
      {"macro-mania-in-domain",
       "v=spf1 a:macro%%percent%_%_space%-url-space.example.com -all", 0, OK},
      {"domain-name-truncation",
       "v=spf1 -all exp=foobar.%{o}.%{o}.%{o}.%{o}.%{o}.%{o}.%{o}.%{o}."
       "example.com",
       0, OK},
      {"undef-macro", "v=spf1 a:%{a}.example.com -all", 0, MP_SPF_SYNTAX_MACRO,
       11},
      {"upper-macro", "v=spf1 -all exp=msg8.%{D2}", 0, OK},
      {"hello-macro", "v=spf1 a:%{H} -all", 0, OK},
      {"macro-reverse-split-on-dash", "v=spf1 exists:%{i}.%{l2r-}.user.%{d2}",
       0, OK},
      {"macro-multiple-delimiters", "v=spf1 exists:%{l2r+-}.user.%{d2}", 0, OK},
      {"bytes-bug",
       "v=spf1 ptr:fe.example.org ptr:sgp.example.com "
       "exp=_expspf.example.org -all",
       0, OK},

      /* More of each kind. */
      {"version-empty", "", 0, MP_SPF_SYNTAX_VERSION, 0},
      {"version-leading-space", " v=spf1 -all", 0, MP_SPF_SYNTAX_VERSION, 0},
      {"version-tab", "v=spf1\t-all", 0, MP_SPF_SYNTAX_VERSION, 0},
      {"version-short", "v=spf", 0, MP_SPF_SYNTAX_VERSION, 0},
      {"version-nul", "v=spf1\0", 7, MP_SPF_SYNTAX_VERSION, 0},
      {"term-bang", "v=spf1 !a", 0, MP_SPF_SYNTAX_TERM, 7},
      {"term-lone-qualifier", "v=spf1 a +", 0, MP_SPF_SYNTAX_TERM, 9},
      {"term-two-qualifiers", "v=spf1 +-all", 0, MP_SPF_SYNTAX_TERM, 7},
      {"term-unknown-mech", "v=spf1 ip:1.2.3.4", 0, MP_SPF_SYNTAX_TERM, 7},
      {"term-junk-after-name", "v=spf1 a%{d}", 0, MP_SPF_SYNTAX_TERM, 7},
      {"term-comma", "v=spf1 a:mail.example.com, -all", 0, MP_SPF_SYNTAX_DOMAIN,
       9},
      {"character-tab", "v=spf1 a\t-all", 0, MP_SPF_SYNTAX_CHARACTER, 8},
      {"character-del", "v=spf1 -all\x7f", 0, MP_SPF_SYNTAX_CHARACTER, 11},
      {"argument-all-colon", "v=spf1 all:", 0, MP_SPF_SYNTAX_ARGUMENT, 10},
      {"argument-include-cidr", "v=spf1 include/24", 0, MP_SPF_SYNTAX_ARGUMENT,
       14},
      {"argument-ip6-cidr", "v=spf1 ip6/64", 0, MP_SPF_SYNTAX_ARGUMENT, 10},
      {"domain-macro-then-dot", "v=spf1 a:%{d}.", 0, MP_SPF_SYNTAX_DOMAIN, 9},
      {"domain-two-dots-end", "v=spf1 a:example.com..", 0, MP_SPF_SYNTAX_DOMAIN,
       9},
      {"domain-dash-end", "v=spf1 a:example.com-", 0, MP_SPF_SYNTAX_DOMAIN, 9},
      {"domain-literal-brace", "v=spf1 a:x.}", 0, MP_SPF_SYNTAX_DOMAIN, 9},
      {"domain-ptr-cidr", "v=spf1 ptr:example.com/24", 0, MP_SPF_SYNTAX_DOMAIN,
       11},
      {"macro-zero-digits", "v=spf1 a:%{d0}.example.com", 0,
       MP_SPF_SYNTAX_MACRO, 12},
      {"macro-open-at-end", "v=spf1 a:%{", 0, MP_SPF_SYNTAX_MACRO, 11},
      {"macro-letter-at-end", "v=spf1 a:%{d", 0, MP_SPF_SYNTAX_MACRO, 12},
      {"macro-percent-at-end", "v=spf1 a:foo.com%", 0, MP_SPF_SYNTAX_MACRO, 17},
      {"macro-bad-delimiter", "v=spf1 a:%{d;}.example.com", 0,
       MP_SPF_SYNTAX_MACRO, 12},
      {"macro-exp-letter-in-unknown", "v=spf1 x=%{t}", 0, MP_SPF_SYNTAX_MACRO,
       11},
      {"cidr-empty", "v=spf1 ip4:1.2.3.4/", 0, MP_SPF_SYNTAX_CIDR, 18},
      {"cidr-trailing-slashes", "v=spf1 mx:foo.com/24//", 0, MP_SPF_SYNTAX_CIDR,
       21},
      {"cidr-leading-zero-ip6", "v=spf1 a//064", 0, MP_SPF_SYNTAX_CIDR, 9},
      {"cidr-long", "v=spf1 ip6:::/1280", 0, MP_SPF_SYNTAX_CIDR, 13},
      {"cidr-triple", "v=spf1 a/1/2//3", 0, MP_SPF_SYNTAX_CIDR, 8},
      {"cidr-ip4-dash", "v=spf1 ip4:1.2.3.4/-1", 0, MP_SPF_SYNTAX_CIDR, 18},
      {"ip4-leading-zero", "v=spf1 ip4:192.0.2.01", 0, MP_SPF_SYNTAX_IP4, 11},
      {"ip4-octet-256", "v=spf1 ip4:192.0.2.256", 0, MP_SPF_SYNTAX_IP4, 11},
      {"ip4-empty", "v=spf1 ip4:", 0, MP_SPF_SYNTAX_IP4, 11},
      {"ip4-five-octets", "v=spf1 ip4:1.2.3.4.5", 0, MP_SPF_SYNTAX_IP4, 11},
      {"ip4-hostname", "v=spf1 ip4:mail.example.com", 0, MP_SPF_SYNTAX_IP4, 11},
      {"ip6-ip4-address", "v=spf1 ip6:192.0.2.1", 0, MP_SPF_SYNTAX_IP6, 11},
      {"ip6-too-many-groups", "v=spf1 ip6:1:2:3:4:5:6:7:8:9", 0,
       MP_SPF_SYNTAX_IP6, 11},
      {"ip6-empty-gap", "v=spf1 ip6:1:2:3:4:5:6:7:8::", 0, MP_SPF_SYNTAX_IP6,
       11},
      {"ip6-long-group", "v=spf1 ip6:12345::", 0, MP_SPF_SYNTAX_IP6, 11},
      {"ip6-zone", "v=spf1 ip6:fe80::1%eth0", 0, MP_SPF_SYNTAX_IP6, 11},
      {"modifier-qualified", "v=spf1 -redirect=a.example.com", 0,
       MP_SPF_SYNTAX_MODIFIER, 7},
      {"modifier-dup-case", "v=spf1 exp=a.example.com EXP=b.example.com", 0,
       MP_SPF_SYNTAX_DUPLICATE, 25},
      {"modifier-redirect-numeric", "v=spf1 redirect=192.0.2.1", 0,
       MP_SPF_SYNTAX_DOMAIN, 16},
      {"ok-mechanism-named-modifier", "v=spf1 include=foo all=%{d} a=", 0, OK},
      {"ok-empty-unknown-value", "v=spf1 moo=", 0, OK},
      {"ok-trailing-spaces-only", "v=spf1     ", 0, OK},
  };

  return cr_make_param_array(struct record_case, cases,
                             sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct record_case *c, spf_parse, accepts_or_rejects_records)
{
  struct mp_spf_term terms[CAP];
  struct mp_spf_record r;
  struct mp_spf_syntax_error e = {MP_SPF_SYNTAX_TOO_MANY, 999};
  size_t len = c->in_len ? c->in_len : strlen(c->in);
  int rc = mp_spf_parse(c->in, len, terms, CAP, &r, &e);

  if (c->kind == MP_SPF_SYNTAX_OK) {
    cr_assert_eq(rc, 0, "%s: %s at %zu", c->name, mp_spf_syntax_name(e.kind),
                 e.offset);
    cr_assert_eq(e.kind, MP_SPF_SYNTAX_OK);
  } else {
    cr_assert_eq(rc, -EINVAL, "%s: accepted", c->name);
    cr_assert_eq(e.kind, c->kind, "%s: %s", c->name,
                 mp_spf_syntax_name(e.kind));
    cr_assert_eq(e.offset, c->offset, "%s: at %zu", c->name, e.offset);
  }
}

/* ---- Modifiers -------------------------------------------------------- */

struct modifier_case {
  char in[80];
  char redirect[40]; /* "" when none */
  bool redirect_macro;
  char exp[40]; /* "" when none */
  bool exp_macro;
  size_t nunknown, nterms;
  bool uses_macros;
};

ParameterizedTestParameters(spf_parse, parses_modifiers)
{
  static struct modifier_case cases[] = {
      {"v=spf1 redirect=_spf.example.com", "_spf.example.com", false, "", false,
       0, 0, false},
      {"v=spf1 REDIRECT=%{d}.d.spf.example.com.", "%{d}.d.spf.example.com.",
       true, "", false, 0, 0, true},
      {"v=spf1 -all exp=explain._spf.%{d}", "", false, "explain._spf.%{d}",
       true, 0, 1, true},
      {"v=spf1 Exp=msg.example.com. -all", "", false, "msg.example.com.", false,
       0, 1, false},
      {"v=spf1 mx exp=e.example.com redirect=r.example.com", "r.example.com",
       false, "e.example.com", false, 0, 1, false},
      {"v=spf1 moo.cow-far_out=man:dog/cat ip4:1.2.3.4 -all", "", false, "",
       false, 1, 2, false},
      {"v=spf1 default=pass", "", false, "", false, 1, 0, false},
      {"v=spf1 default=+ op=a.b moo=", "", false, "", false, 3, 0, false},
      {"v=spf1 include=foo all=%{d}", "", false, "", false, 2, 0, true},
      {"v=spf1 x=%% -all", "", false, "", false, 1, 1, true},
  };

  return cr_make_param_array(struct modifier_case, cases,
                             sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct modifier_case *c, spf_parse, parses_modifiers)
{
  struct mp_spf_term terms[CAP];
  struct mp_spf_record r;
  struct mp_spf_syntax_error e;
  char buf[64];

  cr_assert_eq(parse(c->in, terms, &r, &e), 0, "[%s]: %s at %zu", c->in,
               mp_spf_syntax_name(e.kind), e.offset);
  cr_expect_eq(r.has_redirect, c->redirect[0] != '\0', "[%s]", c->in);
  if (r.has_redirect) {
    memcpy(buf, r.text + r.redirect_off, r.redirect_len);
    buf[r.redirect_len] = '\0';
    cr_expect_str_eq(buf, c->redirect);
    cr_expect_eq(r.redirect_macro, c->redirect_macro);
  }
  cr_expect_eq(r.has_exp, c->exp[0] != '\0', "[%s]", c->in);
  if (r.has_exp) {
    memcpy(buf, r.text + r.exp_off, r.exp_len);
    buf[r.exp_len] = '\0';
    cr_expect_str_eq(buf, c->exp);
    cr_expect_eq(r.exp_macro, c->exp_macro);
  }
  cr_expect_eq(r.nunknown, c->nunknown, "[%s]", c->in);
  cr_expect_eq(r.nterms, c->nterms, "[%s]", c->in);
  cr_expect_eq(r.uses_macros, c->uses_macros, "[%s]", c->in);
}

/* ---- IPv6 text agrees with inet_pton ---------------------------------- */

struct ip6_case {
  char in[48];
};

ParameterizedTestParameters(spf_parse, ip6_agrees_with_inet_pton)
{
  static struct ip6_case cases[] = {
      {"::"},
      {"::1"},
      {"1::"},
      {"1::8"},
      {"1:2:3:4:5:6:7:8"},
      {"1:2:3:4:5:6:7::"},
      {"::2:3:4:5:6:7:8"},
      {"1:2:3:4:5:6:1.2.3.4"},
      {"1:2:3:4:5::1.2.3.4"},
      {"::1.2.3.4"},
      {"::ffff:1.2.3.4"},
      {"::FFFF:192.0.2.1"},
      {"0000:0000:0000:0000:0000:0000:0000:0001"},
      {"abcd:EF01:2345:6789:abcd:ef01:2345:6789"},
      {"2001:db8::cb01"},
      {"fe80::1:2"},
      /* Rejected by both. */
      {"1:2:3:4:5:6:7:8::"},
      {"::1:2:3:4:5:6:7:8"},
      {"1:2:3:4:5:6::1.2.3.4"},
      {"1:2:3:4:5:6:7:1.2.3.4"},
      {"1:2:3:4:5:6:7"},
      {":1::"},
      {"1:"},
      {":"},
      {":::"},
      {"1::2::3"},
      {"12345::"},
      {"g::"},
      {"::01.2.3.4"},
      {"::1.2.3"},
      {"::1.2.3.4.5"},
      {"::256.1.1.1"},
      {"::1.2.3.4:1"},
      {"1.2.3.4"},
      {""},
      {"1::2:"},
      {"::-1"},
  };

  return cr_make_param_array(struct ip6_case, cases,
                             sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct ip6_case *c, spf_parse, ip6_agrees_with_inet_pton)
{
  char text[80];
  struct mp_spf_term terms[CAP];
  struct mp_spf_record r;
  struct mp_spf_syntax_error e;
  uint8_t want[16];
  int pton = inet_pton(AF_INET6, c->in, want);
  int rc;

  snprintf(text, sizeof(text), "v=spf1 ip6:%s", c->in);
  rc = parse(text, terms, &r, &e);
  cr_assert_eq(rc == 0, pton == 1, "[%s]: parse %d, inet_pton %d", c->in, rc,
               pton);
  if (rc == 0) {
    cr_assert_arr_eq(terms[0].addr, want, 16, "[%s]", c->in);
  } else {
    cr_assert_eq(e.kind, MP_SPF_SYNTAX_IP6, "[%s]", c->in);
  }
}

/* ---- Single behaviours ------------------------------------------------ */

Test(spf_parse, fills_a_typical_record)
{
  static const char text[] = "v=spf1 ip4:192.0.2.0/24 include:_spf.google.com "
                             "include:spf.protection.outlook.com ~all";
  struct mp_spf_term t[CAP];
  struct mp_spf_record r;
  struct mp_spf_syntax_error e;
  char buf[64];

  cr_assert_eq(parse(text, t, &r, &e), 0);
  cr_assert_eq(r.text, text);
  cr_assert_eq(r.len, strlen(text));
  cr_assert_eq(r.terms, t);
  cr_assert_eq(r.nterms, 4);
  cr_assert_eq(t[0].mech, MP_SPF_IP4);
  cr_assert_eq(t[0].off, 7);
  cr_assert_eq(t[0].len, 16);
  cr_assert_eq(t[0].cidr4, 24);
  cr_assert_arr_eq(t[0].addr, ((uint8_t[4]){192, 0, 2, 0}), 4);
  cr_assert_eq(t[1].mech, MP_SPF_INCLUDE);
  cr_assert_eq(t[1].off, 24);
  cr_assert_eq(t[1].len, 23);
  cr_assert_eq(t[1].dom_off, 32);
  cr_assert_str_eq(dom(&r, &t[1], buf, sizeof(buf)), "_spf.google.com");
  cr_assert_str_eq(dom(&r, &t[2], buf, sizeof(buf)),
                   "spf.protection.outlook.com");
  cr_assert_eq(t[3].mech, MP_SPF_ALL);
  cr_assert_eq(t[3].qual, MP_SPF_Q_SOFTFAIL);
  cr_assert_eq(t[3].off, strlen(text) - 4);
  cr_assert_eq(t[3].len, 4);
  cr_assert_not(r.has_redirect || r.has_exp || r.uses_ptr || r.uses_exists ||
                r.uses_macros);
  cr_assert_eq(r.nunknown, 0);
}

Test(spf_parse, sets_record_flags)
{
  struct mp_spf_term t[CAP];
  struct mp_spf_record r;
  struct mp_spf_syntax_error e;

  cr_assert_eq(parse("v=spf1 ptr exists:x.example -all", t, &r, &e), 0);
  cr_assert(r.uses_ptr && r.uses_exists && !r.uses_macros);
  cr_assert_eq(parse("v=spf1 mx redirect=%{d}.example", t, &r, &e), 0);
  cr_assert(!r.uses_ptr && !r.uses_exists && r.uses_macros);
  cr_assert_eq(parse("v=spf1 mx unknown=%{l}", t, &r, &e), 0);
  cr_assert(r.uses_macros);
}

Test(spf_parse, is_case_insensitive)
{
  struct mp_spf_term t[CAP];
  struct mp_spf_record r;
  struct mp_spf_syntax_error e;

  cr_assert_eq(parse("V=SPF1 IP4:192.0.2.1 INCLUDE:X.EXAMPLE.COM MX:A.B "
                     "A/24 PTR EXISTS:%{I}.X.COM ?ALL REDIRECT=Y.COM EXP=Z.COM",
                     t, &r, &e),
               0, "%s at %zu", mp_spf_syntax_name(e.kind), e.offset);
  cr_assert_eq(r.nterms, 7);
  cr_assert_eq(t[0].mech, MP_SPF_IP4);
  cr_assert_eq(t[1].mech, MP_SPF_INCLUDE);
  cr_assert_eq(t[2].mech, MP_SPF_MX);
  cr_assert_eq(t[3].mech, MP_SPF_A);
  cr_assert_eq(t[4].mech, MP_SPF_PTR);
  cr_assert_eq(t[5].mech, MP_SPF_EXISTS);
  cr_assert_eq(t[6].mech, MP_SPF_ALL);
  cr_assert(r.has_redirect && r.has_exp);
}

Test(spf_parse, reports_too_many_terms)
{
  struct mp_spf_term t[3];
  struct mp_spf_record r;
  struct mp_spf_syntax_error e;
  static const char text[] = "v=spf1 a mx ptr ip4:192.0.2.1 -all";

  cr_assert_eq(mp_spf_parse(text, strlen(text), t, 3, &r, &e), -E2BIG);
  cr_assert_eq(e.kind, MP_SPF_SYNTAX_TOO_MANY);
  cr_assert_eq(e.offset, 16);
  cr_assert_eq(r.nterms, 3);
  cr_assert_eq(t[2].mech, MP_SPF_PTR);
  /* Exactly full is fine, and modifiers take no slot. */
  cr_assert_eq(
      mp_spf_parse("v=spf1 a mx -all redirect=x.example", 35, t, 3, &r, &e), 0);
  cr_assert_eq(mp_spf_parse("v=spf1 exp=x.example", 20, NULL, 0, &r, &e), 0);
}

Test(spf_parse, prefers_syntax_errors_to_too_many)
{
  struct mp_spf_term t[1];
  struct mp_spf_record r;
  struct mp_spf_syntax_error e;
  static const char text[] = "v=spf1 a mx ptr/0";

  cr_assert_eq(mp_spf_parse(text, strlen(text), t, 1, &r, &e), -EINVAL);
  cr_assert_eq(e.kind, MP_SPF_SYNTAX_CIDR);
}

Test(spf_parse, accepts_null_error_pointer)
{
  struct mp_spf_term t[CAP];
  struct mp_spf_record r;

  cr_assert_eq(mp_spf_parse("v=spf1 -all", 11, t, CAP, &r, NULL), 0);
  cr_assert_eq(mp_spf_parse("v=spf1 -all.", 12, t, CAP, &r, NULL), -EINVAL);
  cr_assert_eq(mp_spf_parse("v=spf1 a a", 10, t, 1, &r, NULL), -E2BIG);
}

Test(spf_parse, rejects_nul_bytes_anywhere)
{
  char text[64] = "v=spf1 include:_spf.example.com -all";
  size_t len = strlen(text);
  struct mp_spf_term t[CAP];
  struct mp_spf_record r;
  struct mp_spf_syntax_error e;

  for (size_t i = 7; i < len; i++) {
    char saved = text[i];

    text[i] = '\0';
    cr_assert_eq(mp_spf_parse(text, len, t, CAP, &r, &e), -EINVAL, "at %zu", i);
    cr_assert_eq(e.kind, MP_SPF_SYNTAX_CHARACTER);
    cr_assert_eq(e.offset, i);
    text[i] = saved;
  }
  memset(text, 0, sizeof(text));
  cr_assert_eq(mp_spf_parse(text, sizeof(text), t, CAP, &r, &e), -EINVAL);
  cr_assert_eq(e.kind, MP_SPF_SYNTAX_VERSION);
}

Test(spf_parse, handles_64k_of_spaces)
{
  size_t len = UINT16_MAX;
  char *text = malloc(len + 10);
  struct mp_spf_term t[CAP];
  struct mp_spf_record r;
  struct mp_spf_syntax_error e;

  cr_assert_not_null(text);
  memcpy(text, "v=spf1", 6);
  memset(text + 6, ' ', len - 6);
  cr_assert_eq(mp_spf_parse(text, len, t, CAP, &r, &e), 0);
  cr_assert_eq(r.nterms, 0);
  /* A term at the very end still has a 16-bit offset. */
  memcpy(text + len - 4, "-all", 4);
  cr_assert_eq(mp_spf_parse(text, len, t, CAP, &r, &e), 0);
  cr_assert_eq(r.nterms, 1);
  cr_assert_eq(t[0].off, len - 4);
  /* One byte more than any DNS answer holds. */
  memset(text + len - 4, ' ', 5);
  cr_assert_eq(mp_spf_parse(text, len + 1, t, CAP, &r, &e), -EINVAL);
  cr_assert_eq(e.kind, MP_SPF_SYNTAX_TOO_LONG);
  free(text);
}

Test(spf_parse, handles_deep_percent_runs)
{
  static char text[8192];
  struct mp_spf_term t[CAP];
  struct mp_spf_record r;
  struct mp_spf_syntax_error e;
  size_t n = 9;

  memcpy(text, "v=spf1 a:", n);
  while (n < 9 + 4000) { /* "%%" 2000 times: ends in a macro-expand */
    text[n++] = '%';
  }
  cr_assert_eq(mp_spf_parse(text, n, t, CAP, &r, &e), 0);
  cr_assert(t[0].macro);
  text[n++] = '%'; /* an odd count leaves a lone '%' at the end */
  cr_assert_eq(mp_spf_parse(text, n, t, CAP, &r, &e), -EINVAL);
  cr_assert_eq(e.kind, MP_SPF_SYNTAX_MACRO);
  cr_assert_eq(e.offset, n);
}

Test(spf_parse, rejects_percent_brace_at_the_end)
{
  static const char *const texts[] = {"v=spf1 a:%{", "v=spf1 x=%{",
                                      "v=spf1 exists:%", "v=spf1 exp=%{d",
                                      "v=spf1 redirect=x.%{d}%{"};
  struct mp_spf_term t[CAP];
  struct mp_spf_record r;
  struct mp_spf_syntax_error e;

  for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
    size_t len = strlen(texts[i]);

    cr_assert_eq(mp_spf_parse(texts[i], len, t, CAP, &r, &e), -EINVAL);
    cr_assert_eq(e.kind, MP_SPF_SYNTAX_MACRO, "[%s]", texts[i]);
    cr_assert_eq(e.offset, len, "[%s]", texts[i]);
  }
}

Test(spf_parse, does_not_read_past_len)
{
  /* The text goes on after len: a parser that looked would see "x". */
  static const char text[] = "v=spf1 -allx";
  struct mp_spf_term t[CAP];
  struct mp_spf_record r;
  struct mp_spf_syntax_error e;

  cr_assert_eq(mp_spf_parse(text, 11, t, CAP, &r, &e), 0);
  cr_assert_eq(t[0].len, 4);
  cr_assert_eq(mp_spf_parse("v=spf1 a:x.com/24", 16, t, CAP, &r, &e), 0);
  cr_assert_eq(t[0].cidr4, 2);
}

Test(spf_parse, names_kinds_and_mechanisms)
{
  cr_assert_str_eq(mp_spf_syntax_name(MP_SPF_SYNTAX_OK), "ok");
  cr_assert_str_eq(mp_spf_syntax_name(MP_SPF_SYNTAX_VERSION), "version");
  cr_assert_str_eq(mp_spf_syntax_name(MP_SPF_SYNTAX_TERM), "term");
  cr_assert_str_eq(mp_spf_syntax_name(MP_SPF_SYNTAX_ARGUMENT), "argument");
  cr_assert_str_eq(mp_spf_syntax_name(MP_SPF_SYNTAX_DOMAIN), "domain");
  cr_assert_str_eq(mp_spf_syntax_name(MP_SPF_SYNTAX_MACRO), "macro");
  cr_assert_str_eq(mp_spf_syntax_name(MP_SPF_SYNTAX_CIDR), "cidr");
  cr_assert_str_eq(mp_spf_syntax_name(MP_SPF_SYNTAX_IP4), "ip4");
  cr_assert_str_eq(mp_spf_syntax_name(MP_SPF_SYNTAX_IP6), "ip6");
  cr_assert_str_eq(mp_spf_syntax_name(MP_SPF_SYNTAX_DUPLICATE), "duplicate");
  cr_assert_str_eq(mp_spf_syntax_name(MP_SPF_SYNTAX_MODIFIER), "modifier");
  cr_assert_str_eq(mp_spf_syntax_name(MP_SPF_SYNTAX_CHARACTER), "character");
  cr_assert_str_eq(mp_spf_syntax_name(MP_SPF_SYNTAX_TOO_MANY), "too-many");
  cr_assert_str_eq(mp_spf_syntax_name(MP_SPF_SYNTAX_TOO_LONG), "too-long");
  cr_assert_str_eq(mp_spf_syntax_name((enum mp_spf_syntax)99), "unknown");
  cr_assert_str_eq(mp_spf_mech_name(MP_SPF_ALL), "all");
  cr_assert_str_eq(mp_spf_mech_name(MP_SPF_INCLUDE), "include");
  cr_assert_str_eq(mp_spf_mech_name(MP_SPF_A), "a");
  cr_assert_str_eq(mp_spf_mech_name(MP_SPF_MX), "mx");
  cr_assert_str_eq(mp_spf_mech_name(MP_SPF_PTR), "ptr");
  cr_assert_str_eq(mp_spf_mech_name(MP_SPF_IP4), "ip4");
  cr_assert_str_eq(mp_spf_mech_name(MP_SPF_IP6), "ip6");
  cr_assert_str_eq(mp_spf_mech_name(MP_SPF_EXISTS), "exists");
  cr_assert_eq(mp_spf_qual_char(MP_SPF_Q_PASS), '+');
  cr_assert_eq(mp_spf_qual_char(MP_SPF_Q_FAIL), '-');
  cr_assert_eq(mp_spf_qual_char(MP_SPF_Q_SOFTFAIL), '~');
  cr_assert_eq(mp_spf_qual_char(MP_SPF_Q_NEUTRAL), '?');
}
