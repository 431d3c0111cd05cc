#ifndef MP_SCANNER_SPF_ADDR_H
#define MP_SCANNER_SPF_ADDR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The addresses of the ip4 and ip6 mechanisms (RFC 7208 section 12,
 * ip4-network and ip6-network), read from record text: stricter than
 * inet_pton(), as the grammar is. Pure. */

/* qnum "." qnum "." qnum "." qnum, qnum = 0-255 without leading zeros,
 * from s[i] on, not past e, into out (network order). Returns the index
 * after it, or 0 when there is none. */
size_t mp_spf_addr_ip4(const char *s, size_t i, size_t e, uint8_t out[4]);

/* RFC 4291 section 2.2, forms 1 to 3: eight h16 groups, "::" once for one
 * or more zero groups, an IPv4 dotted quad as the last 32 bits. s[i..e)
 * must be exactly that; out gets the 16 bytes. */
bool mp_spf_addr_ip6(const char *s, size_t i, size_t e, uint8_t out[16]);

#endif
