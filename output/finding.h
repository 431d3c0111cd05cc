#ifndef MP_OUTPUT_FINDING_H
#define MP_OUTPUT_FINDING_H

/* Every problem a check can report, as a stable code users grep, count and
 * diff: one table, X(CODE, SEVERITY, text, reference), from which come the
 * enum the checks use (so a code not in the table does not compile), the
 * names in rows, --list-findings (scanner/findings.h) and, checked by
 * tests/scanner/test_findings.c, the table in docs/schema.md. */

#define MP_FINDING_MAP(X)                                                      \
  X(SPF_MISSING, WARNING, "the domain publishes no SPF record",                \
    "RFC 7208 2.5.1; Gmail/Yahoo bulk-sender rules")                           \
  X(SPF_MULTIPLE_RECORDS, ERROR,                                               \
    "more than one v=spf1 record: check_host() returns permerror",             \
    "RFC 7208 4.5")                                                            \
  X(SPF_SYNTAX, ERROR,                                                         \
    "a syntax error in the record (or one it includes): permerror",            \
    "RFC 7208 4.6")                                                            \
  X(SPF_LOOKUP_LIMIT, ERROR,                                                   \
    "over 10 DNS-querying terms across the tree: permerror", "RFC 7208 4.6.4") \
  X(SPF_VOID_LIMIT, ERROR, "over 2 lookups that find nothing: permerror",      \
    "RFC 7208 4.6.4")                                                          \
  X(SPF_INCLUDE_NO_RECORD, ERROR,                                              \
    "an include: target has no SPF record: permerror", "RFC 7208 5.2")         \
  X(SPF_REDIRECT_NO_RECORD, ERROR,                                             \
    "the redirect= target has no SPF record: permerror", "RFC 7208 6.1")       \
  X(SPF_MX_LIMIT, ERROR,                                                       \
    "an mx mechanism names over 10 MX records: permerror", "RFC 7208 4.6.4")   \
  X(SPF_TEMPERROR, WARNING,                                                    \
    "a DNS lookup needed by the policy failed: temperror", "RFC 7208 2.6.6")   \
  X(SPF_PLUS_ALL, ERROR,                                                       \
    "+all: every host on the Internet may send as the domain", "RFC 7208 5.1") \
  X(SPF_NO_ALL, WARNING,                                                       \
    "no all and no redirect=: unlisted hosts get neutral, not fail",           \
    "RFC 7208 4.7")                                                            \
  X(SPF_NEUTRAL_ALL, INFO,                                                     \
    "?all: unlisted hosts get neutral, which receivers treat as no policy",    \
    "RFC 7208 8.2")                                                            \
  X(SPF_PTR_USED, WARNING,                                                     \
    "the ptr mechanism is slow and unreliable and should not be used",         \
    "RFC 7208 5.5")                                                            \
  X(SPF_TOO_LONG, WARNING,                                                     \
    "the record is over 450 bytes, the size kept under for UDP answers",       \
    "RFC 7208 3.4")                                                            \
  X(SPF_OVER_UDP, INFO,                                                        \
    "the record alone is over 512 bytes: answers need EDNS or TCP",            \
    "RFC 7208 3.4; RFC 1035 4.2.1")                                            \
  X(SPF_BROAD, WARNING,                                                        \
    "the policy passes more than 16 million IPv4 addresses (a /8)",            \
    "RFC 7208 11 (a policy this wide lets others' hosts pass)")                \
  X(SPF_INCLUDE_MISSING, ERROR,                                                \
    "a --spf-include name is not reached with pass: mail sent through it "     \
    "fails SPF",                                                               \
    "RFC 7208 5.2; DMARC alignment (RFC 7489 3.1.2)")                          \
  X(SPF_SENDER_NOT_PASS, ERROR,                                                \
    "a --spf-ip address does not get pass for the domain",                     \
    "RFC 7208 4; Gmail 550 5.7.26")                                            \
  X(MX_NONE, INFO,                                                             \
    "no MX record: mail goes to the domain's own A/AAAA (implicit MX)",        \
    "RFC 5321 5.1")                                                            \
  X(MX_NULL, INFO, "null MX: the domain accepts no mail", "RFC 7505")          \
  X(MX_NULL_MIXED, ERROR, "a null MX (\"0 .\") beside other MX records",       \
    "RFC 7505 3")                                                              \
  X(MX_IP_LITERAL, ERROR, "an MX exchange is an address, not a host name",     \
    "RFC 5321 5.1")                                                            \
  X(MX_CNAME, WARNING, "an MX exchange is an alias (CNAME)",                   \
    "RFC 2181 10.3; RFC 5321 5.1")                                             \
  X(MX_UNRESOLVED, ERROR, "an MX host has neither A nor AAAA records",         \
    "RFC 5321 5.1")                                                            \
  X(MX_PTR_MISSING, WARNING, "an MX host address has no PTR record",           \
    "RFC 1912 2.1; Gmail/Yahoo sender requirements")                           \
  X(MX_NO_FCRDNS, WARNING,                                                     \
    "an MX host address's PTR name does not resolve back to it",               \
    "Gmail sender guidelines (forward-confirmed reverse DNS)")                 \
  X(MX_PTR_GENERIC, WARNING,                                                   \
    "an MX host's PTR name looks generic or dynamically assigned",             \
    "receiver policies on residential/dynamic hosts")                          \
  X(MX_TEMPERROR, WARNING,                                                     \
    "an MX host's A/AAAA, PTR or forward-confirmation lookup failed: its "     \
    "addresses or reverse DNS are unknown",                                    \
    "RFC 2308 7 (a failure is not a negative answer)")                         \
  X(MTA_STS_INVALID, WARNING,                                                  \
    "the MTA-STS TXT record is malformed or not alone: senders ignore it",     \
    "RFC 8461 3.1")                                                            \
  X(MTA_STS_WITHOUT_TLS_RPT, INFO,                                             \
    "MTA-STS without a TLS-RPT record: delivery failures go unreported",       \
    "RFC 8460 3; RFC 8461 8")                                                  \
  X(TLS_RPT_INVALID, WARNING,                                                  \
    "the TLS-RPT TXT record is malformed or not alone", "RFC 8460 3")          \
  X(BIMI_INVALID, WARNING, "the BIMI record is malformed or not alone",        \
    "draft-brand-indicators-for-message-identification 4.3")                   \
  X(BIMI_WITHOUT_ENFORCEMENT, WARNING,                                         \
    "a BIMI record, but the DMARC policy is not quarantine or reject: no "     \
    "logo is shown",                                                           \
    "draft-brand-indicators-for-message-identification 4.1")                   \
  X(BIMI_BAD_AVP, WARNING,                                                     \
    "avp is neither brand nor personal: receivers ignore it (brand "           \
    "applies), and may treat the record as failing",                           \
    "draft-brand-indicators-for-message-identification 4.3")                   \
  X(DKIM_KEY_FORBIDDEN, ERROR,                                                 \
    "a DKIM RSA key under 1024 bits: must not be used", "RFC 8301 3.2")        \
  X(DKIM_KEY_WEAK, WARNING, "a DKIM RSA key under 2048 bits", "RFC 8301 3.2")  \
  X(DKIM_KEY_REVOKED, INFO, "a DKIM selector with a revoked key (empty p=)",   \
    "RFC 6376 3.6.1")                                                          \
  X(DKIM_KEY_INVALID, ERROR,                                                   \
    "a DKIM key record that does not parse (tags, base64, key)",               \
    "RFC 6376 3.6.1")                                                          \
  X(DKIM_TESTING, INFO,                                                        \
    "a DKIM key in testing mode (t=y): verifiers may ignore failures",         \
    "RFC 6376 3.6.1")                                                          \
  X(DKIM_PROBE_FAILED, WARNING,                                                \
    "a DKIM selector probe failed (timeout, SERVFAIL, ...): a key there is "   \
    "unknown, so the keys found may be incomplete",                            \
    "RFC 6376 6.1.2")                                                          \
  X(DKIM_REQUIRED_MISSING, ERROR,                                              \
    "a --dkim-require selector has no key record: mail signed with it fails "  \
    "DKIM",                                                                    \
    "RFC 6376 6.1.2")                                                          \
  X(DKIM_REQUIRED_UNUSABLE, ERROR,                                             \
    "a --dkim-require selector's key is revoked, malformed or RSA under 1024 " \
    "bits: signatures with it fail",                                           \
    "RFC 6376 3.6.1; RFC 8301 3.2")                                            \
  X(DKIM_REQUIRED_NOT_DELEGATED, ERROR,                                        \
    "a --dkim-require SELECTOR=TARGET selector is not a CNAME to TARGET: the " \
    "provider's key is not the one published",                                 \
    "RFC 6376 3.6.2.1; RFC 1034 3.6.2")                                        \
  X(DKIM_REQUIRED_UNKNOWN, WARNING,                                            \
    "the probe of a --dkim-require selector failed (timeout, SERVFAIL, ...): " \
    "whether its key is there is unknown",                                     \
    "RFC 6376 6.1.2")                                                          \
  X(DMARC_MISSING, WARNING, "no DMARC policy applies to the domain",           \
    "RFC 9989 4.10; Gmail/Yahoo bulk-sender rules")                            \
  X(DMARC_MULTIPLE_RECORDS, ERROR,                                             \
    "several DMARC records at _dmarc.<domain>: none applies",                  \
    "RFC 7489 6.6.3; RFC 9989 4.10")                                           \
  X(DMARC_NO_POLICY, ERROR,                                                    \
    "a DMARC record without a valid p and without a valid rua: no DMARC "      \
    "processing",                                                              \
    "RFC 9989 4.10.1")                                                         \
  X(DMARC_P_MISSING, WARNING,                                                  \
    "a DMARC record without p: treated as p=none (it has a rua)",              \
    "RFC 9989 4.7, 4.10.1; required by RFC 7489 6.3")                          \
  X(DMARC_P_NONE, INFO,                                                        \
    "the policy is none: receivers only report, nothing is rejected",          \
    "RFC 9989 4.7")                                                            \
  X(DMARC_SP_WEAKER, WARNING,                                                  \
    "sp or np is weaker than p: subdomains are less protected",                \
    "RFC 9989 4.7")                                                            \
  X(DMARC_TESTING, INFO,                                                       \
    "t=y: the policy is applied one level lower (testing mode)",               \
    "RFC 9989 4.7")                                                            \
  X(DMARC_PCT, INFO,                                                           \
    "pct below 100: the policy applies to part of the mail (RFC 9989 "         \
    "removed pct)",                                                            \
    "RFC 7489 6.3")                                                            \
  X(DMARC_REMOVED_TAG, INFO, "a tag RFC 9989 removed (pct, rf, ri) is used",   \
    "RFC 9989 C.5.2")                                                          \
  X(DMARC_NO_RUA, INFO, "no rua: the domain gets no aggregate reports",        \
    "RFC 9989 4.7")                                                            \
  X(DMARC_REPORT_UNAUTHORIZED, WARNING,                                        \
    "an external report destination has not authorized the reports",           \
    "RFC 7489 7.1")                                                            \
  X(DMARC_METHODS_DISAGREE, INFO,                                              \
    "the Public Suffix List and the DNS Tree Walk find different policies",    \
    "RFC 7489 3.2; RFC 9989 4.10")                                             \
  X(DMARC_DUPLICATE_TAG, ERROR,                                                \
    "a tag given twice in the DMARC record: the record is invalid, no "        \
    "DMARC processing",                                                        \
    "RFC 6376 3.2; RFC 7489 6.3; RFC 9989 4.7")                                \
  X(DMARC_SP_INVALID, ERROR,                                                   \
    "sp is not none, quarantine or reject: the record is read as p=none "      \
    "(with a valid rua) or not at all",                                        \
    "RFC 9989 4.8, 4.10.1")                                                    \
  X(DMARC_NP_INVALID, ERROR,                                                   \
    "np is not none, quarantine or reject: the record is read as p=none "      \
    "(with a valid rua) or not at all",                                        \
    "RFC 9989 4.8, 4.10.1")                                                    \
  X(DMARC_PCT_INVALID, INFO,                                                   \
    "pct is not 0 to 100: ignored, the default 100 applies", "RFC 7489 6.3")   \
  X(DMARC_ADKIM_INVALID, WARNING,                                              \
    "adkim is not r or s: ignored, relaxed DKIM alignment applies",            \
    "RFC 9989 4.7, 4.8")                                                       \
  X(DMARC_ASPF_INVALID, WARNING,                                               \
    "aspf is not r or s: ignored, relaxed SPF alignment applies",              \
    "RFC 9989 4.7, 4.8")                                                       \
  X(DMARC_FO_INVALID, INFO,                                                    \
    "fo is not a list of 0, 1, d, s: ignored, the default 0 applies",          \
    "RFC 9989 4.7, 4.8")                                                       \
  X(DMARC_RF_INVALID, INFO,                                                    \
    "rf is not a list of report formats: ignored, afrf applies",               \
    "RFC 7489 6.3")                                                            \
  X(DMARC_RI_INVALID, INFO,                                                    \
    "ri is not a 32-bit number of seconds: ignored, 86400 applies",            \
    "RFC 7489 6.3")                                                            \
  X(DMARC_PSD_INVALID, WARNING,                                                \
    "psd is not y, n or u: ignored, u applies (discovery finds the "           \
    "organizational domain by the tree walk)",                                 \
    "RFC 9989 4.7, 4.8")                                                       \
  X(DMARC_T_INVALID, WARNING,                                                  \
    "t is not y or n: ignored, n applies (the policy is applied in full)",     \
    "RFC 9989 4.7, 4.8")

enum mp_severity {
  MP_SEV_ERROR,   /* receivers will reject or the policy is broken */
  MP_SEV_WARNING, /* works today, but fragile or against a SHOULD */
  MP_SEV_INFO,    /* worth knowing */
  MP_SEV_COUNT
};

enum mp_finding_code {
#define MP_X_FINDING(code, sev, text, ref) MP_FINDING_##code,
  MP_FINDING_MAP(MP_X_FINDING)
#undef MP_X_FINDING
      MP_FINDING_COUNT
};

/* "SPF_MISSING", ... as in rows; NULL for a value outside the table. */
const char *mp_finding_name(enum mp_finding_code c);

/* The severity of code c in the table (c within the table). */
enum mp_severity mp_finding_severity(enum mp_finding_code c);

/* "error", "warning", "info"; NULL past the last. */
const char *mp_severity_name(enum mp_severity s);

#endif
