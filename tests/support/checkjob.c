#include "tests/support/checkjob.h"

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/dns/cache.h"

static void submit(struct mp_job *j, const char *name, uint16_t type,
                   struct mp_waiter *w)
{
  struct mp_checkjob *h = j->owner;
  struct mp_answer *a = mp_memzone_query(h->zone, name, type);

  w->cb(w, a);
  mp_answer_unref(a);
}

void mp_checkjob_open(struct mp_checkjob *h, struct mp_config *cfg)
{
  struct mp_cache_opts o = {.max_bytes = 1 << 20,
                            .max_ttl = 86400,
                            .neg_ttl = 3600,
                            .fail_ttl = 3600,
                            .fetch = mp_memzone_fetch};

  memset(h, 0, sizeof(*h));
  h->zone = mp_memzone_new();
  o.fetch_ctx = h->zone;
  h->cache = mp_cache_new(&o);
  mp_config_init(cfg);
  h->job = calloc(1, sizeof(*h->job));
  cr_assert_not_null(h->job);
  h->job->cache = h->cache;
  h->job->cfg = cfg;
  h->job->counts = &h->counts;
  h->job->owner = h;
  h->job->submit = submit;
  mp_job_init_checks(h->job);
}

void mp_checkjob_close(struct mp_checkjob *h)
{
  mp_job_reset(h->job);
  mp_job_close_checks(h->job);
  free(h->job);
  mp_cache_free(h->cache);
  mp_memzone_free(h->zone);
}
