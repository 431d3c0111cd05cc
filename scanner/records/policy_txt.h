#ifndef MP_SCANNER_RECORDS_POLICY_TXT_H
#define MP_SCANNER_RECORDS_POLICY_TXT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scanner/dns/dns.h"

/* The DNS TXT records of MTA-STS (RFC 8461 section 3.1, at
 * _mta-sts.<domain>), TLS-RPT (RFC 8460 section 3, at _smtp._tls.<domain>)
 * and BIMI (draft-brand-indicators-for-message-identification-10 sections
 * 4.3, 7.2 and 7.3, and lps= as draft-14 section 4.3 has it, at
 * default._bimi.<domain>). Pure: no I/O, no allocation.
 *
 * Each parser takes ONE answer (all records of the name), applies the
 * record selection rule of its specification, then the grammar. Every
 * slice points into the caller's records: keep them alive as long as the
 * result. Records of another type than TXT in the array are skipped. */

enum mp_policy_status {
  MP_POLICY_NONE,    /* no record selected: the domain does not publish */
  MP_POLICY_VALID,   /* exactly one record selected, and it parses */
  MP_POLICY_INVALID, /* see error: several records, a malformed one, or
                        only a near miss of the version tag */
};

/* Why a record is invalid; the row's names are output/status.h's
 * MP_RECORD_ERROR_MAP, in this order. */
enum mp_policy_error {
  MP_POLICY_OK,
  MP_POLICY_ERR_MULTIPLE_RECORDS, /* more than one record passes the
                                     selection rule */
  MP_POLICY_ERR_BAD_VERSION,      /* none passes, but one starts with a near
                                     miss of the version ("v=STSv2",
                                     "v=stsv1;", " v=STSv1;", "v=STSv1 id=x");
                                     receivers discard it */
  MP_POLICY_ERR_SYNTAX,           /* the selected record breaks the grammar
                                     (empty field, missing "=", WSP where none
                                     is allowed, a byte outside the grammar) */
  MP_POLICY_ERR_BAD_EXTENSION,    /* an unknown field with a malformed name
                                     or value */
  MP_POLICY_ERR_MISSING_ID,       /* MTA-STS */
  MP_POLICY_ERR_BAD_ID,
  MP_POLICY_ERR_DUPLICATE_ID,
  MP_POLICY_ERR_MISSING_RUA, /* TLS-RPT */
  MP_POLICY_ERR_BAD_RUA,
  MP_POLICY_ERR_BAD_RUA_SCHEME,
  MP_POLICY_ERR_MISSING_L, /* BIMI */
  MP_POLICY_ERR_EMPTY_L,
  MP_POLICY_ERR_BAD_L_URI,
  MP_POLICY_ERR_L_NOT_HTTPS,
  MP_POLICY_ERR_L_NOT_SVG,
  MP_POLICY_ERR_BAD_A_URI,
  MP_POLICY_ERR_A_NOT_HTTPS,
  MP_POLICY_ERR_BAD_LPS,
  MP_POLICY_ERR_DUPLICATE_TAG,
};

/* What all three have in common: which record was used, and why not. */
struct mp_policy_pick {
  enum mp_policy_status status;
  enum mp_policy_error error; /* why invalid, else MP_POLICY_OK */
  int64_t error_offset;       /* byte in record where it was found, or -1 */
  size_t candidates;          /* records that pass the selection rule */
  size_t index;               /* record's index in the array (when record.p) */
  struct mp_slice record;     /* the selected record; with multiple_records
                                 the first of them; with bad_version the
                                 near miss; p NULL when none */
};

/* MTA-STS: "v=STSv1; id=<1-32 ALPHA/DIGIT>" plus extensions. */
struct mp_mta_sts {
  struct mp_policy_pick pick;
  struct mp_slice id; /* p NULL unless valid */
  size_t nextensions; /* other fields (legal, ignored) */
};

#define MP_TLS_RPT_RUA_MAX 8 /* rua URIs listed */

/* TLS-RPT: "v=TLSRPTv1; rua=<uri>[,<uri>...]" plus extensions. Every rua=
 * field counts (the grammar allows several). */
struct mp_tls_rpt {
  struct mp_policy_pick pick;
  size_t nrua; /* URIs in all rua= fields; the first MP_TLS_RPT_RUA_MAX
                  are listed, each validated */
  struct mp_slice rua[MP_TLS_RPT_RUA_MAX];
  size_t nextensions;
};

/* BIMI assertion record: "v=BIMI1; l=<https URI>|; a=<https URI>|;" plus
 * lps= and avp= and unknown tags. */
struct mp_bimi {
  struct mp_policy_pick pick;
  struct mp_slice l;   /* indicator location; len 0 when empty */
  struct mp_slice a;   /* authority evidence; len 0 when empty/absent */
  struct mp_slice lps; /* the local-part prefixes as written (draft-14
                          4.3), p NULL when absent, len 0 when empty */
  struct mp_slice avp; /* as written, p NULL when absent; a value other
                          than "brand" / "personal" is ignored (4.3) */
  bool bad_avp;        /* avp= holds such a value */
  bool declined;       /* l= empty and a= empty or absent: an explicit
                          refusal (4.3.1, 7.5), still a valid record */
  size_t nunknown;     /* unknown tags (legal, ignored) */
};

/* RFC 8461 section 3.1 over the n records of a _mta-sts TXT answer
 * (rr may be NULL when n is 0). Fills *out and returns out->pick.status.
 * Borrows rr: out's slices point into rr[].data. */
enum mp_policy_status mp_policy_txt_parse_mta_sts(const struct mp_rr *rr,
                                                  size_t n,
                                                  struct mp_mta_sts *out);

/* RFC 8460 section 3 over the records of a _smtp._tls TXT answer. rua URIs
 * must be mailto: or https: (any case) and carry no unencoded "," "!" or
 * ";". Fills *out and returns out->pick.status; slices borrow rr. */
enum mp_policy_status mp_policy_txt_parse_tls_rpt(const struct mp_rr *rr,
                                                  size_t n,
                                                  struct mp_tls_rpt *out);

/* BIMI draft-10 sections 4.3, 7.2 and 7.3 (lps= of draft-14 4.3) over the
 * records of a <selector>._bimi TXT answer (the caller does the
 * organizational-domain fallback). Fills *out and returns
 * out->pick.status; slices borrow rr. */
enum mp_policy_status mp_policy_txt_parse_bimi(const struct mp_rr *rr, size_t n,
                                               struct mp_bimi *out);

#endif
