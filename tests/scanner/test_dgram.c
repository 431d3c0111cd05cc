/* Batched datagrams (scanner/dns/dgram.c) between two loopback UDP
 * sockets: what is queued goes out on a flush, in order; reads hand out a
 * batch one datagram at a time; a send's error is told to the next read. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "scanner/dns/dgram.h"

static int peer = -1; /* the "server": bound, not connected */
static int client = -1;
static struct mp_dgram d = {.fd = -1};
static struct mp_dgram_ring ring;

static struct sockaddr_in bound_socket(int *fd)
{
  struct sockaddr_in a = {.sin_family = AF_INET};
  socklen_t len = sizeof(a);

  *fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  cr_assert_geq(*fd, 0);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  cr_assert_eq(bind(*fd, (struct sockaddr *)&a, sizeof(a)), 0);
  cr_assert_eq(getsockname(*fd, (struct sockaddr *)&a, &len), 0);
  return a;
}

/* client connected to peer, wrapped in d */
static void setup(void)
{
  struct sockaddr_in a = bound_socket(&peer);

  bound_socket(&client);
  cr_assert_eq(connect(client, (struct sockaddr *)&a, sizeof(a)), 0);
  mp_dgram_ring_init(&ring);
  mp_dgram_open(&d, client, &ring);
}

static void teardown(void)
{
  mp_dgram_close(&d);
  close(client);
  close(peer);
}

/* text as a datagram in two pieces, as c-ares' sendv may give it */
static ssize_t send_text(const char *text)
{
  char copy[MP_DGRAM_OUT + 16];
  size_t n = strlen(text);
  struct iovec iov[2] = {{copy, 1}, {copy + 1, n - 1}};

  cr_assert_lt(n, sizeof(copy));
  memcpy(copy, text, n);
  return mp_dgram_send(&d, iov, 2);
}

/* The next datagram at peer as text ("" when none), replied back. */
static const char *at_peer(char *buf, size_t cap)
{
  struct sockaddr_in from;
  socklen_t len = sizeof(from);
  ssize_t n = recvfrom(peer, buf, cap - 1, 0, (struct sockaddr *)&from, &len);

  buf[n > 0 ? n : 0] = '\0';
  if (n > 0) {
    cr_assert_eq(sendto(peer, buf, (size_t)n, 0, (struct sockaddr *)&from, len),
                 n);
  }
  return buf;
}

TestSuite(dgram, .init = setup, .fini = teardown);

Test(dgram, queued_until_flushed_then_in_order)
{
  char buf[64];

  cr_assert_eq(send_text("one"), 3);
  cr_assert_eq(send_text("two"), 3);
  cr_assert_str_eq(at_peer(buf, sizeof(buf)), "", "sent before the flush");
  mp_dgram_flush(&d);
  cr_assert_str_eq(at_peer(buf, sizeof(buf)), "one");
  cr_assert_str_eq(at_peer(buf, sizeof(buf)), "two");
  cr_assert_str_eq(at_peer(buf, sizeof(buf)), "");
}

Test(dgram, a_full_queue_goes_out_and_the_replies_come_one_by_one)
{
  const unsigned n = MP_DGRAM_BATCH * 2 + 3;
  char buf[64], want[16];
  struct sockaddr_in from, server;
  socklen_t len = sizeof(server);

  cr_assert_eq(getsockname(peer, (struct sockaddr *)&server, &len), 0);
  for (unsigned i = 0; i < n; i++) {
    snprintf(want, sizeof(want), "q%u", i);
    cr_assert_eq(send_text(want), (ssize_t)strlen(want));
  }
  mp_dgram_flush(&d);
  for (unsigned i = 0; i < n; i++) {
    snprintf(want, sizeof(want), "q%u", i);
    cr_assert_str_eq(at_peer(buf, sizeof(buf)), want);
  }
  for (unsigned i = 0; i < n; i++) {
    ssize_t got;

    len = sizeof(from);
    got =
        mp_dgram_recv(&d, buf, sizeof(buf) - 1, (struct sockaddr *)&from, &len);
    cr_assert_gt(got, 0, "reply %u: %s", i, strerror(errno));
    buf[got] = '\0';
    snprintf(want, sizeof(want), "q%u", i);
    cr_assert_str_eq(buf, want);
    cr_assert_eq(len, sizeof(server));
    cr_assert_eq(from.sin_port, server.sin_port);
    cr_assert_eq(from.sin_addr.s_addr, server.sin_addr.s_addr);
  }
  cr_assert_not(mp_dgram_pending(&d));
  cr_assert_eq(mp_dgram_recv(&d, buf, sizeof(buf), NULL, NULL), -1);
  cr_assert_eq(errno, EAGAIN);
}

Test(dgram, a_reply_longer_than_the_buffer_is_cut)
{
  char buf[8];

  cr_assert_eq(send_text("0123456789"), 10);
  mp_dgram_flush(&d);
  at_peer((char[64]){0}, 64);
  cr_assert_eq(mp_dgram_recv(&d, buf, 4, NULL, NULL), 4);
  cr_assert_eq(memcmp(buf, "0123", 4), 0);
}

Test(dgram, one_too_big_to_queue_goes_after_the_queued_ones)
{
  char big[MP_DGRAM_OUT + 10], buf[sizeof(big) + 1];

  memset(big, 'b', sizeof(big) - 1);
  big[sizeof(big) - 1] = '\0';
  cr_assert_eq(send_text("first"), 5);
  cr_assert_eq(send_text(big), (ssize_t)strlen(big));
  cr_assert_str_eq(at_peer(buf, sizeof(buf)), "first");
  cr_assert_str_eq(at_peer(buf, sizeof(buf)), big);
}

/* A port nobody listens on: the ICMP error of the first datagram is the
 * socket's; the second flush's sendmmsg takes it, and the next read tells
 * it (once), as a read of the socket would have. */
Test(dgram, a_send_error_is_told_to_the_next_read)
{
  char buf[16];

  close(peer);
  peer = -1;
  cr_assert_eq(send_text("lost"), 4);
  mp_dgram_flush(&d);
  /* the ICMP error is the socket's */
  cr_assert_eq(poll(&(struct pollfd){client, POLLIN, 0}, 1, 2000), 1);
  cr_assert_eq(send_text("again"), 5);
  mp_dgram_flush(&d);
  cr_assert(mp_dgram_pending(&d));
  cr_assert_eq(mp_dgram_recv(&d, buf, sizeof(buf), NULL, NULL), -1);
  cr_assert_eq(errno, ECONNREFUSED);
  cr_assert_not(mp_dgram_pending(&d));
}
