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

struct scratch *spf_scratch(void)
{
  static struct scratch *s;

  if (!s) {
    s = mp_calloc(1, sizeof(*s));
    memo_init(&s->root_memo);
    for (size_t i = 0; i < SPF_LEVEL_MAX * SPF_LEVEL_SETS; i++) {
      mp_ipset_init(&s->sets[i]);
    }
  }
  return s;
}

void memo_init(struct memo *m)
{
  memset(m, 0, sizeof(*m));
  mp_ipset_init(&m->pass4);
  mp_ipset_init(&m->pass6);
}

void memo_close(struct memo *m)
{
  mp_ipset_close(&m->pass4);
  mp_ipset_close(&m->pass6);
}

/* The sets of one level of the posture walk, cleared. */
struct mp_ipset *scratch_sets(size_t level)
{
  struct mp_ipset *sets = spf_scratch()->sets + level * SPF_LEVEL_SETS;

  for (size_t i = 0; i < SPF_LEVEL_SETS; i++) {
    mp_ipset_clear(&sets[i]);
  }
  return sets;
}

/* Section 4.5: among the TXT records, those that begin with "v=spf1";
 * none, one (parsed) or several. terms/cap: where to parse. */
void node_from_answer(struct node *n, const struct mp_answer *a,
                      struct mp_spf_term *terms, size_t cap)
{
  const struct mp_rr *rec = NULL;
  size_t count = 0;
  int rc;

  memset(n, 0, sizeof(*n));
  memo_init(&n->memo);
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
  n->terms = terms;
  /* RFC 7208 sets no limit on the terms of a record, and cap holds any
   * record a DNS answer can (MP_SPF_TERMS_MAX): every term is evaluated */
  rc = mp_spf_parse(rec->data, rec->len, terms, cap, &n->rec, &n->err);
  assert(rc != -E2BIG || cap < MP_SPF_TERMS_MAX);
  if (rc < 0) {
    n->kind = NODE_SYNTAX;
    return;
  }
  n->kind = NODE_RECORD;
}

static void node_free(void *att)
{
  struct node *n = att;

  memo_close(&n->memo);
  mp_free(n);
}

/* A node for the cache: parsed in the scratch, then copied with exactly
 * its terms into one allocation. */
static struct node *node_new(const struct mp_answer *a, size_t *bytes)
{
  struct scratch *s = spf_scratch();
  struct node tmp, *n;
  size_t nterms;

  node_from_answer(&tmp, a, s->terms, SPF_TERMS_MAX);
  nterms = tmp.kind == NODE_RECORD ? tmp.rec.nterms : 0;
  *bytes = sizeof(*n) + nterms * sizeof(struct mp_spf_term);
  n = mp_malloc(*bytes);
  *n = tmp;
  n->terms = (struct mp_spf_term *)(n + 1);
  memcpy(n->terms, s->terms, nterms * sizeof(struct mp_spf_term));
  n->rec.terms = n->terms;
  return n;
}

const char *spf_name_text(const char *name, char *buf)
{
  if (mp_dnsname_escape(name, strlen(name), buf) < 0) {
    buf[0] = '\0'; /* the root: the replay answers it as nonexistent */
  }
  return buf;
}

const struct mp_answer *answer_get_text(struct run *r, const char *text,
                                        uint16_t type)
{
  const struct mp_answer *a = mp_replay_get(&r->ev->rp, text, type, NULL);

  r->pending |= !a;
  return a;
}

const struct mp_answer *answer_get(struct run *r, const char *name,
                                   uint16_t type)
{
  char text[MP_NAME_TEXT_MAX + 1];

  return answer_get_text(r, spf_name_text(name, text), type);
}

struct node *node_get(struct run *r, const char *name)
{
  char text[MP_NAME_TEXT_MAX + 1];
  struct mp_cache_entry *e;
  const struct mp_answer *a =
      mp_replay_get(&r->ev->rp, spf_name_text(name, text), MP_T_TXT, &e);
  struct node *n;
  size_t bytes;

  if (!a) {
    r->pending = true;
    return NULL;
  }
  if (!e) {
    return NULL; /* a name that cannot be asked: valid_domain() said so */
  }
  if (!(n = mp_cache_attachment(e))) {
    n = node_new(a, &bytes);
    mp_cache_attach(r->cache, e, n, bytes, node_free);
  }
  return n;
}

/* Section 4.3: a name check_host() can work with, a multi-label FQDN:
 * labels of 1 to 63 octets, 253 in all, at least two labels (one trailing
 * dot allowed). */
bool valid_domain(const char *name)
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
int spf_ptr_name(struct run *r, const char *domain)
{
  char rev[MP_REVERSE_MAX], dtext[MP_NAME_TEXT_MAX + 1];
  const struct mp_answer *ptr, *addrs;
  size_t best = SIZE_MAX;
  uint16_t type = r->family == AF_INET ? MP_T_A : MP_T_AAAA;

  mp_dnswire_reverse(r->family, r->ip, rev);
  if (!(ptr = answer_get_text(r, rev, MP_T_PTR))) {
    return R_PENDING;
  }
  spf_name_text(domain, dtext);
  for (size_t i = 0; i < ptr->count && i < MP_SPF_MX_LIMIT; i++) {
    const char *name = ptr->rr[i].data; /* name text */
    bool under;

    if (!(addrs = answer_get_text(r, name, type))) {
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
int expand_domain(struct run *r, const struct node *n, uint16_t off,
                  uint16_t len, bool macro, const char *current, char *out)
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
             spf_ptr_name(r, current) == R_PENDING) {
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
