#ifndef MP_OUTPUT_PARTS_RANK_H
#define MP_OUTPUT_PARTS_RANK_H

#include "output/part.h"

/* The orders of the enum fields that mailposture diff ranks
 * (MP_DIFF_RANK), worst first, as values of the field's enum, named by its
 * name table (output/status.h); docs/diff.md gives the reasons. A value
 * not listed (temperror: a failed lookup says nothing of the posture)
 * makes any change neutral. */

/* DMARC p=, sp=, np= and the effective policy: none < quarantine <
 * reject (RFC 7489 6.3). */
extern const struct mp_rank mp_rank_dmarc_p, mp_rank_dmarc_effective;

/* The result the ending all gives: pass (+all) < neutral (?all) <
 * softfail (~all) < fail (-all) (RFC 7208 5.1, 8). */
extern const struct mp_rank mp_rank_spf_all;

/* SPF and DMARC status: a broken record (permerror, invalid) < none <
 * valid. */
extern const struct mp_rank mp_rank_spf_status, mp_rank_dmarc_status;

/* DKIM: no_domainkey, none < found. */
extern const struct mp_rank mp_rank_dkim_status;

/* MTA-STS, TLS-RPT, BIMI: invalid < none < valid. */
extern const struct mp_rank mp_rank_policy_status;

#endif
