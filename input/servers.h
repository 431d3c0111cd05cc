#ifndef MP_INPUT_SERVERS_H
#define MP_INPUT_SERVERS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

/* Resolver addresses: from the command line ("IP[:PORT]", "[IPv6]:PORT")
 * or from the nameserver lines of a resolv.conf. */

#define MP_SERVER_PORT 53

struct mp_server {
  int family;       /* AF_INET or AF_INET6 */
  uint8_t addr[16]; /* network order; 4 bytes used for AF_INET */
  uint16_t port;    /* host order; 53 by default */
  char text[64];    /* canonical "1.2.3.4:53" or "[::1]:53" */
};

/* Parses one resolver address into *out: "IP", "IP:PORT", "[IPv6]",
 * "[IPv6]:PORT" or a bare "IPv6" (which takes no port). The port is decimal
 * 1..65535, 53 when absent. Returns 0, or -EINVAL (then *out is
 * unchanged). */
int mp_servers_parse(const char *s, struct mp_server *out);

/* Reads the "nameserver ADDRESS" lines of a resolv.conf file and stores up
 * to max of them in out[], in file order, with port 53. Comments ('#', ';'),
 * other options, addresses with a scope id ("fe80::1%eth0") and malformed
 * lines are skipped without error. Returns how many were stored, or a
 * negative errno when the file cannot be opened or read. */
int mp_servers_load_conf(const char *path, struct mp_server *out, size_t max);

#endif
