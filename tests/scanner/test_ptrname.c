#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <arpa/inet.h>
#include <string.h>
#include <sys/socket.h>

#include "scanner/records/ptrname.h"

/* One PTR name, the address it was found for ("" when unknown), and the
 * verdict: the rule's code, or "" for a name that must not look generic.
 * Names are under example/test/invalid or invented ISPs, except the
 * well-known shapes of large providers. */
struct ptr_case {
  char name[96];
  char addr[48];
  char why[24];
};

/* Parses c->addr into a; returns the family, 0 when there is none. */
static int address(const struct ptr_case *c, uint8_t *a)
{
  if (!c->addr[0]) {
    return 0;
  }
  if (strchr(c->addr, ':')) {
    cr_assert_eq(inet_pton(AF_INET6, c->addr, a), 1, "%s", c->addr);
    return AF_INET6;
  }
  cr_assert_eq(inet_pton(AF_INET, c->addr, a), 1, "%s", c->addr);
  return AF_INET;
}

ParameterizedTestParameters(ptrname, classifies_names)
{
  static struct ptr_case cases[] = {
      /* Mail hosts: names chosen by their operators. */
      {"mail.example.com", "192.0.2.10", ""},
      {"mx1.example.com", "192.0.2.11", ""},
      {"smtp-out-12.provider.net", "198.51.100.12", ""},
      {"outbound.protection.outlook.com", "40.107.22.41", ""},
      {"mail-wr1-f41.google.com", "209.85.221.41", ""},
      {"mail-sor-f41.google.com", "209.85.220.41", ""},
      {"a8-30.smtp-out.amazonses.com", "54.240.8.30", ""},
      {"mail-am6eur05on2041.outbound.protection.outlook.com", "40.107.22.41",
       ""},
      {"mail151.atl221.rsgsv.net", "198.2.139.151", ""},
      {"sonic301-20.consmr.mail.ne1.yahoo.com", "74.6.128.40", ""},
      {"mx0a-00190b01.pphosted.com", "148.163.151.1", ""},
      {"mx.example.org", "", ""},
      {"mta-out-3.mail.example.net", "203.0.113.3", ""},
      {"relay2.example.test", "2001:db8::25", ""},
      {"mail.example.com", "2001:db8:10::25", ""},
      {"smtp.resources.example", "192.0.2.5", ""},
      {"mail.dynect.example", "192.0.2.6", ""},
      {"o1.email.example.com", "192.0.2.1", ""},
      {"smtp.hostmaster.example", "192.0.2.1", ""},
      {"host.example.com", "192.0.2.1", ""},
      {"ip.example.net", "192.0.2.1", ""},
      {"mx-01.mail.example", "192.0.2.1", ""},
      {"mail2.example.co.uk", "203.0.113.2", ""},
      {"smtp.example.com", "10.20.30.40", ""},
      {"mx-203-0-113.example.net", "203.0.113.7", ""}, /* 3 of 4 octets */
      {"ip-10.example.net", "192.0.2.1", ""},
      {"mail.example.com.", "", ""},
      /* The address, in its spellings. */
      {"dyn-203-0-113-7.isp.example", "203.0.113.7", "addr_dotted"},
      {"203-0-113-7.static.isp.net", "203.0.113.7", "addr_dotted"},
      {"c-98-201-14-7.hsd1.tx.comcast.net", "98.201.14.7", "addr_dotted"},
      {"pool-71-176-144-2.rcmdva.fios.verizon.net", "71.176.144.2",
       "addr_dotted"},
      {"ip68-12-34-56.ri.ri.cox.net", "68.12.34.56", "addr_dotted"},
      {"ec2-54-1-2-3.compute-1.amazonaws.com", "54.1.2.3", "addr_dotted"},
      {"203.0.113.7.isp.example", "203.0.113.7", "addr_dotted"},
      {"203_0_113_7.isp.example", "203.0.113.7", "addr_dotted"},
      {"host-203-000-113-007.isp.example", "203.0.113.7", "addr_dotted"},
      {"Dyn-203-0-113-7.ISP.Example", "203.0.113.7", "addr_dotted"},
      {"dyn-203-0-113-7.isp.example", "::ffff:203.0.113.7", "addr_dotted"},
      {"7.113.0.203.in-addr.example", "203.0.113.7", "addr_reversed"},
      {"7-113-0-203.dynamic.isp.example", "203.0.113.7", "addr_reversed"},
      {"static.7.113.0.203.clients.hosting.example", "203.0.113.7",
       "addr_reversed"},
      {"cust203000113007.isp.example", "203.0.113.7", "addr_joined"},
      {"h20301137.isp.example", "203.0.113.7", "addr_joined"},
      {"r71130203.isp.example", "203.0.113.7", "addr_joined"},
      {"cb007107.dyn.isp.example", "203.0.113.7", "addr_hex"},
      {"x-CB007107.isp.example", "203.0.113.7", "addr_hex"},
      {"3405803783.isp.example", "203.0.113.7", "addr_decimal"},
      {"7.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6."
       "example",
       "2001:db8::7", "addr_ip6_nibbles"},
      {"20010db8000000000000000000000007.dyn6.isp.example", "2001:db8::7",
       "addr_ip6_nibbles"},
      {"2001-db8--7.isp.example", "2001:db8::7", "addr_ip6_groups"},
      {"2001-db8-0-0-0-0-0-7.isp.example", "2001:db8::7", "addr_ip6_groups"},
      {"c-2001-0db8-0000-0000-0000-0000-0000-0007.isp.example", "2001:db8::7",
       "addr_ip6_groups"},
      /* Some address, not necessarily this one. */
      {"dyn-198-51-100-9.isp.example", "203.0.113.7", "addr_like"},
      {"98-201-14-7.isp.example", "", "addr_like"},
      {"adsl-192-0-2-44.isp.example", "", "addr_like"},
      /* Words. */
      {"host7.dsl.example.net", "192.0.2.7", "host_digits"},
      {"host123-45.isp.example", "", "host_digits"},
      {"ns1234567.ip-1-2-3.eu", "", "ip_digits"},
      {"mail.dynamic.isp.example", "192.0.2.1", "word_dynamic"},
      {"ppp-12.isp.example", "", "word_ppp"},
      {"dhcp-12-34.isp.example", "192.0.2.1", "word_dhcp"},
      {"pool.dyn.isp.example", "", "word_pool"},
      {"customer.198-51-100.isp.example", "198.51.100.9", "word_customer"},
      {"cpe-58-96.isp.example", "", "word_cpe"},
      {"broadband.isp.example", "", "word_broadband"},
      {"dialup17.isp.example", "", "word_dialup"},
      {"wireless-12.isp.example", "", "word_wireless"},
      {"mobile-3.isp.example", "", "word_mobile"},
      {"x12.3g.carrier.example", "", "word_3g"},
      {"lte12.carrier.example", "", "word_lte"},
      {"nat-gw.isp.example", "", "word_nat"},
      {"unknown.isp.example", "", "word_unknown"},
      {"unassigned.isp.example", "", "word_unassigned"},
      {"res-12.isp.example", "", "word_res"},
      {"dsl.isp.example", "", "word_dsl"},
      {"xdsl-line.isp.example", "", "word_xdsl"},
      {"cable-modem.isp.example", "", "word_cable"},
      {"users2go.isp.example", "", "word_users"},
      {"static-client.isp.example", "", "word_static"},
  };

  return cr_make_param_array(struct ptr_case, cases,
                             sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct ptr_case *c, ptrname, classifies_names)
{
  uint8_t a[16];
  int family = address(c, a);
  const char *why = "unset";
  bool generic = mp_ptrname_generic(c->name, family ? a : NULL, family, &why);

  cr_expect_eq(generic, c->why[0] != '\0', "%s: %s", c->name,
               why ? why : "(none)");
  if (c->why[0]) {
    cr_assert_not_null(why, "%s", c->name);
    cr_expect_str_eq(why, c->why, "%s", c->name);
  } else {
    cr_expect_null(why, "%s: %s", c->name, why);
  }
}

Test(ptrname, why_may_be_null)
{
  uint8_t a[4] = {203, 0, 113, 7};

  cr_assert(
      mp_ptrname_generic("dyn-203-0-113-7.isp.example", a, AF_INET, NULL));
  cr_assert_not(mp_ptrname_generic("mail.example.com", a, AF_INET, NULL));
}

Test(ptrname, address_rules_win_over_words)
{
  uint8_t a[4] = {203, 0, 113, 7};
  const char *why;

  cr_assert(
      mp_ptrname_generic("dsl-203-0-113-7.isp.example", a, AF_INET, &why));
  cr_assert_str_eq(why, "addr_dotted");
}

Test(ptrname, unknown_family_uses_only_the_name)
{
  uint8_t a[4] = {203, 0, 113, 7};
  const char *why;

  cr_assert_not(mp_ptrname_generic("cb007107.isp.example", a, 0, &why));
  cr_assert_null(why);
}

Test(ptrname, survives_odd_names)
{
  char name[254];
  uint8_t a6[16] = {0};
  const char *why;

  /* Every prefix of a long digit-and-separator name. */
  for (size_t i = 0; i < sizeof(name) - 1; i++) {
    name[i] = (i % 4 == 3) ? '-' : (char)('0' + i % 10);
  }
  name[sizeof(name) - 1] = '\0';
  for (size_t n = sizeof(name) - 1; n > 0; n--) {
    name[n] = '\0';
    mp_ptrname_generic(name, a6, AF_INET6, &why);
  }
  cr_assert_not(mp_ptrname_generic("", a6, AF_INET6, &why));
  cr_assert_not(mp_ptrname_generic(".", NULL, 0, &why));
  cr_assert_not(mp_ptrname_generic("-.-_", NULL, 0, &why));
}
