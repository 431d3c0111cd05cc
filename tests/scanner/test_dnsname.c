#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "scanner/dns/dnsname.h"

Test(dnsname, one_text_for_every_spelling)
{
  char out[MP_NAME_TEXT_MAX + 1];

  cr_assert_eq(mp_dnsname_canon("FOO:Bar/Baz.Example.COM.", out), 26);
  cr_assert_str_eq(out, "foo\\058bar/baz.example.com");
  cr_assert_eq(mp_dnsname_canon("foo\\:bar\\/baz.example.com", out), 26);
  cr_assert_str_eq(out, "foo\\058bar/baz.example.com");
  cr_assert_eq(mp_dnsname_canon("a\\.b\\000\\032\\%.test", out), 23);
  cr_assert_str_eq(out, "a\\046b\\000\\032\\037.test");
  cr_assert_eq(mp_dnsname_canon("", out), 0);
  cr_assert_str_eq(out, "");
  cr_assert_eq(mp_dnsname_canon(".", out), 0);
  cr_assert_str_eq(out, "");
}

Test(dnsname, rejects_what_is_not_a_name)
{
  char out[MP_NAME_TEXT_MAX + 1], label[80], name[300];

  memset(label, 'a', 64);
  memcpy(label + 64, ".test", 6);
  memset(name, 'a', sizeof(name));
  for (size_t i = 63; i < 256; i += 64) {
    name[i] = '.';
  }
  name[256] = '\0'; /* 257 octets on the wire */
  cr_expect_eq(mp_dnsname_canon("a..b", out), -EINVAL);
  cr_expect_str_eq(out, "");
  cr_expect_eq(mp_dnsname_canon(".a", out), -EINVAL);
  cr_expect_eq(mp_dnsname_canon("a..", out), -EINVAL);
  cr_expect_eq(mp_dnsname_canon(label, out), -EINVAL);
  cr_expect_eq(mp_dnsname_canon(name, out), -EINVAL);
  name[253] = '\0'; /* 255 octets: the longest */
  cr_expect_eq(mp_dnsname_canon(name, out), 253);
  cr_expect_eq(mp_dnsname_canon("a\\256", out), -EINVAL);
  cr_expect_eq(mp_dnsname_canon("a\\1", out), -EINVAL);
  cr_expect_eq(mp_dnsname_canon("a\\", out), -EINVAL);
}

/* SPF's names are raw octets: a backslash is one of them (RFC 7208). */
Test(dnsname, escapes_raw_spf_names)
{
  char out[MP_NAME_TEXT_MAX + 1];
  static const char raw[] = "back\\slash.100%.sp ce.Test";

  cr_assert_eq(mp_dnsname_escape(raw, strlen(raw), out), 35);
  cr_assert_str_eq(out, "back\\092slash.100\\037.sp\\032ce.test");
  cr_assert_eq(mp_dnsname_escape("a\0b.test", 8, out), 11);
  cr_assert_str_eq(out, "a\\000b.test");
  cr_assert_eq(mp_dnsname_escape("a..b", 4, out), -EINVAL);
  cr_assert_eq(mp_dnsname_escape("x.test.", 7, out), 6);
}

Test(dnsname, raw_octets_back_for_spf_macros)
{
  char out[64];

  cr_assert_eq(mp_dnsname_to_raw("foo\\058bar.test", out, sizeof(out)), 12);
  cr_assert_str_eq(out, "foo:bar.test");
  cr_assert_eq(mp_dnsname_to_raw("a\\046b.test", out, sizeof(out)), -EINVAL);
  cr_assert_eq(mp_dnsname_to_raw("a\\000b.test", out, sizeof(out)), -EINVAL);
  cr_assert_eq(mp_dnsname_to_raw("abcdef.test", out, 8), -EINVAL);
}

Test(dnsname, the_longest_text)
{
  char text[MP_NAME_TEXT_MAX + 1], out[MP_NAME_TEXT_MAX + 1];
  uint8_t wire[MP_DNSNAME_WIRE_MAX];
  size_t o = 0;

  /* four labels of 63, 63, 63 and 61 octets of 0xff: 255 on the wire */
  for (int l = 0; l < 4; l++) {
    for (int i = 0; i < (l == 3 ? 61 : 63); i++) {
      memcpy(text + o, "\\255", 4);
      o += 4;
    }
    text[o++] = '.';
  }
  text[o - 1] = '\0';
  cr_assert_eq(mp_dnsname_from_text(text, wire), 255);
  cr_assert_eq(mp_dnsname_wire_len(wire), 255);
  cr_assert_eq(mp_dnsname_wire_labels(wire), 4);
  cr_assert_eq(mp_dnsname_to_text(wire, out), 1003);
  cr_assert_str_eq(out, text);
}

Test(dnsname, text_at_or_below)
{
  const char *z = "example.com";

  cr_expect(mp_dnsname_text_at_or_below("example.com", 11, z));
  cr_expect(mp_dnsname_text_at_or_below("_dmarc.example.com", 18, z));
  cr_expect(mp_dnsname_text_at_or_below("a\\\\.example.com", 15, z));
  cr_expect_not(mp_dnsname_text_at_or_below("badexample.com", 14, z));
  cr_expect_not(mp_dnsname_text_at_or_below("a\\.example.com", 14, z));
  cr_expect_not(mp_dnsname_text_at_or_below("example.co", 10, z));
  cr_expect_not(mp_dnsname_text_at_or_below("com", 3, z));
}
