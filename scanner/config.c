#include "scanner/config.h"

#include <assert.h>
#include <getopt.h>
#include <string.h>

#include "scanner/base/alloc.h"
#include "scanner/options.h"

#define HELP_COL 26 /* where --help's texts start */

const char *const mp_dkim_default_selectors[] = {
    "google",   "selector1", "selector2", "k1",      "k2",
    "k3",       "s1",        "s2",        "default", "dkim",
    "mail",     "smtpapi",   "mandrill",  "mailjet", "zendesk1",
    "zendesk2", "pm",        "sig1",      NULL};

/* ---- the API ----------------------------------------------------------- */

void mp_config_close(struct mp_config *c)
{
  mp_free(c->dkim_text);
  c->dkim_text = NULL;
  mp_free(c->domains);
  c->domains = NULL;
  c->ndomains = 0;
}

void mp_config_init(struct mp_config *c)
{
  char err[256];

  memset(c, 0, sizeof(*c));
  /* the states that flags and lists move away from */
  c->checks = ~0u; /* all */
  c->dkim_selectors = mp_dkim_default_selectors;
  c->dkim_shortcut = true;
  c->progress = -1; /* when stderr is a terminal */
  c->fail_on = -1;  /* no finding fails the scan */
  c->log_level = MP_LOG_WARN;
  for (size_t i = 0; i < mp_options_count; i++) {
    if (mp_options[i].dflt) {
      int rc = mp_options[i].read(c, &mp_options[i], mp_options[i].dflt, err,
                                  sizeof(err));

      assert(rc == 0); /* a default is a value the option takes */
      (void)rc;
    }
  }
}

/* getopt_long()'s tables: a long option's val is its letter, or 256 + its
 * index in mp_options. */
static void getopt_tables(struct option *longs, char *shorts)
{
  size_t k = 0;

  assert(mp_options_count <= MP_OPTIONS_MAX);
  shorts[k++] = ':';
  for (size_t i = 0; i < mp_options_count; i++) {
    const struct mp_option *o = &mp_options[i];

    longs[i] =
        (struct option){o->name, o->arg ? required_argument : no_argument, NULL,
                        o->letter ? o->letter : 256 + (int)i};
    if (o->letter) {
      shorts[k++] = o->letter;
      if (o->arg) {
        shorts[k++] = ':';
      }
    }
  }
  longs[mp_options_count] = (struct option){NULL, 0, NULL, 0};
  shorts[k] = '\0';
}

static const struct mp_option *find_opt(int val)
{
  if (val >= 256) {
    return (size_t)val - 256 < mp_options_count ? &mp_options[val - 256] : NULL;
  }
  for (size_t i = 0; i < mp_options_count; i++) {
    if (mp_options[i].letter && mp_options[i].letter == val) {
      return &mp_options[i];
    }
  }
  return NULL;
}

int mp_config_parse(struct mp_config *c, int argc, char **argv, char *err,
                    size_t errlen)
{
  struct option longs[MP_OPTIONS_MAX + 1];
  char shorts[2 + 2 * MP_OPTIONS_MAX];
  const struct mp_option *o;
  int val, rc;

  getopt_tables(longs, shorts);
  optind = 1;
  opterr = 0;
  while ((val = getopt_long(argc, argv, shorts, longs, NULL)) != -1) {
    if (val == '?') {
      return mp_options_error(err, errlen, "unknown option '%s' (see --help)",
                              argv[optind - 1]);
    }
    if (val == ':') {
      return mp_options_error(err, errlen, "option '%s' needs a value",
                              argv[optind - 1]);
    }
    if (!(o = find_opt(val))) {
      return mp_options_error(err, errlen, "unknown option (see --help)");
    }
    if ((rc = o->read(c, o, optarg, err, errlen)) < 0) {
      return rc;
    }
  }
  if (optind < argc) {
    c->input = strcmp(argv[optind], "-") == 0 ? NULL : argv[optind];
    optind++;
  }
  if (optind < argc) {
    return mp_options_error(err, errlen, "one input file at most, got '%s' too",
                            argv[optind]);
  }
  return 0;
}

int mp_config_validate(struct mp_config *c, char *err, size_t errlen)
{
  int rc;

  for (size_t i = 0; i < mp_options_count; i++) {
    if (mp_options[i].check &&
        (rc = mp_options[i].check(c, &mp_options[i], err, errlen)) < 0) {
      return rc;
    }
  }
  return 0;
}

/* The names of o and of the options after it that share its --help line
 * ("  -o, --output FILE", "      --progress, --no-progress"). Returns the
 * width printed. */
static int usage_names(FILE *f, const struct mp_option *o)
{
  int w = fprintf(f, "%s", o->letter ? "  " : "      ");

  for (const struct mp_option *p = o;
       p < mp_options + mp_options_count && (p == o || !p->help); p++) {
    w += fprintf(f, "%s", p == o ? "" : ", ");
    if (p->letter) {
      w += fprintf(f, "-%c, ", p->letter);
    }
    w += fprintf(f, "--%s%s%s", p->name, p->arg ? " " : "",
                 p->arg ? p->arg : "");
  }
  return w;
}

/* text at column HELP_COL (at least two spaces after names w wide), each
 * further line indented to it. */
static void usage_text(FILE *f, const char *text, int w)
{
  if (*text) {
    fprintf(f, "%*s", w <= HELP_COL - 2 ? HELP_COL - w : 2, "");
  }
  for (;;) {
    size_t n = strcspn(text, "\n");

    fprintf(f, "%.*s\n", (int)n, text);
    if (!text[n]) {
      return;
    }
    text += n + 1;
    fprintf(f, "%*s", HELP_COL, "");
  }
}

void mp_config_usage(FILE *f)
{
  fputs("Usage: mailposture [OPTIONS] [FILE | -d NAME...]\n"
        "Scans the domains listed in FILE (or standard input, also with '-',\n"
        "or named with -d) and writes one email-authentication posture row\n"
        "per input line.\n"
        "\n",
        f);
  for (size_t i = 0; i < mp_options_count; i++) {
    if (mp_options[i].section) {
      fprintf(f, "%s:\n", mp_options[i].section);
    }
    if (mp_options[i].help) {
      char text[512];

      usage_text(f,
                 mp_options_expand(&mp_options[i], mp_options[i].help, ",",
                                   text, sizeof(text)),
                 usage_names(f, &mp_options[i]));
    }
  }
  fputs("\n"
        "Exit status: 0 the scan ran to the end, whatever the domains' "
        "posture;\n"
        "1 an input or output failure; 2 a usage error; 3 no resolver "
        "answered\n"
        "for --dead-after and lookups failed unsent; 4 a finding at or above\n"
        "--fail-on; 5 (mailposture diff) a change at or above its --fail-on;\n"
        "130 interrupted. See man mailposture.\n",
        f);
}
