#ifndef MP_TESTS_WORLD_DNSVIEW_H
#define MP_TESTS_WORLD_DNSVIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tests/world/zonedb.h"

/* The world's DNS as a client of the Knot server sees it, built from the
 * zone text that was written (zonedb.h): `fixed` holds what every line
 * shares, `line` the records written for the current input line. Zones:
 * test., psd.test., example., 10.in-addr.arpa., 8.b.d.0.1.0.0.2.ip6.arpa.;
 * SERVFAIL under broken.test (configured, no file); REFUSED elsewhere.
 * CNAMEs are followed, as a recursive resolver follows them (Knot follows
 * those inside one zone itself; for a target in another zone it answers
 * the CNAME alone and the scanner asks the target), and wildcards of
 * `fixed` are expanded (RFC 4592). */

enum mp_dv_rc {
  MP_DV_OK,       /* records of the type (n > 0) */
  MP_DV_EMPTY,    /* none, NODATA or NXDOMAIN not told apart */
  MP_DV_NODATA,   /* none, the name exists */
  MP_DV_NXDOMAIN, /* the name does not exist */
  MP_DV_SERVFAIL,
  MP_DV_REFUSED
};

struct mp_dv_ans {
  enum mp_dv_rc rc;
  const struct mp_zonedb *db; /* records db->rr[first .. first + n) */
  size_t first, n;
  char cname[256]; /* the first CNAME target when the name is an alias */
};

struct mp_dv {
  const struct mp_zonedb *fixed, *line;
  char **names; /* fixed's owners and their ancestors, sorted */
  size_t nnames;
  size_t *wild; /* indexes in fixed->rr of the wildcard owners' RRs */
  size_t nwild;
};

/* fixed is borrowed for the view's life and must be sorted. */
void mp_dv_init(struct mp_dv *v, const struct mp_zonedb *fixed);
void mp_dv_close(struct mp_dv *v);

/* The (name, type) answer; name lowercase without trailing dot. detail:
 * tell NODATA from NXDOMAIN (costs an existence check) instead of
 * MP_DV_EMPTY. v->line must be set and sorted. */
void mp_dv_query(const struct mp_dv *v, const char *name, uint16_t type,
                 bool detail, struct mp_dv_ans *a);

/* The strings of TXT record i of db joined (RFC 7208 section 3.3) into
 * buf (cap bytes, NUL added, the record must fit); returns the length. */
size_t mp_dv_txt(const struct mp_zonedb *db, size_t i, char *buf, size_t cap);

/* name is zone or a name under it. */
bool mp_dv_under(const char *name, const char *zone);

#endif
