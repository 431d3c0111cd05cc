/* The include-resolution core, measured with an in-memory DNS (no
 * network): a provider graph shaped like the big mailbox and sending
 * providers' (nested includes, long ip4/ip6 lists), and N customer domains
 * that include two or three of them.
 *
 *   cold   resolving the provider graph once into an empty cache
 *   warm   per-domain posture evaluation once the cache is warm (ns/domain)
 *   ip     per-domain check_host() for one client address (ns/domain)
 *   cache  hit rate, and the DNS queries the cache saved against
 *          evaluating every domain with --cache-mb 0
 *
 * bench_spf_eval [--tiny] [N]  (N domains, default 100000) */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "scanner/checks/codes.h"
#include "scanner/base/alloc.h"
#include "scanner/dns/cache.h"
#include "scanner/base/hash.h"
#include "scanner/spf/eval.h"

/* The engine's result and reason by the row's names (output/status.h);
 * "none" for no reason. */
static const char *result_name(enum mp_spf_result r)
{
  return mp_spf_check_result_name(mp_code_spf_result(r));
}

static const char *reason_name(enum mp_spf_reason r)
{
  const char *s = mp_spf_reason_code_name(mp_code_spf_reason(r));

  return s ? s : "none";
}

struct zrec {
  char name[128];
  uint16_t type;
  char data[1024];
};

static struct zrec *zone;
static size_t nzone, capzone;
static uint64_t fetches;

static void zadd(const char *name, uint16_t type, const char *data)
{
  if (nzone == capzone) {
    capzone = capzone ? capzone * 2 : 256;
    zone = mp_realloc(zone, capzone * sizeof(*zone));
  }
  snprintf(zone[nzone].name, sizeof(zone[nzone].name), "%s", name);
  zone[nzone].type = type;
  snprintf(zone[nzone].data, sizeof(zone[nzone].data), "%s", data);
  nzone++;
}

/* The bench's DNS: a linear scan is fine, misses go through the cache
 * once per distinct name. */
static void fetch(void *ctx, struct mp_cache *c, struct mp_cache_entry *e,
                  const char *name, uint16_t type)
{
  struct mp_rr rr[64];
  size_t n = 0;
  bool exists = false;
  struct mp_answer *a;

  (void)ctx;
  fetches++;
  for (size_t i = 0; i < nzone && n < 64; i++) {
    if (strcmp(zone[i].name, name) != 0) {
      continue;
    }
    exists = true;
    if (zone[i].type != type) {
      continue;
    }
    memset(&rr[n], 0, sizeof(rr[n]));
    rr[n].type = type;
    rr[n].ttl = 3600;
    rr[n].data = zone[i].data;
    rr[n].len = (uint32_t)strlen(zone[i].data);
    if (type == 1) {
      inet_pton(AF_INET, zone[i].data, rr[n].addr);
    }
    n++;
  }
  a = mp_answer_build(n        ? MP_OUTCOME_OK
                      : exists ? MP_OUTCOME_NODATA
                               : MP_OUTCOME_NXDOMAIN,
                      n || exists ? 0 : 3, type, rr, n, NULL);
  mp_cache_fill(c, e, a);
  mp_answer_unref(a);
}

static void ranges(char *out, size_t len, const char *kind, unsigned seed,
                   unsigned count)
{
  size_t o = (size_t)snprintf(out, len, "v=spf1");

  for (unsigned i = 0; i < count; i++) {
    if (kind[0] == '4') {
      o += (size_t)snprintf(out + o, len - o, " ip4:%u.%u.%u.0/%u",
                            10 + seed % 50, (seed * 7 + i * 13) % 256, i * 3,
                            20 + i % 5);
    } else {
      o += (size_t)snprintf(out + o, len - o, " ip6:2001:db8:%x:%x::/48", seed,
                            i);
    }
  }
  snprintf(out + o, len - o, " ~all");
}

/* Twelve providers, as big ones publish them. */
static void providers(void)
{
  char rec[1024];

  zadd("_spf.gmail.example", 16,
       "v=spf1 include:_netblocks.gmail.example "
       "include:_netblocks2.gmail.example include:_netblocks3.gmail.example "
       "~all");
  ranges(rec, sizeof(rec), "4", 1, 18);
  zadd("_netblocks.gmail.example", 16, rec);
  ranges(rec, sizeof(rec), "6", 2, 10);
  zadd("_netblocks2.gmail.example", 16, rec);
  ranges(rec, sizeof(rec), "4", 3, 6);
  zadd("_netblocks3.gmail.example", 16, rec);
  ranges(rec, sizeof(rec), "4", 4, 25);
  zadd("spf.protection.outlook.example", 16, rec);
  zadd("amazonses.example", 16,
       "v=spf1 ip4:199.255.192.0/22 ip4:199.127.232.0/22 ip4:54.240.0.0/18 "
       "ip4:69.169.224.0/20 ip4:23.249.208.0/20 ip4:23.251.224.0/19 -all");
  zadd("sendgrid.example", 16,
       "v=spf1 ip4:167.89.0.0/17 ip4:208.117.48.0/20 ip4:50.31.32.0/19 "
       "ip4:198.37.144.0/20 ip4:198.21.0.0/21 ip4:192.254.112.0/20 -all");
  zadd("servers.mcsv.example", 16,
       "v=spf1 ip4:205.201.128.0/20 ip4:198.2.128.0/18 ip4:148.105.8.0/21 "
       "?all");
  zadd("spf.mandrill.example", 16,
       "v=spf1 include:servers.mcsv.example ip4:198.2.128.0/24 ?all");
  zadd("mail.zendesk.example", 16,
       "v=spf1 ip4:192.161.144.0/20 ip4:185.12.80.0/22 ip4:188.172.128.0/20 "
       "ip4:216.198.0.0/18 ~all");
  zadd("_spf.salesforce.example", 16,
       "v=spf1 exists:%{i}._spf.mta.salesforce.example -all");
  zadd("helpdesk.example", 16,
       "v=spf1 include:mail.zendesk.example a:out.helpdesk.example -all");
  zadd("out.helpdesk.example", 1, "10.9.8.7");
}

static const char *const pool[] = {
    "_spf.gmail.example",   "spf.protection.outlook.example",
    "amazonses.example",    "sendgrid.example",
    "spf.mandrill.example", "mail.zendesk.example",
    "helpdesk.example",     "_spf.salesforce.example",
};

static struct mp_answer *domain_txt(size_t i)
{
  char rec[512];
  uint64_t h = mp_hash(&i, sizeof(i));
  size_t k = 2 + h % 2, o;
  struct mp_rr rr = {.type = 16, .ttl = 3600};

  o = (size_t)snprintf(rec, sizeof(rec), "v=spf1 ip4:10.%zu.%zu.0/24", i % 200,
                       i % 250);
  for (size_t j = 0, first = h % 8; j < k; j++) { /* k distinct ones */
    o += (size_t)snprintf(rec + o, sizeof(rec) - o, " include:%s",
                          pool[(first + j * 3) % 8]);
  }
  snprintf(rec + o, sizeof(rec) - o, " %s", h % 3 ? "~all" : "-all");
  rr.data = rec;
  rr.len = (uint32_t)strlen(rec);
  return mp_answer_build(MP_OUTCOME_OK, 0, 16, &rr, 1, NULL);
}

static double now_s(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Evaluates every domain; returns seconds. Fails (exit 1) on an
 * unexpected result: the bench checks what it measures. */
static double run(struct mp_cache *c, struct mp_answer **txt, size_t n,
                  int family)
{
  struct mp_spf_eval ev;
  struct mp_spf_outcome out;
  double t0 = now_s();

  mp_spf_eval_init(&ev, c);
  for (size_t i = 0; i < n; i++) {
    char name[64];
    struct mp_spf_request req = {
        .family = family, .helo = name, .domain = name, .root_txt = txt[i]};

    snprintf(name, sizeof(name), "d%zu.test", i);
    if (family == AF_INET) {
      inet_pton(AF_INET, "10.9.8.7", req.ip);
    }
    if (mp_spf_check_host(&ev, &req, &out) != 0 ||
        out.result == MP_SPF_PERMERROR || out.result == MP_SPF_TEMPERROR) {
      fprintf(stderr, "bench_spf_eval: %s \"%s\" (%s): %s (%s)\n", name,
              txt[i]->rr[0].data, family == AF_INET ? "10.9.8.7" : "posture",
              result_name(out.result), reason_name(out.reason));
      exit(1);
    }
    mp_spf_eval_reset(&ev);
  }
  mp_spf_eval_close(&ev);
  return now_s() - t0;
}

int main(int argc, char **argv)
{
  size_t n = 100000;
  struct mp_answer **txt;
  struct mp_cache_opts o = {.max_bytes = 64 << 20,
                            .max_ttl = 86400,
                            .neg_ttl = 900,
                            .fail_ttl = 60,
                            .fetch = fetch};
  struct mp_cache *c;
  double cold, warm, ip;
  uint64_t with_cache, without;

  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--tiny") == 0) {
      n = 2000;
    } else {
      n = strtoul(argv[i], NULL, 10);
    }
  }
  providers();
  txt = mp_malloc(n * sizeof(*txt));
  for (size_t i = 0; i < n; i++) {
    txt[i] = domain_txt(i);
  }

  c = mp_cache_new(&o);
  fetches = 0;
  cold = run(c, txt, 1, AF_UNSPEC); /* the first domain pulls its tree */
  run(c, txt, n < 200 ? n : 200, AF_UNSPEC); /* ... and the others' */
  warm = run(c, txt, n, AF_UNSPEC);
  ip = run(c, txt, n, AF_INET);
  with_cache = fetches;
  const struct mp_cache_stats *st = mp_cache_stats(c);
  double hit = 100.0 * (double)st->hits / (double)st->lookups;
  mp_cache_free(c);

  o.max_bytes = 0; /* --cache-mb 0: every domain fetches its own tree */
  c = mp_cache_new(&o);
  fetches = 0;
  run(c, txt, n, AF_UNSPEC);
  without = fetches;
  mp_cache_free(c);

  printf("spf_eval: %zu domains, 2-3 provider includes each, 12 providers\n",
         n);
  printf("  %-34s %10.1f us\n", "cold: first domain, empty cache", cold * 1e6);
  printf("  %-34s %10.0f ns/domain\n", "warm: posture evaluation",
         warm * 1e9 / (double)n);
  printf("  %-34s %10.0f ns/domain\n", "warm: check_host() for one IP",
         ip * 1e9 / (double)n);
  printf("  %-34s %10.1f %%\n", "cache hit rate", hit);
  printf("  %-34s %10llu\n", "DNS queries with the cache",
         (unsigned long long)with_cache);
  printf("  %-34s %10llu (%.1f per domain)\n", "DNS queries, --cache-mb 0",
         (unsigned long long)without, (double)without / (double)n);
  printf("  %-34s %10.2f %%\n", "queries saved by the cache",
         100.0 * (1.0 - (double)with_cache / (double)without));
  for (size_t i = 0; i < n; i++) {
    mp_answer_unref(txt[i]);
  }
  mp_free(txt);
  mp_free(zone);
  return 0;
}
