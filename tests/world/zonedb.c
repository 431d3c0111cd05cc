#include "tests/world/zonedb.h"

#include <arpa/inet.h>
#include <assert.h>
#include <errno.h>
#include <string.h>

#include "scanner/base/alloc.h"

void mp_zonedb_init(struct mp_zonedb *db)
{
  *db = (struct mp_zonedb){0};
}

void mp_zonedb_close(struct mp_zonedb *db)
{
  mp_free(db->rr);
  mp_free(db->bytes);
  mp_zonedb_init(db);
}

void mp_zonedb_clear(struct mp_zonedb *db)
{
  db->n = db->used = 0;
}

/* Appends n bytes (p may be NULL: reserve them) and returns their offset. */
static size_t put(struct mp_zonedb *db, const void *p, size_t n)
{
  size_t off = db->used;

  while (db->used + n > db->bcap) {
    db->bcap = db->bcap == 0 ? 4096 : 2 * db->bcap;
    db->bytes = mp_realloc(db->bytes, db->bcap);
  }
  if (p != NULL) {
    memcpy(db->bytes + off, p, n);
  }
  db->used += n;
  return off;
}

static char lower(char c)
{
  return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c;
}

/* Stores name s[0..n) made absolute (relative names get the origin, a
 * trailing dot is dropped, "." is the root "") in lowercase. */
static size_t put_name(struct mp_zonedb *db, const char *s, size_t n,
                       const char *origin)
{
  size_t off;
  bool abs = n > 0 && s[n - 1] == '.';

  if (n == 1 && s[0] == '@') {
    n = 0;
  }
  off = put(db, NULL, abs ? n - 1 : n);
  for (size_t i = 0; i < (abs ? n - 1 : n); i++) {
    db->bytes[off + i] = lower(s[i]);
  }
  if (!abs) {
    if (n > 0) {
      put(db, ".", 1);
    }
    put(db, origin, strlen(origin));
  }
  put(db, "", 1);
  return off;
}

static const char *token(const char *p, const char *end, size_t *n)
{
  const char *s = p;

  while (s < end && *s != ' ' && *s != '\t') {
    s++;
  }
  *n = (size_t)(s - p);
  return p;
}

static const char *skip_blank(const char *p, const char *end)
{
  while (p < end && (*p == ' ' || *p == '\t')) {
    p++;
  }
  return p;
}

/* RFC 1035 section 5.1 character-strings, all quoted: "..." "..." with \X
 * and \DDD escapes, stored as length octet + bytes. */
static int put_txt(struct mp_zonedb *db, const char *p, const char *end,
                   size_t *len)
{
  size_t start = put(db, NULL, 0);

  for (p = skip_blank(p, end); p < end; p = skip_blank(p, end)) {
    /* room for the length octet and the longest unescaped string */
    size_t lenpos = put(db, NULL, 1 + (size_t)(end - p)), n = 0;
    char *w = db->bytes + lenpos + 1;
    if (*p++ != '"') {
      return -EINVAL;
    }
    while (p < end && *p != '"') {
      char c = *p++;
      if (c == '\\' && p + 2 < end && p[0] >= '0' && p[0] <= '9') {
        c = (char)((p[0] - '0') * 100 + (p[1] - '0') * 10 + (p[2] - '0'));
        p += 3;
      } else if (c == '\\' && p < end) {
        c = *p++;
      }
      w[n++] = c;
    }
    if (p == end || n > 255) {
      return -EINVAL;
    }
    p++;
    db->bytes[lenpos] = (char)n;
    db->used = lenpos + 1 + n; /* give back the unused room */
  }
  *len = db->used - start;
  return *len > 0 ? 0 : -EINVAL;
}

static int rdata(struct mp_zonedb *db, struct mp_zonedb_rr *rr, const char *p,
                 const char *end, const char *origin)
{
  char buf[64];
  size_t n;

  p = skip_blank(p, end);
  while (end > p && (end[-1] == ' ' || end[-1] == '\t')) {
    end--;
  }
  n = (size_t)(end - p);
  rr->data = put(db, NULL, 0);
  switch (rr->type) {
  case MP_ZT_A:
  case MP_ZT_AAAA:
    if (n >= sizeof(buf)) {
      return -EINVAL;
    }
    memcpy(buf, p, n);
    buf[n] = '\0';
    rr->len = rr->type == MP_ZT_A ? 4 : 16;
    put(db, NULL, rr->len);
    return inet_pton(rr->type == MP_ZT_A ? AF_INET : AF_INET6, buf,
                     db->bytes + rr->data) == 1
               ? 0
               : -EINVAL;
  case MP_ZT_MX:
    for (rr->pref = 0; p < end && *p >= '0' && *p <= '9'; p++) {
      rr->pref = (uint16_t)(rr->pref * 10 + (unsigned)(*p - '0'));
    }
    p = skip_blank(p, end);
    n = (size_t)(end - p);
    /* fall through */
  case MP_ZT_CNAME:
  case MP_ZT_PTR:
    if (n == 0) {
      return -EINVAL;
    }
    rr->data = put_name(db, p, n, origin);
    rr->len = strlen(db->bytes + rr->data);
    return 0;
  case MP_ZT_TXT:
    return put_txt(db, p, end, &rr->len);
  default:
    return -EINVAL;
  }
}

static int parse_line(struct mp_zonedb *db, const char *p, const char *end,
                      const char *origin)
{
  static const struct {
    const char *name;
    uint16_t type;
  } types[] = {{"A", MP_ZT_A},     {"AAAA", MP_ZT_AAAA},   {"MX", MP_ZT_MX},
               {"TXT", MP_ZT_TXT}, {"CNAME", MP_ZT_CNAME}, {"SOA", 0},
               {"NS", 0},          {"PTR", MP_ZT_PTR}};
  struct mp_zonedb_rr rr = {0};
  const char *owner, *type;
  size_t on, tn, i;

  if (p == end || *p == ';' || *p == '$' || *p == ' ' || *p == '\t') {
    return p == end || *p == ';' || *p == '$' ? 0 : -EINVAL;
  }
  owner = token(p, end, &on);
  type = token(skip_blank(owner + on, end), end, &tn);
  for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
    if (strlen(types[i].name) == tn && memcmp(types[i].name, type, tn) == 0) {
      break;
    }
  }
  if (i == sizeof(types) / sizeof(types[0])) {
    return -EINVAL;
  }
  if (types[i].type == 0) {
    return 0;
  }
  rr.type = types[i].type;
  rr.name = put_name(db, owner, on, origin);
  if (rdata(db, &rr, type + tn, end, origin) != 0) {
    return -EINVAL;
  }
  if (db->n == db->cap) {
    db->cap = db->cap == 0 ? 64 : 2 * db->cap;
    db->rr = mp_realloc(db->rr, db->cap * sizeof(*db->rr));
  }
  db->rr[db->n++] = rr;
  return 0;
}

int mp_zonedb_parse(struct mp_zonedb *db, const char *text, size_t len,
                    const char *origin)
{
  const char *end = text + len;

  while (text < end) {
    const char *nl = memchr(text, '\n', (size_t)(end - text));
    const char *le = nl != NULL ? nl : end;
    if (parse_line(db, text, le, origin) != 0) {
      return -EINVAL;
    }
    text = nl != NULL ? nl + 1 : end;
  }
  return 0;
}

static int cmp_key(const struct mp_zonedb *db, const struct mp_zonedb_rr *a,
                   const char *name, uint16_t type)
{
  int c = strcmp(db->bytes + a->name, name);

  return c != 0 ? c : (a->type > type) - (a->type < type);
}

static int cmp_rr(const struct mp_zonedb *db, const struct mp_zonedb_rr *a,
                  const struct mp_zonedb_rr *b)
{
  int c = cmp_key(db, a, db->bytes + b->name, b->type);

  if (c == 0) {
    c = (a->pref > b->pref) - (a->pref < b->pref);
  }
  if (c == 0) {
    size_t n = a->len < b->len ? a->len : b->len;
    c = memcmp(db->bytes + a->data, db->bytes + b->data, n);
    c = c != 0 ? c : (a->len > b->len) - (a->len < b->len);
  }
  return c;
}

void mp_zonedb_sort(struct mp_zonedb *db)
{
  size_t k = 0;

  for (size_t i = 1; i < db->n; i++) { /* insertion sort: n is small */
    struct mp_zonedb_rr x = db->rr[i];
    size_t j = i;
    for (; j > 0 && cmp_rr(db, &db->rr[j - 1], &x) > 0; j--) {
      db->rr[j] = db->rr[j - 1];
    }
    db->rr[j] = x;
  }
  for (size_t i = 0; i < db->n; i++) {
    if (k == 0 || cmp_rr(db, &db->rr[k - 1], &db->rr[i]) != 0) {
      db->rr[k++] = db->rr[i];
    }
  }
  db->n = k;
}

size_t mp_zonedb_find(const struct mp_zonedb *db, const char *name,
                      uint16_t type, size_t *first)
{
  size_t lo = 0, hi = db->n, end;

  while (lo < hi) { /* first RR not below (name, type) */
    size_t mid = lo + (hi - lo) / 2;
    if (cmp_key(db, &db->rr[mid], name, type) < 0) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  for (end = lo; end < db->n && cmp_key(db, &db->rr[end], name, type) == 0;
       end++) {
  }
  *first = lo;
  return end - lo;
}

bool mp_zonedb_exists(const struct mp_zonedb *db, const char *name)
{
  size_t n = strlen(name);

  for (size_t i = 0; i < db->n; i++) {
    const char *o = db->bytes + db->rr[i].name;
    size_t on = strlen(o);
    if (on == n ? memcmp(o, name, n) == 0
                : on > n && o[on - n - 1] == '.' &&
                      memcmp(o + on - n, name, n) == 0) {
      return true;
    }
  }
  return false;
}
