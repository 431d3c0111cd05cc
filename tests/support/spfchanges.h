#ifndef MP_TESTS_SUPPORT_SPFCHANGES_H
#define MP_TESTS_SUPPORT_SPFCHANGES_H

/* The tests of the RFC 4408 suite (tests/data/spf/rfc4408-tests.yml) whose
 * answer RFC 7208 changed. Each accepts several results, the first one
 * preferred; mailposture follows RFC 7208 and gives another of them. The
 * runners (in memory and over DNS) compare with the preferred result: a
 * test that gives another accepted result must be listed here with that
 * result, and a listed test must give it. tests/data/spf/SOURCE.md has the
 * same table. */

struct mp_spfchange {
  const char *test;
  const char *rfc4408; /* the suite's preferred result */
  const char *rfc7208; /* what RFC 7208 gives (and mailposture) */
  const char *why;
};

/* The list, ended by an entry whose test is NULL. */
extern const struct mp_spfchange mp_spfchanges_rfc4408[];

/* The entry of test, or NULL. */
const struct mp_spfchange *mp_spfchange_find(const char *test);

#endif
