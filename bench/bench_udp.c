/* What a query's datagrams cost the kernel: a client keeps 256 datagrams of
 * 40 bytes in flight to a loopback echo (a child process, on CPU 0 when
 * there are two), sending and reading them one system call each (as c-ares
 * 1.18 does), then through scanner/dns/dgram.c (sendmmsg, recvmmsg). The
 * echo answers in batches, as Knot does.
 * Prints the client's CPU time per round trip for each and checks that
 * every datagram came back.
 *
 * bench_udp [--tiny]  (--tiny: a few datagrams, for CI) */
#define _GNU_SOURCE /* sched_setaffinity */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "scanner/dns/dgram.h"

#define WINDOW 256
#define SIZE   40

static double cpu_s(void)
{
  struct timespec ts;

  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void pin(size_t cpu)
{
  cpu_set_t set;

  if (sysconf(_SC_NPROCESSORS_ONLN) >= 2) {
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    sched_setaffinity(0, sizeof(set), &set);
  }
}

static struct mp_dgram_ring ring;

/* The server: echoes what it reads in batches (as Knot reads and answers
 * with recvmmsg and sendmmsg), so the client gets its replies in bursts. */
static void echo(int fd)
{
  struct mmsghdr m[MP_DGRAM_BATCH];
  struct iovec v[MP_DGRAM_BATCH];
  struct sockaddr_storage from[MP_DGRAM_BATCH];
  static char buf[MP_DGRAM_BATCH][512];

  pin(0);
  for (;;) {
    int n;

    memset(m, 0, sizeof(m));
    for (int i = 0; i < MP_DGRAM_BATCH; i++) {
      v[i] = (struct iovec){buf[i], sizeof(buf[i])};
      m[i].msg_hdr.msg_iov = &v[i];
      m[i].msg_hdr.msg_iovlen = 1;
      m[i].msg_hdr.msg_name = &from[i];
      m[i].msg_hdr.msg_namelen = sizeof(from[i]);
    }
    poll(&(struct pollfd){fd, POLLIN, 0}, 1, -1);
    if ((n = recvmmsg(fd, m, MP_DGRAM_BATCH, MSG_DONTWAIT, NULL)) > 0) {
      for (int i = 0; i < n; i++) {
        v[i].iov_len = m[i].msg_len;
      }
      sendmmsg(fd, m, (unsigned)n, 0);
    }
  }
}

/* One run of total round trips; returns the CPU seconds, or -1 when a
 * datagram did not come back within a second. */
static double run(int fd, long total, bool batched)
{
  struct mp_dgram d = {.fd = -1};
  char q[SIZE], buf[512];
  long sent = 0, got = 0;
  double t0 = cpu_s();

  memset(q, 'q', sizeof(q));
  mp_dgram_ring_init(&ring);
  mp_dgram_open(&d, fd, &ring);
  while (got < total) {
    for (; sent < total && sent - got < WINDOW; sent++) {
      struct iovec iov = {q, sizeof(q)};

      if (batched) {
        mp_dgram_send(&d, &iov, 1);
      } else if (send(fd, q, sizeof(q), 0) < 0) {
        break;
      }
    }
    mp_dgram_flush(&d);
    if (poll(&(struct pollfd){fd, POLLIN, 0}, 1, 1000) != 1) {
      mp_dgram_close(&d);
      return -1;
    }
    while ((batched ? mp_dgram_recv(&d, buf, sizeof(buf), NULL, NULL)
                    : recv(fd, buf, sizeof(buf), MSG_DONTWAIT)) > 0) {
      got++;
    }
  }
  mp_dgram_close(&d);
  return cpu_s() - t0;
}

int main(int argc, char **argv)
{
  long total = argc > 1 && strcmp(argv[1], "--tiny") == 0 ? 2000 : 1000000;
  struct sockaddr_in a = {.sin_family = AF_INET};
  socklen_t len = sizeof(a);
  int server = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  int client = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
  int rcvbuf = 4 << 20, rc = 0;
  pid_t child;

  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (server < 0 || client < 0 ||
      bind(server, (struct sockaddr *)&a, sizeof(a)) != 0 ||
      getsockname(server, (struct sockaddr *)&a, &len) != 0 ||
      connect(client, (struct sockaddr *)&a, sizeof(a)) != 0) {
    perror("bench_udp: socket");
    return 1;
  }
  setsockopt(server, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
  setsockopt(client, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof(rcvbuf));
  if ((child = fork()) == 0) {
    echo(server);
  }
  pin(1);
  for (int round = 0; round < 2; round++) {
    double plain = run(client, total, false);
    double batched = run(client, total, true);

    if (plain < 0 || batched < 0) {
      fprintf(stderr, "bench_udp: datagrams lost on loopback\n");
      rc = 1;
      break;
    }
    printf("udp round trips (%ld, %d in flight): one syscall each %.2f "
           "us of CPU, batched %.2f us (%.0f%% less)\n",
           total, WINDOW, plain * 1e6 / (double)total,
           batched * 1e6 / (double)total, 100.0 * (1.0 - batched / plain));
  }
  kill(child, SIGKILL);
  waitpid(child, NULL, 0);
  return rc;
}
