/* A second world with known edits (worldedit.h). */
#include "tests/world/worldedit.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "scanner/base/alloc.h"
#include "tests/world/rng.h"

#define PATH_CAP 4096

enum kind {
  SPF_PLUS_ALL,
  DMARC_WEAKEN,
  DKIM_REMOVE,
  MX_DROP,
  DMARC_STRENGTHEN,
  SPF_FAIL_ALL,
  KINDS
};

static const struct {
  const char *name, *field, *cls;
} kinds[KINDS] = {
    {"spf_plus_all", "spf.all", "regression"},
    {"dmarc_weaken", "dmarc.effective_policy", "regression"},
    {"dkim_remove", "dkim.found", "regression"},
    {"mx_drop", "mx_hosts.hosts", "neutral"},
    {"dmarc_strengthen", "dmarc.effective_policy", "improvement"},
    {"spf_fail_all", "spf.all", "improvement"},
};

struct zone {
  char *text;
  char **line; /* NULL: deleted */
  size_t n;
  char *edited[64]; /* the lines replace() made, to free */
  size_t nedited;
};

struct dom {
  bool listed, mentioned;
  long spf, dmarc, dkim, mx_last;
  unsigned nmx;
};

static char *slurp(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  char *s = NULL;
  size_t cap = 0, n = 0, r;

  if (!f) {
    return NULL;
  }
  do {
    if (n + 65536 > cap) {
      cap = cap ? 2 * cap : 1 << 20;
      s = mp_realloc(s, cap + 1);
    }
    r = fread(s + n, 1, cap - n, f);
    n += r;
  } while (r > 0);
  fclose(f);
  s[n] = '\0';
  *len = n;
  return s;
}

static void zone_split(struct zone *z)
{
  size_t cap = 1024;

  z->line = mp_malloc(cap * sizeof(char *));
  z->n = 0;
  for (char *p = z->text; *p;) {
    char *nl = strchr(p, '\n');

    if (z->n == cap) {
      cap *= 2;
      z->line = mp_realloc(z->line, cap * sizeof(char *));
    }
    z->line[z->n++] = p;
    if (!nl) {
      break;
    }
    *nl = '\0';
    p = nl + 1;
  }
}

/* The number of the domain dNNNNNNN a name ends with ("x.d0000012",
 * "d0000012.test."), or -1. */
static long dom_of(const char *name, size_t len)
{
  if (len >= 6 && memcmp(name + len - 6, ".test.", 6) == 0) {
    len -= 6;
  }
  if (len < 8 || name[len - 8] != 'd' || (len > 8 && name[len - 9] != '.')) {
    return -1;
  }
  for (size_t i = len - 7; i < len; i++) {
    if (name[i] < '0' || name[i] > '9') {
      return -1;
    }
  }
  return strtol(name + len - 7, NULL, 10);
}

/* Marks each dNNNNNNN that the rest of a line names, other than self. */
static void mentions(struct dom *d, long nd, const char *s, long self)
{
  for (const char *p = s; (p = strchr(p, 'd')) != NULL; p++) {
    size_t k = 0;

    while (k < 7 && p[1 + k] >= '0' && p[1 + k] <= '9') {
      k++;
    }
    if (k == 7 && (p == s || p[-1] == '.' || p[-1] == '@' || p[-1] == ' ' ||
                   p[-1] == ':' || p[-1] == '=')) {
      long m = strtol(p + 1, NULL, 10);

      if (m != self && m < nd) {
        d[m].mentioned = true;
      }
    }
  }
}

/* The name from s to end is the domain itself: "d0000012" or
 * "d0000012.test.". */
static bool exact(const char *s, const char *end)
{
  return end - s == 8 || end - s == 14;
}

static void classify_line(struct dom *d, long nd, struct zone *z, size_t i)
{
  char *l = z->line[i], *sp = strchr(l, ' ');
  long m = sp ? dom_of(l, (size_t)(sp - l)) : -1;

  if (!sp || l[0] == '$' || l[0] == ';') {
    return;
  }
  mentions(d, nd, sp, m);
  /* Only plain records: an escape may be a deliberate error that makes the
   * record invalid whatever its p= or all says. */
  if (m < 0 || m >= nd) {
    return;
  }
  if (strchr(sp, '\\')) {
    /* A second record makes the check invalid (RFC 7489 6.6.3, RFC 7208
     * 4.5) whatever the first says. */
    d[m].dmarc = strstr(l, "_dmarc.") ? LONG_MIN : d[m].dmarc;
    d[m].spf = strstr(sp, "v=spf1") ? LONG_MIN : d[m].spf;
    return;
  }
  if (strncmp(l, "_dmarc.d", 8) == 0 && exact(l + 7, sp) &&
      strstr(sp, "v=DMARC1")) {
    d[m].dmarc = d[m].dmarc == -1 ? (long)i : LONG_MIN;
  } else if (strstr(l, "._domainkey.d") &&
             exact(strstr(l, "._domainkey.") + 12, sp) &&
             strstr(sp, "\"v=DKIM1")) {
    d[m].dkim = (long)i;
  } else if (l[0] == 'd' && strstr(sp, " TXT \"v=spf1 ")) {
    d[m].spf = d[m].spf == -1 ? (long)i : LONG_MIN;
  } else if (l[0] == 'd' && strncmp(sp, " MX ", 4) == 0) {
    /* The provider's hosts are forward-confirmed: dropping one of them
     * changes the hosts only. */
    d[m].mx_last = strstr(sp, ".mailco.example.") ? (long)i : -1;
    d[m].nmx++;
  }
}

/* Replaces the first of the words in line i with to; false when none is
 * there. */
static bool replace(struct zone *z, size_t i, const char *const *from,
                    const char *to)
{
  for (size_t k = 0; from[k]; k++) {
    char *p = strstr(z->line[i], from[k]);

    if (p) {
      size_t a = (size_t)(p - z->line[i]), fl = strlen(from[k]);
      size_t tl = strlen(to), rest = strlen(p + fl);
      char *n = mp_malloc(a + tl + rest + 1);

      memcpy(n, z->line[i], a);
      memcpy(n + a, to, tl);
      memcpy(n + a + tl, p + fl, rest + 1);
      z->line[i] = n;
      z->edited[z->nedited++] = n;
      return true;
    }
  }
  return false;
}

static bool apply(struct zone *z, const struct dom *d, enum kind k, bool dry)
{
  static const char *const alls[] = {" -all\"", " ~all\"", NULL};
  static const char *const soft[] = {" ~all\"", NULL};
  static const char *const strong[] = {"DMARC1; p=reject",
                                       "DMARC1; p=quarantine", NULL};
  static const char *const none[] = {"DMARC1; p=none", NULL};
  long l = k == SPF_PLUS_ALL || k == SPF_FAIL_ALL ? d->spf
           : k == DKIM_REMOVE                     ? d->dkim
           : k == MX_DROP                         ? d->mx_last
                                                  : d->dmarc;
  const char *const *from = k == SPF_PLUS_ALL       ? alls
                            : k == SPF_FAIL_ALL     ? soft
                            : k == DMARC_WEAKEN     ? strong
                            : k == DMARC_STRENGTHEN ? none
                                                    : NULL;

  if (l < 0 || (k == MX_DROP && d->nmx < 2)) {
    return false;
  }
  /* A stronger p= above a weaker sp= adds DMARC_SP_WEAKER: leave those. */
  if (k == DMARC_STRENGTHEN && strstr(z->line[l], "sp=")) {
    return false;
  }
  if (!from) {
    if (!dry) {
      z->line[l] = NULL;
    }
    return true;
  }
  if (dry) {
    for (size_t i = 0; from[i]; i++) {
      if (strstr(z->line[l], from[i])) {
        return true;
      }
    }
    return false;
  }
  return replace(z, (size_t)l, from,
                 k == SPF_PLUS_ALL   ? " +all\""
                 : k == SPF_FAIL_ALL ? " -all\""
                 : k == DMARC_WEAKEN ? "DMARC1; p=none"
                                     : "DMARC1; p=reject");
}

static int copy_file(const char *from, const char *to)
{
  size_t len;
  char *s = slurp(from, &len);
  FILE *f;
  int rc = 0;

  if (!s) {
    return -errno;
  }
  f = fopen(to, "wb");
  if (!f || fwrite(s, 1, len, f) != len) {
    rc = -EIO;
  }
  if (f && fclose(f) != 0) {
    rc = -EIO;
  }
  mp_free(s);
  return rc;
}

/* Copies the world but test.zone, which is written from z. */
static int write_world(const char *src, const char *dst, const struct zone *z)
{
  static const char *const files[] = {"zones.list",
                                      "domains.txt",
                                      "zones/example.zone",
                                      "zones/psd.test.zone",
                                      "zones/10.in-addr.arpa.zone",
                                      "zones/8.b.d.0.1.0.0.2.ip6.arpa.zone",
                                      NULL};
  char a[PATH_CAP], b[PATH_CAP];
  FILE *f;
  int rc = 0;

  snprintf(b, sizeof(b), "%s/zones", dst);
  if ((mkdir(dst, 0755) != 0 && errno != EEXIST) ||
      (mkdir(b, 0755) != 0 && errno != EEXIST)) {
    return -errno;
  }
  for (size_t i = 0; files[i] && rc == 0; i++) {
    snprintf(a, sizeof(a), "%s/%s", src, files[i]);
    snprintf(b, sizeof(b), "%s/%s", dst, files[i]);
    rc = copy_file(a, b);
  }
  snprintf(b, sizeof(b), "%s/zones/test.zone", dst);
  if (rc == 0 && !(f = fopen(b, "w"))) {
    rc = -errno;
  }
  for (size_t i = 0; rc == 0 && i < z->n; i++) {
    if (z->line[i]) {
      fprintf(f, "%s\n", z->line[i]);
    }
  }
  if (rc == 0 && fclose(f) != 0) {
    rc = -EIO;
  }
  return rc;
}

/* Marks the listed domains (exactly dNNNNNNN.test) and those a listed name
 * is under. */
static void read_list(struct dom *d, long nd, char *list)
{
  for (char *p = strtok(list, "\n"); p; p = strtok(NULL, "\n")) {
    size_t len = strlen(p);
    long m = dom_of(p, len);

    if (len >= 5 && memcmp(p + len - 5, ".test", 5) == 0) {
      m = len == 13 && p[0] == 'd' ? strtol(p + 1, NULL, 10) : -1;
    }
    if (m >= 0 && m < nd) {
      d[m].listed = true;
    }
    mentions(d, nd, p + (m >= 0 ? 8 : 0), m);
  }
}

static int pick(struct zone *z, struct dom *d, long nd, unsigned k,
                uint64_t seed, FILE *tsv)
{
  struct mp_rng rng;
  long *order = mp_malloc((size_t)nd * sizeof(long));
  unsigned done = 0;

  mp_rng_init(&rng, seed, 0xed17, 0);
  for (long i = 0; i < nd; i++) {
    order[i] = i;
  }
  for (long i = nd - 1; i > 0; i--) {
    long j = (long)(mp_rng_next(&rng) % (uint64_t)(i + 1)), t = order[i];

    order[i] = order[j];
    order[j] = t;
  }
  for (unsigned e = 0; e < k; e++) {
    enum kind kd = (enum kind)(e % KINDS);

    for (long i = 0; i < nd; i++) {
      struct dom *x = &d[order[i]];

      if (x->listed && !x->mentioned && apply(z, x, kd, true)) {
        apply(z, x, kd, false);
        fprintf(tsv, "d%07ld.test\t%s\t%s\t%s\n", order[i], kinds[kd].name,
                kinds[kd].field, kinds[kd].cls);
        x->listed = false; /* one edit per domain */
        done++;
        break;
      }
    }
  }
  mp_free(order);
  return done == k ? 0 : -ENOENT;
}

int mp_world_edit(const char *src, const char *dst, unsigned k, uint64_t seed)
{
  char path[PATH_CAP];
  struct zone z = {0}, other = {0};
  size_t len;
  char *list;
  long nd;
  struct dom *d;
  FILE *tsv;
  int rc;

  snprintf(path, sizeof(path), "%s/zones/test.zone", src);
  z.text = slurp(path, &len);
  snprintf(path, sizeof(path), "%s/domains.txt", src);
  list = slurp(path, &len);
  if (!z.text || !list) {
    return -ENOENT;
  }
  nd = (long)len; /* a bound on the numbers of listed names */
  d = mp_calloc((size_t)nd, sizeof(*d));
  for (long i = 0; i < nd; i++) {
    d[i].spf = d[i].dmarc = d[i].dkim = d[i].mx_last = -1;
  }
  read_list(d, nd, list);
  zone_split(&z);
  for (size_t i = 0; i < z.n; i++) {
    classify_line(d, nd, &z, i);
  }
  snprintf(path, sizeof(path), "%s/zones/example.zone", src);
  if ((other.text = slurp(path, &len)) != NULL) {
    mentions(d, nd, other.text, -1);
  }
  rc = write_world(src, dst, &(struct zone){0});
  snprintf(path, sizeof(path), "%s/edits.tsv", dst);
  tsv = rc == 0 ? fopen(path, "w") : NULL;
  rc = rc ? rc : !tsv ? -errno : pick(&z, d, nd, k, seed, tsv);
  if (tsv && fclose(tsv) != 0) {
    rc = rc ? rc : -EIO;
  }
  rc = rc ? rc : write_world(src, dst, &z);
  mp_free(d);
  mp_free(list);
  mp_free(other.text);
  mp_free(z.text);
  mp_free(z.line);
  for (size_t i = 0; i < z.nedited; i++) {
    mp_free(z.edited[i]);
  }
  return rc;
}
