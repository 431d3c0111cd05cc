#ifndef MP_SCANNER_CONFIG_H
#define MP_SCANNER_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "input/list.h"
#include "input/servers.h"
#include "input/shard.h"
#include "scanner/base/log.h"

#define MP_SERVERS_MAX        16
#define MP_WINDOW_CAP         10000 /* --window when adaptive */
#define MP_CONCURRENCY_CAP    10000 /* -c when adaptive */
#define MP_DKIM_SELECTORS_MAX 64
#define MP_DKIM_REQUIRE_MAX   8

/* Everything the command line decides. Built once (init, parse, validate)
 * and passed down as const. */
struct mp_config {
  const char *input;    /* path, or NULL for standard input */
  const char **domains; /* -d NAME: scanned instead of a file (heap) */
  size_t ndomains;
  const char *output;       /* path, or NULL for standard output */
  const char *format;       /* writer name */
  bool format_given;        /* -f on the command line (else -d may pick
                               text for a terminal) */
  const char *summary_path; /* JSON summary, or NULL */
  const char *resolv_conf;
  enum mp_list_format list_format;
  struct mp_shard shard; /* --shard auto: resolved by validate */
  bool shard_auto;       /* --shard auto */
  unsigned shard_count;  /* --shard-count, 0 when not given */
  struct mp_server servers[MP_SERVERS_MAX];
  size_t nservers;
  unsigned concurrency; /* domains in flight at most (0 until validated) */
  unsigned window;      /* queries in flight at most (0 until validated) */
  bool fixed_window;    /* no adaptation: the window and -c as given */
  double qps;
  unsigned timeout_ms;
  unsigned retries;
  unsigned dead_after_ms; /* no resolver answering this long: fail fast */
  const char *query_log;  /* each distinct query sent, for dnsperf */
  uint16_t edns_size;
  size_t cache_mb;                   /* answer cache budget; 0 = no caching */
  unsigned checks;                   /* --checks: bit i for mp_checks[i] */
  const char *const *dkim_selectors; /* NULL-terminated */
  bool dkim_shortcut;   /* skip the probes after NXDOMAIN at _domainkey */
  const char *psl_file; /* the Public Suffix List (RFC 7489 3.2) */
  char *dkim_text;      /* heap copy behind a --dkim-selectors list */
  const char *dkim_list[MP_DKIM_SELECTORS_MAX + 1];
  /* --dkim-require SELECTOR[=TARGET]: a finding when the selector has no
   * usable key, or (TARGET) is not a CNAME to TARGET; each is probed */
  size_t ndkim_required;
  struct mp_dkim_required {
    const char *spec; /* as given */
    char selector[64];
    char target[256]; /* "" when none */
  } dkim_required[MP_DKIM_REQUIRE_MAX];
  /* --spf-ip: check_host() for these client addresses */
  size_t nspf_ips;
  struct {
    const char *text;
    int family;
    uint8_t addr[16];
  } spf_ips[8];
  /* --spf-include: where these names sit in each domain's SPF tree */
  size_t nspf_includes;
  const char *spf_includes[8];
  /* --spf-sender, --spf-helo: the identities of the --spf-ip checks, the
   * sender <spf_sender>@<domain> and HELO spf_helo (NULL: the domain) */
  const char *spf_sender;
  const char *spf_helo;
  bool resume; /* --resume: continue into -o FILE */
  int fail_on; /* --fail-on: -1, or the enum mp_severity that fails */
  bool quiet;
  int progress; /* -1: when stderr is a terminal */
  enum mp_log_level log_level;
  bool help, version, list_findings;
};

/* The DKIM selectors probed when --dkim-selectors is not given: those of
 * the common providers. */
extern const char *const mp_dkim_default_selectors[];

/* Sets the defaults (those of the option table, options.h). */
void mp_config_init(struct mp_config *c);

/* Reads argv into c, each option through its entry in the option table
 * (options.h). Returns 0, or -EINVAL with a message in err. */
int mp_config_parse(struct mp_config *c, int argc, char **argv, char *err,
                    size_t errlen);

/* Checks the combination and fills what depends on the system (resolvers
 * from resolv.conf when none were given) and on other options (the caps
 * of the window and -c, adaptive or fixed). 0, or -EINVAL with err set. */
int mp_config_validate(struct mp_config *c, char *err, size_t errlen);

/* Frees what parse allocated (a --dkim-selectors list, the -d names). */
void mp_config_close(struct mp_config *c);

/* Prints --help, from the option table (options.h). */
void mp_config_usage(FILE *f);

#endif
