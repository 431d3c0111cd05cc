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

/* Why an SPF result is none, temperror or permerror (spf.reason,
 * spf.checks[].reason), in the order of the engine's enum mp_spf_reason
 * (scanner/spf/eval.h), whose NONE is ABSENT here. */
#define MP_SPF_REASON_CODE_MAP(X)                                              \
  X(MP_SPF_REASON_CODE_NO_RECORD, "no_record")                                 \
  X(MP_SPF_REASON_CODE_BAD_DOMAIN, "bad_domain")                               \
  X(MP_SPF_REASON_CODE_MULTIPLE, "multiple_records")                           \
  X(MP_SPF_REASON_CODE_SYNTAX, "syntax")                                       \
  X(MP_SPF_REASON_CODE_LOOKUP_LIMIT, "lookup_limit")                           \
  X(MP_SPF_REASON_CODE_VOID_LIMIT, "void_limit")                               \
  X(MP_SPF_REASON_CODE_INCLUDE_NONE, "include_none")                           \
  X(MP_SPF_REASON_CODE_REDIRECT_NONE, "redirect_none")                         \
  X(MP_SPF_REASON_CODE_MX_LIMIT, "mx_limit")                                   \
  X(MP_SPF_REASON_CODE_DNS, "dns")                                             \
  X(MP_SPF_REASON_CODE_MACRO, "macro")

/* Why a DKIM key record cannot be used (dkim.found[].error), in the order
 * of the parser's enum mp_dkim_key_error (scanner/records/dkim_key.h),
 * whose OK is ABSENT here. */
#define MP_DKIM_ERROR_MAP(X)                                                   \
  X(MP_DKIM_ERROR_BAD_SYNTAX, "bad_syntax")                                    \
  X(MP_DKIM_ERROR_BAD_VERSION, "bad_version")                                  \
  X(MP_DKIM_ERROR_MISSING_P, "missing_p")                                      \
  X(MP_DKIM_ERROR_BAD_BASE64, "bad_base64")                                    \
  X(MP_DKIM_ERROR_BAD_DER, "bad_der")                                          \
  X(MP_DKIM_ERROR_UNKNOWN_KEY_TYPE, "unknown_key_type")                        \
  X(MP_DKIM_ERROR_BAD_ED25519_LENGTH, "bad_ed25519_length")

/* Why an MTA-STS, TLS-RPT or BIMI record is invalid (mta_sts.error, ...),
 * in the order of the parser's enum mp_policy_error
 * (scanner/records/policy_txt.h), whose OK is ABSENT here. */
#define MP_RECORD_ERROR_MAP(X)                                                 \
  X(MP_RECORD_ERROR_MULTIPLE_RECORDS, "multiple_records")                      \
  X(MP_RECORD_ERROR_BAD_VERSION, "bad_version")                                \
  X(MP_RECORD_ERROR_SYNTAX, "syntax")                                          \
  X(MP_RECORD_ERROR_BAD_EXTENSION, "bad_extension")                            \
  X(MP_RECORD_ERROR_MISSING_ID, "missing_id")                                  \
  X(MP_RECORD_ERROR_BAD_ID, "bad_id")                                          \
  X(MP_RECORD_ERROR_DUPLICATE_ID, "duplicate_id")                              \
  X(MP_RECORD_ERROR_MISSING_RUA, "missing_rua")                                \
  X(MP_RECORD_ERROR_BAD_RUA, "bad_rua")                                        \
  X(MP_RECORD_ERROR_BAD_RUA_SCHEME, "bad_rua_scheme")                          \
  X(MP_RECORD_ERROR_MISSING_L, "missing_l")                                    \
  X(MP_RECORD_ERROR_EMPTY_L, "empty_l")                                        \
  X(MP_RECORD_ERROR_BAD_L_URI, "bad_l_uri")                                    \
  X(MP_RECORD_ERROR_L_NOT_HTTPS, "l_not_https")                                \
  X(MP_RECORD_ERROR_L_NOT_SVG, "l_not_svg")                                    \
  X(MP_RECORD_ERROR_BAD_A_URI, "bad_a_uri")                                    \
  X(MP_RECORD_ERROR_A_NOT_HTTPS, "a_not_https")                                \
  X(MP_RECORD_ERROR_BAD_LPS, "bad_lps")                                        \
  X(MP_RECORD_ERROR_DUPLICATE_TAG, "duplicate_tag")

/* Why an input line is not a usable name (the row's error when its status
 * is invalid_name): the input layer's codes (input/name.h, input/list.h,
 * and the reader's line_too_long). */
#define MP_NAME_ERROR_MAP(X)                                                   \
  X(MP_NAME_ERROR_EMPTY, "empty")                                              \
  X(MP_NAME_ERROR_BAD_CHAR, "bad_char")                                        \
  X(MP_NAME_ERROR_IDNA, "idna")                                                \
  X(MP_NAME_ERROR_EMPTY_LABEL, "empty_label")                                  \
  X(MP_NAME_ERROR_LABEL_TOO_LONG, "label_too_long")                            \
  X(MP_NAME_ERROR_LABEL_HYPHEN, "label_hyphen")                                \
  X(MP_NAME_ERROR_NAME_TOO_LONG, "name_too_long")                              \
  X(MP_NAME_ERROR_NUMERIC_TLD, "numeric_tld")                                  \
  X(MP_NAME_ERROR_BAD_RANK, "bad_rank")                                        \
  X(MP_NAME_ERROR_LINE_TOO_LONG, "line_too_long")

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
  X(requirement, REQUIREMENT)                                                  \
  X(spf_reason_code, SPF_REASON_CODE)                                          \
  X(dkim_error, DKIM_ERROR)                                                    \
  X(record_error, RECORD_ERROR)                                                \
  X(name_error, NAME_ERROR)

#define MP_X_STATUS_ENUM(name, NAME)                                           \
  enum mp_##name{MP_##NAME##_ABSENT,                                           \
                 MP_##NAME##_MAP(MP_X_ENUM) MP_##NAME##_COUNT};                \
  extern const char *const mp_##name##_names[MP_##NAME##_COUNT];               \
  const char *mp_##name##_name(enum mp_##name s);

MP_STATUS_TYPES(MP_X_STATUS_ENUM)

#endif
