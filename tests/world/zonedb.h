#ifndef MP_TESTS_WORLD_ZONEDB_H
#define MP_TESTS_WORLD_ZONEDB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The records of zone-file text, parsed back from the exact lines that
 * mp_worldgen writes for Knot, so the SPF truth is a function of what is
 * served rather than of what the generator meant to write. Understands the
 * subset the generator writes: "owner TYPE rdata" lines, $ORIGIN/$TTL and
 * ';' lines, types A AAAA MX TXT CNAME PTR (SOA and NS are skipped). */

enum {
  MP_ZT_A = 1,
  MP_ZT_CNAME = 5,
  MP_ZT_PTR = 12,
  MP_ZT_MX = 15,
  MP_ZT_TXT = 16,
  MP_ZT_AAAA = 28,
};

struct mp_zonedb_rr {
  size_t name; /* offset in bytes: owner, lowercase, no trailing dot, NUL */
  uint16_t type;
  uint16_t pref;    /* MX */
  size_t data, len; /* offset/length in bytes: A 4 octets, AAAA 16, TXT
                       the character-strings as on the wire (length octet,
                       bytes), MX, CNAME and PTR a name like owner (""
                       for the root, the null MX) */
};

struct mp_zonedb {
  struct mp_zonedb_rr *rr; /* sorted by (name, type, rdata), no duplicate
                              RRs once mp_zonedb_sort() ran */
  size_t n, cap;
  char *bytes;
  size_t used, bcap;
};

void mp_zonedb_init(struct mp_zonedb *db);
void mp_zonedb_close(struct mp_zonedb *db);
void mp_zonedb_clear(struct mp_zonedb *db); /* keeps the memory */

/* Adds the records of text[0..len) with origin (e.g. "test", no dots at
 * either end). Returns 0, or -EINVAL at a line it does not understand (a
 * bug in the generator: the caller asserts). */
int mp_zonedb_parse(struct mp_zonedb *db, const char *text, size_t len,
                    const char *origin);

/* Sorts and drops duplicate RRs (Knot serves an RRset, not repeats). Call
 * after the last parse, before any lookup. */
void mp_zonedb_sort(struct mp_zonedb *db);

/* The RRs of (name, type): returns how many and sets *first to the index
 * of the first in db->rr. name is lowercase with no trailing dot. */
size_t mp_zonedb_find(const struct mp_zonedb *db, const char *name,
                      uint16_t type, size_t *first);

/* True when name owns records or has descendants that do (an empty
 * non-terminal exists too: NODATA, not NXDOMAIN). */
bool mp_zonedb_exists(const struct mp_zonedb *db, const char *name);

static inline const char *mp_zonedb_str(const struct mp_zonedb *db, size_t off)
{
  return db->bytes + off;
}

#endif
