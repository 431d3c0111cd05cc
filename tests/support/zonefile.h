#ifndef MP_TESTS_SUPPORT_ZONEFILE_H
#define MP_TESTS_SUPPORT_ZONEFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "tests/support/spfsuite.h"

/* Zone files (RFC 1035 section 5, as Knot DNS reads them) written from the
 * tests' own data: one root zone (".") holding every name, so any name a
 * test needs is served by one server, NXDOMAIN for a name that is not
 * there. Names are written from raw octets and escaped here, not with the
 * scanner's code: a test served through these files checks the scanner's
 * name handling instead of sharing it. Writers return 0, -EINVAL for data
 * a zone file cannot hold, or -EIO when the FILE reports an error. */

#define MP_ZONEFILE_TTL 3600 /* every record's TTL */
#define MP_ZONEFILE_T_EXISTS                                                   \
  65280 /* private-use type (RFC 6895) that                                    \
           makes an owner without records exist */

/* The head of a root zone: $TTL, the SOA and NS records of ".". */
int mp_zonefile_begin(FILE *f);

/* owner as an absolute name in presentation form: raw octets with "."
 * between labels (one trailing dot allowed; "" or "." is the root), each
 * octet other than a letter, a digit, "-" or "_" written \DDD. -EINVAL for
 * an empty label, a label over 63 octets or a name over 255 octets on the
 * wire. */
int mp_zonefile_name(FILE *f, const char *raw);

/* One character-string, quoted, each octet other than printable ASCII, '"'
 * and '\' written \DDD. -EINVAL over 255 octets. */
int mp_zonefile_string(FILE *f, const char *s, size_t len);

/* A TXT record of owner (a test's own record, such as a DMARC policy)
 * with the character-strings of strings, a NULL-terminated list of one
 * at least, as an RFC's zone file example splits a record. */
int mp_zonefile_txt(FILE *f, const char *owner, const char *const *strings);

/* Whether a zone file can hold rr of the SPF suite: a TXT or SPF record
 * needs one character-string at least (Knot 3.2 refuses TXT data of none,
 * also written as RFC 3597 "\# 0") and none over 255 octets; A and AAAA an
 * address that parses; names must be names. */
bool mp_zonefile_spf_can_hold(const struct mp_spfsuite_rr *rr);

/* The zone data of a scenario of the SPF suite as a root zone (the head
 * included), served as the reference driver (pyspf test/testspf.py) and
 * mp_spfsuite_zone() serve it, with what a server cannot do left out:
 *
 * - SPF entries are written as type 99 records (RFC 4408 section 3.1.1)
 *   and also as TXT unless the owner has an explicit TXT entry;
 * - records after a TIMEOUT are not written (the generated TXT records
 *   count as after it): queries for them get NODATA, where the suite's
 *   zone times out;
 * - records mp_zonefile_spf_can_hold() refuses are not written;
 * - an owner left with no record (TXT: NONE, TIMEOUT only) gets one of
 *   type MP_ZONEFILE_T_EXISTS, so it exists: NODATA, not NXDOMAIN.
 *
 * Sets *dropped (may be NULL) to the number of records left out as
 * unservable (TIMEOUT aside). Returns 0, -EINVAL for an owner name that is
 * not a name, -EIO on a write error. */
int mp_zonefile_spf_scenario(const struct mp_spfsuite_scenario *sc, FILE *f,
                             size_t *dropped);

/* Whether, in the scenario's zone data, a query for (name, type) would be
 * answered with a record mp_zonefile_spf_scenario() leaves out as
 * unservable. name is name text as the answer cache passes it
 * (scanner/dnsname.h); TXT includes the records generated from SPF
 * entries. */
bool mp_zonefile_spf_lost(const struct mp_spfsuite_scenario *sc,
                          const char *name, uint16_t type);

#endif
