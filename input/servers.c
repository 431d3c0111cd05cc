#include "input/servers.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "input/reader.h"

/* Fills *out from the address text s[0..n) of the given family, or of
 * either family when family is AF_UNSPEC. Returns false when it is not an
 * address (inet_pton also rejects scope ids such as "fe80::1%eth0"). */
static bool set_addr(const char *s, size_t n, int family, uint16_t port,
                     struct mp_server *out)
{
  char host[INET6_ADDRSTRLEN];
  char canon[INET6_ADDRSTRLEN];
  struct mp_server sv = {0};
  int len;

  if (n == 0 || n >= sizeof(host)) {
    return false;
  }
  memcpy(host, s, n);
  host[n] = '\0';
  if (family != AF_INET6 && inet_pton(AF_INET, host, sv.addr) == 1) {
    sv.family = AF_INET;
  } else if (family != AF_INET && inet_pton(AF_INET6, host, sv.addr) == 1) {
    sv.family = AF_INET6;
  } else {
    return false;
  }
  if (!inet_ntop(sv.family, sv.addr, canon, sizeof(canon))) {
    return false;
  }
  sv.port = port;
  len = snprintf(sv.text, sizeof(sv.text),
                 sv.family == AF_INET6 ? "[%s]:%u" : "%s:%u", canon,
                 (unsigned)port);
  if (len < 0 || (size_t)len >= sizeof(sv.text)) {
    return false;
  }
  *out = sv;
  return true;
}

/* Parses a decimal port 1..65535 that makes up all of s. */
static bool parse_port(const char *s, uint16_t *out)
{
  unsigned v = 0;
  size_t i;

  for (i = 0; s[i] >= '0' && s[i] <= '9'; i++) {
    if (i >= 5) {
      return false;
    }
    v = v * 10 + (unsigned)(s[i] - '0');
  }
  if (i == 0 || s[i] != '\0' || v < 1 || v > 65535) {
    return false;
  }
  *out = (uint16_t)v;
  return true;
}

int mp_servers_parse(const char *s, struct mp_server *out)
{
  uint16_t port = MP_SERVER_PORT;
  const char *end, *colon;
  int family;

  if (!s) {
    return -EINVAL;
  }
  if (s[0] == '[') {
    /* "[IPv6]" or "[IPv6]:PORT" */
    s++;
    if (!(end = strchr(s, ']')) ||
        (end[1] != '\0' && (end[1] != ':' || !parse_port(end + 2, &port)))) {
      return -EINVAL;
    }
    family = AF_INET6;
  } else if ((colon = strchr(s, ':')) && !strchr(colon + 1, ':')) {
    /* One colon: "IPv4:PORT" (an IPv6 address has at least two). */
    if (!parse_port(colon + 1, &port)) {
      return -EINVAL;
    }
    end = colon;
    family = AF_INET;
  } else {
    /* "IPv4", or a bare "IPv6" whose colons leave no room for a port. */
    end = s + strlen(s);
    family = AF_UNSPEC;
  }
  return set_addr(s, (size_t)(end - s), family, port, out) ? 0 : -EINVAL;
}

static bool is_blank(char c)
{
  return c == ' ' || c == '\t';
}

/* Parses "nameserver ADDRESS [ignored...]" (resolv.conf(5)): a bare
 * address, port 53. Returns false for any other line. */
static bool parse_conf_line(const char *s, size_t n, struct mp_server *out)
{
  static const char key[] = "nameserver";
  size_t i = 0, start;

  while (i < n && is_blank(s[i])) {
    i++;
  }
  if (n - i <= sizeof(key) - 1 || memcmp(s + i, key, sizeof(key) - 1) != 0 ||
      !is_blank(s[i + sizeof(key) - 1])) {
    return false;
  }
  i += sizeof(key) - 1;
  while (i < n && is_blank(s[i])) {
    i++;
  }
  start = i;
  while (i < n && !is_blank(s[i])) {
    i++;
  }
  return set_addr(s + start, i - start, AF_UNSPEC, MP_SERVER_PORT, out);
}

int mp_servers_load_conf(const char *path, struct mp_server *out, size_t max)
{
  struct mp_reader *r;
  struct mp_line line;
  size_t count = 0;
  ssize_t got = 1;
  int fd, rc;

  if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
    return -errno;
  }
  r = mp_reader_new();
  while (count < max && got != 0) {
    if ((got = mp_reader_fill(r, fd)) < 0) {
      break;
    }
    while (count < max && mp_reader_next(r, &line) == 1) {
      /* Comment lines start with '#' or ';' and never parse. */
      count += parse_conf_line(line.text, line.len, &out[count]);
    }
  }
  rc = got < 0 ? (int)got : (int)count;
  mp_reader_free(r);
  close(fd);
  return rc;
}
