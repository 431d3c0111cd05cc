#include "scanner/config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "output/writer.h"
#include "scanner/base/alloc.h"
#include "scanner/base/ascii.h"
#include "scanner/records/orgdomain.h"

enum {
  OPT_INPUT_FORMAT = 256,
  OPT_SHARD,
  OPT_SUMMARY,
  OPT_RESOLV_CONF,
  OPT_QPS,
  OPT_TIMEOUT,
  OPT_RETRIES,
  OPT_EDNS_SIZE,
  OPT_WINDOW,
  OPT_CACHE_MB,
  OPT_SPF_IP,
  OPT_SPF_INCLUDE,
  OPT_SPF_SENDER,
  OPT_SPF_HELO,
  OPT_LIST_FINDINGS,
  OPT_CHECKS,
  OPT_DKIM_SELECTORS,
  OPT_NO_DKIM_SHORTCUT,
  OPT_PSL_FILE,
  OPT_PROGRESS,
  OPT_NO_PROGRESS,
  OPT_FIXED_WINDOW,
  OPT_DEAD_AFTER,
  OPT_QUERY_LOG,
};

static const struct option long_opts[] = {
    {"output", required_argument, NULL, 'o'},
    {"format", required_argument, NULL, 'f'},
    {"input-format", required_argument, NULL, OPT_INPUT_FORMAT},
    {"shard", required_argument, NULL, OPT_SHARD},
    {"summary", required_argument, NULL, OPT_SUMMARY},
    {"resolver", required_argument, NULL, 'r'},
    {"resolv-conf", required_argument, NULL, OPT_RESOLV_CONF},
    {"concurrency", required_argument, NULL, 'c'},
    {"qps", required_argument, NULL, OPT_QPS},
    {"window", required_argument, NULL, OPT_WINDOW},
    {"fixed-window", no_argument, NULL, OPT_FIXED_WINDOW},
    {"dead-after", required_argument, NULL, OPT_DEAD_AFTER},
    {"query-log", required_argument, NULL, OPT_QUERY_LOG},
    {"cache-mb", required_argument, NULL, OPT_CACHE_MB},
    {"spf-ip", required_argument, NULL, OPT_SPF_IP},
    {"spf-include", required_argument, NULL, OPT_SPF_INCLUDE},
    {"spf-sender", required_argument, NULL, OPT_SPF_SENDER},
    {"spf-helo", required_argument, NULL, OPT_SPF_HELO},
    {"list-findings", no_argument, NULL, OPT_LIST_FINDINGS},
    {"checks", required_argument, NULL, OPT_CHECKS},
    {"dkim-selectors", required_argument, NULL, OPT_DKIM_SELECTORS},
    {"no-dkim-shortcut", no_argument, NULL, OPT_NO_DKIM_SHORTCUT},
    {"psl-file", required_argument, NULL, OPT_PSL_FILE},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"retries", required_argument, NULL, OPT_RETRIES},
    {"edns-size", required_argument, NULL, OPT_EDNS_SIZE},
    {"progress", no_argument, NULL, OPT_PROGRESS},
    {"no-progress", no_argument, NULL, OPT_NO_PROGRESS},
    {"quiet", no_argument, NULL, 'q'},
    {"verbose", no_argument, NULL, 'v'},
    {"help", no_argument, NULL, 'h'},
    {"version", no_argument, NULL, 'V'},
    {NULL, 0, NULL, 0},
};

const char *const mp_dkim_default_selectors[] = {
    "google",   "selector1", "selector2", "k1",      "k2",
    "k3",       "s1",        "s2",        "default", "dkim",
    "mail",     "smtpapi",   "mandrill",  "mailjet", "zendesk1",
    "zendesk2", "pm",        "sig1",      NULL};

const char *const mp_check_names[] = {"spf",     "dmarc",   "dkim", "mx",
                                      "mta-sts", "tls-rpt", "bimi", NULL};

bool mp_config_check_on(const struct mp_config *c, const char *name)
{
  for (unsigned i = 0; mp_check_names[i]; i++) {
    if (strcmp(mp_check_names[i], name) == 0) {
      return (c->checks >> i) & 1;
    }
  }
  return true;
}

/* "spf,dmarc,mx": the bits of the named checks; -EINVAL for an unknown
 * name. */
static int parse_checks(const char *s, unsigned *out)
{
  unsigned bits = 0;

  while (*s) {
    size_t len = strcspn(s, ","), i;

    for (i = 0; mp_check_names[i]; i++) {
      if (strlen(mp_check_names[i]) == len &&
          strncmp(mp_check_names[i], s, len) == 0) {
        break;
      }
    }
    if (!mp_check_names[i]) {
      return -EINVAL;
    }
    bits |= 1u << i;
    s += len + (s[len] == ',');
  }
  *out = bits;
  return bits ? 0 : -EINVAL;
}

void mp_config_close(struct mp_config *c)
{
  mp_free(c->dkim_text);
  c->dkim_text = NULL;
}

void mp_config_init(struct mp_config *c)
{
  memset(c, 0, sizeof(*c));
  c->format = "ndjson";
  c->resolv_conf = "/etc/resolv.conf";
  c->list_format = MP_LIST_AUTO;
  c->dead_after_ms = 10000;
  c->cache_mb = 64;
  c->checks = ~0u;
  c->dkim_selectors = mp_dkim_default_selectors;
  c->dkim_shortcut = true;
  c->psl_file = MP_ORGDOMAIN_DEFAULT_PSL;
  c->spf_sender = "postmaster"; /* RFC 7208 section 4.3's stand-in */
  c->timeout_ms = 2000;
  c->retries = 2;
  c->edns_size = 1232; /* DNS flag day 2020: no IP fragmentation */
  c->progress = -1;
  c->log_level = MP_LOG_WARN;
}

static int fail(char *err, size_t errlen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
  return -EINVAL;
}

/* A whole decimal number in [lo, hi]. */
static int parse_uint(const char *s, unsigned long lo, unsigned long hi,
                      unsigned long *out)
{
  char *end;
  unsigned long v;

  if (!*s || *s == '-' || *s == '+') {
    return -EINVAL;
  }
  errno = 0;
  v = strtoul(s, &end, 10);
  if (errno || *end || v < lo || v > hi) {
    return -EINVAL;
  }
  *out = v;
  return 0;
}

/* "1500", "1500ms", "1.5s", "2s": a duration in milliseconds. */
static int parse_duration_ms(const char *s, unsigned *out)
{
  char *end;
  double v;

  errno = 0;
  v = strtod(s, &end);
  if (errno || end == s || v <= 0) {
    return -EINVAL;
  }
  if (strcmp(end, "s") == 0) {
    v *= 1000.0;
  } else if (*end && strcmp(end, "ms") != 0) {
    return -EINVAL;
  }
  if (v < 1.0 || v > 600000.0) {
    return -EINVAL;
  }
  *out = (unsigned)v;
  return 0;
}

/* "a,b,c" or "@FILE" (one selector a line, # comments): into c->dkim_list,
 * pointing into a heap copy. A selector is one or more DNS labels. */
static int parse_selectors(struct mp_config *c, const char *arg, char *err,
                           size_t errlen)
{
  size_t n = 0, len;
  char *p, *text;

  if (arg[0] == '@') {
    FILE *f = fopen(arg + 1, "r");
    char line[256];

    if (!f) {
      return fail(err, errlen, "--dkim-selectors: cannot read %s", arg + 1);
    }
    text = mp_calloc(1, 1);
    len = 0;
    while (fgets(line, sizeof(line), f)) {
      size_t k = strcspn(line, "#\r\n \t");

      if (k) {
        text = mp_realloc(text, len + k + 2);
        memcpy(text + len, line, k);
        len += k;
        text[len++] = ',';
        text[len] = '\0';
      }
    }
    fclose(f);
  } else {
    text = mp_strndup(arg, strlen(arg));
  }
  mp_free(c->dkim_text);
  c->dkim_text = text;
  for (p = strtok(text, ","); p; p = strtok(NULL, ",")) {
    if (n == MP_DKIM_SELECTORS_MAX || strlen(p) > 63 ||
        strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                  "0123456789-_.") != strlen(p)) {
      return fail(err, errlen,
                  "--dkim-selectors: '%s' is not a selector (or over %d)", p,
                  MP_DKIM_SELECTORS_MAX);
    }
    c->dkim_list[n++] = p;
  }
  c->dkim_list[n] = NULL;
  c->dkim_selectors = c->dkim_list;
  return n ? 0 : fail(err, errlen, "--dkim-selectors: an empty list");
}

/* atext of RFC 5322 section 3.2.3, which RFC 5321's Atom is made of. */
static bool is_atext(char ch)
{
  return mp_is_alnum(ch) || (ch && strchr("!#$%&'*+-/=?^_`{|}~", ch));
}

/* RFC 5321 section 4.1.2: Local-part = Dot-string / Quoted-string, at
 * most 64 octets (section 4.5.3.1.1); ASCII only (no SMTPUTF8). */
static bool valid_local_part(const char *s)
{
  size_t n = strlen(s), i;

  if (n == 0 || n > 64) {
    return false;
  }
  if (s[0] == '"') { /* DQUOTE *QcontentSMTP DQUOTE */
    for (i = 1; i < n - 1; i++) {
      if (s[i] == '\\') { /* quoted-pairSMTP: %d92 %d32-126 */
        i++;
        if (i >= n - 1 || s[i] < 32 || s[i] > 126) {
          return false;
        }
      } else if (s[i] < 32 || s[i] > 126 || s[i] == '"') {
        return false; /* qtextSMTP: %d32-33 / %d35-91 / %d93-126 */
      }
    }
    return n >= 2 && i == n - 1 && s[n - 1] == '"';
  }
  for (i = 0; i < n; i++) { /* Atom *("." Atom) */
    if (s[i] == '.' ? i == 0 || i == n - 1 || s[i - 1] == '.'
                    : !is_atext(s[i])) {
      return false;
    }
  }
  return true;
}

/* RFC 5321 section 4.1.1.1: what EHLO names, a Domain (labels of letters,
 * digits and inner hyphens, section 4.1.2) or an address literal
 * "[192.0.2.1]" / "[IPv6:2001:db8::1]" (section 4.1.3). */
static bool valid_helo(const char *s)
{
  size_t n = strlen(s), label = 0;
  uint8_t addr[16];
  char lit[64];

  if (n >= 2 && s[0] == '[' && s[n - 1] == ']') {
    if (n - 2 >= sizeof(lit)) {
      return false;
    }
    memcpy(lit, s + 1, n - 2);
    lit[n - 2] = '\0';
    return strncmp(lit, "IPv6:", 5) == 0
               ? inet_pton(AF_INET6, lit + 5, addr) == 1
               : inet_pton(AF_INET, lit, addr) == 1;
  }
  if (n == 0 || n > 253) {
    return false;
  }
  for (size_t i = 0; i <= n; i++) {
    if (i == n || s[i] == '.') {
      if (label == 0 || label > 63 || s[i - 1] == '-') {
        return false;
      }
      label = 0;
    } else if (!mp_is_alnum(s[i]) && (s[i] != '-' || label == 0)) {
      return false;
    } else {
      label++;
    }
  }
  return true;
}

static int parse_opt(struct mp_config *c, int opt, const char *arg, char *err,
                     size_t errlen)
{
  unsigned long v;
  char *end;

  switch (opt) {
  case 'o':
    c->output = strcmp(arg, "-") == 0 ? NULL : arg;
    return 0;
  case 'f':
    c->format = arg;
    return 0;
  case OPT_INPUT_FORMAT:
    if (mp_list_format_parse(arg, &c->list_format) < 0) {
      return fail(err, errlen,
                  "--input-format: expected auto, plain or "
                  "tranco, got '%s'",
                  arg);
    }
    return 0;
  case OPT_SHARD:
    if (mp_shard_parse(arg, &c->shard) < 0) {
      return fail(err, errlen,
                  "--shard: expected K/N with 0 <= K < N, got '%s'", arg);
    }
    return 0;
  case OPT_SUMMARY:
    c->summary_path = arg;
    return 0;
  case 'r':
    if (c->nservers == MP_SERVERS_MAX) {
      return fail(err, errlen, "--resolver: at most %d", MP_SERVERS_MAX);
    }
    if (mp_servers_parse(arg, &c->servers[c->nservers]) < 0) {
      return fail(err, errlen, "--resolver: expected IP[:PORT], got '%s'", arg);
    }
    c->nservers++;
    return 0;
  case OPT_RESOLV_CONF:
    c->resolv_conf = arg;
    return 0;
  case 'c':
    if (parse_uint(arg, 1, 1000000, &v) < 0) {
      return fail(err, errlen, "--concurrency: expected 1..1000000, got '%s'",
                  arg);
    }
    c->concurrency = (unsigned)v;
    return 0;
  case OPT_WINDOW:
    if (parse_uint(arg, 1, 1000000, &v) < 0) {
      return fail(err, errlen, "--window: expected 1..1000000, got '%s'", arg);
    }
    c->window = (unsigned)v;
    return 0;
  case OPT_FIXED_WINDOW:
    c->fixed_window = true;
    return 0;
  case OPT_DEAD_AFTER:
    if (parse_duration_ms(arg, &c->dead_after_ms) < 0) {
      return fail(err, errlen,
                  "--dead-after: expected e.g. 10s or 500ms (1ms..600s), "
                  "got '%s'",
                  arg);
    }
    return 0;
  case OPT_QUERY_LOG:
    c->query_log = arg;
    return 0;
  case OPT_CACHE_MB:
    if (parse_uint(arg, 0, 1 << 20, &v) < 0) {
      return fail(err, errlen, "--cache-mb: expected 0..1048576, got '%s'",
                  arg);
    }
    c->cache_mb = v;
    return 0;
  case OPT_SPF_IP: {
    size_t i = c->nspf_ips;

    if (i == sizeof(c->spf_ips) / sizeof(c->spf_ips[0])) {
      return fail(err, errlen, "--spf-ip: at most 8");
    }
    c->spf_ips[i].text = arg;
    if (inet_pton(AF_INET, arg, c->spf_ips[i].addr) == 1) {
      c->spf_ips[i].family = AF_INET;
    } else if (inet_pton(AF_INET6, arg, c->spf_ips[i].addr) == 1) {
      c->spf_ips[i].family = AF_INET6;
    } else {
      return fail(err, errlen,
                  "--spf-ip: expected an IPv4 or IPv6 address, "
                  "got '%s'",
                  arg);
    }
    c->nspf_ips++;
    return 0;
  }
  case OPT_SPF_INCLUDE:
    if (c->nspf_includes ==
        sizeof(c->spf_includes) / sizeof(c->spf_includes[0])) {
      return fail(err, errlen, "--spf-include: at most 8");
    }
    if (!*arg || strlen(arg) > 253) {
      return fail(err, errlen, "--spf-include: expected a domain name");
    }
    c->spf_includes[c->nspf_includes++] = arg;
    return 0;
  case OPT_SPF_SENDER:
    if (!valid_local_part(arg)) {
      return fail(err, errlen,
                  "--spf-sender: expected the local-part of an address "
                  "(RFC 5321, at most 64 octets), got '%s'",
                  arg);
    }
    c->spf_sender = arg;
    return 0;
  case OPT_SPF_HELO:
    if (!valid_helo(arg)) {
      return fail(err, errlen,
                  "--spf-helo: expected a host name or an address literal "
                  "such as [192.0.2.1], got '%s'",
                  arg);
    }
    c->spf_helo = arg;
    return 0;
  case OPT_CHECKS:
    if (parse_checks(arg, &c->checks) < 0) {
      return fail(err, errlen,
                  "--checks: expected a list of spf, dmarc, dkim, mx, "
                  "mta-sts, tls-rpt, bimi; got '%s'",
                  arg);
    }
    return 0;
  case OPT_DKIM_SELECTORS:
    return parse_selectors(c, arg, err, errlen);
  case OPT_PSL_FILE:
    c->psl_file = arg;
    return 0;
  case OPT_NO_DKIM_SHORTCUT:
    c->dkim_shortcut = false;
    return 0;
  case OPT_LIST_FINDINGS:
    c->list_findings = true;
    return 0;
  case OPT_QPS:
    errno = 0;
    c->qps = strtod(arg, &end);
    if (errno || end == arg || *end || c->qps < 0 || c->qps > 1e7) {
      return fail(err, errlen, "--qps: expected a rate >= 0, got '%s'", arg);
    }
    return 0;
  case OPT_TIMEOUT:
    if (parse_duration_ms(arg, &c->timeout_ms) < 0) {
      return fail(err, errlen,
                  "--timeout: expected e.g. 2s or 500ms (1ms..600s), got '%s'",
                  arg);
    }
    return 0;
  case OPT_RETRIES:
    if (parse_uint(arg, 0, 20, &v) < 0) {
      return fail(err, errlen, "--retries: expected 0..20, got '%s'", arg);
    }
    c->retries = (unsigned)v;
    return 0;
  case OPT_EDNS_SIZE:
    if (parse_uint(arg, 0, 65535, &v) < 0 || (v && v < 512)) {
      return fail(err, errlen,
                  "--edns-size: expected 0 or 512..65535, got "
                  "'%s'",
                  arg);
    }
    c->edns_size = (uint16_t)v;
    return 0;
  case OPT_PROGRESS:
    c->progress = 1;
    return 0;
  case OPT_NO_PROGRESS:
    c->progress = 0;
    return 0;
  case 'q':
    c->quiet = true;
    return 0;
  case 'v':
    if (c->log_level < MP_LOG_DEBUG) {
      c->log_level++;
    }
    return 0;
  case 'h':
    c->help = true;
    return 0;
  case 'V':
    c->version = true;
    return 0;
  default:
    return fail(err, errlen, "unknown option (see --help)");
  }
}

int mp_config_parse(struct mp_config *c, int argc, char **argv, char *err,
                    size_t errlen)
{
  int opt, rc;

  optind = 1;
  opterr = 0;
  while ((opt = getopt_long(argc, argv, ":o:f:r:c:qvhV", long_opts, NULL)) !=
         -1) {
    if (opt == '?') {
      return fail(err, errlen, "unknown option '%s' (see --help)",
                  argv[optind - 1]);
    }
    if (opt == ':') {
      return fail(err, errlen, "option '%s' needs a value", argv[optind - 1]);
    }
    if ((rc = parse_opt(c, opt, optarg, err, errlen)) < 0) {
      return rc;
    }
  }
  if (optind < argc) {
    c->input = strcmp(argv[optind], "-") == 0 ? NULL : argv[optind];
    optind++;
  }
  if (optind < argc) {
    return fail(err, errlen, "one input file at most, got '%s' too",
                argv[optind]);
  }
  return 0;
}

int mp_config_validate(struct mp_config *c, char *err, size_t errlen)
{
  int n;

  /* Adaptive (the default): -c and --window are caps, generous ones; the
   * memory they bound is what is really in flight. Fixed: as given, or the
   * knee of a loopback server (see README "Tuning"). */
  if (!c->window) {
    c->window = c->fixed_window ? 64 : MP_WINDOW_CAP;
  }
  if (!c->concurrency) {
    c->concurrency = c->fixed_window ? 200 : MP_CONCURRENCY_CAP;
  }
  if (!mp_writer_find(c->format)) {
    return fail(err, errlen, "--format: expected ndjson, csv or text, got '%s'",
                c->format);
  }
  if (c->nservers == 0) {
    n = mp_servers_load_conf(c->resolv_conf, c->servers, MP_SERVERS_MAX);
    if (n <= 0) {
      return fail(err, errlen,
                  "no resolver: give --resolver IP[:PORT] (%s has %s)",
                  c->resolv_conf, n < 0 ? "an error" : "no nameserver");
    }
    c->nservers = (size_t)n;
  }
  return 0;
}

void mp_config_usage(FILE *f)
{
  fputs(
      "Usage: mailposture [OPTIONS] [FILE]\n"
      "Scans the domains listed in FILE (or standard input, also with '-')\n"
      "and writes one email-authentication posture row per input line.\n"
      "\n"
      "Input:\n"
      "      --input-format FMT  auto (default), plain, or tranco "
      "(rank,domain)\n"
      "      --shard K/N         only names whose XXH3-64 hash mod N is K\n"
      "Output:\n"
      "  -o, --output FILE       rows to FILE (default: standard output)\n"
      "  -f, --format FMT        ndjson (default), csv, or text (for people)\n"
      "      --summary FILE      end-of-scan summary as JSON to FILE\n"
      "DNS:\n"
      "  -r, --resolver IP[:PORT]  server to ask, repeatable "
      "(default: the\n"
      "                          nameservers of /etc/resolv.conf)\n"
      "      --resolv-conf FILE  read nameservers from FILE instead\n"
      "  -c, --concurrency N     cap on domains in flight (default 10000)\n"
      "      --window N          cap on DNS queries in flight (default "
      "10000)\n"
      "      --qps N             cap on queries per second, all servers "
      "(default: none)\n"
      "      --fixed-window      no adaptation: exactly --window queries "
      "(default 64)\n"
      "                          and -c domains (default 200) in flight, "
      "--timeout\n"
      "                          per attempt\n"
      "      --timeout T         longest wait for one attempt, e.g. 2s or "
      "500ms\n"
      "                          (default 2s); a lookup gives up after "
      "(retries+1) x T\n"
      "      --retries N         attempts after an unanswered one (default "
      "2)\n"
      "      --dead-after T      when no resolver has answered for T, "
      "lookups fail\n"
      "                          at once (exit status 3; default 10s)\n"
      "      --query-log FILE    write each distinct query sent (name TYPE, "
      "for dnsperf)\n"
      "      --edns-size N       EDNS UDP payload size, 0 = no EDNS "
      "(default 1232)\n"
      "      --cache-mb N        shared answer cache (SPF includes, ...), "
      "0 = none\n"
      "                          (default 64)\n"
      "SPF:\n"
      "      --spf-ip ADDR       check_host() result for mail from ADDR, "
      "repeatable\n"
      "      --spf-include NAME  where NAME sits in each SPF tree, "
      "repeatable\n"
      "      --spf-sender LOCALPART  sender of the --spf-ip checks,\n"
      "                          LOCALPART@<domain> (default postmaster)\n"
      "      --spf-helo NAME     HELO name of the --spf-ip checks, a host "
      "name or\n"
      "                          [address] (default: the domain)\n"
      "Other:\n"
      "      --progress, --no-progress  progress line on stderr (default: "
      "when a terminal)\n"
      "  -q, --quiet             no progress line, no summary\n"
      "  -v, --verbose           more log output (-vv: every query)\n"
      "      --checks LIST       only these checks: spf,dmarc,dkim,mx,mta-sts,"
      "tls-rpt,bimi\n"
      "                          (default: all; fewer checks, fewer "
      "queries)\n"
      "DMARC:\n"
      "      --psl-file FILE     the Public Suffix List (default: Debian's,\n"
      "                          " MP_ORGDOMAIN_DEFAULT_PSL ")\n"
      "DKIM:\n"
      "      --dkim-selectors LIST  selectors to probe, a,b,c or @FILE "
      "(default:\n"
      "                          18 common ones, listed in the README)\n"
      "      --no-dkim-shortcut  probe even when _domainkey.<domain> is "
      "NXDOMAIN\n"
      "      --list-findings     print the finding codes and exit\n"
      "  -h, --help, -V, --version\n"
      "\n"
      "Exit status: 0 the scan ran to the end, whatever the domains' "
      "posture;\n"
      "1 an input or output failure; 2 a usage error; 3 no resolver "
      "answered\n"
      "for --dead-after and lookups failed unsent; 130 interrupted.\n",
      f);
}
