#include "tests/world/dnsview.h"

#include <assert.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/base/alloc.h"

bool mp_dv_under(const char *name, const char *zone)
{
  size_t n = strlen(name), z = strlen(zone);

  return n == z ? strcmp(name, zone) == 0
                : n > z && name[n - z - 1] == '.' &&
                      strcmp(name + n - z, zone) == 0;
}

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

void mp_dv_init(struct mp_dv *v, const struct mp_zonedb *fixed)
{
  size_t cap = 0;

  *v = (struct mp_dv){.fixed = fixed};
  for (size_t i = 0; i < fixed->n; i++) {
    const char *o = mp_zonedb_str(fixed, fixed->rr[i].name);
    if (o[0] == '*' && o[1] == '.') {
      v->wild = mp_realloc(v->wild, (v->nwild + 1) * sizeof(*v->wild));
      v->wild[v->nwild++] = i;
    }
    for (const char *p = o; p != NULL;) { /* the owner and its ancestors */
      if (v->nnames == cap) {
        cap = cap == 0 ? 256 : 2 * cap;
        v->names = mp_realloc(v->names, cap * sizeof(*v->names));
      }
      v->names[v->nnames++] = mp_strndup(p, strlen(p));
      p = strchr(p, '.');
      p = p != NULL ? p + 1 : NULL;
    }
  }
  qsort(v->names, v->nnames, sizeof(*v->names), cmp_str);
  size_t k = 0;
  for (size_t i = 0; i < v->nnames; i++) {
    if (k > 0 && strcmp(v->names[k - 1], v->names[i]) == 0) {
      mp_free(v->names[i]);
    } else {
      v->names[k++] = v->names[i];
    }
  }
  v->nnames = k;
}

void mp_dv_close(struct mp_dv *v)
{
  for (size_t i = 0; i < v->nnames; i++) {
    mp_free(v->names[i]);
  }
  mp_free(v->names);
  mp_free(v->wild);
  *v = (struct mp_dv){0};
}

static bool exists(const struct mp_dv *v, const char *name)
{
  const char *key = name;

  return bsearch(&key, v->names, v->nnames, sizeof(*v->names), cmp_str) !=
             NULL ||
         mp_zonedb_exists(v->line, name);
}

/* The RRs of (name, type), line before fixed (no name has both). */
static size_t find(const struct mp_dv *v, const char *name, uint16_t type,
                   const struct mp_zonedb **db, size_t *first)
{
  size_t n = mp_zonedb_find(v->line, name, type, first);

  *db = v->line;
  if (n == 0) {
    n = mp_zonedb_find(v->fixed, name, type, first);
    *db = v->fixed;
  }
  return n;
}

/* RFC 4592 section 4.1: a wildcard *.E answers for a name under E whose
 * closest encloser is E. Returns the owner "*.E" or NULL. */
static const char *wildcard(const struct mp_dv *v, const char *name)
{
  for (size_t w = 0; w < v->nwild; w++) {
    const char *owner = mp_zonedb_str(v->fixed, v->fixed->rr[v->wild[w]].name);
    const char *e = owner + 2, *p = name;
    if (!mp_dv_under(name, e) || strcmp(name, e) == 0 || exists(v, name)) {
      continue;
    }
    for (p = strchr(p, '.') + 1; strcmp(p, e) != 0 && !exists(v, p);
         p = strchr(p, '.') + 1) {
    }
    if (strcmp(p, e) == 0) {
      return owner;
    }
  }
  return NULL;
}

static const char *const zones[] = {
    "psd.test", "broken.test",     "test",
    "example",  "10.in-addr.arpa", "8.b.d.0.1.0.0.2.ip6.arpa",
};
#define NZONES (sizeof(zones) / sizeof(zones[0]))

/* The index in zones[] of the zone that serves name (n bytes), or NZONES:
 * the longest match, listed first. */
static size_t zone_of(const char *name, size_t n)
{
  size_t z;

  for (z = 0; z < NZONES; z++) {
    size_t zl = strlen(zones[z]);
    if ((n == zl || (n > zl && name[n - zl - 1] == '.')) &&
        memcmp(name + n - zl, zones[z], zl) == 0) {
      break;
    }
  }
  return z;
}

void mp_dv_query(const struct mp_dv *v, const char *name, uint16_t type,
                 bool detail, struct mp_dv_ans *a)
{
  char cur[256];
  size_t first, z;

  a->n = a->first = 0;
  a->db = v->line;
  a->cname[0] = '\0';
  assert(strlen(name) < sizeof(cur));
  memcpy(cur, name, strlen(name) + 1);
  for (int hops = 0; hops < 8; hops++) {
    const struct mp_zonedb *db;
    const char *w;
    z = zone_of(cur, strlen(cur));
    if (z == NZONES || z == 1) {
      a->rc = z == 1 ? MP_DV_SERVFAIL : MP_DV_REFUSED;
      return;
    }
    a->n = find(v, cur, type, &a->db, &a->first);
    if (a->n > 0) {
      a->rc = MP_DV_OK;
      return;
    }
    if (find(v, cur, MP_ZT_CNAME, &db, &first) > 0) {
      const char *t = mp_zonedb_str(db, db->rr[first].data);
      assert(strlen(t) < sizeof(cur));
      if (a->cname[0] == '\0') {
        memcpy(a->cname, t, strlen(t) + 1);
      }
      memmove(cur, t, strlen(t) + 1);
      continue;
    }
    if (v->nwild > 0 && (w = wildcard(v, cur)) != NULL) {
      a->db = v->fixed;
      a->n = mp_zonedb_find(v->fixed, w, type, &a->first);
      a->rc = a->n > 0 ? MP_DV_OK : MP_DV_NODATA;
      return;
    }
    a->rc = !detail          ? MP_DV_EMPTY
            : exists(v, cur) ? MP_DV_NODATA
                             : MP_DV_NXDOMAIN;
    return;
  }
  assert(0 && "CNAME chain in the world");
}

size_t mp_dv_txt(const struct mp_zonedb *db, size_t i, char *buf, size_t cap)
{
  const uint8_t *p = (const uint8_t *)db->bytes + db->rr[i].data;
  const uint8_t *end = p + db->rr[i].len;
  size_t n = 0;

  (void)cap;
  while (p < end) {
    assert(n + *p < cap);
    memcpy(buf + n, p + 1, *p);
    n += *p;
    p += 1 + *p;
  }
  buf[n] = '\0';
  return n;
}
