#define _GNU_SOURCE /* sendmmsg, recvmmsg */
#include "scanner/dns/dgram.h"

#include <errno.h>
#include <string.h>

void mp_dgram_ring_init(struct mp_dgram_ring *ring)
{
  ring->fd = -1;
  ring->nin = ring->next = 0;
}

void mp_dgram_open(struct mp_dgram *d, int fd, struct mp_dgram_ring *ring)
{
  mp_dgram_close(d);
  d->fd = fd;
  d->ring = ring;
}

void mp_dgram_close(struct mp_dgram *d)
{
  if (d->ring && d->ring->fd == d->fd) {
    mp_dgram_ring_init(d->ring);
  }
  d->fd = -1;
  d->err = 0;
  d->nout = 0;
}

void mp_dgram_flush(struct mp_dgram *d)
{
  struct mmsghdr m[MP_DGRAM_BATCH];
  struct iovec v[MP_DGRAM_BATCH];
  unsigned done = 0;

  memset(m, 0, d->nout * sizeof(m[0]));
  for (unsigned i = 0; i < d->nout; i++) {
    v[i] = (struct iovec){d->out[i], d->out_len[i]};
    m[i].msg_hdr.msg_iov = &v[i];
    m[i].msg_hdr.msg_iovlen = 1;
  }
  while (done < d->nout) {
    int n = sendmmsg(d->fd, m + done, d->nout - done, 0);

    if (n > 0) {
      done += (unsigned)n;
    } else if (n < 0 && errno == EINTR) {
      continue;
    } else if (n < 0 && errno != EAGAIN && errno != ENOBUFS) {
      /* the error belongs to the socket (ECONNREFUSED from an earlier
       * datagram's ICMP, ...): the reader learns it, the rest still go */
      d->err = errno;
      done++;
    } else {
      break; /* the kernel takes no more now: dropped */
    }
  }
  d->nout = 0;
}

ssize_t mp_dgram_send(struct mp_dgram *d, const struct iovec *iov, int n)
{
  size_t len = 0;

  for (int i = 0; i < n; i++) {
    len += iov[i].iov_len;
  }
  if (len > MP_DGRAM_OUT) {
    mp_dgram_flush(d); /* in order */
    return writev(d->fd, iov, n);
  }
  if (d->nout == MP_DGRAM_BATCH) {
    mp_dgram_flush(d);
  }
  len = 0;
  for (int i = 0; i < n; i++) {
    memcpy(d->out[d->nout] + len, iov[i].iov_base, iov[i].iov_len);
    len += iov[i].iov_len;
  }
  d->out_len[d->nout++] = (uint16_t)len;
  return (ssize_t)len;
}

/* Reads what is waiting for d, up to a batch; false (errno set) when
 * none. */
static bool refill(struct mp_dgram *d)
{
  struct mp_dgram_ring *r = d->ring;
  struct mmsghdr m[MP_DGRAM_BATCH];
  struct iovec v[MP_DGRAM_BATCH];
  int n;

  memset(m, 0, sizeof(m));
  for (unsigned i = 0; i < MP_DGRAM_BATCH; i++) {
    v[i] = (struct iovec){r->buf[i], MP_DGRAM_IN};
    m[i].msg_hdr.msg_iov = &v[i];
    m[i].msg_hdr.msg_iovlen = 1;
    m[i].msg_hdr.msg_name = &r->from[i];
    m[i].msg_hdr.msg_namelen = sizeof(r->from[i]);
  }
  r->fd = d->fd;
  r->nin = r->next = 0;
  do {
    n = recvmmsg(d->fd, m, MP_DGRAM_BATCH, MSG_DONTWAIT, NULL);
  } while (n < 0 && errno == EINTR);
  if (n <= 0) {
    if (n == 0) {
      errno = EAGAIN;
    }
    return false;
  }
  for (int i = 0; i < n; i++) {
    r->len[i] = (uint16_t)m[i].msg_len;
    r->from_len[i] = m[i].msg_hdr.msg_namelen;
  }
  r->nin = (unsigned)n;
  return true;
}

ssize_t mp_dgram_recv(struct mp_dgram *d, void *buf, size_t len,
                      struct sockaddr *from, socklen_t *fromlen)
{
  struct mp_dgram_ring *r = d->ring;
  unsigned i;
  size_t n;

  if (d->err) {
    errno = d->err;
    d->err = 0;
    d->told++;
    return -1;
  }
  if ((r->fd != d->fd || r->next == r->nin) && !refill(d)) {
    return -1;
  }
  d->told++;
  i = r->next++;
  n = r->len[i] < len ? r->len[i] : len;
  memcpy(buf, r->buf[i], n);
  if (from && fromlen) {
    socklen_t fl = r->from_len[i] < *fromlen ? r->from_len[i] : *fromlen;

    memcpy(from, &r->from[i], fl);
    *fromlen = r->from_len[i];
  }
  return (ssize_t)n;
}

bool mp_dgram_pending(const struct mp_dgram *d)
{
  return d->err != 0 || (d->ring->fd == d->fd && d->ring->next < d->ring->nin);
}
