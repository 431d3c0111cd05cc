#ifndef MP_TESTS_SUPPORT_SPFSUITE_H
#define MP_TESTS_SUPPORT_SPFSUITE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tests/support/memzone.h"

/* The openspf.org SPF test suite (tests/data/spf/rfc7208-tests.yml), read
 * with libyaml: a stream of scenarios, each with its tests and its own zone
 * data. tests/data/spf/SOURCE.md describes the format. Strings are
 * NUL-terminated; TXT/SPF data and explanations are raw bytes (see
 * mp_spfsuite_load) and carry their length, as they may hold NULs. */

#define MP_SPFSUITE_T_SPF   MP_MEMZONE_T_SPF
#define MP_SPFSUITE_RESULTS 8 /* accepted results per test, at most */

enum mp_spfsuite_kind {
  MP_SPFSUITE_RR,      /* {TYPE: value} */
  MP_SPFSUITE_NONE,    /* TXT: NONE, "no TXT records here" */
  MP_SPFSUITE_TIMEOUT, /* the bare token TIMEOUT */
};

/* One item of an owner's list. */
struct mp_spfsuite_rr {
  enum mp_spfsuite_kind kind;
  uint16_t type;   /* MP_T_* or MP_SPFSUITE_T_SPF (RR and NONE) */
  uint16_t pref;   /* MX preference */
  size_t nstrings; /* TXT/SPF: character-strings in the RR (0: "[]") */
  char *data;      /* TXT/SPF: the strings joined with nothing between
                      them; MX: the exchange; A/AAAA/PTR/CNAME: as
                      written */
  size_t len;      /* bytes in data */
  size_t *lens;    /* TXT/SPF: the bytes of each character-string, as the
                      suite gives them (nstrings of them); else NULL */
};

struct mp_spfsuite_owner {
  char *name; /* as written */
  struct mp_spfsuite_rr *rr;
  size_t nrr;
};

struct mp_spfsuite_test {
  char *name;
  char *host, *mailfrom, *helo;
  char *result[MP_SPFSUITE_RESULTS]; /* preferred first */
  size_t nresult;
  char *explanation; /* NULL when the test has none; "DEFAULT": the
                        evaluator's default explanation */
  size_t explanation_len;
  char *spec; /* "4.3/1"; a list is joined with ", "; NULL when absent */
  char *description, *comment; /* NULL when absent */
};

struct mp_spfsuite_scenario {
  char *description;
  char *comment; /* NULL when absent */
  struct mp_spfsuite_test *tests;
  size_t ntests;
  struct mp_spfsuite_owner *owners;
  size_t nowners;
};

struct mp_spfsuite {
  struct mp_spfsuite_scenario *scenarios;
  size_t nscenarios;
  size_t ntests; /* over all scenarios */
};

/* Reads the suite at path into *out (set to NULL first; the caller frees
 * it with mp_spfsuite_free). Tests and owners keep the file's order. YAML
 * decodes "\x80" to the code point U+0080, stored as the two bytes C2 80,
 * but the suite means the byte 0x80: in TXT/SPF data and explanations,
 * code points below 256 become single bytes again (the file is ASCII, so
 * nothing else is affected). Returns 0; -errno when the file cannot be
 * read; -EINVAL for bad YAML or a document that breaks the format (logged
 * with its line). */
int mp_spfsuite_load(const char *path, struct mp_spfsuite **out);

/* NULL is a no-op. */
void mp_spfsuite_free(struct mp_spfsuite *s);

/* The test called name and its scenario (*sc, may be NULL), or NULL. */
const struct mp_spfsuite_test *
mp_spfsuite_find(const struct mp_spfsuite *s, const char *name,
                 const struct mp_spfsuite_scenario **sc);

/* Loads the scenario's zone data into z (empty), as the reference driver
 * (pyspf test/testspf.py) serves it: SPF entries are also served as TXT
 * unless the owner has an explicit TXT entry, and those generated TXT
 * records come after the owner's list (so after a TIMEOUT); TXT: NONE
 * makes the owner exist; TIMEOUT times out the types not listed before it.
 * SPF (type 99) records are kept too. Returns 0, or -EINVAL when z rejects
 * a record (an address that does not parse). */
int mp_spfsuite_zone(const struct mp_spfsuite_scenario *sc,
                     struct mp_memzone *z);

#endif
