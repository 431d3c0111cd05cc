#ifndef MP_SCANNER_OPTIONS_H
#define MP_SCANNER_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "scanner/config.h"

/* The command-line options, one table (as redis' config table): each
 * option once, with its names, the name of its value and its text in
 * --help, its default, the function that reads a value into struct
 * mp_config, and the check that mp_config_validate() runs once every
 * option is read. config.c drives parsing, --help and validation from
 * it. */

struct mp_option;

/* Reads the option's value arg (NULL for an option that takes none) into
 * c. Returns 0, or -EINVAL with a message in err. */
typedef int (*mp_option_read_fn)(struct mp_config *c, const struct mp_option *o,
                                 const char *arg, char *err, size_t errlen);

/* What the option checks or completes once every option is read. 0, or
 * -EINVAL with a message in err. */
typedef int (*mp_option_check_fn)(struct mp_config *c,
                                  const struct mp_option *o, char *err,
                                  size_t errlen);

struct mp_option {
  const char *name; /* --name */
  char letter;      /* -l, or 0 */
  const char *arg;  /* the value's name in --help; NULL: takes none */
  const char *help; /* --help text, '\n' between its lines, "" for
                       none; NULL: on the --help line of the option
                       before it */
  const char *dflt; /* the default, read by mp_config_init(); NULL:
                       the state mp_config_init() sets */
  mp_option_read_fn read;
  const char *section;      /* a --help section starts with this option */
  mp_option_check_fn check; /* NULL: nothing to check */
  /* what the table's readers need of some options */
  size_t field;                 /* the member they set (offsetof) */
  unsigned long lo, hi;         /* numbers: the range */
  const char *expect;           /* what a bad value should have been */
  bool (*valid)(const char *s); /* strings: the values taken */
  int value;                    /* flags: what they set */
  /* a LIST of names kept elsewhere (--checks: the check registry): the
   * i-th name, NULL past the last; "{list}" in help and expect stands
   * for them (mp_options_expand) */
  const char *(*list)(size_t i);
};

/* The options in --help's order: mp_options_count of them, at most
 * MP_OPTIONS_MAX. */
#define MP_OPTIONS_MAX 48
extern const struct mp_option mp_options[];
extern const size_t mp_options_count;

/* Copies text to buf[0..n), "{list}" replaced by o->list's names joined
 * by sep. Returns buf. */
const char *mp_options_expand(const struct mp_option *o, const char *text,
                              const char *sep, char *buf, size_t n);

/* Writes a usage error (printf format) into err[0..errlen). Returns
 * -EINVAL. */
int mp_options_error(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The DKIM options (optdkim.c): --dkim-selectors a,b,c or @FILE into
 * c->dkim_list; --dkim-require SEL[=TARGET] into c->dkim_required; its
 * check adds the required selectors to the probe list. */
int mp_options_read_selectors(struct mp_config *c, const struct mp_option *o,
                              const char *arg, char *err, size_t errlen);
int mp_options_read_dkim_require(struct mp_config *c, const struct mp_option *o,
                                 const char *arg, char *err, size_t errlen);
int mp_options_check_dkim_require(struct mp_config *c,
                                  const struct mp_option *o, char *err,
                                  size_t errlen);

#endif
