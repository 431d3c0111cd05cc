#ifndef MP_TESTS_SUPPORT_MEMZONE_H
#define MP_TESTS_SUPPORT_MEMZONE_H

#include <stddef.h>
#include <stdint.h>

#include "scanner/dns/cache.h"
#include "scanner/dns/dnswire.h"

/* An in-memory DNS zone that answers (name, type) as a recursive resolver
 * would: CNAME chains followed, NXDOMAIN for a missing owner, NODATA for
 * an owner with no records of the type, and timeouts on request. Owner
 * names and the names in MX, PTR and CNAME data are written as the SPF
 * test suite writes them, raw octets with "." between labels and no
 * escapes ("foo:bar/baz.example.com"); they are case-insensitive and a
 * trailing dot is ignored. Queries name them in presentation form, as the
 * answer cache does ("foo\058bar/baz.example.com"), and answers hold name
 * text (scanner/dns/dnsname.h). For unit tests and the SPF conformance suite;
 * single-threaded, no I/O. */

#define MP_MEMZONE_TTL       3600 /* every record's TTL */
#define MP_MEMZONE_T_SPF     99   /* the SPF RR type of RFC 4408 */
#define MP_MEMZONE_CNAME_MAX 8    /* aliases followed before SERVFAIL */

struct mp_memzone;

/* An empty zone; _free(NULL) is a no-op. */
struct mp_memzone *mp_memzone_new(void);
void mp_memzone_free(struct mp_memzone *z);

/* Makes owner exist, with no records yet: queries then get NODATA, not
 * NXDOMAIN. Returns 0, or -EINVAL for an empty owner. */
int mp_memzone_add_owner(struct mp_memzone *z, const char *owner);

/* Adds one record of owner. data[0..len) is, by type: TXT or SPF, the
 * bytes of the character-strings joined with nothing between them (any
 * byte);
 * A/AAAA, the address text; MX (with pref), PTR, CNAME, the target name
 * (stored lowercase, without a trailing dot). data is copied. Returns 0,
 * or -EINVAL for an empty owner, an address that does not parse, or a
 * type other than those. */
int mp_memzone_add(struct mp_memzone *z, const char *owner, uint16_t type,
                   uint16_t pref, const char *data, size_t len);

/* Makes owner's server unresponsive: from now on queries for owner time
 * out, except those of a type it already has records of (those records
 * are served). Records added after this are never served. */
int mp_memzone_add_timeout(struct mp_memzone *z, const char *owner);

/* The answer to (name, type), with one reference (mp_answer_unref). A name
 * a resolver could not send (empty label, label over 63 octets, over 255
 * octets) gets MP_OUTCOME_ERROR, as from scanner/dns/resolver.c; a CNAME loop
 * or a chain over MP_MEMZONE_CNAME_MAX aliases gets SERVFAIL. */
struct mp_answer *mp_memzone_query(struct mp_memzone *z, const char *name,
                                   uint16_t type);

/* Queries answered so far, all types counted, and those of one type. */
uint64_t mp_memzone_queries(const struct mp_memzone *z);
uint64_t mp_memzone_queries_of(const struct mp_memzone *z, uint16_t type);

/* An mp_cache_fetch_fn: ctx is the zone. Answers at once, calling
 * mp_cache_fill() before it returns. */
void mp_memzone_fetch(void *ctx, struct mp_cache *c, struct mp_cache_entry *e,
                      const char *name, uint16_t type);

#endif
