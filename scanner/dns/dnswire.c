#include "scanner/dns/dnswire.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/socket.h>

#include "scanner/base/fmt.h"
#include "scanner/dns/dnsname.h"

#define CNAME_MAX 16 /* aliases followed per reply */
#define T_OPT     41 /* the EDNS pseudo-RR (RFC 6891) */

/* Reads the possibly compressed name at *off into wire (uncompressed,
 * ASCII letters lowercased: the form names are compared in, see
 * dnsname.h) and moves *off past it; *wlen gets its length, 1 for the
 * root. Pointers must point strictly backwards, so loops cannot occur. */
static int read_name(const uint8_t *msg, size_t len, size_t *off, uint8_t *wire,
                     size_t *wlen)
{
  size_t pos = *off, end = 0, o = 0;
  bool jumped = false;

  for (;;) {
    if (pos >= len) {
      return -EBADMSG;
    }
    uint8_t c = msg[pos];
    if ((c & 0xC0) == 0xC0) {
      if (pos + 1 >= len) {
        return -EBADMSG;
      }
      size_t target = ((size_t)(c & 0x3F) << 8) | msg[pos + 1];
      if (target >= pos) {
        return -EBADMSG;
      }
      if (!jumped) {
        end = pos + 2;
        jumped = true;
      }
      pos = target;
      continue;
    }
    if (c & 0xC0) {
      return -EBADMSG; /* the 0x40 and 0x80 label types are obsolete */
    }
    if (o + (size_t)c + 1 > MP_DNSNAME_WIRE_MAX || pos + 1 + c > len) {
      return -EBADMSG;
    }
    wire[o++] = c;
    for (size_t i = 1; i <= c; i++) {
      uint8_t b = msg[pos + i];

      wire[o++] = b >= 'A' && b <= 'Z' ? (uint8_t)(b + ('a' - 'A')) : b;
    }
    pos += (size_t)c + 1;
    if (c == 0) {
      break;
    }
  }
  *off = jumped ? end : pos;
  if (wlen) {
    *wlen = o;
  }
  return 0;
}

/* Wire names as read_name returns them (lowercase): equal octets, equal
 * names (RFC 4343). */
static bool name_eq(const uint8_t *a, const uint8_t *b)
{
  size_t la = mp_dnsname_wire_len(a);

  return la == mp_dnsname_wire_len(b) && memcmp(a, b, la) == 0;
}

static uint16_t get16(const uint8_t *p)
{
  return (uint16_t)((p[0] << 8) | p[1]);
}

static uint32_t get32(const uint8_t *p)
{
  return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
         ((uint32_t)p[2] << 8) | p[3];
}

unsigned mp_dnswire_labels(const char *name)
{
  uint8_t wire[MP_DNSNAME_WIRE_MAX];

  if (mp_dnsname_from_text(name, wire) < 0) {
    return 0;
  }
  return mp_dnsname_wire_labels(wire);
}

int mp_dnswire_query_wire(uint8_t *buf, const uint8_t *qname, uint16_t type,
                          uint16_t id, uint16_t edns_size)
{
  size_t o = 12, n = mp_dnsname_wire_len(qname);

  memset(buf, 0, 12);
  buf[0] = (uint8_t)(id >> 8);
  buf[1] = (uint8_t)id;
  buf[2] = 0x01; /* RD */
  buf[5] = 1;    /* QDCOUNT */
  memcpy(buf + o, qname, n);
  o += n;
  buf[o++] = (uint8_t)(type >> 8);
  buf[o++] = (uint8_t)type;
  buf[o++] = 0;
  buf[o++] = 1; /* class IN */
  if (edns_size) {
    static const uint8_t opt[11] = {0, 0, T_OPT}; /* root, type OPT */

    buf[11] = 1; /* ARCOUNT */
    memcpy(buf + o, opt, sizeof(opt));
    buf[o + 3] = (uint8_t)(edns_size >> 8);
    buf[o + 4] = (uint8_t)edns_size;
    o += sizeof(opt);
  }
  return (int)o;
}

int mp_dnswire_query(uint8_t *buf, const char *name, uint16_t type, uint16_t id,
                     uint16_t edns_size)
{
  uint8_t wire[MP_DNSNAME_WIRE_MAX];

  if (mp_dnsname_from_text(name, wire) < 0) {
    return -EINVAL;
  }
  return mp_dnswire_query_wire(buf, wire, type, id, edns_size);
}

void mp_dnswire_reverse(int family, const uint8_t *addr, char *out)
{
  static const char hex[] = "0123456789abcdef";
  size_t o = 0;

  if (family == AF_INET) {
    for (int i = 3; i >= 0; i--) {
      o += mp_fmt_dec(out + o, addr[i], 0);
      out[o++] = '.';
    }
    memcpy(out + o, "in-addr.arpa", sizeof("in-addr.arpa"));
    return;
  }
  for (int i = 15; i >= 0; i--) {
    out[o++] = hex[addr[i] & 15];
    out[o++] = '.';
    out[o++] = hex[addr[i] >> 4];
    out[o++] = '.';
  }
  memcpy(out + o, "ip6.arpa", sizeof("ip6.arpa"));
}

/* Walks the whole message as its header counts say (RFC 1035 section
 * 4.1): every name and record header must fit, and the last record must
 * end where the message does (bytes after it are not part of any record:
 * the message is malformed, not data). The EDNS OPT record (RFC 6891
 * section 6.1.1) may only appear once, in the additional section, owned
 * by the root; it holds the upper 8 bits of the RCODE (section 6.1.3).
 * *rcode gets the full RCODE. */
static int validate(const uint8_t *msg, size_t len, int *rcode)
{
  uint8_t name[MP_DNSNAME_WIRE_MAX];
  size_t off = 12, nlen;
  bool opt = false;

  if (len < 12 || !(msg[2] & 0x80)) {
    return -EBADMSG; /* short, or a query rather than a reply */
  }
  *rcode = msg[3] & 0x0F;
  for (unsigned i = 0; i < get16(msg + 4); i++) {
    if (read_name(msg, len, &off, name, NULL) < 0 || off + 4 > len) {
      return -EBADMSG;
    }
    off += 4;
  }
  for (unsigned s = 1; s < 4; s++) {
    for (unsigned i = 0; i < get16(msg + 4 + 2 * s); i++) {
      uint16_t type;

      if (read_name(msg, len, &off, name, &nlen) < 0 || off + 10 > len) {
        return -EBADMSG;
      }
      type = get16(msg + off);
      if (type == T_OPT) {
        if (s != 3 || opt || nlen != 1) {
          return -EBADMSG;
        }
        opt = true;
        *rcode |= msg[off + 4] << 4;
      }
      off += 10 + (size_t)get16(msg + off + 8);
      if (off > len) {
        return -EBADMSG;
      }
    }
  }
  return off == len ? 0 : -EBADMSG;
}

int mp_dnswire_check(const uint8_t *msg, size_t len)
{
  int rcode;

  return validate(msg, len, &rcode);
}

/* One answer-section RR, located but not yet decoded. */
struct rr_ref {
  size_t rdata;
  uint16_t type, rdlen;
  uint32_t ttl;
};

/* Walks the answer section, calling visit for each class-IN RR with its
 * decoded owner name. Stops early when visit returns nonzero. */
typedef int (*visit_fn)(void *ctx, const uint8_t *owner,
                        const struct rr_ref *rr);

/* Visits the records of the answer section or, with authority, those of
 * the authority section (RFC 1035 section 4.1). */
static int walk_records(const uint8_t *msg, size_t len, bool authority,
                        visit_fn visit, void *ctx)
{
  size_t off = 12;
  uint16_t qd = get16(msg + 4), an = get16(msg + 6), ns = get16(msg + 8);
  uint8_t owner[MP_DNSNAME_WIRE_MAX];

  for (unsigned i = 0; i < qd; i++) {
    if (read_name(msg, len, &off, owner, NULL) < 0 || off + 4 > len) {
      return -EBADMSG;
    }
    off += 4;
  }
  for (unsigned i = 0; i < an + (authority ? ns : 0u); i++) {
    struct rr_ref rr;
    uint16_t klass;

    if (read_name(msg, len, &off, owner, NULL) < 0 || off + 10 > len) {
      return -EBADMSG;
    }
    rr.type = get16(msg + off);
    klass = get16(msg + off + 2);
    rr.ttl = get32(msg + off + 4);
    rr.rdlen = get16(msg + off + 8);
    rr.rdata = off + 10;
    off = rr.rdata + rr.rdlen;
    if (off > len) {
      return -EBADMSG;
    }
    if (rr.ttl > 0x7FFFFFFF) {
      rr.ttl = 0; /* RFC 2181 section 8: treat as zero */
    }
    if (klass == 1 && (i >= an) == authority && visit(ctx, owner, &rr)) {
      break;
    }
  }
  return 0;
}

static int walk_answers(const uint8_t *msg, size_t len, visit_fn visit,
                        void *ctx)
{
  return walk_records(msg, len, false, visit, ctx);
}

static int visit_soa(void *ctx, const uint8_t *owner, const struct rr_ref *rr)
{
  (void)owner;
  *(bool *)ctx = rr->type == MP_T_SOA;
  return *(bool *)ctx;
}

struct parse {
  const uint8_t *msg;
  size_t len;
  uint16_t qtype;
  uint8_t chain[CNAME_MAX + 1][MP_DNSNAME_WIRE_MAX]; /* qname, then alias
                                                       targets (wire) */
  unsigned links;
  bool grew;
  bool end_alias; /* the chain's end has a CNAME too */
  /* counting pass */
  size_t count, bytes;
  int err;
  /* filling pass */
  struct mp_answer *ans;
  char *heap;
};

/* Follows the CNAME chain one link at a time: RFC 1034 section 3.6.2. */
static int visit_cname(void *ctx, const uint8_t *owner, const struct rr_ref *rr)
{
  struct parse *p = ctx;
  size_t off = rr->rdata;

  if (rr->type != MP_T_CNAME || p->links >= CNAME_MAX ||
      !name_eq(owner, p->chain[p->links])) {
    return 0;
  }
  if (read_name(p->msg, p->len, &off, p->chain[p->links + 1], NULL) < 0 ||
      off != rr->rdata + rr->rdlen) {
    p->err = -EBADMSG;
    return 1;
  }
  for (unsigned i = 0; i <= p->links; i++) {
    if (name_eq(p->chain[i], p->chain[p->links + 1])) {
      return 1; /* a loop: stop where we are */
    }
  }
  p->links++;
  p->grew = true;
  return 0;
}

/* Decodes one RR's data into dst (or only measures it when dst is NULL);
 * returns the text length, or -EBADMSG. Names (MX, CNAME, PTR) become name
 * text (dnsname.h). */
static int decode_rdata(struct parse *p, const struct rr_ref *rr, char *dst,
                        struct mp_rr *out)
{
  const uint8_t *d = p->msg + rr->rdata;
  uint8_t wire[MP_DNSNAME_WIRE_MAX];
  char name[MP_NAME_TEXT_MAX + 1];
  size_t off = rr->rdata, n = 0;

  switch (rr->type) {
  case MP_T_TXT:
    /* character-strings joined with nothing between (RFC 7208 3.3) */
    for (size_t i = 0; i < rr->rdlen; i += (size_t)d[i] + 1) {
      if (i + 1 + d[i] > rr->rdlen) {
        return -EBADMSG;
      }
      if (dst) {
        memcpy(dst + n, d + i + 1, d[i]);
      }
      n += d[i];
    }
    break;
  case MP_T_MX:
    if (rr->rdlen < 3) {
      return -EBADMSG;
    }
    if (out) {
      out->pref = get16(d);
    }
    off += 2;
    /* fall through */
  case MP_T_CNAME:
  case MP_T_PTR:
    if (read_name(p->msg, p->len, &off, wire, NULL) < 0 ||
        off != rr->rdata + rr->rdlen) {
      return -EBADMSG;
    }
    n = mp_dnsname_to_text(wire, name);
    if (dst) {
      memcpy(dst, name, n);
    }
    break;
  case MP_T_A:
  case MP_T_AAAA: {
    size_t alen = rr->type == MP_T_A ? 4 : 16;
    char text[INET6_ADDRSTRLEN];

    if (rr->rdlen != alen ||
        !inet_ntop(alen == 4 ? AF_INET : AF_INET6, d, text, sizeof(text))) {
      return -EBADMSG;
    }
    n = strlen(text);
    if (dst) {
      memcpy(dst, text, n);
      memcpy(out->addr, d, alen);
    }
    break;
  }
  default:
    break; /* other types keep their type and TTL only */
  }
  if (dst) {
    dst[n] = '\0';
  }
  return (int)n;
}

static int visit_count(void *ctx, const uint8_t *owner, const struct rr_ref *rr)
{
  struct parse *p = ctx;
  int n;

  if (rr->type != p->qtype || !name_eq(owner, p->chain[p->links])) {
    return 0;
  }
  if ((n = decode_rdata(p, rr, NULL, NULL)) < 0) {
    p->err = n;
    return 1;
  }
  p->count++;
  p->bytes += (size_t)n + 1;
  return 0;
}

static int visit_fill(void *ctx, const uint8_t *owner, const struct rr_ref *rr)
{
  struct parse *p = ctx;
  struct mp_rr *out;
  int n;

  if (rr->type != p->qtype || !name_eq(owner, p->chain[p->links])) {
    return 0;
  }
  out = &p->ans->rr[p->ans->count++];
  memset(out, 0, sizeof(*out));
  out->type = rr->type;
  out->ttl = rr->ttl;
  n = decode_rdata(p, rr, p->heap, out);
  out->data = p->heap;
  out->len = (uint32_t)n;
  p->heap += n + 1;
  return 0;
}

/* Does the end of the chain have a CNAME of its own (a loop, or a chain
 * longer than CNAME_MAX)? Then there is no target left to ask. */
static int visit_end_alias(void *ctx, const uint8_t *owner,
                           const struct rr_ref *rr)
{
  struct parse *p = ctx;

  p->end_alias = rr->type == MP_T_CNAME && name_eq(owner, p->chain[p->links]);
  return p->end_alias;
}

static enum mp_outcome rcode_outcome(int rcode, size_t count)
{
  switch (rcode) {
  case 0:
    return count ? MP_OUTCOME_OK : MP_OUTCOME_NODATA;
  case 1:
    return MP_OUTCOME_FORMERR;
  case 2:
    return MP_OUTCOME_SERVFAIL;
  case 3:
    return MP_OUTCOME_NXDOMAIN;
  case 5:
    return MP_OUTCOME_REFUSED;
  default:
    return MP_OUTCOME_ERROR;
  }
}

int mp_dnswire_parse_wire(const uint8_t *msg, size_t len, const uint8_t *qname,
                          uint16_t qtype, struct mp_answer **out)
{
  struct parse ctx, *p = &ctx; /* on the stack: no allocation to parse */
  char cname[MP_NAME_TEXT_MAX + 1];
  size_t cname_len = 0;
  int rc, rcode;

  *out = NULL;
  if (validate(msg, len, &rcode) < 0) {
    return -EBADMSG;
  }
  p->msg = msg;
  p->len = len;
  p->qtype = qtype;
  p->links = 0;
  p->count = p->bytes = 0;
  p->err = 0;
  for (size_t i = 0, n = mp_dnsname_wire_len(qname); i < n; i++) {
    uint8_t c = qname[i]; /* lowercase, as read_name gives the owners */

    p->chain[0][i] = c >= 'A' && c <= 'Z' ? (uint8_t)(c + ('a' - 'A')) : c;
  }
  /* Answers usually list the chain in order, but RFC 1034 does not promise
   * it: walk until no new link is found. A CNAME query stops at the name. */
  do {
    p->grew = false;
    if (qtype != MP_T_CNAME &&
        ((rc = walk_answers(msg, len, visit_cname, p)) < 0 || p->err)) {
      goto fail;
    }
  } while (p->grew);
  if ((rc = walk_answers(msg, len, visit_count, p)) < 0 || p->err) {
    goto fail;
  }
  if (p->links) {
    cname_len = mp_dnsname_to_text(p->chain[p->links], cname) + 1;
  }
  p->ans = mp_answer_alloc(p->count, p->bytes + cname_len);
  p->heap = (char *)(p->ans->rr + p->count);
  walk_answers(msg, len, visit_fill, p);
  p->ans->rcode = rcode;
  p->ans->type = qtype;
  p->ans->outcome = rcode_outcome(p->ans->rcode, p->ans->count);
  if (p->links) {
    bool soa = false;

    memcpy(p->heap, cname, cname_len);
    p->ans->cname = p->heap;
    /* An alias and nothing about its target, not even the SOA of a
     * negative answer: the server does not hold the target's zone. */
    p->end_alias = false;
    p->ans->dangling =
        p->ans->outcome == MP_OUTCOME_NODATA &&
        walk_answers(msg, len, visit_end_alias, p) == 0 && !p->end_alias &&
        walk_records(msg, len, true, visit_soa, &soa) == 0 && !soa;
  }
  *out = p->ans;
  return 0;
fail:
  return -EBADMSG;
}

int mp_dnswire_parse(const uint8_t *msg, size_t len, const char *qname,
                     uint16_t qtype, struct mp_answer **out)
{
  uint8_t wire[MP_DNSNAME_WIRE_MAX];

  *out = NULL;
  if (mp_dnsname_from_text(qname, wire) < 0) {
    return -EINVAL;
  }
  return mp_dnswire_parse_wire(msg, len, wire, qtype, out);
}
