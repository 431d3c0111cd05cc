#ifndef MP_OUTPUT_STATUS_H
#define MP_OUTPUT_STATUS_H

#include <stddef.h>

/* The statuses of a row's parts: each an enum with one name table, as
 * libuv's UV_ERRNO_MAP. X(CONSTANT, "name in rows"). Value 0 of each is
 * ABSENT (nothing to say: written null, or an empty CSV cell), so a part
 * left zeroed says nothing. Code compares enums; writers print names. The
 * name tables (mp_<enum>_names, indexed by value, [0] NULL) are also what
 * the part tables list as a field's allowed values (output/part.h). */

#define MP_X_ENUM(e, name) e,

/* The SPF evaluation of the domain (RFC 7208 2.6, without a client). */
#define MP_SPF_STATUS_MAP(X)                                                   \
  X(MP_SPF_STATUS_NONE, "none")                                                \
  X(MP_SPF_STATUS_VALID, "valid")                                              \
  X(MP_SPF_STATUS_PERMERROR, "permerror")                                      \
  X(MP_SPF_STATUS_TEMPERROR, "temperror")

/* A check_host() result (RFC 7208 2.6), in the order of the engine's enum
 * mp_spf_result (scanner/spf/eval.h): of an --spf-ip address, and the one
 * an address only an --spf-include name authorizes gets. */
#define MP_SPF_CHECK_RESULT_MAP(X)                                             \
  X(MP_SPF_RESULT_NONE, "none")                                                \
  X(MP_SPF_RESULT_NEUTRAL, "neutral")                                          \
  X(MP_SPF_RESULT_PASS, "pass")                                                \
  X(MP_SPF_RESULT_FAIL, "fail")                                                \
  X(MP_SPF_RESULT_SOFTFAIL, "softfail")                                        \
  X(MP_SPF_RESULT_TEMPERROR, "temperror")                                      \
  X(MP_SPF_RESULT_PERMERROR, "permerror")

/* A policy record's status: DMARC discovery, MTA-STS, TLS-RPT, BIMI. */
#define MP_RECORD_STATUS_MAP(X)                                                \
  X(MP_RECORD_NONE, "none")                                                    \
  X(MP_RECORD_VALID, "valid")                                                  \
  X(MP_RECORD_INVALID, "invalid")                                              \
  X(MP_RECORD_TEMPERROR, "temperror")

/* Where the DMARC record that applies was found. */
#define MP_DMARC_FOUND_MAP(X)                                                  \
  X(MP_DMARC_FOUND_SELF, "self")                                               \
  X(MP_DMARC_FOUND_ORGANIZATIONAL, "organizational")                           \
  X(MP_DMARC_FOUND_PUBLIC_SUFFIX, "public_suffix")

/* How it was found: at the domain, by the PSL (RFC 7489), by the tree
 * walk (RFC 9989). */
#define MP_DMARC_METHOD_MAP(X)                                                 \
  X(MP_DMARC_METHOD_DIRECT, "direct")                                          \
  X(MP_DMARC_METHOD_PSL, "psl")                                                \
  X(MP_DMARC_METHOD_TREE_WALK, "tree_walk")

/* A DMARC policy (p, sp, np), weakest first: code compares them by value. */
#define MP_DMARC_P_MAP(X)                                                      \
  X(MP_DMARC_P_NONE, "none")                                                   \
  X(MP_DMARC_P_QUARANTINE, "quarantine")                                       \
  X(MP_DMARC_P_REJECT, "reject")

/* The policy a receiver applies; MISSING when no valid record applies. */
#define MP_DMARC_EFFECTIVE_MAP(X)                                              \
  X(MP_DMARC_EFFECTIVE_NONE, "none")                                           \
  X(MP_DMARC_EFFECTIVE_QUARANTINE, "quarantine")                               \
  X(MP_DMARC_EFFECTIVE_REJECT, "reject")                                       \
  X(MP_DMARC_EFFECTIVE_MISSING, "missing")

/* Why the DMARC status is invalid. */
#define MP_DMARC_REASON_MAP(X)                                                 \
  X(MP_DMARC_REASON_MULTIPLE_RECORDS, "multiple_records")                      \
  X(MP_DMARC_REASON_NO_POLICY, "no_policy")                                    \
  X(MP_DMARC_REASON_DUPLICATE_TAG, "duplicate_tag")

/* An external report destination's authorization (RFC 7489 7.1). */
#define MP_DMARC_AUTH_MAP(X)                                                   \
  X(MP_DMARC_AUTH_AUTHORIZED, "authorized")                                    \
  X(MP_DMARC_AUTH_NOT_AUTHORIZED, "not_authorized")                            \
  X(MP_DMARC_AUTH_LOOKUP_FAILED, "lookup_failed")

/* The DKIM selector probes. */
#define MP_DKIM_STATUS_MAP(X)                                                  \
  X(MP_DKIM_STATUS_FOUND, "found")                                             \
  X(MP_DKIM_STATUS_NONE, "none")                                               \
  X(MP_DKIM_STATUS_NO_DOMAINKEY, "no_domainkey")                               \
  X(MP_DKIM_STATUS_TEMPERROR, "temperror")

/* The bulk-sender requirements of the verdict. */
#define MP_REQUIREMENT_MAP(X)                                                  \
  X(MP_REQUIREMENT_SPF_OR_DKIM, "spf_or_dkim")                                 \
  X(MP_REQUIREMENT_DMARC, "dmarc")                                             \
  X(MP_REQUIREMENT_MX_FCRDNS, "mx_fcrdns")                                     \
  X(MP_REQUIREMENT_SENDER_FCRDNS, "sender_fcrdns")

/* Each enum mp_<name> { ABSENT, the map, COUNT }, its name table and its
 * name function (NULL for ABSENT or a value outside the table). */
#define MP_STATUS_TYPES(X)                                                     \
  X(spf_status, SPF_STATUS)                                                    \
  X(spf_check_result, SPF_CHECK_RESULT)                                        \
  X(record_status, RECORD_STATUS)                                              \
  X(dmarc_found, DMARC_FOUND)                                                  \
  X(dmarc_method, DMARC_METHOD)                                                \
  X(dmarc_p, DMARC_P)                                                          \
  X(dmarc_effective, DMARC_EFFECTIVE)                                          \
  X(dmarc_reason, DMARC_REASON)                                                \
  X(dmarc_auth, DMARC_AUTH)                                                    \
  X(dkim_status, DKIM_STATUS)                                                  \
  X(requirement, REQUIREMENT)

#define MP_X_STATUS_ENUM(name, NAME)                                           \
  enum mp_##name{MP_##NAME##_ABSENT,                                           \
                 MP_##NAME##_MAP(MP_X_ENUM) MP_##NAME##_COUNT};                \
  extern const char *const mp_##name##_names[MP_##NAME##_COUNT];               \
  const char *mp_##name##_name(enum mp_##name s);

MP_STATUS_TYPES(MP_X_STATUS_ENUM)

#endif
