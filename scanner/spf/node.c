/* Compiled nodes (a name's SPF record set, cached as an attachment of its
 * TXT entry), the evaluation's references into the cache, and expansion
 * of domain-specs. */
#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>

#include "scanner/base/alloc.h"
#include "scanner/spf/parse.h"
#include "scanner/spf/internal.h"

void mp_spf_memo_init(struct memo *m)
{
  memset(m, 0, sizeof(*m));
  mp_ipset_init(&m->pass4);
  mp_ipset_init(&m->pass6);
}

void mp_spf_memo_close(struct memo *m)
{
  mp_ipset_close(&m->pass4);
  mp_ipset_close(&m->pass6);
}

void mp_spf_terms_reserve(struct terms *buf, size_t need)
{
  size_t cap = need <= 8 ? 8 : (need + 7) / 8 * 8;

  if (need > buf->cap || (buf->cap > SPF_TERMS_KEEP && cap <= SPF_TERMS_KEEP)) {
    buf->t = mp_realloc(buf->t, cap * sizeof(*buf->t));
    buf->cap = cap;
  }
}

/* The directives a record can hold at most: its space-separated terms
 * after the version (modifiers count too). */
static size_t count_terms(const char *s, size_t len)
{
  size_t n = 0;

  for (size_t i = 6; i < len; i++) {
    n += s[i] != ' ' && s[i - 1] == ' ';
  }
  return n;
}

/* Section 4.5: among the TXT records, those that begin with "v=spf1";
 * none, one (parsed) or several. */
void mp_spf_node_from_answer(struct node *n, const struct mp_answer *a,
                             struct terms *buf)
{
  const struct mp_rr *rec = NULL;
  size_t count = 0;
  int rc;

  memset(n, 0, sizeof(*n));
  mp_spf_memo_init(&n->memo);
  switch (a->outcome) {
  case MP_OUTCOME_OK:
    break;
  case MP_OUTCOME_NODATA:
  case MP_OUTCOME_NXDOMAIN:
    n->kind = NODE_NONE;
    n->void_answer = true;
    return;
  default:
    n->kind = NODE_DNS;
    return;
  }
  for (size_t i = 0; i < a->count; i++) {
    if (mp_spf_is_record(a->rr[i].data, a->rr[i].len)) {
      rec = &a->rr[i];
      count++;
    }
  }
  if (count == 0) {
    n->kind = NODE_NONE;
    return;
  }
  if (count > 1) {
    n->kind = NODE_MULTIPLE;
    return;
  }
  n->text = rec->data;
  /* RFC 7208 sets no limit on the terms of a record: buf grows to hold
   * them all, and every term is evaluated */
  mp_spf_terms_reserve(buf, count_terms(rec->data, rec->len));
  n->terms = buf->t;
  rc = mp_spf_parse(rec->data, rec->len, buf->t, buf->cap, &n->rec, &n->err);
  assert(rc != -E2BIG);
  if (rc < 0) {
    n->kind = NODE_SYNTAX;
    return;
  }
  n->kind = NODE_RECORD;
}

static void node_free(void *att)
{
  struct node *n = att;

  mp_spf_memo_close(&n->memo);
  mp_free(n);
}

/* A node for the cache: parsed into a buffer of its own, then copied
 * with exactly its terms into one allocation (once per cache entry). */
static struct node *node_new(const struct mp_answer *a, size_t *bytes)
{
  struct terms buf = {NULL, 0};
  struct node tmp, *n;
  size_t nterms;

  mp_spf_node_from_answer(&tmp, a, &buf);
  nterms = tmp.kind == NODE_RECORD ? tmp.rec.nterms : 0;
  *bytes = sizeof(*n) + nterms * sizeof(struct mp_spf_term);
  n = mp_malloc(*bytes);
  *n = tmp;
  n->terms = (struct mp_spf_term *)(n + 1);
  if (nterms) {
    memcpy(n->terms, tmp.terms, nterms * sizeof(struct mp_spf_term));
  }
  n->rec.terms = n->terms;
  mp_free(buf.t);
  return n;
}

const char *mp_spf_name_text(const char *name, char *buf)
{
  if (mp_dnsname_escape(name, strlen(name), buf) < 0) {
    buf[0] = '\0'; /* the root: the replay answers it as nonexistent */
  }
  return buf;
}

const struct mp_answer *mp_spf_answer_get_text(struct run *r, const char *text,
                                               uint16_t type)
{
  const struct mp_answer *a = mp_replay_get(&r->ev->rp, text, type, NULL);

  r->pending |= !a;
  return a;
}

const struct mp_answer *mp_spf_answer_get(struct run *r, const char *name,
                                          uint16_t type)
{
  char text[MP_NAME_TEXT_MAX + 1];

  return mp_spf_answer_get_text(r, mp_spf_name_text(name, text), type);
}

struct node *mp_spf_node_get(struct run *r, const char *name)
{
  char text[MP_NAME_TEXT_MAX + 1];
  struct mp_cache_entry *e;
  const struct mp_answer *a =
      mp_replay_get(&r->ev->rp, mp_spf_name_text(name, text), MP_T_TXT, &e);
  struct node *n;
  size_t bytes;

  if (!a) {
    r->pending = true;
    return NULL;
  }
  if (!e) {
    return NULL; /* a name that cannot be asked: mp_spf_domain_ok() said so */
  }
  if (!(n = mp_cache_attachment(e))) {
    n = node_new(a, &bytes);
    mp_cache_attach(r->cache, e, n, bytes, node_free);
  }
  return n;
}

/* Section 4.3: labels of 1 to 63 octets, 253 in all, at least two labels
 * (one trailing dot allowed). */
bool mp_spf_domain_ok(const char *name)
{
  uint8_t wire[MP_DNSNAME_WIRE_MAX];

  return mp_dnsname_from_raw(name, strlen(name), wire) > 0 &&
         mp_dnsname_wire_labels(wire) >= 2;
}

/* Whether the name text (from an answer) is dtext or a name below it. */
static bool at_or_under(const char *text, const char *dtext)
{
  size_t nl = strlen(text), dl = strlen(dtext);

  if (dl == 0) {
    return false;
  }
  return nl == dl ? strcmp(text, dtext) == 0
                  : nl > dl && text[nl - dl - 1] == '.' &&
                        strcmp(text + nl - dl, dtext) == 0;
}

/* %{p}: a validated name of the client address (section 5.5 steps, 7.3):
 * PTR names whose A/AAAA records hold the address, one under <domain>
 * preferred, else any, else "unknown". R_PENDING while answers are
 * missing. */
int mp_spf_ptr_name(struct run *r, const char *domain)
{
  char rev[MP_REVERSE_MAX], dtext[MP_NAME_TEXT_MAX + 1];
  const struct mp_answer *ptr, *addrs;
  size_t best = SIZE_MAX;
  uint16_t type = r->family == AF_INET ? MP_T_A : MP_T_AAAA;

  mp_dnswire_reverse(r->family, r->ip, rev);
  if (!(ptr = mp_spf_answer_get_text(r, rev, MP_T_PTR))) {
    return R_PENDING;
  }
  mp_spf_name_text(domain, dtext);
  for (size_t i = 0; i < ptr->count && i < MP_SPF_MX_LIMIT; i++) {
    const char *name = ptr->rr[i].data; /* name text */
    bool under;

    if (!(addrs = mp_spf_answer_get_text(r, name, type))) {
      continue;
    }
    for (size_t k = 0; k < addrs->count; k++) {
      if (memcmp(addrs->rr[k].addr, r->ip, type == MP_T_A ? 4 : 16) != 0) {
        continue;
      }
      under = at_or_under(name, dtext);
      if (best == SIZE_MAX || under) {
        best = i;
      }
      if (under) {
        goto found;
      }
      break;
    }
  }
found:
  if (r->pending) {
    return R_PENDING;
  }
  /* macros see raw octets; a name with a "." or a NUL inside a label has
   * no such text (RFC 7208 section 7.3) */
  if (best == SIZE_MAX || mp_dnsname_to_raw(ptr->rr[best].data, r->ptr_name,
                                            sizeof(r->ptr_name)) < 0) {
    snprintf(r->ptr_name, sizeof(r->ptr_name), "unknown");
  }
  r->ptr_known = true;
  return 0;
}

/* The domain-spec text[off..off+len) of node n, macros expanded with
 * current as %{d}, into out (SPF_NAME_MAX bytes), truncated to 253 octets
 * from the left (section 7.3). Returns the length, R_PENDING, or -EINVAL
 * when it cannot be expanded (posture mode without a client, or a
 * malformed result). */
int mp_spf_expand_domain(struct run *r, const struct node *n, uint16_t off,
                         uint16_t len, bool macro, const char *current,
                         char *out)
{
  const char *spec = n->text + off;
  int k;

  if (!macro) {
    if (len >= SPF_NAME_MAX) {
      return -EINVAL;
    }
    memcpy(out, spec, len);
    out[len] = '\0';
    return (int)mp_spf_truncate_domain(out, len);
  }
  if (r->posture) {
    /* only %{d} can be known without a client and a sender */
    static const char others[] = "slohipvcrt";

    for (const char *c = others; *c; c++) {
      if (mp_spf_macro_uses(spec, len, *c)) {
        return -EINVAL;
      }
    }
  } else if (mp_spf_macro_uses(spec, len, 'p') && !r->ptr_known &&
             mp_spf_ptr_name(r, current) == R_PENDING) {
    return R_PENDING;
  }
  r->mctx.domain = current;
  r->mctx.ptr_name = r->ptr_known ? r->ptr_name : "unknown";
  /* a long sender can make the name far longer than 253 before the
   * truncation */
  char big[4096];

  k = mp_spf_macro_expand(spec, len, false, &r->mctx, big, sizeof(big));
  if (k < 0) {
    return -EINVAL;
  }
  k = (int)mp_spf_truncate_domain(big, (size_t)k);
  if (k >= SPF_NAME_MAX) {
    return -EINVAL;
  }
  memcpy(out, big, (size_t)k + 1);
  return k;
}
