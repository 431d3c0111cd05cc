#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "scanner/spf/macro.h"

/* RFC 7208 section 7.4: "The <sender> is strong-bad@email.example.com.
 * The IPv4 SMTP client IP is 192.0.2.3. The IPv6 SMTP client IP is
 * 2001:db8::cb01. The PTR domain name of the client IP is
 * mx.example.org." */
static void rfc_ctx(struct mp_spf_macro_ctx *ctx, uint8_t ip[16], bool v6)
{
  *ctx = (struct mp_spf_macro_ctx){
      .sender = "strong-bad@email.example.com",
      .local = "strong-bad",
      .sender_domain = "email.example.com",
      .domain = "email.example.com",
      .family = v6 ? AF_INET6 : AF_INET,
      .ip = ip,
      .helo = "mx.example.org",
      .ptr_name = "mx.example.org",
      .receiver = "mx.receiver.example",
      .now = 1700000000,
  };
  cr_assert_eq(inet_pton(ctx->family, v6 ? "2001:db8::cb01" : "192.0.2.3", ip),
               1);
}

/* ---- mp_spf_macro_check ---------------------------------------------- */

struct check_case {
  char in[40];
  bool exp;
  bool ok;
  size_t offset; /* of the first bad byte, when not ok */
};

ParameterizedTestParameters(spf_macro, checks_macro_strings)
{
  static struct check_case cases[] = {
      {"", false, true, 0},
      {"example.com", false, true, 0},
      {"%{d}", false, true, 0},
      {"%{D}", false, true, 0},
      {"%%", false, true, 0},
      {"%_", false, true, 0},
      {"%-", false, true, 0},
      {"%{d}}", false, true, 0},
      {"%{d01}", false, true, 0},
      {"%{d2r}", false, true, 0},
      {"%{d2R}", false, true, 0},
      {"%{l2r+-}", false, true, 0},
      {"%{d.-+,/_=}", false, true, 0},
      {"%{d}%{d}", false, true, 0},
      {"%{i}.%{ir}.%{v}.%{p}.%{h}.%{s}.%{o}.%{l}", false, true, 0},
      {"%{D99999999999999999999}", false, true, 0},
      {"%{c}.%{r}.%{t}", true, true, 0},
      {"%{C}%{R}%{T}", true, true, 0},
      {"Connections from %{c} denied", true, true, 0},
      {"%", false, false, 1},
      {"x%", false, false, 2},
      {"%%%", false, false, 3},
      {"%{", false, false, 2},
      {"%{d", false, false, 3},
      {"%{d2", false, false, 4},
      {"%(ir)", false, false, 1},
      {"foo%.bar", false, false, 4},
      {"%x", false, false, 1},
      {"%{x}", false, false, 2},
      {"%{a}", false, false, 2},
      {"%{ d}", false, false, 2},
      {"%{c}", false, false, 2},
      {"%{r}", false, false, 2},
      {"%{t}", false, false, 2},
      {"%{d0}", false, false, 3},
      {"%{d00}", false, false, 3},
      {"%{dr2}", false, false, 4},
      {"%{d2rr}", false, false, 5},
      {"%{d;}", false, false, 3},
      {"%{s1@}", false, false, 4}, /* "@" is no delimiter */
      {"%{d }", false, false, 3},
      {"a b", false, false, 1},
      {"a\tb", true, false, 1},
      {"\x7f", false, false, 0},
      {"ok\x80", true, false, 2},
  };

  return cr_make_param_array(struct check_case, cases,
                             sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct check_case *c, spf_macro, checks_macro_strings)
{
  size_t off = 12345;
  int rc = mp_spf_macro_check(c->in, strlen(c->in), c->exp, &off);

  if (c->ok) {
    cr_assert_eq(rc, 0, "[%s] bad at %zu", c->in, off);
    cr_assert_eq(off, 12345);
  } else {
    cr_assert_eq(rc, -EINVAL, "[%s] accepted", c->in);
    cr_assert_eq(off, c->offset, "[%s] at %zu", c->in, off);
  }
  /* expand agrees with check */
  {
    struct mp_spf_macro_ctx ctx;
    uint8_t ip[16];
    char out[512];

    rfc_ctx(&ctx, ip, false);
    rc = mp_spf_macro_expand(c->in, strlen(c->in), c->exp, &ctx, out,
                             sizeof(out));
    cr_assert_eq(rc == -EINVAL, !c->ok, "[%s] expand %d", c->in, rc);
  }
}

/* ---- mp_spf_macro_expand: section 7.4 and more ----------------------- */

struct expand_case {
  char in[48];
  bool v6;
  char out[128];
};

ParameterizedTestParameters(spf_macro, expands_rfc_examples)
{
  static struct expand_case cases[] = {
      /* Section 7.4, verbatim. */
      {"%{s}", false, "strong-bad@email.example.com"},
      {"%{o}", false, "email.example.com"},
      {"%{d}", false, "email.example.com"},
      {"%{d4}", false, "email.example.com"},
      {"%{d3}", false, "email.example.com"},
      {"%{d2}", false, "example.com"},
      {"%{d1}", false, "com"},
      {"%{dr}", false, "com.example.email"},
      {"%{d2r}", false, "example.email"},
      {"%{l}", false, "strong-bad"},
      {"%{l-}", false, "strong.bad"},
      {"%{lr}", false, "strong-bad"},
      {"%{lr-}", false, "bad.strong"},
      {"%{l1r-}", false, "strong"},
      {"%{ir}.%{v}._spf.%{d2}", false, "3.2.0.192.in-addr._spf.example.com"},
      {"%{lr-}.lp._spf.%{d2}", false, "bad.strong.lp._spf.example.com"},
      {"%{lr-}.lp.%{ir}.%{v}._spf.%{d2}", false,
       "bad.strong.lp.3.2.0.192.in-addr._spf.example.com"},
      {"%{ir}.%{v}.%{l1r-}.lp._spf.%{d2}", false,
       "3.2.0.192.in-addr.strong.lp._spf.example.com"},
      {"%{d2}.trusted-domains.example.net", false,
       "example.com.trusted-domains.example.net"},
      /* The section 7.4 IPv6 example, nibbles in upper case: see
       * matches_rfc_ipv6_example_but_for_case. */
      {"%{ir}.%{v}._spf.%{d2}", true,
       "1.0.B.C.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.B.D.0.1.0.0.2.ip6."
       "_spf.example.com"},
      /* Each letter. */
      {"%{i}", false, "192.0.2.3"},
      {"%{i}", true,
       "2.0.0.1.0.D.B.8.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.C.B.0.1"},
      {"%{c}", false, "192.0.2.3"},
      {"%{c}", true, "2001:db8::cb01"},
      {"%{v}", false, "in-addr"},
      {"%{v}", true, "ip6"},
      {"%{p}", false, "mx.example.org"},
      {"%{h}", false, "mx.example.org"},
      {"%{r}", false, "mx.receiver.example"},
      {"%{t}", false, "1700000000"},
      /* Transformers, delimiters, escapes. */
      {"%{dR}", false, "com.example.email"},
      {"%{d01}", false, "com"},
      {"x%{d999}x", false, "xemail.example.comx"},
      {"%{l2r+-}", false, "bad.strong"},
      {"%{l.-+,/_=}", false, "strong.bad"},
      {"%%%_%-", false, "% %20"},
      {"a%%{d}", false, "a%{d}"},
      /* Upper case: URL-escaped after the transformers. */
      {"%{S}", false, "strong-bad%40email.example.com"},
      {"%{D2}", false, "example.com"},
      {"%{C}", true, "2001%3Adb8%3A%3Acb01"},
      {"%{Lr-}", false, "bad.strong"},
      /* Explanation text keeps its spaces. */
      {"%{c} is not %{v}", false, "192.0.2.3 is not in-addr"},
  };

  return cr_make_param_array(struct expand_case, cases,
                             sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct expand_case *c, spf_macro, expands_rfc_examples)
{
  struct mp_spf_macro_ctx ctx;
  uint8_t ip[16];
  char out[256];
  size_t len = strlen(c->in);
  int rc;

  rfc_ctx(&ctx, ip, c->v6);
  rc = mp_spf_macro_expand(c->in, len, true, &ctx, out, sizeof(out));
  cr_assert_eq(rc, (int)strlen(c->out), "[%s] -> %d [%s]", c->in, rc,
               rc >= 0 ? out : "");
  cr_assert_str_eq(out, c->out, "[%s]", c->in);
}

/* ---- The conformance suite's macro cases ----------------------------- */

static int expand(const struct mp_spf_macro_ctx *ctx, const char *s, bool exp,
                  char *out, size_t cap)
{
  return mp_spf_macro_expand(s, strlen(s), exp, ctx, out, cap);
}

Test(spf_macro, expands_suite_upper_macro)
{
  struct mp_spf_macro_ctx ctx = {.local = "~jack&jill=up-a_b3.c"};
  char out[128];

  cr_assert_gt(expand(&ctx, "http://example.com/why.html?l=%{L}", true, out,
                      sizeof(out)),
               0);
  cr_assert_str_eq(out,
                   "http://example.com/why.html?l=~jack%26jill%3Dup-a_b3.c");
}

Test(spf_macro, expands_suite_reverse_split_on_dash)
{
  uint8_t ip[4] = {1, 2, 3, 4};
  struct mp_spf_macro_ctx ctx = {.local = "philip-gladstone-test",
                                 .domain = "e11.example.com",
                                 .family = AF_INET,
                                 .ip = ip};
  char out[128];

  cr_assert_gt(expand(&ctx, "%{i}.%{l2r-}.user.%{d2}", false, out, 128), 0);
  cr_assert_str_eq(out, "1.2.3.4.gladstone.philip.user.example.com");
  ctx.local = "foo-bar+zip+quux"; /* macro-multiple-delimiters */
  ctx.domain = "e12.example.com";
  cr_assert_gt(expand(&ctx, "%{l2r+-}.user.%{d2}", false, out, 128), 0);
  cr_assert_str_eq(out, "bar.foo.user.example.com");
}

Test(spf_macro, expands_suite_macro_mania)
{
  struct mp_spf_macro_ctx ctx = {0};
  char out[128];

  cr_assert_gt(expand(&ctx, "macro%%percent%_%_space%-url-space.example.com",
                      false, out, 128),
               0);
  cr_assert_str_eq(out, "macro%percent  space%20url-space.example.com");
}

Test(spf_macro, expands_suite_v_macro)
{
  uint8_t ip4[4] = {192, 168, 218, 40}, ip6[16];
  struct mp_spf_macro_ctx ctx = {.family = AF_INET, .ip = ip4};
  const char *exp = "%{c} is queried as %{ir}.%{v}.arpa";
  char out[256];

  cr_assert_gt(expand(&ctx, exp, true, out, sizeof(out)), 0);
  cr_assert_str_eq(out,
                   "192.168.218.40 is queried as 40.218.168.192.in-addr.arpa");
  cr_assert_eq(inet_pton(AF_INET6, "CAFE:BABE::1", ip6), 1);
  ctx = (struct mp_spf_macro_ctx){.family = AF_INET6, .ip = ip6};
  cr_assert_gt(expand(&ctx, exp, true, out, sizeof(out)), 0);
  /* c in inet_ntop's lower case, i nibbles in upper case */
  cr_assert_str_eq(out, "cafe:babe::1 is queried as "
                        "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.E.B."
                        "A.B.E.F.A.C.ip6.arpa");
}

Test(spf_macro, matches_rfc_ipv6_example_but_for_case)
{
  struct mp_spf_macro_ctx ctx;
  uint8_t ip[16];
  char out[128];

  /* Section 7.4 prints the nibbles in lower case, the conformance suite
   * (v-macro-ip6) wants upper case; the name is the same to DNS. */
  rfc_ctx(&ctx, ip, true);
  cr_assert_gt(expand(&ctx, "%{ir}.%{v}._spf.%{d2}", false, out, 128), 0);
  cr_assert_eq(strcasecmp(out, "1.0.b.c.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0."
                               "0.0.8.b.d.0.1.0.0.2.ip6._spf.example.com"),
               0, "%s", out);
}

Test(spf_macro, expands_suite_explanations)
{
  uint8_t ip[4] = {192, 168, 218, 40};
  struct mp_spf_macro_ctx ctx = {.family = AF_INET, .ip = ip};
  char out[128];

  cr_assert_gt(expand(&ctx, "Connections from %{c} not authorized.", true, out,
                      sizeof(out)),
               0);
  cr_assert_str_eq(out, "Connections from 192.168.218.40 not authorized.");
  cr_assert_gt(expand(&ctx, "connect from %{p}", true, out, sizeof(out)), 0);
  cr_assert_str_eq(out, "connect from unknown"); /* p-macro-ip4-novalid */
  ctx.local = "Macro Error";                     /* dorky-sentinel */
  cr_assert_gt(expand(&ctx, "%{l} in implementation", true, out, 128), 0);
  cr_assert_str_eq(out, "Macro Error in implementation");
  cr_assert_eq(expand(&ctx, "The %{x}-files.", true, out, 128), -EINVAL);
}

Test(spf_macro, truncates_suite_long_domain)
{
  struct mp_spf_macro_ctx ctx = {.sender_domain =
                                     "somewhat.long.exp.example.com"};
  char out[512];
  int n =
      expand(&ctx, "foobar.%{o}.%{o}.%{o}.%{o}.%{o}.%{o}.%{o}.%{o}.example.com",
             false, out, sizeof(out));

  cr_assert_eq(n, 258);
  cr_assert_eq(mp_spf_truncate_domain(out, (size_t)n), 251);
  cr_assert_str_eq(out, "somewhat.long.exp.example.com.somewhat.long.exp."
                        "example.com.somewhat.long.exp.example.com.somewhat."
                        "long.exp.example.com.somewhat.long.exp.example.com."
                        "somewhat.long.exp.example.com.somewhat.long.exp."
                        "example.com.somewhat.long.exp.example.com.example."
                        "com");
}

/* ---- Edges of mp_spf_macro_expand ------------------------------------- */

Test(spf_macro, reports_a_small_buffer)
{
  struct mp_spf_macro_ctx ctx;
  uint8_t ip[16];
  char out[32];

  rfc_ctx(&ctx, ip, false);
  cr_assert_eq(expand(&ctx, "%{d}", false, out, 17), -ENAMETOOLONG);
  cr_assert_eq(expand(&ctx, "%{d}", false, out, 18), 17);
  cr_assert_str_eq(out, "email.example.com");
  cr_assert_eq(expand(&ctx, "", false, out, 1), 0);
  cr_assert_str_eq(out, "");
  cr_assert_eq(expand(&ctx, "", false, out, 0), -ENAMETOOLONG);
  cr_assert_eq(expand(&ctx, "%-", false, out, 3), -ENAMETOOLONG);
  cr_assert_eq(expand(&ctx, "%-", false, out, 4), 3);
  /* A malformed string is -EINVAL whatever the room. */
  cr_assert_eq(expand(&ctx, "%{d}%", false, out, 0), -EINVAL);
  cr_assert_eq(expand(&ctx, "%{c}", false, out, sizeof(out)), -EINVAL);
}

Test(spf_macro, expands_missing_values_to_defaults)
{
  struct mp_spf_macro_ctx ctx = {.family = AF_UNSPEC};
  char out[64];

  cr_assert_eq(expand(&ctx, "[%{s}%{l}%{o}%{d}%{h}%{i}%{c}%{v}]", true, out,
                      sizeof(out)),
               2);
  cr_assert_str_eq(out, "[]");
  cr_assert_gt(expand(&ctx, "%{p}.%{r}", true, out, sizeof(out)), 0);
  cr_assert_str_eq(out, "unknown.unknown");
}

Test(spf_macro, url_escapes_outside_the_unreserved_set)
{
  struct mp_spf_macro_ctx ctx = {.local = "a b/c?d=e&f~g.h_i-j%k\"<>"};
  char out[128];

  cr_assert_gt(expand(&ctx, "%{L}", false, out, sizeof(out)), 0);
  cr_assert_str_eq(out, "a%20b%2Fc%3Fd%3De%26f~g.h_i-j%25k%22%3C%3E");
  ctx.local = "\xC3\xA9t\xC3\xA9"; /* bytes of a UTF-8 local-part */
  cr_assert_gt(expand(&ctx, "%{L}", false, out, sizeof(out)), 0);
  cr_assert_str_eq(out, "%C3%A9t%C3%A9");
}

Test(spf_macro, keeps_empty_parts)
{
  struct mp_spf_macro_ctx ctx = {.domain = "a..b."};
  char out[64];

  cr_assert_gt(expand(&ctx, "%{d}", false, out, sizeof(out)), 0);
  cr_assert_str_eq(out, "a..b.");
  cr_assert_gt(expand(&ctx, "%{dr}", false, out, sizeof(out)), 0);
  cr_assert_str_eq(out, ".b..a");
  cr_assert_gt(expand(&ctx, "%{d2}", false, out, sizeof(out)), 0);
  cr_assert_str_eq(out, "b.");
}

/* ---- mp_spf_macro_uses ------------------------------------------------ */

Test(spf_macro, finds_macro_letters)
{
  cr_assert(mp_spf_macro_uses("%{d}", 4, 'd'));
  cr_assert(mp_spf_macro_uses("%{D}", 4, 'd'));
  cr_assert(mp_spf_macro_uses("%{d}", 4, 'D'));
  cr_assert(mp_spf_macro_uses("%{i}.%{p}", 9, 'p'));
  cr_assert(mp_spf_macro_uses("%%%{p}", 6, 'p'));
  cr_assert(mp_spf_macro_uses("%{r}", 4, 'r'));
  cr_assert_not(mp_spf_macro_uses("%{i}", 4, 'p'));
  cr_assert_not(mp_spf_macro_uses("%%{p}", 5, 'p'));
  cr_assert_not(mp_spf_macro_uses("%{ir}", 5, 'r'));
  cr_assert_not(mp_spf_macro_uses("p", 1, 'p'));
  cr_assert_not(mp_spf_macro_uses("%{", 2, 'd'));
  cr_assert_not(mp_spf_macro_uses("%{d}", 3, 'p'));
  cr_assert_not(mp_spf_macro_uses("", 0, 'd'));
}

/* ---- mp_spf_truncate_domain -------------------------------------------- */

/* count labels of 63 bytes, then one of last bytes (if not 0), then the
 * root dot if asked, joined with dots into buf. */
static size_t labels(char *buf, int count, size_t last, bool root)
{
  size_t n = 0;

  for (int i = 0; i < count; i++) {
    if (i > 0) {
      buf[n++] = '.';
    }
    memset(buf + n, 'a' + i, 63);
    n += 63;
  }
  if (last > 0) {
    buf[n++] = '.';
    memset(buf + n, 'z', last);
    n += last;
  }
  if (root) {
    buf[n++] = '.';
  }
  buf[n] = '\0';
  return n;
}

Test(spf_macro, truncates_from_the_left)
{
  char name[600];
  size_t n;

  n = labels(name, 4, 0, false); /* 255 octets */
  cr_assert_eq(n, 255);
  cr_assert_eq(mp_spf_truncate_domain(name, n), 191);
  cr_assert_eq(strlen(name), 191);
  cr_assert_eq(name[0], 'b');
  n = labels(name, 4, 0, true); /* the root dot does not count */
  cr_assert_eq(mp_spf_truncate_domain(name, n), 192);
  cr_assert_eq(name[191], '.');
  n = labels(name, 3, 61, false); /* 253 octets: fits */
  cr_assert_eq(n, 253);
  cr_assert_eq(mp_spf_truncate_domain(name, n), 253);
  n = labels(name, 3, 61, true);
  cr_assert_eq(mp_spf_truncate_domain(name, n), 254);
  n = labels(name, 3, 62, false); /* 254 octets */
  cr_assert_eq(mp_spf_truncate_domain(name, n), 190);
  cr_assert_eq(name[0], 'b');
  memset(name, 'x', 300); /* one label: nothing fits */
  name[300] = '\0';
  cr_assert_eq(mp_spf_truncate_domain(name, 300), 0);
  cr_assert_str_eq(name, "");
  cr_assert_eq(mp_spf_truncate_domain(name, 0), 0);
}
