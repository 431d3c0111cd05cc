/* tests/support/zonefile.c: the zone files the SPF suites and the DMARC
 * examples are served from over DNS (tests/integration/test_spf_dns.c,
 * test_dmarc_dns.c). What they write is what Knot serves, so it is
 * checked here byte for byte. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/support/spfsuite.h"
#include "tests/support/zonefile.h"

#define SUITE_PATH MP_SOURCE_DIR "/tests/data/spf/rfc7208-tests.yml"

/* What fn wrote to a fresh FILE, in a heap string (free()), and its
 * return value. */
#define WRITE(call, text, rc)                                                  \
  do {                                                                         \
    size_t len_;                                                               \
    FILE *f = open_memstream(&(text), &len_);                                  \
    cr_assert_not_null(f);                                                     \
    (rc) = (call);                                                             \
    cr_assert_eq(fclose(f), 0);                                                \
  } while (0)

Test(spf_zonefile, writes_names_with_their_octets_escaped)
{
  char *text;
  int rc;

  WRITE(mp_zonefile_name(f, "foo:bar/baz.Example.com"), text, rc);
  cr_assert_eq(rc, 0);
  cr_assert_str_eq(text, "foo\\058bar\\047baz.Example.com.");
  free(text);
  /* a trailing dot is allowed; a space, a backslash, NUL-free raw octets */
  WRITE(mp_zonefile_name(f, "macro%percent  space.a\\b.example.com."), text,
        rc);
  cr_assert_eq(rc, 0);
  cr_assert_str_eq(text,
                   "macro\\037percent\\032\\032space.a\\092b.example.com.");
  free(text);
  WRITE(mp_zonefile_name(f, ""), text, rc);
  cr_assert_eq(rc, 0);
  cr_assert_str_eq(text, ".");
  free(text);
  WRITE(mp_zonefile_name(f, "a..example.com"), text, rc);
  cr_assert_eq(rc, -EINVAL);
  cr_assert_str_eq(text, "", "nothing is written");
  free(text);
  WRITE(mp_zonefile_name(
            f, "a1234567890123456789012345678901234567890123456789012345678"
               "901234.example.com"),
        text, rc);
  cr_assert_eq(rc, -EINVAL);
  free(text);
}

Test(spf_zonefile, writes_character_strings_quoted_and_escaped)
{
  char *text, big[256];
  int rc;

  WRITE(mp_zonefile_string(f, "a\"b\\c\0\x80 ;()", 11), text, rc);
  cr_assert_eq(rc, 0);
  cr_assert_str_eq(text, "\"a\\034b\\092c\\000\\128 ;()\"");
  free(text);
  memset(big, 'x', sizeof(big));
  WRITE(mp_zonefile_string(f, big, 255), text, rc);
  cr_assert_eq(rc, 0);
  free(text);
  WRITE(mp_zonefile_string(f, big, 256), text, rc);
  cr_assert_eq(rc, -EINVAL);
  free(text);
  {
    const char *const two[] = {"v=DMARC1; p=none; ",
                               "rua=mailto:dmarc-feedback@example.com", NULL};
    const char *const none[] = {NULL};

    WRITE(mp_zonefile_txt(f, "_dmarc.example.com", two), text, rc);
    cr_assert_eq(rc, 0);
    cr_assert_str_eq(text, "_dmarc.example.com. TXT \"v=DMARC1; p=none; \" "
                           "\"rua=mailto:dmarc-feedback@example.com\"\n");
    free(text);
    WRITE(mp_zonefile_txt(f, "_dmarc.example.com", none), text, rc);
    cr_assert_eq(rc, -EINVAL);
    free(text);
  }
}

static const struct mp_spfsuite_scenario *scenario(const struct mp_spfsuite *s,
                                                   const char *test)
{
  const struct mp_spfsuite_scenario *sc = NULL;

  cr_assert_not_null(mp_spfsuite_find(s, test, &sc), "%s", test);
  return sc;
}

static void expect_line(const char *zone, const char *line)
{
  cr_expect_not_null(strstr(zone, line), "no line %s in\n%s", line, zone);
}

Test(spf_zonefile, writes_a_scenario_as_the_reference_driver_serves_it)
{
  struct mp_spfsuite *s;
  char *zone;
  size_t dropped = 99;
  int rc;

  cr_assert_eq(mp_spfsuite_load(SUITE_PATH, &s), 0);
  WRITE(mp_zonefile_spf_scenario(scenario(s, "null-text"), f, &dropped), zone,
        rc);
  cr_assert_eq(rc, 0);
  cr_expect_eq(strncmp(zone, "$TTL 3600\n. SOA ", 16), 0);
  /* the strings as the suite gives them, as SPF and as its TXT twin */
  expect_line(zone,
              "\nnull.example.com. SPF \"v=spf1 ip4:\" \"192.0.2.5 -all\"\n");
  expect_line(zone,
              "\nnull.example.com. TXT \"v=spf1 ip4:\" \"192.0.2.5 -all\"\n");
  /* "SPF: []" cannot be written, nor its twin */
  cr_expect_eq(dropped, 2);
  expect_line(zone, "\nctrl.example.com. SPF \"v=spf1 a:ctrl.example.com"
                    "\\013ptr -all\"\n");
  expect_line(zone, "\nhosed2.example.com. TXT \"v=spf1 \\128a:example.net "
                    "-all\"\n");
  /* example.com: TIMEOUT only: made to exist */
  expect_line(zone, "\nexample.com. TYPE65280 \\# 0\n");
  free(zone);
  WRITE(mp_zonefile_spf_scenario(scenario(s, "txttimeout"), f, NULL), zone, rc);
  cr_assert_eq(rc, 0);
  /* records before TIMEOUT are served, the TXT twins (after it) are not */
  expect_line(zone, "\nspftimeout.example.net. TXT \"v=spf1 -all\"\n");
  expect_line(zone, "\ntxttimeout.example.net. SPF \"v=spf1 -all\"\n");
  cr_expect_null(strstr(zone, "txttimeout.example.net. TXT"));
  /* an explicit TXT (here NONE) turns the twin off */
  expect_line(zone, "\nspfonly.example.net. SPF \"v=spf1 -all\"\n");
  cr_expect_null(strstr(zone, "spfonly.example.net. TXT"));
  free(zone);
  WRITE(mp_zonefile_spf_scenario(scenario(s, "mx-empty"), f, NULL), zone, rc);
  cr_assert_eq(rc, 0);
  expect_line(zone, "\nmail.example.com. MX 0 .\n");
  expect_line(zone, "\nfoo\\058bar\\047baz.example.com. MX 0 "
                    "foo\\058bar\\047baz.example.com.\n");
  free(zone);
  mp_spfsuite_free(s);
}

Test(spf_zonefile, knows_which_answers_it_cannot_give)
{
  struct mp_spfsuite *s;
  const struct mp_spfsuite_scenario *sc;

  cr_assert_eq(mp_spfsuite_load(SUITE_PATH, &s), 0);
  sc = scenario(s, "null-text");
  cr_expect(mp_zonefile_spf_lost(sc, "null.example.com", MP_T_TXT));
  cr_expect(mp_zonefile_spf_lost(sc, "NULL.example.com.", MP_T_TXT));
  cr_expect(!mp_zonefile_spf_lost(sc, "null.example.com", MP_T_A));
  cr_expect(!mp_zonefile_spf_lost(sc, "trail.example.com", MP_T_TXT));
  cr_expect(!mp_zonefile_spf_lost(sc, "nowhere.example.com", MP_T_TXT));
  mp_spfsuite_free(s);
}
