#ifndef MP_SCANNER_VERDICT_H
#define MP_SCANNER_VERDICT_H

#include "output/result.h"

/* The readiness verdict: the DNS-visible part of the 2024 bulk-sender
 * requirements of Gmail and Yahoo (Microsoft from 2025), from a row whose
 * checks are filled in:
 *   spf_or_dkim  a valid SPF policy, or a usable DKIM key (not revoked,
 *                not malformed, RSA of at least 1024 bits);
 *   dmarc        a DMARC policy applies (p=none is enough);
 *   mx_fcrdns    every MX host address examined has forward-confirmed
 *                reverse DNS (or the domain has a null MX): receivers
 *                check the sending hosts, which the MX hosts stand for.
 * Left unevaluated when the domain does not resolve or a check it needs
 * (spf, dmarc, mx) is off. */
void mp_verdict(struct mp_result *res);

#endif
