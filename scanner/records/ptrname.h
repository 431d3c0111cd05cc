#ifndef MP_SCANNER_RECORDS_PTRNAME_H
#define MP_SCANNER_RECORDS_PTRNAME_H

#include <stdbool.h>
#include <stdint.h>

/* Does a PTR name look generic (assigned by an access provider to a pool of
 * addresses) rather than chosen for a mail server? Receivers (Gmail,
 * Microsoft, Spamhaus-style policies) distrust sending hosts whose reverse
 * DNS looks dynamic or residential. A heuristic, tuned for few false
 * positives on real mail hosts: pure, no allocation. */

/* name: the PTR target, presentation form, any case, with or without the
 * trailing dot. addr/family: the address the name was found for (4 bytes
 * with AF_INET, 16 with AF_INET6) or NULL/0 when unknown; an IPv4-mapped
 * IPv6 address counts as IPv4. Returns true when a rule matched and then
 * sets *why (if why is not NULL) to the rule's stable code, else sets it to
 * NULL:
 *   addr_dotted     the address's octets in order, separated by - . _
 *   addr_reversed   the octets reversed (in-addr.arpa order), separated
 *   addr_joined     the octets concatenated, in order or reversed, as
 *                   written or zero-padded to 3 digits
 *   addr_hex        the IPv4 address as 8 hex digits
 *   addr_decimal    the IPv4 address as one 32-bit decimal number
 *   addr_ip6_nibbles the 32 nibbles of the IPv6 address, in order or
 *                   reversed, joined or separated by - . _
 *   addr_ip6_groups the IPv6 address with "-" for ":", full or compressed
 *   addr_like       four numbers 0-255 separated by - . _ (some address)
 *   host_digits     the token "host" followed by digits ("host7")
 *   ip_digits       the token "ip" followed by 3 or more numbers
 *                   ("ip68-12-34-56", "ip-1-2-3")
 *   word_<w>        a token (split on . - _ and digits) that is one of
 *                   dynamic dyn dhcp pool dsl adsl xdsl vdsl cable ppp
 *                   pppoe client clients customer cust static broadband
 *                   dialup dial cpe res residential user users wireless
 *                   mobile lte nat unknown unassigned, or a label part
 *                   (split on . - _ only) that is 3g 4g 5g
 * Address rules are tried first, then tokens from left to right. */
bool mp_ptrname_generic(const char *name, const uint8_t *addr, int family,
                        const char **why);

#endif
