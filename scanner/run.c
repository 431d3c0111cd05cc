/* The summary's "run" object: the values (run.h). */
#include "scanner/run.h"

#include <errno.h>
#include <string.h>
#include <sys/time.h>
#include <uv.h>

#include "scanner/checks/registry.h"
#include "scanner/dns/channel.h"

#define MP_VERSION "0.1.0"

static const char *const list_formats[] = {"auto", "plain", "tranco"};

static int64_t now_us(void)
{
  struct timeval tv;

  gettimeofday(&tv, NULL);
  return (int64_t)tv.tv_sec * 1000000 + tv.tv_usec;
}

static void add(struct mp_run_list *l, const char *s)
{
  if (l->n < MP_RUN_LIST_MAX) {
    l->v[l->n++] = s;
  }
}

void mp_run_versions(FILE *f)
{
  fprintf(f, "mailposture %s (c-ares %s, libuv %s)\n", MP_VERSION,
          mp_chan_library_version(), uv_version_string());
}

static void options(struct mp_run_info *r, const struct mp_config *c)
{
  r->format = c->format;
  r->input_format = list_formats[c->list_format];
  r->shard_k = c->shard.k;
  r->shard_n = c->shard.n;
  for (size_t i = 0; i < c->nservers; i++) {
    add(&r->resolvers, c->servers[i].text);
  }
  for (size_t i = 0; mp_check_name(i); i++) {
    if (c->checks & (1u << i)) {
      add(&r->checks, mp_check_name(i));
    }
  }
  for (size_t i = 0; c->dkim_selectors && c->dkim_selectors[i]; i++) {
    add(&r->dkim_selectors, c->dkim_selectors[i]);
  }
  for (size_t i = 0; i < c->ndkim_required; i++) {
    add(&r->dkim_require, c->dkim_required[i].spec);
  }
  for (size_t i = 0; i < c->nspf_ips; i++) {
    add(&r->spf_ips, c->spf_ips[i].text);
  }
  for (size_t i = 0; i < c->nspf_includes; i++) {
    add(&r->spf_includes, c->spf_includes[i]);
  }
  r->spf_sender = c->spf_sender;
  r->spf_helo = c->spf_helo;
  r->window = c->window;
  r->concurrency = c->concurrency;
  r->fixed_window = c->fixed_window;
  r->qps = c->qps;
  r->timeout_ms = c->timeout_ms;
  r->retries = c->retries;
}

void mp_run_begin(struct mp_run_info *r, const struct mp_config *c,
                  const struct mp_input_id *id)
{
  memset(r, 0, sizeof(*r));
  r->start_us = now_us();
  r->version = MP_VERSION;
  r->cares_version = mp_chan_library_version();
  r->libuv_version = uv_version_string();
  options(r, c);
  mp_run_info_psl(r, c->psl_file);
  r->input_path = c->input;
  r->ndomains = c->ndomains;
  if (id && id->known) {
    r->input_known = true;
    r->input_size = id->size;
    r->input_hash = id->hash;
  }
}

void mp_run_end(struct mp_run_info *r, const struct mp_config *c, uint64_t rows,
                uint64_t resumed_rows, int rc)
{
  r->end_us = now_us();
  r->rows = rows;
  r->resumed_rows = resumed_rows;
  r->state = rc == -EINTR ? MP_RUN_INTERRUPTED
             : rc < 0     ? MP_RUN_FAILED
             : c->resume  ? MP_RUN_RESUMED
                          : MP_RUN_COMPLETED;
}
