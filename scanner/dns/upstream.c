#include "scanner/dns/upstream.h"

#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "scanner/base/alloc.h"
#include "scanner/base/log.h"

#define CHAN_SENDS 20000 /* attempts a channel sends before renewal */
#define CHAN_AGE   (60 * 1000000000ull)

static void on_gone(void *ctx)
{
  struct mp_upstream *up = ctx;

  if (--up->live == 0 && up->closing && up->closed) {
    up->closed(up->ctx);
  }
}

static struct mp_chan *new_chan(struct mp_upstream *up,
                                const struct mp_chan_opts *o)
{
  struct mp_chan *c = mp_chan_new(o);

  up->live += c != NULL;
  return c;
}

int mp_upstream_init(struct mp_upstream *up, const struct mp_server *addr,
                     const struct mp_chan_opts *chan,
                     const struct mp_control_opts *ctl, uint64_t now)
{
  char ip[INET6_ADDRSTRLEN];
  struct mp_chan_opts tcp;

  memset(up, 0, sizeof(*up));
  up->addr = *addr;
  up->up = true;
  inet_ntop(addr->family, addr->addr, ip, sizeof(ip));
  snprintf(up->label, sizeof(up->label),
           addr->family == AF_INET6 ? "[%s]:%u" : "%s:%u", ip, addr->port);
  up->chan_opts = *chan;
  up->chan_opts.server = &up->addr;
  up->chan_opts.gone = on_gone;
  up->chan_opts.ctx = up;
  mp_control_init(&up->ctl, ctl, now);
  tcp = up->chan_opts;
  tcp.tcp = true;
  tcp.timeout_ms = (unsigned)(ctl->timeout_ns / 1000000);
  for (unsigned i = 0; i < MP_UPSTREAM_CHANNELS; i++) {
    if (!(up->chans[i] = new_chan(up, &up->chan_opts))) {
      mp_upstream_close(up, NULL, NULL);
      return -EINVAL;
    }
  }
  if (!(up->tcp = new_chan(up, &tcp))) {
    mp_upstream_close(up, NULL, NULL);
    return -EINVAL;
  }
  return 0;
}

void mp_upstream_close(struct mp_upstream *up, void (*closed)(void *ctx),
                       void *ctx)
{
  /* a channel without open sockets is gone at once, inside mp_chan_free:
   * the callback is set after the loop so it runs exactly once */
  up->closing = true;
  up->closed = NULL;
  for (size_t i = 0; i < MP_UPSTREAM_CHANNELS; i++) {
    if (up->chans[i]) {
      mp_chan_free(up->chans[i]);
      up->chans[i] = NULL;
    }
  }
  if (up->tcp) {
    mp_chan_free(up->tcp);
    up->tcp = NULL;
  }
  while (up->nretired) {
    mp_chan_free(up->retired[--up->nretired]);
  }
  mp_free(up->retired);
  up->retired = NULL;
  up->closed = closed;
  up->ctx = ctx;
  if (up->live == 0 && closed) {
    closed(ctx);
  }
}

/* --- channels ------------------------------------------------------------
 */

struct mp_chan *mp_upstream_chan(struct mp_upstream *up, uint64_t now)
{
  struct mp_chan **slot = &up->chans[up->next_chan++ % MP_UPSTREAM_CHANNELS];
  struct mp_chan *c = *slot, *fresh;

  if ((mp_chan_sends(c) >= CHAN_SENDS ||
       now - mp_chan_born_ns(c) >= CHAN_AGE) &&
      (fresh = new_chan(up, &up->chan_opts))) {
    if (up->nretired == up->capretired) {
      up->capretired = up->capretired ? 2 * up->capretired : 4;
      up->retired =
          mp_realloc(up->retired, up->capretired * sizeof(*up->retired));
    }
    up->retired[up->nretired++] = c;
    *slot = c = fresh;
  }
  return c;
}

void mp_upstream_flush(struct mp_upstream *up)
{
  for (size_t i = 0; i < MP_UPSTREAM_CHANNELS; i++) {
    mp_chan_flush(up->chans[i]);
  }
  for (size_t i = 0; i < up->nretired; i++) {
    mp_chan_flush(up->retired[i]); /* retired with queries queued */
  }
}

void mp_upstream_tick(struct mp_upstream *up)
{
  for (size_t i = 0; i < MP_UPSTREAM_CHANNELS; i++) {
    mp_chan_tick(up->chans[i]);
  }
  mp_chan_tick(up->tcp);
  for (size_t i = 0; i < up->nretired;) {
    if (mp_chan_outstanding(up->retired[i])) {
      mp_chan_tick(up->retired[i++]);
      continue;
    }
    mp_chan_free(up->retired[i]);
    up->retired[i] = up->retired[--up->nretired];
  }
}

/* --- the attempts in the window ------------------------------------------
 */

static unsigned list_of(const struct mp_attempt *a)
{
  return a->k < MP_UPSTREAM_LISTS ? a->k : MP_UPSTREAM_LISTS - 1;
}

void mp_upstream_count(struct mp_upstream *up, struct mp_attempt *a)
{
  unsigned l = list_of(a);

  a->counted = true;
  a->next = NULL;
  a->prev = up->tail[l];
  *(a->prev ? &a->prev->next : &up->head[l]) = a;
  up->tail[l] = a;
}

void mp_upstream_uncount(struct mp_upstream *up, struct mp_attempt *a)
{
  unsigned l = list_of(a);

  assert(a->counted);
  *(a->prev ? &a->prev->next : &up->head[l]) = a->next;
  *(a->next ? &a->next->prev : &up->tail[l]) = a->prev;
  a->counted = false;
}

/* Each list is in send order and its attempts share one timeout (that of
 * their number), so only the heads can be overdue first. */
struct mp_attempt *mp_upstream_overdue(const struct mp_upstream *up,
                                       uint64_t now)
{
  for (unsigned l = 0; l < MP_UPSTREAM_LISTS; l++) {
    const struct mp_attempt *a = up->head[l];

    if (a && now - a->sent_ns >= mp_control_timeout(&up->ctl, l)) {
      return up->head[l];
    }
  }
  return NULL;
}

/* --- health --------------------------------------------------------------
 */

bool mp_upstream_failure(struct mp_upstream *up, enum mp_upstream_failure what,
                         uint64_t now)
{
  const unsigned *f = up->failed;

  up->failed[what]++;
  if (!up->up || !mp_control_failing(&up->ctl, now)) {
    return false;
  }
  up->up = false;
  up->dead = up->good_len == 0;
  up->down_ns = up->probe_ns = now;
  mp_log_warn("resolver %s is not answering (since it last did: %u "
              "timeouts, %u REFUSED, %u SERVFAIL, %u other failures): "
              "paused, asked once a second",
              up->label, f[0], f[1], f[2], f[3]);
  return true;
}

bool mp_upstream_answered(struct mp_upstream *up, uint64_t now)
{
  if (up->up) {
    return false;
  }
  mp_log_warn("resolver %s answers again", up->label);
  up->up = true;
  memset(up->failed, 0, sizeof(up->failed));
  mp_control_health_reset(&up->ctl, now);
  return true;
}

void mp_upstream_learn(struct mp_upstream *up, const uint8_t *name,
                       uint16_t type)
{
  up->good_len = mp_dnsname_wire_len(name);
  memcpy(up->good, name, up->good_len);
  up->good_type = type;
}
