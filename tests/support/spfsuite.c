#include "tests/support/spfsuite.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "output/result.h"
#include "scanner/base/alloc.h"
#include "scanner/base/log.h"

/* One document being read. */
struct ld {
  const char *path;
  yaml_document_t *doc;
};

static int bad(const struct ld *l, const yaml_node_t *n, const char *what)
{
  mp_log_error("%s:%zu: %s", l->path, n ? n->start_mark.line + 1 : 0, what);
  return -EINVAL;
}

static yaml_node_t *node(const struct ld *l, int id)
{
  return yaml_document_get_node(l->doc, id);
}

static bool is_scalar(const yaml_node_t *n)
{
  return n && n->type == YAML_SCALAR_NODE;
}

static bool scalar_is(const yaml_node_t *n, const char *s)
{
  return is_scalar(n) && n->data.scalar.length == strlen(s) &&
         memcmp(n->data.scalar.value, s, strlen(s)) == 0;
}

/* A heap copy of a scalar's bytes, NUL-terminated. */
static char *dup_scalar(const yaml_node_t *n, size_t *len)
{
  size_t k = n->data.scalar.length;
  char *s = mp_malloc(k + 1);

  memcpy(s, n->data.scalar.value, k);
  s[k] = '\0';
  if (len) {
    *len = k;
  }
  return s;
}

/* The value of key in mapping m, or NULL. */
static yaml_node_t *get(const struct ld *l, const yaml_node_t *m,
                        const char *key)
{
  for (yaml_node_pair_t *p = m->data.mapping.pairs.start;
       p < m->data.mapping.pairs.top; p++) {
    if (scalar_is(node(l, p->key), key)) {
      return node(l, p->value);
    }
  }
  return NULL;
}

/* An optional scalar field: 0 with *out NULL when absent. */
static int opt_str(const struct ld *l, const yaml_node_t *m, const char *key,
                   char **out)
{
  const yaml_node_t *v = get(l, m, key);

  *out = NULL;
  if (!v) {
    return 0;
  }
  if (!is_scalar(v)) {
    return bad(l, v, "expected a string");
  }
  *out = dup_scalar(v, NULL);
  return 0;
}

static int req_str(const struct ld *l, const yaml_node_t *m, const char *key,
                   char **out)
{
  int rc = opt_str(l, m, key, out);

  if (rc == 0 && !*out) {
    mp_log_error("%s:%zu: missing \"%s\"", l->path, m->start_mark.line + 1,
                 key);
    return -EINVAL;
  }
  return rc;
}

/* libyaml hands "\xNN" escapes over as the UTF-8 encoding of U+00NN; the
 * suite means the byte NN (hosed.example.com's "\xEF\xBB\xBF" is a UTF-8
 * BOM written byte by byte). Folds code points below 256 back into single
 * bytes, in place, and returns the new length; longer code points stay as
 * they are. libyaml's output is valid UTF-8, so a lead byte C2 or C3 is
 * always followed by a continuation byte. */
static size_t to_bytes(char *s, size_t len)
{
  size_t i = 0, o = 0;

  while (i < len) {
    unsigned char c = (unsigned char)s[i];

    if ((c == 0xC2 || c == 0xC3) && i + 1 < len) {
      s[o++] = (char)(((c & 0x03u) << 6) | ((unsigned char)s[i + 1] & 0x3Fu));
      i += 2;
    } else {
      s[o++] = s[i++];
    }
  }
  s[o] = '\0';
  return o;
}

/* spec: one section reference, or a list of them (the RFC 4408 suite's
 * "[4.3/1, 5/10/3]"), kept as one string joined with ", ". */
static int load_spec(const struct ld *l, const yaml_node_t *m, char **out)
{
  const yaml_node_t *v = get(l, m, "spec");
  size_t len = 0;

  *out = NULL;
  if (!v || is_scalar(v)) {
    return opt_str(l, m, "spec", out);
  }
  if (v->type != YAML_SEQUENCE_NODE) {
    return bad(l, v, "spec: expected a string or a list");
  }
  *out = mp_malloc(1);
  (*out)[0] = '\0';
  for (yaml_node_item_t *it = v->data.sequence.items.start;
       it < v->data.sequence.items.top; it++) {
    const yaml_node_t *r = node(l, *it);
    size_t k;

    if (!is_scalar(r)) {
      return bad(l, r, "spec: expected a list of strings");
    }
    k = r->data.scalar.length;
    *out = mp_realloc(*out, len + 2 + k + 1);
    if (len) {
      memcpy(*out + len, ", ", 2);
      len += 2;
    }
    memcpy(*out + len, r->data.scalar.value, k);
    len += k;
    (*out)[len] = '\0';
  }
  return 0;
}

static int load_result(const struct ld *l, const yaml_node_t *v,
                       struct mp_spfsuite_test *t)
{
  if (is_scalar(v)) {
    t->result[t->nresult++] = dup_scalar(v, NULL);
    return 0;
  }
  if (!v || v->type != YAML_SEQUENCE_NODE) {
    return bad(l, v, "result: expected a string or a list");
  }
  for (yaml_node_item_t *it = v->data.sequence.items.start;
       it < v->data.sequence.items.top; it++) {
    const yaml_node_t *r = node(l, *it);

    if (!is_scalar(r) || t->nresult == MP_SPFSUITE_RESULTS) {
      return bad(l, r, "result: expected at most 8 strings");
    }
    t->result[t->nresult++] = dup_scalar(r, NULL);
  }
  return t->nresult ? 0 : bad(l, v, "result: empty list");
}

static int load_test(const struct ld *l, const yaml_node_t *k,
                     const yaml_node_t *m, struct mp_spfsuite_test *t)
{
  const yaml_node_t *v;
  int rc;

  if (!is_scalar(k) || !m || m->type != YAML_MAPPING_NODE) {
    return bad(l, k, "a test is a name and a mapping");
  }
  t->name = dup_scalar(k, NULL);
  if ((rc = req_str(l, m, "host", &t->host)) < 0 ||
      (rc = req_str(l, m, "mailfrom", &t->mailfrom)) < 0 ||
      (rc = req_str(l, m, "helo", &t->helo)) < 0 ||
      (rc = load_spec(l, m, &t->spec)) < 0 ||
      (rc = opt_str(l, m, "description", &t->description)) < 0 ||
      (rc = opt_str(l, m, "comment", &t->comment)) < 0) {
    return rc;
  }
  if (!get(l, m, "result")) {
    return bad(l, m, "missing \"result\"");
  }
  if ((rc = load_result(l, get(l, m, "result"), t)) < 0) {
    return rc;
  }
  if ((v = get(l, m, "explanation"))) {
    if (!is_scalar(v)) {
      return bad(l, v, "explanation: expected a string");
    }
    t->explanation = dup_scalar(v, &t->explanation_len);
    t->explanation_len = to_bytes(t->explanation, t->explanation_len);
  }
  return 0;
}

static const struct {
  char name[8];
  uint16_t type;
} types[] = {
    {"SPF", MP_SPFSUITE_T_SPF}, {"TXT", MP_T_TXT}, {"A", MP_T_A},
    {"AAAA", MP_T_AAAA},        {"MX", MP_T_MX},   {"PTR", MP_T_PTR},
    {"CNAME", MP_T_CNAME},
};

/* SPF/TXT value: one string, a list of strings forming one RR, or NONE.
 * Each string is folded into bytes by itself (to_bytes), so the length of
 * each character-string is kept as the suite gives it. */
static int load_text(const struct ld *l, const yaml_node_t *v,
                     struct mp_spfsuite_rr *rr)
{
  size_t len = 0;

  if (is_scalar(v)) {
    if (scalar_is(v, "NONE")) {
      rr->kind = MP_SPFSUITE_NONE;
    }
    rr->nstrings = 1;
    rr->data = dup_scalar(v, &rr->len);
    rr->len = to_bytes(rr->data, rr->len);
    rr->lens = mp_malloc(sizeof(*rr->lens));
    rr->lens[0] = rr->len;
    return 0;
  }
  if (!v || v->type != YAML_SEQUENCE_NODE) {
    return bad(l, v, "SPF/TXT: expected a string or a list");
  }
  rr->data = mp_malloc(1);
  rr->lens = mp_malloc(
      ((size_t)(v->data.sequence.items.top - v->data.sequence.items.start) +
       1) *
      sizeof(*rr->lens));
  for (yaml_node_item_t *it = v->data.sequence.items.start;
       it < v->data.sequence.items.top; it++) {
    const yaml_node_t *s = node(l, *it);
    size_t k;

    if (!is_scalar(s)) {
      return bad(l, s, "SPF/TXT: expected a list of strings");
    }
    rr->data = mp_realloc(rr->data, len + s->data.scalar.length + 1);
    memcpy(rr->data + len, s->data.scalar.value, s->data.scalar.length);
    rr->data[len + s->data.scalar.length] = '\0';
    k = to_bytes(rr->data + len, s->data.scalar.length);
    rr->lens[rr->nstrings++] = k;
    len += k;
  }
  rr->data[len] = '\0';
  rr->len = len;
  return 0;
}

/* MX value: [preference, exchange]. */
static int load_mx(const struct ld *l, const yaml_node_t *v,
                   struct mp_spfsuite_rr *rr)
{
  const yaml_node_t *p, *x;
  unsigned long pref;
  char *end;

  if (!v || v->type != YAML_SEQUENCE_NODE ||
      v->data.sequence.items.top - v->data.sequence.items.start != 2 ||
      !is_scalar(p = node(l, v->data.sequence.items.start[0])) ||
      !is_scalar(x = node(l, v->data.sequence.items.start[1]))) {
    return bad(l, v, "MX: expected [preference, exchange]");
  }
  rr->data = dup_scalar(p, NULL);
  pref = strtoul(rr->data, &end, 10);
  if (!rr->data[0] || *end || pref > 65535) {
    return bad(l, p, "MX: bad preference");
  }
  mp_free(rr->data);
  rr->pref = (uint16_t)pref;
  rr->data = dup_scalar(x, &rr->len);
  return 0;
}

static int load_rr(const struct ld *l, const yaml_node_pair_t *pair,
                   struct mp_spfsuite_rr *rr)
{
  const yaml_node_t *k = node(l, pair->key), *v = node(l, pair->value);

  for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
    if (!scalar_is(k, types[i].name)) {
      continue;
    }
    rr->kind = MP_SPFSUITE_RR;
    rr->type = types[i].type;
    if (rr->type == MP_SPFSUITE_T_SPF || rr->type == MP_T_TXT) {
      return load_text(l, v, rr);
    }
    if (rr->type == MP_T_MX) {
      return load_mx(l, v, rr);
    }
    if (!is_scalar(v)) {
      return bad(l, v, "expected a string");
    }
    rr->data = dup_scalar(v, &rr->len);
    return 0;
  }
  return bad(l, k, "unknown RR type");
}

/* One owner's list: {TYPE: value} maps (one RR per pair) and TIMEOUT. */
static int load_owner(const struct ld *l, const yaml_node_t *k,
                      const yaml_node_t *v, struct mp_spfsuite_owner *o)
{
  int rc;

  if (!is_scalar(k) || !v || v->type != YAML_SEQUENCE_NODE) {
    return bad(l, k, "zonedata: an owner maps to a list");
  }
  o->name = dup_scalar(k, NULL);
  for (yaml_node_item_t *it = v->data.sequence.items.start;
       it < v->data.sequence.items.top; it++) {
    const yaml_node_t *item = node(l, *it);
    size_t npairs = 1;

    if (item && item->type == YAML_MAPPING_NODE) {
      npairs = (size_t)(item->data.mapping.pairs.top -
                        item->data.mapping.pairs.start);
    } else if (!scalar_is(item, "TIMEOUT")) {
      return bad(l, item, "zonedata: expected {TYPE: value} or TIMEOUT");
    }
    o->rr = mp_realloc(o->rr, (o->nrr + npairs) * sizeof(*o->rr));
    memset(o->rr + o->nrr, 0, npairs * sizeof(*o->rr));
    if (item->type != YAML_MAPPING_NODE) {
      o->rr[o->nrr++].kind = MP_SPFSUITE_TIMEOUT;
      continue;
    }
    for (size_t i = 0; i < npairs; i++) {
      rc = load_rr(l, item->data.mapping.pairs.start + i, &o->rr[o->nrr++]);
      if (rc < 0) {
        return rc;
      }
    }
  }
  return 0;
}

static int load_scenario(const struct ld *l, const yaml_node_t *root,
                         struct mp_spfsuite_scenario *sc)
{
  const yaml_node_t *tests = get(l, root, "tests");
  const yaml_node_t *zone = get(l, root, "zonedata");
  yaml_node_pair_t *p;
  int rc;

  if ((rc = req_str(l, root, "description", &sc->description)) < 0 ||
      (rc = opt_str(l, root, "comment", &sc->comment)) < 0) {
    return rc;
  }
  if (!tests || tests->type != YAML_MAPPING_NODE ||
      (zone && zone->type != YAML_MAPPING_NODE)) {
    return bad(l, root, "a scenario needs tests and zonedata mappings");
  }
  sc->tests = mp_calloc((size_t)(tests->data.mapping.pairs.top -
                                 tests->data.mapping.pairs.start) +
                            1,
                        sizeof(*sc->tests));
  for (p = tests->data.mapping.pairs.start; p < tests->data.mapping.pairs.top;
       p++) {
    rc = load_test(l, node(l, p->key), node(l, p->value),
                   &sc->tests[sc->ntests++]);
    if (rc < 0) {
      return rc;
    }
  }
  if (!zone) {
    return 0;
  }
  sc->owners = mp_calloc(
      (size_t)(zone->data.mapping.pairs.top - zone->data.mapping.pairs.start) +
          1,
      sizeof(*sc->owners));
  for (p = zone->data.mapping.pairs.start; p < zone->data.mapping.pairs.top;
       p++) {
    rc = load_owner(l, node(l, p->key), node(l, p->value),
                    &sc->owners[sc->nowners++]);
    if (rc < 0) {
      return rc;
    }
  }
  return 0;
}

/* Reads documents until the end of the stream. */
static int load_stream(yaml_parser_t *parser, const char *path,
                       struct mp_spfsuite *s)
{
  yaml_document_t doc;
  struct ld l = {.path = path, .doc = &doc};
  const yaml_node_t *root;
  int rc = 0;

  for (;;) {
    if (!yaml_parser_load(parser, &doc)) {
      mp_log_error("%s:%zu: %s", path, parser->problem_mark.line + 1,
                   parser->problem ? parser->problem : "YAML error");
      return -EINVAL;
    }
    if (!(root = yaml_document_get_root_node(&doc))) {
      yaml_document_delete(&doc); /* the end of the stream */
      return 0;
    }
    s->scenarios =
        mp_realloc(s->scenarios, (s->nscenarios + 1) * sizeof(*s->scenarios));
    memset(&s->scenarios[s->nscenarios], 0, sizeof(*s->scenarios));
    rc = root->type == YAML_MAPPING_NODE
             ? load_scenario(&l, root, &s->scenarios[s->nscenarios])
             : bad(&l, root, "a scenario is a mapping");
    s->ntests += s->scenarios[s->nscenarios].ntests;
    s->nscenarios++;
    yaml_document_delete(&doc);
    if (rc < 0) {
      return rc;
    }
  }
}

int mp_spfsuite_load(const char *path, struct mp_spfsuite **out)
{
  struct mp_spfsuite *s;
  yaml_parser_t parser;
  FILE *f;
  int rc;

  *out = NULL;
  if (!(f = fopen(path, "rb"))) {
    return -errno;
  }
  s = mp_calloc(1, sizeof(*s));
  if (!yaml_parser_initialize(&parser)) {
    fclose(f);
    mp_free(s);
    return -ENOMEM;
  }
  yaml_parser_set_input_file(&parser, f);
  rc = load_stream(&parser, path, s);
  yaml_parser_delete(&parser);
  fclose(f);
  if (rc < 0) {
    mp_spfsuite_free(s);
    return rc;
  }
  *out = s;
  return 0;
}

static void free_test(struct mp_spfsuite_test *t)
{
  char *strs[] = {t->name, t->host,        t->mailfrom,    t->helo,
                  t->spec, t->explanation, t->description, t->comment};

  for (size_t i = 0; i < sizeof(strs) / sizeof(strs[0]); i++) {
    mp_free(strs[i]);
  }
  for (size_t i = 0; i < t->nresult; i++) {
    mp_free(t->result[i]);
  }
}

void mp_spfsuite_free(struct mp_spfsuite *s)
{
  if (!s) {
    return;
  }
  for (size_t i = 0; i < s->nscenarios; i++) {
    struct mp_spfsuite_scenario *sc = &s->scenarios[i];

    for (size_t j = 0; j < sc->ntests; j++) {
      free_test(&sc->tests[j]);
    }
    for (size_t j = 0; j < sc->nowners; j++) {
      for (size_t k = 0; k < sc->owners[j].nrr; k++) {
        mp_free(sc->owners[j].rr[k].data);
        mp_free(sc->owners[j].rr[k].lens);
      }
      mp_free(sc->owners[j].rr);
      mp_free(sc->owners[j].name);
    }
    mp_free(sc->tests);
    mp_free(sc->owners);
    mp_free(sc->description);
    mp_free(sc->comment);
  }
  mp_free(s->scenarios);
  mp_free(s);
}

const struct mp_spfsuite_test *
mp_spfsuite_find(const struct mp_spfsuite *s, const char *name,
                 const struct mp_spfsuite_scenario **sc)
{
  for (size_t i = 0; i < s->nscenarios; i++) {
    for (size_t j = 0; j < s->scenarios[i].ntests; j++) {
      if (strcmp(s->scenarios[i].tests[j].name, name) == 0) {
        if (sc) {
          *sc = &s->scenarios[i];
        }
        return &s->scenarios[i].tests[j];
      }
    }
  }
  return NULL;
}

/* True when the owner has a TXT entry (TXT: NONE too): then its SPF
 * entries are not served as TXT (testspf.py, getrdata). */
static bool has_txt(const struct mp_spfsuite_owner *o)
{
  for (size_t i = 0; i < o->nrr; i++) {
    if (o->rr[i].kind != MP_SPFSUITE_TIMEOUT && o->rr[i].type == MP_T_TXT) {
      return true;
    }
  }
  return false;
}

int mp_spfsuite_zone(const struct mp_spfsuite_scenario *sc,
                     struct mp_memzone *z)
{
  for (size_t i = 0; i < sc->nowners; i++) {
    const struct mp_spfsuite_owner *o = &sc->owners[i];
    bool gen = !has_txt(o);
    int rc = mp_memzone_add_owner(z, o->name);

    for (size_t j = 0; j < o->nrr && rc == 0; j++) {
      const struct mp_spfsuite_rr *rr = &o->rr[j];

      if (rr->kind == MP_SPFSUITE_TIMEOUT) {
        rc = mp_memzone_add_timeout(z, o->name);
      } else if (rr->kind == MP_SPFSUITE_RR) {
        rc = mp_memzone_add(z, o->name, rr->type, rr->pref, rr->data, rr->len);
      }
    }
    /* generated TXT records go after the list, as in testspf.py */
    for (size_t j = 0; j < o->nrr && rc == 0 && gen; j++) {
      if (o->rr[j].kind == MP_SPFSUITE_RR &&
          o->rr[j].type == MP_SPFSUITE_T_SPF) {
        rc = mp_memzone_add(z, o->name, MP_T_TXT, 0, o->rr[j].data,
                            o->rr[j].len);
      }
    }
    if (rc < 0) {
      mp_log_error("zonedata of %s: bad record", o->name);
      return rc;
    }
  }
  return 0;
}
