#ifndef MP_TESTS_WORLD_WORLDEDIT_H
#define MP_TESTS_WORLD_WORLDEDIT_H

#include <stdint.h>

/* A second world with known edits, for the test of mailposture diff: the
 * world in src copied to dst (zones.list, domains.txt, zones/) with k
 * domains' records edited in zones/test.zone, one edit each, chosen by
 * seed among the domains that no other listed domain depends on (no
 * record of another names them, no listed name is under them). Each edit
 * is a line of dst/edits.tsv: domain, kind, the diff field it changes,
 * and the class diff gives the domain:
 *   spf_plus_all     -all/~all -> +all    spf.all             regression
 *   spf_fail_all     ~all -> -all         spf.all             improvement
 *   dmarc_weaken     p=reject/quarantine -> p=none
 *                                         dmarc.effective_policy regression
 *   dmarc_strengthen p=none -> p=reject   dmarc.effective_policy improvement
 *   dkim_remove      one DKIM key record deleted  dkim.found  regression
 *   mx_drop          the last of 2+ MX records deleted
 *                                         mx_hosts.hosts      neutral
 * At most 60 edits. The zone is read whole: meant for test-sized worlds.
 * Returns 0 or a negative errno; fewer than k candidates is -ENOENT. */
int mp_world_edit(const char *src, const char *dst, unsigned k, uint64_t seed);

#endif
