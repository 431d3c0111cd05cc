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
    {"MX_NONE", MP_SEV_INFO,
     "no MX record: mail goes to the domain's own A/AAAA (implicit MX)",
     "RFC 5321 5.1"},
    {"MX_NULL", MP_SEV_INFO, "null MX: the domain accepts no mail", "RFC 7505"},
    {"MX_NULL_MIXED", MP_SEV_ERROR,
     "a null MX (\"0 .\") beside other MX records", "RFC 7505 3"},
    {"MX_IP_LITERAL", MP_SEV_ERROR,
     "an MX exchange is an address, not a host name", "RFC 5321 5.1"},
    {"MX_CNAME", MP_SEV_WARNING, "an MX exchange is an alias (CNAME)",
     "RFC 2181 10.3; RFC 5321 5.1"},
    {"MX_UNRESOLVED", MP_SEV_ERROR, "an MX host has neither A nor AAAA records",
     "RFC 5321 5.1"},
    {"MX_PTR_MISSING", MP_SEV_WARNING, "an MX host address has no PTR record",
     "RFC 1912 2.1; Gmail/Yahoo sender requirements"},
    {"MX_NO_FCRDNS", MP_SEV_WARNING,
     "an MX host address's PTR name does not resolve back to it",
     "Gmail sender guidelines (forward-confirmed reverse DNS)"},
    {"MX_PTR_GENERIC", MP_SEV_WARNING,
     "an MX host's PTR name looks generic or dynamically assigned",
     "receiver policies on residential/dynamic hosts"},
    {"MX_TEMPERROR", MP_SEV_WARNING,
     "an MX host's A/AAAA, PTR or forward-confirmation lookup failed: its "
     "addresses or reverse DNS are unknown",
     "RFC 2308 7 (a failure is not a negative answer)"},
    {"MTA_STS_INVALID", MP_SEV_WARNING,
     "the MTA-STS TXT record is malformed or not alone: senders ignore it",
     "RFC 8461 3.1"},
    {"MTA_STS_WITHOUT_TLS_RPT", MP_SEV_INFO,
     "MTA-STS without a TLS-RPT record: delivery failures go unreported",
     "RFC 8460 3; RFC 8461 8"},
    {"TLS_RPT_INVALID", MP_SEV_WARNING,
     "the TLS-RPT TXT record is malformed or not alone", "RFC 8460 3"},
    {"BIMI_INVALID", MP_SEV_WARNING,
     "the BIMI record is malformed or not alone",
     "draft-brand-indicators-for-message-identification 4.3"},
    {"BIMI_WITHOUT_ENFORCEMENT", MP_SEV_WARNING,
     "a BIMI record, but the DMARC policy is not quarantine or reject: no "
     "logo is shown",
     "draft-brand-indicators-for-message-identification 4.1"},
    {"BIMI_BAD_AVP", MP_SEV_WARNING,
     "avp is neither brand nor personal: receivers ignore it (brand "
     "applies), and may treat the record as failing",
     "draft-brand-indicators-for-message-identification 4.3"},
    {"DKIM_KEY_FORBIDDEN", MP_SEV_ERROR,
     "a DKIM RSA key under 1024 bits: must not be used", "RFC 8301 3.2"},
    {"DKIM_KEY_WEAK", MP_SEV_WARNING, "a DKIM RSA key under 2048 bits",
     "RFC 8301 3.2"},
    {"DKIM_KEY_REVOKED", MP_SEV_INFO,
     "a DKIM selector with a revoked key (empty p=)", "RFC 6376 3.6.1"},
    {"DKIM_KEY_INVALID", MP_SEV_ERROR,
     "a DKIM key record that does not parse (tags, base64, key)",
     "RFC 6376 3.6.1"},
    {"DKIM_TESTING", MP_SEV_INFO,
     "a DKIM key in testing mode (t=y): verifiers may ignore failures",
     "RFC 6376 3.6.1"},
    {"DKIM_PROBE_FAILED", MP_SEV_WARNING,
     "a DKIM selector probe failed (timeout, SERVFAIL, ...): a key there is "
     "unknown, so the keys found may be incomplete",
     "RFC 6376 6.1.2"},
    {"DMARC_MISSING", MP_SEV_WARNING, "no DMARC policy applies to the domain",
     "RFC 9989 4.10; Gmail/Yahoo bulk-sender rules"},
    {"DMARC_MULTIPLE_RECORDS", MP_SEV_ERROR,
     "several DMARC records at _dmarc.<domain>: none applies",
     "RFC 7489 6.6.3; RFC 9989 4.10"},
    {"DMARC_NO_POLICY", MP_SEV_ERROR,
     "a DMARC record without a valid p and without a valid rua: no DMARC "
     "processing",
     "RFC 9989 4.10.1"},
    {"DMARC_P_MISSING", MP_SEV_WARNING,
     "a DMARC record without p: treated as p=none (it has a rua)",
     "RFC 9989 4.7, 4.10.1; required by RFC 7489 6.3"},
    {"DMARC_P_NONE", MP_SEV_INFO,
     "the policy is none: receivers only report, nothing is rejected",
     "RFC 9989 4.7"},
    {"DMARC_SP_WEAKER", MP_SEV_WARNING,
     "sp or np is weaker than p: subdomains are less protected",
     "RFC 9989 4.7"},
    {"DMARC_TESTING", MP_SEV_INFO,
     "t=y: the policy is applied one level lower (testing mode)",
     "RFC 9989 4.7"},
    {"DMARC_PCT", MP_SEV_INFO,
     "pct below 100: the policy applies to part of the mail (RFC 9989 "
     "removed pct)",
     "RFC 7489 6.3"},
    {"DMARC_REMOVED_TAG", MP_SEV_INFO,
     "a tag RFC 9989 removed (pct, rf, ri) is used", "RFC 9989 C.5.2"},
    {"DMARC_NO_RUA", MP_SEV_INFO,
     "no rua: the domain gets no aggregate reports", "RFC 9989 4.7"},
    {"DMARC_REPORT_UNAUTHORIZED", MP_SEV_WARNING,
     "an external report destination has not authorized the reports",
     "RFC 7489 7.1"},
    {"DMARC_METHODS_DISAGREE", MP_SEV_INFO,
     "the Public Suffix List and the DNS Tree Walk find different policies",
     "RFC 7489 3.2; RFC 9989 4.10"},
    {"DMARC_DUPLICATE_TAG", MP_SEV_ERROR,
     "a tag given twice in the DMARC record: the record is invalid, no "
     "DMARC processing",
     "RFC 6376 3.2; RFC 7489 6.3; RFC 9989 4.7"},
    {"DMARC_SP_INVALID", MP_SEV_ERROR,
     "sp is not none, quarantine or reject: the record is read as p=none "
     "(with a valid rua) or not at all",
     "RFC 9989 4.8, 4.10.1"},
    {"DMARC_NP_INVALID", MP_SEV_ERROR,
     "np is not none, quarantine or reject: the record is read as p=none "
     "(with a valid rua) or not at all",
     "RFC 9989 4.8, 4.10.1"},
    {"DMARC_PCT_INVALID", MP_SEV_INFO,
     "pct is not 0 to 100: ignored, the default 100 applies", "RFC 7489 6.3"},
    {"DMARC_ADKIM_INVALID", MP_SEV_WARNING,
     "adkim is not r or s: ignored, relaxed DKIM alignment applies",
     "RFC 9989 4.7, 4.8"},
    {"DMARC_ASPF_INVALID", MP_SEV_WARNING,
     "aspf is not r or s: ignored, relaxed SPF alignment applies",
     "RFC 9989 4.7, 4.8"},
    {"DMARC_FO_INVALID", MP_SEV_INFO,
     "fo is not a list of 0, 1, d, s: ignored, the default 0 applies",
     "RFC 9989 4.7, 4.8"},
    {"DMARC_RF_INVALID", MP_SEV_INFO,
     "rf is not a list of report formats: ignored, afrf applies",
     "RFC 7489 6.3"},
    {"DMARC_RI_INVALID", MP_SEV_INFO,
     "ri is not a 32-bit number of seconds: ignored, 86400 applies",
     "RFC 7489 6.3"},
    {"DMARC_PSD_INVALID", MP_SEV_WARNING,
     "psd is not y, n or u: ignored, u applies (discovery finds the "
     "organizational domain by the tree walk)",
     "RFC 9989 4.7, 4.8"},
    {"DMARC_T_INVALID", MP_SEV_WARNING,
     "t is not y or n: ignored, n applies (the policy is applied in full)",
     "RFC 9989 4.7, 4.8"},
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
