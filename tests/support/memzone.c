#include "tests/support/memzone.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

#include "scanner/base/alloc.h"

struct zrec {
  struct mp_rr rr;    /* rr.data == buf */
  char *buf;          /* owned */
  bool after_timeout; /* added after the TIMEOUT mark: never served */
};

struct owner {
  char name[MP_NAME_TEXT_MAX + 1]; /* name text (scanner/dns/dnsname.h) */
  bool timeout;
  struct zrec *rec;
  size_t nrec, cap;
};

struct mp_memzone {
  struct owner *own;
  size_t nown, cap;
  uint64_t queries;
  uint64_t by_type[256];
};

/* The name text of a name written as the SPF test suite writes them:
 * raw octets, "." between labels, no escapes ("foo:bar/baz.example.com");
 * false when it is not a name. */
static bool norm(const char *in, char out[MP_NAME_TEXT_MAX + 1])
{
  return mp_dnsname_escape(in, strlen(in), out) >= 0;
}

static struct owner *find(struct mp_memzone *z, const char *name)
{
  for (size_t i = 0; i < z->nown; i++) {
    if (strcmp(z->own[i].name, name) == 0) {
      return &z->own[i];
    }
  }
  return NULL;
}

static struct owner *get_owner(struct mp_memzone *z, const char *owner)
{
  char name[MP_NAME_TEXT_MAX + 1];
  struct owner *o;

  if (!norm(owner, name) || !name[0]) {
    return NULL;
  }
  if ((o = find(z, name))) {
    return o;
  }
  if (z->nown == z->cap) {
    z->cap = z->cap ? 2 * z->cap : 16;
    z->own = mp_realloc(z->own, z->cap * sizeof(*z->own));
  }
  o = &z->own[z->nown++];
  memset(o, 0, sizeof(*o));
  memcpy(o->name, name, strlen(name) + 1);
  return o;
}

struct mp_memzone *mp_memzone_new(void)
{
  return mp_calloc(1, sizeof(struct mp_memzone));
}

void mp_memzone_free(struct mp_memzone *z)
{
  if (!z) {
    return;
  }
  for (size_t i = 0; i < z->nown; i++) {
    for (size_t j = 0; j < z->own[i].nrec; j++) {
      mp_free(z->own[i].rec[j].buf);
    }
    mp_free(z->own[i].rec);
  }
  mp_free(z->own);
  mp_free(z);
}

int mp_memzone_add_owner(struct mp_memzone *z, const char *owner)
{
  return get_owner(z, owner) ? 0 : -EINVAL;
}

int mp_memzone_add_timeout(struct mp_memzone *z, const char *owner)
{
  struct owner *o = get_owner(z, owner);

  if (!o) {
    return -EINVAL;
  }
  o->timeout = true;
  return 0;
}

/* The record's data as mp_dnswire_parse would present it, in a new heap
 * string (NULL when the text is not usable); sets rr->len and rr->addr. */
static char *make_data(struct mp_rr *rr, const char *data, size_t len)
{
  char text[INET6_ADDRSTRLEN], name[MP_NAME_TEXT_MAX + 1];
  int af = rr->type == MP_T_A ? AF_INET : AF_INET6;
  char *buf;

  switch (rr->type) {
  case MP_T_TXT:
  case MP_MEMZONE_T_SPF:
    buf = mp_malloc(len + 1); /* not strndup: the text may hold NULs */
    memcpy(buf, data, len);
    buf[len] = '\0';
    rr->len = (uint32_t)len;
    return buf;
  case MP_T_A:
  case MP_T_AAAA:
    if (len >= sizeof(text)) {
      return NULL;
    }
    memcpy(text, data, len);
    text[len] = '\0';
    /* canonical text, as the wire parser prints it with inet_ntop */
    if (inet_pton(af, text, rr->addr) != 1 ||
        !inet_ntop(af, rr->addr, text, sizeof(text))) {
      return NULL;
    }
    rr->len = (uint32_t)strlen(text);
    return mp_strndup(text, rr->len);
  case MP_T_MX:
  case MP_T_PTR:
  case MP_T_CNAME:
    buf = mp_strndup(data, len);
    if (strlen(buf) != len || !norm(buf, name)) {
      mp_free(buf);
      return NULL;
    }
    mp_free(buf);
    rr->len = (uint32_t)strlen(name);
    return mp_strndup(name, rr->len);
  default:
    return NULL;
  }
}

int mp_memzone_add(struct mp_memzone *z, const char *owner, uint16_t type,
                   uint16_t pref, const char *data, size_t len)
{
  struct mp_rr rr = {.type = type, .ttl = MP_MEMZONE_TTL};
  struct owner *o;
  char *buf;

  if (type == MP_T_MX) {
    rr.pref = pref;
  }
  if (len > UINT32_MAX - 1 || !(o = get_owner(z, owner)) ||
      !(buf = make_data(&rr, data, len))) {
    return -EINVAL;
  }
  if (o->nrec == o->cap) {
    o->cap = o->cap ? 2 * o->cap : 4;
    o->rec = mp_realloc(o->rec, o->cap * sizeof(*o->rec));
  }
  rr.data = buf;
  o->rec[o->nrec].rr = rr;
  o->rec[o->nrec].buf = buf;
  o->rec[o->nrec].after_timeout = o->timeout;
  o->nrec++;
  return 0;
}

/* The first CNAME served at o, or NULL. */
static const struct mp_rr *alias_of(const struct owner *o)
{
  for (size_t i = 0; i < o->nrec; i++) {
    if (o->rec[i].rr.type == MP_T_CNAME && !o->rec[i].after_timeout) {
      return &o->rec[i].rr;
    }
  }
  return NULL;
}

/* Records of type served at o, copied (shallow) into out; returns how
 * many. */
static size_t collect(const struct owner *o, uint16_t type, struct mp_rr *out)
{
  size_t n = 0;

  for (size_t i = 0; i < o->nrec; i++) {
    if (o->rec[i].rr.type == type && !o->rec[i].after_timeout) {
      if (out) {
        out[n] = o->rec[i].rr;
      }
      n++;
    }
  }
  return n;
}

/* The answer at the end of the chain: o (NULL: the name does not exist)
 * asked for type, alias the CNAME target reached or NULL. */
static struct mp_answer *answer_at(const struct owner *o, uint16_t type,
                                   const char *alias)
{
  size_t n = o ? collect(o, type, NULL) : 0;
  struct mp_rr *rr;
  struct mp_answer *a;

  if (!o) {
    return mp_answer_build(MP_OUTCOME_NXDOMAIN, 3, type, NULL, 0, alias);
  }
  if (o->timeout && n == 0) {
    return mp_answer_new(MP_OUTCOME_TIMEOUT, -1, type);
  }
  if (n == 0) {
    return mp_answer_build(MP_OUTCOME_NODATA, 0, type, NULL, 0, alias);
  }
  rr = mp_malloc(n * sizeof(*rr));
  collect(o, type, rr);
  a = mp_answer_build(MP_OUTCOME_OK, 0, type, rr, n, alias);
  mp_free(rr);
  return a;
}

struct mp_answer *mp_memzone_query(struct mp_memzone *z, const char *name,
                                   uint16_t type)
{
  char chain[MP_MEMZONE_CNAME_MAX + 1][MP_NAME_TEXT_MAX + 1];
  const struct owner *o;
  const struct mp_rr *target;
  size_t hops = 0;

  z->queries++;
  if (type < 256) {
    z->by_type[type]++;
  }
  /* the same check as the resolver's before it sends anything: name is
   * presentation form, as the cache passes it */
  if (mp_dnsname_canon(name, chain[0]) < 0) {
    return mp_answer_new(MP_OUTCOME_ERROR, -1, type);
  }
  /* RFC 1034 section 3.6.2: a resolver follows the chain and answers with
   * the records of its end. */
  while ((o = find(z, chain[hops])) && type != MP_T_CNAME &&
         (target = alias_of(o))) {
    if (hops == MP_MEMZONE_CNAME_MAX) {
      return mp_answer_new(MP_OUTCOME_SERVFAIL, 2, type);
    }
    for (size_t i = 0; i <= hops; i++) {
      if (strcmp(chain[i], target->data) == 0) {
        return mp_answer_new(MP_OUTCOME_SERVFAIL, 2, type); /* a loop */
      }
    }
    hops++;
    memcpy(chain[hops], target->data, target->len + 1);
  }
  return answer_at(o, type, hops ? chain[hops] : NULL);
}

uint64_t mp_memzone_queries(const struct mp_memzone *z)
{
  return z->queries;
}

uint64_t mp_memzone_queries_of(const struct mp_memzone *z, uint16_t type)
{
  return type < 256 ? z->by_type[type] : 0;
}

void mp_memzone_fetch(void *ctx, struct mp_cache *c, struct mp_cache_entry *e,
                      const char *name, uint16_t type)
{
  struct mp_answer *a = mp_memzone_query(ctx, name, type);

  mp_cache_fill(c, e, a); /* the cache takes its own reference */
  mp_answer_unref(a);
}
