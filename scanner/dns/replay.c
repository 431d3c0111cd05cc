#include "scanner/dns/replay.h"

#include <string.h>

#include "scanner/base/alloc.h"
#include "scanner/dns/dnsname.h"

void mp_replay_init(struct mp_replay *rp, struct mp_cache *cache)
{
  memset(rp, 0, sizeof(*rp));
  rp->cache = cache;
}

void mp_replay_reset(struct mp_replay *rp)
{
  for (size_t i = 0; i < rp->npins; i++) {
    mp_cache_unref(rp->cache, rp->pins[i].e);
  }
  rp->npins = 0;
  rp->npending = 0;
}

void mp_replay_close(struct mp_replay *rp)
{
  mp_replay_reset(rp);
  mp_free(rp->pins);
  mp_free(rp->pending);
  rp->pins = NULL;
  rp->pending = NULL;
  rp->cappins = rp->cappending = 0;
}

void mp_replay_begin(struct mp_replay *rp)
{
  rp->npending = 0;
}

static void push(struct mp_cache_entry ***arr, size_t *n, size_t *cap,
                 struct mp_cache_entry *e)
{
  if (*n == *cap) {
    *cap = *cap ? *cap * 2 : 16;
    *arr = mp_realloc(*arr, *cap * sizeof(**arr));
  }
  (*arr)[(*n)++] = e;
}

static void pin(struct mp_replay *rp, struct mp_cache_entry *e,
                enum mp_cache_kind kind)
{
  if (rp->npins == rp->cappins) {
    rp->cappins = rp->cappins ? rp->cappins * 2 : 16;
    rp->pins = mp_realloc(rp->pins, rp->cappins * sizeof(*rp->pins));
  }
  rp->pins[rp->npins++] = (struct mp_replay_pin){
      .e = e,
      .len = strlen(mp_cache_name(e)),
      .type = mp_cache_type(e),
      .kind = kind,
  };
}

/* The answer an earlier run got for (name, type) asked as kind, if it is
 * one the cache would hand back unchanged: an answer that is no failure
 * (a held one is neither refreshed nor dropped), and the same kind (a get
 * as another kind may change what the entry is kept as). A replay asks for
 * the same names in the same order, so the scan is short. */
static struct mp_cache_entry *pinned(const struct mp_replay *rp,
                                     const char *name, uint16_t type,
                                     enum mp_cache_kind kind)
{
  size_t len = strlen(name);

  for (size_t i = 0; i < rp->npins; i++) {
    const struct mp_replay_pin *p = &rp->pins[i];
    const struct mp_answer *a;

    if (p->len == len && p->type == type && p->kind == kind &&
        (a = mp_cache_answer(p->e)) && !mp_outcome_failed(a->outcome) &&
        memcmp(mp_cache_name(p->e), name, len) == 0) {
      return p->e;
    }
  }
  return NULL;
}

static const struct mp_answer *get(struct mp_replay *rp, const char *name,
                                   uint16_t type, enum mp_cache_kind kind,
                                   struct mp_cache_entry **entry)
{
  static struct mp_answer nonexistent = {
      .refs = 1, .outcome = MP_OUTCOME_NXDOMAIN, .rcode = 3};
  static struct mp_answer not_asked = {
      .refs = 1, .outcome = MP_OUTCOME_TIMEOUT, .rcode = -1};
  struct mp_cache_entry *e;
  const struct mp_answer *a;

  if (entry) {
    *entry = NULL;
  }
  if (rp->dead_zone && *rp->dead_zone &&
      mp_dnsname_text_at_or_below(name, strlen(name), *rp->dead_zone)) {
    return mp_dnswire_labels(name) == 0 ? &nonexistent : &not_asked;
  }
  /* A pinned name was askable: its labels need no counting again. */
  if ((e = pinned(rp, name, type, kind))) {
    if (entry) {
      *entry = e;
    }
    return mp_cache_answer(e);
  }
  if (mp_dnswire_labels(name) == 0) {
    return &nonexistent;
  }
  uint64_t fetches = mp_cache_stats(rp->cache)->fetches;

  e = mp_cache_get_kind(rp->cache, name, type, kind);
  if (rp->counts && mp_cache_stats(rp->cache)->fetches != fetches) {
    rp->counts->fetches++;
    rp->counts->txt += type == MP_T_TXT;
  }
  pin(rp, e, kind);
  if (!(a = mp_cache_answer(e))) {
    for (size_t i = 0; i < rp->npending; i++) {
      if (rp->pending[i] == e) {
        return NULL;
      }
    }
    push(&rp->pending, &rp->npending, &rp->cappending, e);
    return NULL;
  }
  if (entry) {
    *entry = e;
  }
  return a;
}

const struct mp_answer *mp_replay_get(struct mp_replay *rp, const char *name,
                                      uint16_t type,
                                      struct mp_cache_entry **entry)
{
  return get(rp, name, type, rp->kind, entry);
}

const struct mp_answer *mp_replay_get_as(struct mp_replay *rp, const char *name,
                                         uint16_t type, enum mp_cache_kind kind)
{
  return get(rp, name, type, kind, NULL);
}
