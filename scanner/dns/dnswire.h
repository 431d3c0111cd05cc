#ifndef MP_SCANNER_DNS_DNSWIRE_H
#define MP_SCANNER_DNS_DNSWIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "scanner/dns/answer.h"
#include "scanner/dns/dns.h"
#include "scanner/dns/dnsname.h"

/* DNS wire format (RFC 1035 section 4): building a query and parsing a
 * reply into a struct mp_answer (answer.h). Pure functions, no I/O: the
 * resolver feeds them c-ares' buffers, the tests and the fuzzer feed them
 * bytes. */

#define MP_QNAME_MAX 253 /* longest name in presentation form, no root dot */
#define MP_QUERY_MAX (12 + 255 + 4 + 11)

/* Encodes a query for qname (a wire name, dnsname.h) and type with RD set
 * and, when edns_size > 0, an OPT RR (RFC 6891) as the last 11 bytes. Writes
 * at most MP_QUERY_MAX bytes to buf; returns the length. */
int mp_dnswire_query_wire(uint8_t *buf, const uint8_t *qname, uint16_t type,
                          uint16_t id, uint16_t edns_size);

/* The same for name in presentation form (dnsname.h: \DDD escapes, one
 * trailing dot allowed); -EINVAL for a name that cannot be encoded (empty
 * label, label over 63 octets, name over 255 octets on the wire). */
int mp_dnswire_query(uint8_t *buf, const char *name, uint16_t type, uint16_t id,
                     uint16_t edns_size);

/* The number of labels of name (presentation form), or 0 when it is not a
 * name a query can ask: the root, an empty label, a label over 63 octets,
 * over 255 octets on the wire (RFC 1035 sections 2.3.4, 3.1). */
unsigned mp_dnswire_labels(const char *name);

/* The name a PTR query for addr asks: "4.3.2.1.in-addr.arpa" for AF_INET
 * (4 bytes), nibbles under "ip6.arpa" for AF_INET6 (16 bytes; RFC 3596
 * section 2.5). out needs MP_REVERSE_MAX bytes. */
#define MP_REVERSE_MAX 74
void mp_dnswire_reverse(int family, const uint8_t *addr, char *out);

/* Parses reply msg[0..len) to the query (qname, a wire name, and qtype)
 * into a new answer with one reference (*out, caller frees with
 * mp_answer_unref). Owner names and CNAME targets are compared on the wire
 * without case; the names in the answer (MX, CNAME and PTR data, cname)
 * are name text (dnsname.h). The outcome follows the RCODE and whether
 * records of qtype were found (RFC 2308). Returns 0, or -EBADMSG when the
 * message is malformed (*out stays NULL). */
int mp_dnswire_parse_wire(const uint8_t *msg, size_t len, const uint8_t *qname,
                          uint16_t qtype, struct mp_answer **out);

/* The same with qname in presentation form; -EINVAL when it is not a
 * name. */
int mp_dnswire_parse(const uint8_t *msg, size_t len, const char *qname,
                     uint16_t qtype, struct mp_answer **out);

/* Checks that msg[0..len) is a well-formed reply: a header, then exactly
 * the records its four counts say (RFC 1035 section 4.1), at most one EDNS
 * OPT record, owned by the root (RFC 6891 section 6.1.1), and nothing
 * after the last record. Returns 0 or -EBADMSG. mp_dnswire_parse makes
 * the same check first. */
int mp_dnswire_check(const uint8_t *msg, size_t len);

#endif
