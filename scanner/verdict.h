#ifndef MP_SCANNER_VERDICT_H
#define MP_SCANNER_VERDICT_H

#include <stdbool.h>

#include "output/result.h"

/* The readiness verdict: the DNS-visible part of the 2024 bulk-sender
 * requirements of Gmail and Yahoo (Microsoft from 2025), from a row whose
 * checks are filled in. Each requirement is met, failed, or unknown (a
 * lookup it needs failed, or nothing shows it):
 *   spf_or_dkim  a valid SPF policy, or a usable DKIM key
 *                (mp_verdict_dkim_usable); unknown when neither and SPF
 *                is temperror or a DKIM probe failed;
 *   dmarc        a DMARC policy applies (p=none is enough); unknown when
 *                the discovery is temperror;
 *   mx_fcrdns    every MX host address examined has forward-confirmed
 *                reverse DNS (or the domain has a null MX): receivers
 *                check the sending hosts, which the MX hosts stand for;
 *                unknown without MX, or when a failed lookup left
 *                all_fcrdns unknown;
 *   sender_fcrdns  in place of mx_fcrdns with --spf-ip: every such
 *                address has forward-confirmed reverse DNS (unknown when
 *                a failed lookup left one unknown and none failed).
 * ready is true when all are met, false when one failed, else unknown.
 * Left unevaluated when the domain does not resolve or a check it needs
 * (spf, dmarc, mx) is off. */
void mp_verdict(struct mp_result *res);

/* True when DKIM found a key verifiers accept: not revoked, not in error,
 * not RSA under 1024 bits (RFC 8301 3.2); a key in testing mode counts. */
bool mp_verdict_dkim_usable(const struct mp_result_dkim *d);

#endif
