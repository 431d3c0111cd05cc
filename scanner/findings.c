#include "scanner/findings.h"

#include <assert.h>
#include <string.h>

const struct mp_finding mp_findings[] = {
    {"SPF_MISSING", MP_SEV_WARNING, "the domain publishes no SPF record",
     "RFC 7208 2.5.1; Gmail/Yahoo bulk-sender rules"},
    {"SPF_MULTIPLE_RECORDS", MP_SEV_ERROR,
     "more than one v=spf1 record: check_host() returns permerror",
     "RFC 7208 4.5"},
    {"SPF_SYNTAX", MP_SEV_ERROR,
     "a syntax error in the record (or one it includes): permerror",
     "RFC 7208 4.6"},
    {"SPF_LOOKUP_LIMIT", MP_SEV_ERROR,
     "over 10 DNS-querying terms across the tree: permerror", "RFC 7208 4.6.4"},
    {"SPF_VOID_LIMIT", MP_SEV_ERROR,
     "over 2 lookups that find nothing: permerror", "RFC 7208 4.6.4"},
    {"SPF_INCLUDE_NO_RECORD", MP_SEV_ERROR,
     "an include: target has no SPF record: permerror", "RFC 7208 5.2"},
    {"SPF_REDIRECT_NO_RECORD", MP_SEV_ERROR,
     "the redirect= target has no SPF record: permerror", "RFC 7208 6.1"},
    {"SPF_MX_LIMIT", MP_SEV_ERROR,
     "an mx mechanism names over 10 MX records: permerror", "RFC 7208 4.6.4"},
    {"SPF_TEMPERROR", MP_SEV_WARNING,
     "a DNS lookup needed by the policy failed: temperror", "RFC 7208 2.6.6"},
    {"SPF_PLUS_ALL", MP_SEV_ERROR,
     "+all: every host on the Internet may send as the domain", "RFC 7208 5.1"},
    {"SPF_NO_ALL", MP_SEV_WARNING,
     "no all and no redirect=: unlisted hosts get neutral, not fail",
     "RFC 7208 4.7"},
    {"SPF_NEUTRAL_ALL", MP_SEV_INFO,
     "?all: unlisted hosts get neutral, which receivers treat as no policy",
     "RFC 7208 8.2"},
    {"SPF_PTR_USED", MP_SEV_WARNING,
     "the ptr mechanism is slow and unreliable and should not be used",
     "RFC 7208 5.5"},
    {"SPF_TOO_LONG", MP_SEV_WARNING,
     "the record is over 450 bytes, the size kept under for UDP answers",
     "RFC 7208 3.4"},
    {"SPF_OVER_UDP", MP_SEV_INFO,
     "the record alone is over 512 bytes: answers need EDNS or TCP",
     "RFC 7208 3.4; RFC 1035 4.2.1"},
    {"SPF_BROAD", MP_SEV_WARNING,
     "the policy passes more than 16 million IPv4 addresses (a /8)",
     "RFC 7208 11 (a policy this wide lets others' hosts pass)"},
    {"SPF_INCLUDE_MISSING", MP_SEV_ERROR,
     "a --spf-include name is not reached with pass: mail sent through it "
     "fails SPF",
     "RFC 7208 5.2; DMARC alignment (RFC 7489 3.1.2)"},
    {"SPF_SENDER_NOT_PASS", MP_SEV_ERROR,
     "a --spf-ip address does not get pass for the domain",
     "RFC 7208 4; Gmail 550 5.7.26"},
};

const size_t mp_nfindings = sizeof(mp_findings) / sizeof(mp_findings[0]);

const struct mp_finding *mp_finding_find(const char *code)
{
  for (size_t i = 0; i < mp_nfindings; i++) {
    if (strcmp(mp_findings[i].code, code) == 0) {
      return &mp_findings[i];
    }
  }
  return NULL;
}

const char *mp_severity_name(enum mp_severity s)
{
  static const char *const names[] = {"error", "warning", "info"};

  return names[s];
}

void mp_findings_print(FILE *f)
{
  for (size_t i = 0; i < mp_nfindings; i++) {
    const struct mp_finding *x = &mp_findings[i];

    fprintf(f, "%-24s %-8s %-32s %s\n", x->code, mp_severity_name(x->severity),
            x->ref, x->text);
  }
}

void mp_result_add_finding(struct mp_result *res, const char *code)
{
  assert(mp_finding_find(code));
  for (size_t i = 0; i < res->nfindings; i++) {
    if (strcmp(res->findings[i], code) == 0) {
      return;
    }
  }
  if (res->nfindings < MP_FINDINGS_MAX) {
    res->findings[res->nfindings++] = code;
  }
}
