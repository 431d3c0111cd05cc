/* The command-line options (options.h): how each reads its value and
 * what it checks, then the table. */
#include "scanner/options.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "output/finding.h"
#include "output/writer.h"
#include "scanner/base/alloc.h"
#include "scanner/checks/registry.h"
#include "scanner/optval.h"
#include "scanner/records/orgdomain.h"

int mp_options_error(char *err, size_t errlen, const char *fmt, ...)
{
  va_list ap;

  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
  return -EINVAL;
}

/* ---- reading an option's value ----------------------------------------- */

#define FIELD(member) .field = offsetof(struct mp_config, member)

static void *field(struct mp_config *c, const struct mp_option *o)
{
  return (char *)c + o->field;
}

static int bad(const struct mp_option *o, const char *arg, char *err,
               size_t errlen)
{
  return mp_options_error(err, errlen, "--%s: expected %s, got '%s'", o->name,
                          o->expect, arg);
}

static int too_many(const struct mp_option *o, size_t max, char *err,
                    size_t errlen)
{
  return mp_options_error(err, errlen, "--%s: at most %zu", o->name, max);
}

static int read_string(struct mp_config *c, const struct mp_option *o,
                       const char *arg, char *err, size_t errlen)
{
  (void)err, (void)errlen;
  *(const char **)field(c, o) = arg;
  return 0;
}

/* A string that o->valid accepts. */
static int read_checked(struct mp_config *c, const struct mp_option *o,
                        const char *arg, char *err, size_t errlen)
{
  return o->valid(arg) ? read_string(c, o, arg, err, errlen)
                       : bad(o, arg, err, errlen);
}

static int read_output(struct mp_config *c, const struct mp_option *o,
                       const char *arg, char *err, size_t errlen)
{
  (void)o, (void)err, (void)errlen;
  c->output = strcmp(arg, "-") == 0 ? NULL : arg;
  return 0;
}

static int read_flag(struct mp_config *c, const struct mp_option *o,
                     const char *arg, char *err, size_t errlen)
{
  (void)arg, (void)err, (void)errlen;
  *(bool *)field(c, o) = o->value;
  return 0;
}

static int read_progress(struct mp_config *c, const struct mp_option *o,
                         const char *arg, char *err, size_t errlen)
{
  (void)arg, (void)err, (void)errlen;
  c->progress = o->value;
  return 0;
}

/* -v, -vv: one level more each time, up to debug. */
static int read_verbose(struct mp_config *c, const struct mp_option *o,
                        const char *arg, char *err, size_t errlen)
{
  enum mp_log_level *level = field(c, o);

  (void)arg, (void)err, (void)errlen;
  if (*level < MP_LOG_DEBUG) {
    (*level)++;
  }
  return 0;
}

/* A whole number in [o->lo, o->hi] into *v. */
static int read_number(const struct mp_option *o, const char *arg,
                       unsigned long *v, char *err, size_t errlen)
{
  if (mp_optval_uint(arg, o->lo, o->hi, v) < 0) {
    return mp_options_error(err, errlen, "--%s: expected %lu..%lu, got '%s'",
                            o->name, o->lo, o->hi, arg);
  }
  return 0;
}

static int read_unsigned(struct mp_config *c, const struct mp_option *o,
                         const char *arg, char *err, size_t errlen)
{
  unsigned long v;
  int rc = read_number(o, arg, &v, err, errlen);

  if (rc == 0) {
    *(unsigned *)field(c, o) = (unsigned)v;
  }
  return rc;
}

static int read_size(struct mp_config *c, const struct mp_option *o,
                     const char *arg, char *err, size_t errlen)
{
  unsigned long v;
  int rc = read_number(o, arg, &v, err, errlen);

  if (rc == 0) {
    *(size_t *)field(c, o) = v;
  }
  return rc;
}

static int read_duration(struct mp_config *c, const struct mp_option *o,
                         const char *arg, char *err, size_t errlen)
{
  return mp_optval_duration_ms(arg, (unsigned *)field(c, o)) < 0
             ? bad(o, arg, err, errlen)
             : 0;
}

static int read_edns_size(struct mp_config *c, const struct mp_option *o,
                          const char *arg, char *err, size_t errlen)
{
  unsigned long v;

  if (mp_optval_uint(arg, 0, 65535, &v) < 0 || (v && v < 512)) {
    return bad(o, arg, err, errlen);
  }
  c->edns_size = (uint16_t)v;
  return 0;
}

static int read_qps(struct mp_config *c, const struct mp_option *o,
                    const char *arg, char *err, size_t errlen)
{
  char *end;

  errno = 0;
  c->qps = strtod(arg, &end);
  if (errno || end == arg || *end || c->qps < 0 || c->qps > 1e7) {
    return bad(o, arg, err, errlen);
  }
  return 0;
}

static int read_list_format(struct mp_config *c, const struct mp_option *o,
                            const char *arg, char *err, size_t errlen)
{
  return mp_list_format_parse(arg, &c->list_format) < 0
             ? bad(o, arg, err, errlen)
             : 0;
}

/* "K/N", or "auto": resolved by check_shard once every option is read. */
static int read_shard(struct mp_config *c, const struct mp_option *o,
                      const char *arg, char *err, size_t errlen)
{
  c->shard_auto = strcmp(arg, "auto") == 0;
  if (c->shard_auto) {
    c->shard = (struct mp_shard){0, 0};
    return 0;
  }
  return mp_shard_parse(arg, &c->shard) < 0 ? bad(o, arg, err, errlen) : 0;
}

static int read_resolver(struct mp_config *c, const struct mp_option *o,
                         const char *arg, char *err, size_t errlen)
{
  if (c->nservers == MP_SERVERS_MAX) {
    return too_many(o, MP_SERVERS_MAX, err, errlen);
  }
  if (mp_servers_parse(arg, &c->servers[c->nservers]) < 0) {
    return bad(o, arg, err, errlen);
  }
  c->nservers++;
  return 0;
}

static int read_spf_ip(struct mp_config *c, const struct mp_option *o,
                       const char *arg, char *err, size_t errlen)
{
  size_t i = c->nspf_ips;

  if (i == sizeof(c->spf_ips) / sizeof(c->spf_ips[0])) {
    return too_many(o, i, err, errlen);
  }
  c->spf_ips[i].text = arg;
  if (inet_pton(AF_INET, arg, c->spf_ips[i].addr) == 1) {
    c->spf_ips[i].family = AF_INET;
  } else if (inet_pton(AF_INET6, arg, c->spf_ips[i].addr) == 1) {
    c->spf_ips[i].family = AF_INET6;
  } else {
    return bad(o, arg, err, errlen);
  }
  c->nspf_ips++;
  return 0;
}

static int read_spf_include(struct mp_config *c, const struct mp_option *o,
                            const char *arg, char *err, size_t errlen)
{
  size_t n = c->nspf_includes;

  if (n == sizeof(c->spf_includes) / sizeof(c->spf_includes[0])) {
    return too_many(o, n, err, errlen);
  }
  if (!*arg || strlen(arg) > 253) {
    return mp_options_error(err, errlen, "--%s: expected %s", o->name,
                            o->expect);
  }
  c->spf_includes[c->nspf_includes++] = arg;
  return 0;
}

const char *mp_options_expand(const struct mp_option *o, const char *text,
                              const char *sep, char *buf, size_t n)
{
  const char *at = strstr(text, "{list}");
  size_t k;

  if (!at || !o->list) {
    snprintf(buf, n, "%s", text);
    return buf;
  }
  k = (size_t)snprintf(buf, n, "%.*s", (int)(at - text), text);
  for (size_t i = 0; o->list(i) && k < n; i++) {
    k += (size_t)snprintf(buf + k, n - k, "%s%s", i ? sep : "", o->list(i));
  }
  if (k < n) {
    snprintf(buf + k, n - k, "%s", at + strlen("{list}"));
  }
  return buf;
}

/* "spf,dmarc,mx": the bits of the named checks (the registry's order). */
static int read_checks(struct mp_config *c, const struct mp_option *o,
                       const char *arg, char *err, size_t errlen)
{
  unsigned bits = 0;
  char expect[256];

  for (const char *s = arg; *s;) {
    size_t len = strcspn(s, ","), i;

    for (i = 0; mp_check_name(i); i++) {
      if (strlen(mp_check_name(i)) == len &&
          strncmp(mp_check_name(i), s, len) == 0) {
        break;
      }
    }
    if (!mp_check_name(i)) {
      bits = 0;
      break;
    }
    bits |= 1u << i;
    s += len + (s[len] == ',');
  }
  if (!bits) {
    /* "; got": the list's own commas would blur ", got" */
    return mp_options_error(
        err, errlen, "--%s: expected %s; got '%s'", o->name,
        mp_options_expand(o, o->expect, ", ", expect, sizeof(expect)), arg);
  }
  c->checks = bits;
  return 0;
}

/* -f: init passes the default itself (o->dflt), the command line its
 * own text, so format_given says whether the user chose. */
static int read_format(struct mp_config *c, const struct mp_option *o,
                       const char *arg, char *err, size_t errlen)
{
  (void)err, (void)errlen;
  c->format = arg;
  c->format_given = arg != o->dflt;
  return 0;
}

/* -d NAME, repeatable: the names in the order given (their line numbers). */
static int read_domain(struct mp_config *c, const struct mp_option *o,
                       const char *arg, char *err, size_t errlen)
{
  if (!*arg || strchr(arg, '\n')) {
    return bad(o, arg, err, errlen);
  }
  c->domains = mp_realloc(c->domains, (c->ndomains + 1) * sizeof(*c->domains));
  c->domains[c->ndomains++] = arg;
  return 0;
}

/* "error", "warning" or "info": a severity of output/finding.h. */
static int read_fail_on(struct mp_config *c, const struct mp_option *o,
                        const char *arg, char *err, size_t errlen)
{
  for (int i = 0; mp_severity_name((enum mp_severity)i); i++) {
    if (strcmp(arg, mp_severity_name((enum mp_severity)i)) == 0) {
      c->fail_on = i;
      return 0;
    }
  }
  return bad(o, arg, err, errlen);
}

/* ---- checks once every option is read ---------------------------------- */

/* --resume appends to -o FILE, reading back its rows, and fingerprints
 * the input file: the text format has no line numbers to read back, and
 * a pipe cannot be read twice. */
static int check_resume(struct mp_config *c, const struct mp_option *o,
                        char *err, size_t errlen)
{
  (void)o;
  if (!c->resume) {
    return 0;
  }
  if (!c->output) {
    return mp_options_error(err, errlen, "--resume needs -o FILE");
  }
  if (!c->input) {
    return mp_options_error(err, errlen, "--resume needs an input file");
  }
  if (strcmp(c->format, "text") == 0) {
    return mp_options_error(err, errlen,
                            "--resume needs -f ndjson or csv, not text");
  }
  return 0;
}

/* -d NAME instead of a file; text for a person at a terminal unless -f
 * says otherwise. */
static int check_domains(struct mp_config *c, const struct mp_option *o,
                         char *err, size_t errlen)
{
  (void)o;
  if (!c->ndomains) {
    return 0;
  }
  if (c->input) {
    return mp_options_error(err, errlen,
                            "-d NAME and an input file '%s': give one or the "
                            "other",
                            c->input);
  }
  if (!c->format_given && !c->output && isatty(STDOUT_FILENO)) {
    c->format = "text";
  }
  return 0;
}

/* --shard auto: K/N from the batch system's environment (input/shard.h),
 * so --resume's fingerprint holds the shard this process scans. */
static int check_shard(struct mp_config *c, const struct mp_option *o,
                       char *err, size_t errlen)
{
  struct mp_shard_env env;
  char count[16];

  (void)o;
  mp_shard_env_get(&env);
  if (!c->shard_auto) {
    return c->shard_count ? mp_options_error(err, errlen,
                                             "--shard-count needs --shard auto")
                          : 0;
  }
  if (c->shard_count) {
    snprintf(count, sizeof(count), "%u", c->shard_count);
    env.count = count;
    env.count_name = "--shard-count";
  }
  return mp_shard_auto(&env, &c->shard, err, errlen);
}

/* Adaptive (the default): -c and --window are caps, generous ones; the
 * memory they bound is what is really in flight. Fixed: as given, or the
 * knee of a loopback server (see README "Tuning"). */
static int check_concurrency(struct mp_config *c, const struct mp_option *o,
                             char *err, size_t errlen)
{
  (void)o, (void)err, (void)errlen;
  if (!c->concurrency) {
    c->concurrency = c->fixed_window ? 200 : MP_CONCURRENCY_CAP;
  }
  return 0;
}

static int check_window(struct mp_config *c, const struct mp_option *o,
                        char *err, size_t errlen)
{
  (void)o, (void)err, (void)errlen;
  if (!c->window) {
    c->window = c->fixed_window ? 64 : MP_WINDOW_CAP;
  }
  return 0;
}

static int check_format(struct mp_config *c, const struct mp_option *o,
                        char *err, size_t errlen)
{
  return mp_writer_find(c->format) ? 0 : bad(o, c->format, err, errlen);
}

/* No --resolver: the nameservers of --resolv-conf. */
static int check_resolvers(struct mp_config *c, const struct mp_option *o,
                           char *err, size_t errlen)
{
  int n;

  (void)o;
  if (c->nservers > 0) {
    return 0;
  }
  n = mp_servers_load_conf(c->resolv_conf, c->servers, MP_SERVERS_MAX);
  if (n <= 0) {
    return mp_options_error(
        err, errlen, "no resolver: give --resolver IP[:PORT] (%s has %s)",
        c->resolv_conf, n < 0 ? "an error" : "no nameserver");
  }
  c->nservers = (size_t)n;
  return 0;
}

/* ---- the options --------------------------------------------------------
 *
 * One table drives parsing, --help and validation, as redis' config table
 * does: each option once, with {name, letter, the value's name, its --help
 * text, its default, its reader} and what else it needs. The order is
 * --help's: a section starts where .section is set, so --list-findings and
 * --help come after the DKIM options, where --help has always had them;
 * mp_config_validate() runs the checks in this order too. */

const struct mp_option mp_options[] = {
    {"input-format", 0, "FMT", "auto (default), plain, or tranco (rank,domain)",
     "auto", read_list_format, .section = "Input",
     .expect = "auto, plain or tranco"},
    {"shard", 0, "K/N",
     "only names whose XXH3-64 hash mod N is K; auto:\n"
     "K and N from a Kubernetes Indexed Job or a Slurm\n"
     "array (docs/cluster.md)",
     NULL, read_shard, .expect = "K/N with 0 <= K < N, or auto",
     .check = check_shard},
    {"shard-count", 0, "N",
     "with --shard auto in an Indexed Job: the number\n"
     "of shards (default: $MP_SHARD_COUNT)",
     NULL, read_unsigned, FIELD(shard_count), .lo = 1, .hi = MP_SHARD_MAX},
    {"domain", 'd', "NAME",
     "scan NAME instead of a FILE, repeatable (rows\n"
     "numbered in the order given)",
     NULL, read_domain, .expect = "a domain name", .check = check_domains},
    {"output", 'o', "FILE",
     "rows to FILE (default: standard output);\n"
     "FILE.zst, FILE.gz: zstd, gzip compressed",
     NULL, read_output, .section = "Output"},
    {"format", 'f', "FMT",
     "ndjson (default), csv, or text (for people;\n"
     "the default with -d at a terminal)",
     "ndjson", read_format, .expect = "ndjson, csv or text",
     .check = check_format},
    {"summary", 0, "FILE", "end-of-scan summary as JSON to FILE", NULL,
     read_string, FIELD(summary_path)},
    {"resume", 0, NULL,
     "continue an interrupted scan into -o FILE: scan\n"
     "only the lines without a row (same input and options)",
     NULL, read_flag, FIELD(resume), .value = true, .check = check_resume},
    {"fail-on", 0, "SEVERITY",
     "exit status 4 when a row has a finding of\n"
     "SEVERITY or worse: error, warning or info",
     NULL, read_fail_on, .expect = "error, warning or info"},
    {"resolver", 'r', "IP[:PORT]",
     "server to ask, repeatable (default: the\n"
     "nameservers of /etc/resolv.conf)",
     NULL, read_resolver, .section = "DNS", .expect = "IP[:PORT]",
     .check = check_resolvers},
    {"resolv-conf", 0, "FILE", "read nameservers from FILE instead",
     "/etc/resolv.conf", read_string, FIELD(resolv_conf)},
    {"concurrency", 'c', "N", "cap on domains in flight (default 10000)", NULL,
     read_unsigned, FIELD(concurrency), .lo = 1, .hi = 1000000,
     .check = check_concurrency},
    {"window", 0, "N", "cap on DNS queries in flight (default 10000)", NULL,
     read_unsigned, FIELD(window), .lo = 1, .hi = 1000000,
     .check = check_window},
    {"qps", 0, "N", "cap on queries per second, all servers (default: none)",
     NULL, read_qps, .expect = "a rate >= 0"},
    {"fixed-window", 0, NULL,
     "no adaptation: exactly --window queries (default 64)\n"
     "and -c domains (default 200) in flight, --timeout\n"
     "per attempt",
     NULL, read_flag, FIELD(fixed_window), .value = true},
    {"timeout", 0, "T",
     "longest wait for one attempt, e.g. 2s or 500ms\n"
     "(default 2s); a lookup gives up T after its last attempt",
     "2s", read_duration, FIELD(timeout_ms),
     .expect = "e.g. 2s or 500ms (1ms..600s)"},
    {"retries", 0, "N", "attempts after an unanswered one (default 2)", "2",
     read_unsigned, FIELD(retries), .hi = 20},
    {"dead-after", 0, "T",
     "when no resolver has answered for T, lookups fail\n"
     "at once (exit status 3; default 10s)",
     "10s", read_duration, FIELD(dead_after_ms),
     .expect = "e.g. 10s or 500ms (1ms..600s)"},
    {"query-log", 0, "FILE",
     "write each distinct query sent (name TYPE, for dnsperf)", NULL,
     read_string, FIELD(query_log)},
    /* 1232: DNS flag day 2020, no IP fragmentation */
    {"edns-size", 0, "N", "EDNS UDP payload size, 0 = no EDNS (default 1232)",
     "1232", read_edns_size, .expect = "0 or 512..65535"},
    {"cache-mb", 0, "N",
     "shared answer cache (SPF includes, ...), 0 = none\n"
     "(default 32)",
     "32", read_size, FIELD(cache_mb), .hi = 1 << 20},
    {"spf-ip", 0, "ADDR", "check_host() result for mail from ADDR, repeatable",
     NULL, read_spf_ip, .section = "SPF", .expect = "an IPv4 or IPv6 address"},
    {"spf-include", 0, "NAME", "where NAME sits in each SPF tree, repeatable",
     NULL, read_spf_include, .expect = "a domain name"},
    /* postmaster: RFC 7208 section 4.3's stand-in */
    {"spf-sender", 0, "LOCALPART",
     "sender of the --spf-ip checks,\n"
     "LOCALPART@<domain> (default postmaster)",
     "postmaster", read_checked, FIELD(spf_sender),
     .valid = mp_optval_local_part,
     .expect = "the local-part of an address (RFC 5321, at most 64 octets)"},
    {"spf-helo", 0, "NAME",
     "HELO name of the --spf-ip checks, a host name or\n"
     "[address] (default: the domain)",
     NULL, read_checked, FIELD(spf_helo), .valid = mp_optval_helo,
     .expect = "a host name or an address literal such as [192.0.2.1]"},
    {"progress", 0, NULL, "progress line on stderr (default: when a terminal)",
     NULL, read_progress, .section = "Other", .value = 1},
    {"no-progress", 0, NULL, NULL, NULL, read_progress, .value = 0},
    {"quiet", 'q', NULL, "no progress line, no summary", NULL, read_flag,
     FIELD(quiet), .value = true},
    {"verbose", 'v', NULL, "more log output (-vv: every query)", NULL,
     read_verbose, FIELD(log_level)},
    {"checks", 0, "LIST",
     "only these checks: {list}\n"
     "(default: all; fewer checks, fewer queries)",
     NULL, read_checks, .expect = "a list of {list}", .list = mp_check_name},
    /* the Public Suffix List of RFC 7489 section 3.2 */
    {"psl-file", 0, "FILE",
     "the Public Suffix List (default: Debian's,\n" MP_ORGDOMAIN_DEFAULT_PSL
     ")",
     MP_ORGDOMAIN_DEFAULT_PSL, read_string, FIELD(psl_file),
     .section = "DMARC"},
    {"dkim-selectors", 0, "LIST",
     "selectors to probe, a,b,c or @FILE (default:\n"
     "18 common ones, listed in the README)",
     NULL, mp_options_read_selectors, .section = "DKIM"},
    {"dkim-require", 0, "SEL[=TARGET]",
     "a finding unless SEL has a usable key (and,\n"
     "with =TARGET, is a CNAME to TARGET); SEL is\n"
     "probed; repeatable",
     NULL, mp_options_read_dkim_require,
     .expect = "SELECTOR or SELECTOR=TARGET",
     .check = mp_options_check_dkim_require},
    {"no-dkim-shortcut", 0, NULL,
     "probe even when _domainkey.<domain> is\n"
     "NXDOMAIN, times out or gets SERVFAIL",
     NULL, read_flag, FIELD(dkim_shortcut), .value = false},
    {"list-findings", 0, NULL, "print the finding codes and exit", NULL,
     read_flag, FIELD(list_findings), .value = true},
    {"help", 'h', NULL, "", NULL, read_flag, FIELD(help), .value = true},
    {"version", 'V', NULL, NULL, NULL, read_flag, FIELD(version),
     .value = true},
};

const size_t mp_options_count = sizeof(mp_options) / sizeof(mp_options[0]);
