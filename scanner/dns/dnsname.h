#ifndef MP_SCANNER_DNS_DNSNAME_H
#define MP_SCANNER_DNS_DNSNAME_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scanner/dns/dns.h"

/* Domain names: any octets in labels of 1 to 63 octets, 255 octets on the
 * wire (RFC 1035 section 3.1, RFC 2181 section 11). Names are compared and
 * keyed in one form only:
 *
 * - on the wire (the resolver's single-flight key, the answer parser's
 *   owner and CNAME comparisons): uncompressed labels, ASCII letters
 *   lowercased (names compare without case, RFC 4343);
 * - as text, everywhere else (the answer cache's key, names in answers
 *   and rows): the "name text", RFC 1035 section 5.1 presentation form with
 *   one escaping rule, so one name has one text: labels joined with ".",
 *   no trailing dot, ASCII letters lowercase, the octets a-z 0-9 - _ * /
 *   as they are and every other octet as \DDD (three decimal digits), so
 *   "foo:bar" is "foo\058bar" and a dot inside a label is "\046". No
 *   separator of the rows (space , | = > [ ] :) ever appears in one.
 *
 * Text that names are read from is presentation form: "\DDD" and "\X"
 * escapes (X any other character), one trailing dot allowed, "" or "." the
 * root. SPF's names are raw octets instead (RFC 7208 has no escapes: a
 * backslash in a record is an octet): mp_dnsname_escape reads those. Pure
 * functions, no allocation. */

#define MP_DNSNAME_WIRE_MAX 255 /* octets of a name on the wire */

/* The wire form of presentation text into wire (MP_DNSNAME_WIRE_MAX
 * bytes); returns its length (1 for the root), or -EINVAL when text is not
 * a name: an empty label, a label over 63 octets, over 255 in all, a bad
 * escape (\DDD over 255, a backslash at the end). */
int mp_dnsname_from_text(const char *text, uint8_t *wire);

/* The wire form of raw[0..len), SPF's octets with "." between labels and
 * no escapes (one trailing dot allowed); returns the length or -EINVAL. */
int mp_dnsname_from_raw(const char *raw, size_t len, uint8_t *wire);

/* The name text of a wire name (valid, as the functions above return it)
 * into out (MP_NAME_TEXT_MAX + 1 bytes); returns its length ("" and 0 for
 * the root). */
size_t mp_dnsname_to_text(const uint8_t *wire, char *out);

/* Presentation text, or raw SPF octets, to the name text (out:
 * MP_NAME_TEXT_MAX + 1 bytes); the length, or -EINVAL (out then "") when
 * it is not a name. */
int mp_dnsname_canon(const char *text, char *out);
int mp_dnsname_escape(const char *raw, size_t len, char *out);

/* The raw octets of presentation text, labels joined with "." (what SPF's
 * macros see), into out[0..cap); the length, or -EINVAL when text is not a
 * name, when a label holds a "." or a NUL (no raw text says that), or when
 * it does not fit. */
int mp_dnsname_to_raw(const char *text, char *out, size_t cap);

/* True when the name text name[0..n) is zone or a name below it, as name
 * texts (mp_dnsname_canon) compare: octet for octet, and below only past
 * a "." that is not escaped. */
bool mp_dnsname_text_at_or_below(const char *name, size_t n, const char *zone);

/* The length of a valid wire name, its root label included. */
size_t mp_dnsname_wire_len(const uint8_t *wire);

/* The number of labels of a wire name (0 for the root). */
unsigned mp_dnsname_wire_labels(const uint8_t *wire);

#endif
