#include "tests/support/spfchanges.h"

#include <stddef.h>
#include <string.h>

/* RFC 7208 Appendix C lists what changed since RFC 4408; the suite's
 * rfc7208-tests.CHANGES (pyspf) how the tests followed. */
const struct mp_spfchange mp_spfchanges_rfc4408[] = {
    {"spfonly", "fail", "none",
     "only a type 99 (SPF) record: RFC 7208 looks up TXT only (sections 3.1, "
     "4.4, 14.1; Appendix C: \"Use of DNS RR type SPF (99) has been "
     "removed\")"},
    {"txttimeout", "fail", "temperror",
     "the type 99 record answers, the TXT lookup times out: TXT only, so a "
     "DNS error, temperror (RFC 7208 section 4.4)"},
    {"spfoverride", "pass", "fail",
     "RFC 4408 section 4.5 let the type 99 record override TXT; RFC 7208 "
     "evaluates the TXT record, which fails the address"},
    {"multitxt1", "pass", "permerror",
     "two TXT v=spf1 records, which RFC 4408 passed over for the one type "
     "99 record: more than one record is permerror (RFC 7208 section 4.5)"},
    {"multispf2", "permerror", "pass",
     "two type 99 records (permerror under RFC 4408 section 4.5) beside one "
     "TXT record, the only one RFC 7208 reads"},
    {"invalid-domain-empty-label", "permerror", "fail",
     "a target name with an empty label: RFC 7208 leaves the result "
     "undefined (its suite accepts fail or permerror and prefers fail); the "
     "name cannot exist, the mechanism does not match (sections 4.3, 5)"},
    {"invalid-domain-long", "permerror", "fail",
     "a target name with a label over 63 octets: as "
     "invalid-domain-empty-label"},
    {"invalid-domain-long-via-macro", "permerror", "fail",
     "a label over 63 octets made by macro expansion: as "
     "invalid-domain-empty-label"},
    {"exists-dnserr", "fail", "temperror",
     "the exists lookup times out: a DNS error is temperror (RFC 7208 "
     "section 5; the RFC 4408 suite says \"being clarified in spfbis\")"},
    {"mx-limit", "neutral", "permerror",
     "more than 10 MX records: the mx mechanism is permerror (RFC 7208 "
     "section 4.6.4), where RFC 4408 section 10.1 used the first 10"},
    {NULL, NULL, NULL, NULL},
};

const struct mp_spfchange *mp_spfchange_find(const char *test)
{
  for (const struct mp_spfchange *c = mp_spfchanges_rfc4408; c->test; c++) {
    if (strcmp(c->test, test) == 0) {
      return c;
    }
  }
  return NULL;
}
