#ifndef MP_SCANNER_DNS_DGRAM_H
#define MP_SCANNER_DNS_DGRAM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>

/* Batched datagrams on one connected UDP socket: queries queued and sent
 * with one sendmmsg(2), replies read with one recvmmsg(2) and handed out
 * one at a time. A system call per datagram is most of what a query costs
 * the kernel here (bench/udp_bench.c); c-ares 1.18 makes one per query each
 * way, so channel.c gives it these through its socket functions. */

#define MP_DGRAM_BATCH 32
#define MP_DGRAM_OUT   512  /* a query: MP_QUERY_MAX fits */
#define MP_DGRAM_IN    4097 /* a reply: as c-ares' own buffer */

/* Replies read in one batch. One serves every socket of a loop: a socket's
 * replies are handed out before another socket reads (what is left of
 * them then is dropped), so memory does not grow with the sockets. */
struct mp_dgram_ring {
  int fd; /* whose replies these are; -1: none */
  unsigned nin, next;
  uint16_t len[MP_DGRAM_BATCH];
  socklen_t from_len[MP_DGRAM_BATCH];
  struct sockaddr_storage from[MP_DGRAM_BATCH];
  uint8_t buf[MP_DGRAM_BATCH][MP_DGRAM_IN];
};

struct mp_dgram {
  int fd;  /* -1: none */
  int err; /* a send's error, for the next read: not lost */
  unsigned nout;
  uint64_t told; /* datagrams and errors mp_dgram_recv handed out */
  struct mp_dgram_ring *ring;
  uint16_t out_len[MP_DGRAM_BATCH];
  uint8_t out[MP_DGRAM_BATCH][MP_DGRAM_OUT];
};

/* An empty ring (fd -1). */
void mp_dgram_ring_init(struct mp_dgram_ring *ring);

/* d for the connected UDP socket fd, reading through ring (borrowed); d
 * was closed, or zeroed with fd -1. */
void mp_dgram_open(struct mp_dgram *d, int fd, struct mp_dgram_ring *ring);

/* Drops what is queued, and what the ring holds of d's; d has no socket
 * (fd -1). */
void mp_dgram_close(struct mp_dgram *d);

/* Queues iov[0..n) as one datagram, sending the queue first when it is
 * full; one over MP_DGRAM_OUT bytes goes out at once. Returns its length
 * (a send error is kept for the next mp_dgram_recv). */
ssize_t mp_dgram_send(struct mp_dgram *d, const struct iovec *iov, int n);

/* Sends what is queued. A datagram the kernel will not take now (a full
 * buffer) is dropped, as the network would: the caller's timeout covers
 * it. */
void mp_dgram_flush(struct mp_dgram *d);

/* The next datagram read, as recvfrom(2) on a non-blocking socket: its
 * length (cut to len), or -1 with errno (EAGAIN when none is waiting, or
 * a send's error kept). */
ssize_t mp_dgram_recv(struct mp_dgram *d, void *buf, size_t len,
                      struct sockaddr *from, socklen_t *fromlen);

/* Datagrams of d's read and not yet handed out, or a send's error not yet
 * told. */
bool mp_dgram_pending(const struct mp_dgram *d);

#endif
