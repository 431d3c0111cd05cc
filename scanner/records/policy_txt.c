#include "scanner/records/policy_txt.h"

#include <stddef.h>
#include <string.h>

#include "scanner/base/ascii.h"
#include "scanner/records/policy_bimi.h"
#include "scanner/records/policy_uri.h"

/* ---- Bytes ----------------------------------------------------------- */

/* FWS inside a DKIM-style tag-list (RFC 6376 section 2.8): WSP, and the
 * CR LF of a folded line. */
static bool is_fws(char c)
{
  return mp_is_wsp(c) || c == '\r' || c == '\n';
}

static struct mp_slice slice(const char *p, size_t len)
{
  struct mp_slice s = {p, len};

  return s;
}

/* ---- Record selection ------------------------------------------------ */

static void fail(struct mp_policy_pick *pk, enum mp_policy_error code,
                 int64_t off)
{
  pk->status = MP_POLICY_INVALID;
  pk->error = code;
  pk->error_offset = off;
}

/* Starts like a version tag of this protocol, whatever its case, spacing
 * or number: "v" *WSP "=" *WSP then proto (compared without case). */
static bool near_miss(const char *s, size_t n, const char *proto)
{
  size_t i = 0, pl = strlen(proto);

  while (i < n && is_fws(s[i])) {
    i++;
  }
  if (i == n || mp_lower(s[i]) != 'v') {
    return false;
  }
  for (i++; i < n && mp_is_wsp(s[i]); i++) {
  }
  if (i == n || s[i] != '=') {
    return false;
  }
  for (i++; i < n && mp_is_wsp(s[i]); i++) {
  }
  return n - i >= pl && mp_ieq(s + i, pl, proto);
}

typedef bool (*candidate_fn)(const char *s, size_t n, size_t *after);

/* Counts the records that pass is_candidate and stores the first in pk.
 * Returns true when exactly one passed: its text is in pk->record and
 * *after is where the fields begin. */
static bool pick(const struct mp_rr *rr, size_t n, candidate_fn is_candidate,
                 const char *proto, struct mp_policy_pick *pk, size_t *after)
{
  size_t near = n;

  memset(pk, 0, sizeof(*pk));
  pk->status = MP_POLICY_NONE;
  pk->error_offset = -1;
  for (size_t i = 0; i < n; i++) {
    const char *s = rr[i].data ? rr[i].data : "";
    size_t len = rr[i].data ? rr[i].len : 0, a;

    if (rr[i].type != MP_T_TXT) {
      continue;
    }
    if (is_candidate(s, len, &a)) {
      if (pk->candidates++ == 0) {
        pk->index = i;
        pk->record = slice(s, len);
        *after = a;
      }
    } else if (near == n && near_miss(s, len, proto)) {
      near = i;
    }
  }
  if (pk->candidates > 1) {
    fail(pk, MP_POLICY_ERR_MULTIPLE_RECORDS, -1);
  } else if (pk->candidates == 0 && near < n) {
    pk->index = near;
    pk->record = slice(rr[near].data, rr[near].len);
    fail(pk, MP_POLICY_ERR_BAD_VERSION, 0);
  }
  return pk->candidates == 1;
}

/* RFC 8461 3.1 and RFC 8460 3: records that do not begin with the
 * version and ";" are discarded. The ABNF's field delimiter is
 * *WSP ";" *WSP, so "v=STSv1 ;" passes too (erratum 6285 reports the
 * mismatch; we follow the grammar). A bare "v=STSv1" does not. */
static bool begins_with(const char *s, size_t n, const char *ver, size_t *after)
{
  size_t vl = strlen(ver), i;

  if (n < vl || memcmp(s, ver, vl) != 0) {
    return false;
  }
  for (i = vl; i < n && mp_is_wsp(s[i]); i++) {
  }
  *after = vl;
  return i < n && s[i] == ';';
}

static bool is_mta_sts(const char *s, size_t n, size_t *after)
{
  return begins_with(s, n, "v=STSv1", after);
}

static bool is_tls_rpt(const char *s, size_t n, size_t *after)
{
  return begins_with(s, n, "v=TLSRPTv1", after);
}

/* BIMI draft-10 7.2 step 4: records that do not start with a "v=" tag
 * naming the current version are discarded. The tag follows the DKIM
 * tag-spec ([FWS] name [FWS] "=" [FWS] value [FWS]) and "the value of
 * this tag MUST match precisely" (4.3), so "v=bimi1" is discarded. */
static bool is_bimi(const char *s, size_t n, size_t *after)
{
  size_t i = 0;

  while (i < n && is_fws(s[i])) {
    i++;
  }
  if (i == n || s[i] != 'v') {
    return false;
  }
  for (i++; i < n && is_fws(s[i]); i++) {
  }
  if (i == n || s[i] != '=') {
    return false;
  }
  for (i++; i < n && is_fws(s[i]); i++) {
  }
  if (n - i < 5 || memcmp(s + i, "BIMI1", 5) != 0) {
    return false;
  }
  *after = 0;
  for (i += 5; i < n && is_fws(s[i]); i++) {
  }
  return i == n || s[i] == ';';
}

/* ---- MTA-STS and TLS-RPT fields --------------------------------------- */

struct field {
  size_t name, name_len, val, val_len;
};

/* The next field of sts-text-record / tlsrpt-record after *pos:
 * field-delim (*WSP ";" *WSP) then name "=" value, where the value runs to
 * the next ";" less trailing WSP. Returns 1 with a field, 0 at the end
 * (an optional trailing delimiter), -1 with *err on a syntax error. */
static int next_field(const char *s, size_t n, size_t *pos, struct field *f,
                      size_t *err)
{
  size_t j = *pos;

  if (j == n) {
    return 0;
  }
  j = mp_skip_wsp(s, j, n);
  if (j == n || s[j] != ';') { /* WSP at the end without a ";" too */
    *err = *pos;
    return -1;
  }
  j = mp_skip_wsp(s, j + 1, n);
  if (j == n) {
    *pos = j;
    return 0;
  }
  f->name = j;
  while (j < n &&
         (mp_is_alnum(s[j]) || s[j] == '_' || s[j] == '-' || s[j] == '.')) {
    j++;
  }
  f->name_len = j - f->name;
  if (f->name_len == 0 || j == n || s[j] != '=') {
    *err = j;
    return -1;
  }
  f->val = ++j;
  while (j < n && s[j] != ';') {
    j++;
  }
  while (j > f->val && mp_is_wsp(s[j - 1])) {
    j--;
  }
  f->val_len = j - f->val;
  *pos = j;
  return 1;
}

/* sts-extension / tlsrpt-extension: name = (ALPHA / DIGIT)
 * *31(ALPHA / DIGIT / "_" / "-" / "."), value = 1*(%x21-3A / %x3C /
 * %x3E-7E). The name's bytes were checked by next_field(). */
static bool extension_ok(const char *s, const struct field *f)
{
  if (f->name_len > 32 || !mp_is_alnum(s[f->name]) || f->val_len == 0) {
    return false;
  }
  for (size_t i = f->val; i < f->val + f->val_len; i++) {
    unsigned char c = (unsigned char)s[i];

    if (c < 0x21 || c > 0x7e || c == ';' || c == '=') {
      return false;
    }
  }
  return true;
}

/* A protocol's own field: 1 when f is one and reads well, 0 when it is
 * not one (an extension), -1 with *code and *err when it is bad. */
typedef int (*own_field_fn)(void *out, const char *s, const struct field *f,
                            enum mp_policy_error *code, size_t *err);

/* MTA-STS or TLS-RPT: how a record is selected, its own field (which is
 * required), the error when the field is absent, and where in the result
 * (struct mp_mta_sts or mp_tls_rpt) the own field's values lie: cleared
 * when the record is not valid. */
struct fields_proto {
  candidate_fn is_candidate;
  const char *proto; /* for near misses of the version */
  own_field_fn own;
  enum mp_policy_error missing;
  size_t size, own_from, own_to;
};

/* Every field of the selected record: the protocol's own, read by fp->own,
 * or an extension, counted in *nextensions. Returns true when the record
 * is valid, else false with pk->status INVALID. */
static bool read_fields(const struct fields_proto *fp,
                        struct mp_policy_pick *pk, size_t pos, void *out,
                        size_t *nextensions)
{
  const char *s = pk->record.p;
  enum mp_policy_error code = MP_POLICY_OK;
  struct field f;
  size_t err = 0;
  bool own = false;
  int r, k;

  while ((r = next_field(s, pk->record.len, &pos, &f, &err)) == 1) {
    if ((k = fp->own(out, s, &f, &code, &err)) < 0) {
      fail(pk, code, (int64_t)err);
      return false;
    }
    if (k == 0 && !extension_ok(s, &f)) {
      fail(pk, MP_POLICY_ERR_BAD_EXTENSION, (int64_t)f.name);
      return false;
    }
    if (k == 0) {
      (*nextensions)++;
    }
    own |= k == 1;
  }
  if (r < 0 || !own) {
    fail(pk, r < 0 ? MP_POLICY_ERR_SYNTAX : fp->missing,
         r < 0 ? (int64_t)err : -1);
    return false;
  }
  return true;
}

/* The record selection, then every field (read_fields), into out, whose
 * pick is pk. Returns pk->status; out's own fields are empty unless it is
 * VALID. */
static enum mp_policy_status read_record(const struct mp_rr *rr, size_t n,
                                         const struct fields_proto *fp,
                                         struct mp_policy_pick *pk, void *out,
                                         size_t *nextensions)
{
  size_t pos = 0;

  memset(out, 0, fp->size);
  if (!pick(rr, n, fp->is_candidate, fp->proto, pk, &pos)) {
    return pk->status;
  }
  if (read_fields(fp, pk, pos, out, nextensions)) {
    pk->status = MP_POLICY_VALID;
  } else {
    memset((char *)out + fp->own_from, 0, fp->own_to - fp->own_from);
  }
  return pk->status;
}

/* sts-id = %s"id=" 1*32(ALPHA / DIGIT). A second id would leave the
 * policy's cache key ambiguous: we reject it. */
static int sts_field(void *o, const char *s, const struct field *f,
                     enum mp_policy_error *code, size_t *err)
{
  struct mp_mta_sts *out = o;
  bool ok = f->val_len >= 1 && f->val_len <= 32;

  if (!mp_eq(s + f->name, f->name_len, "id")) {
    return 0;
  }
  for (size_t i = f->val; ok && i < f->val + f->val_len; i++) {
    ok = mp_is_alnum(s[i]);
  }
  if (out->id.p || !ok) {
    *code = out->id.p ? MP_POLICY_ERR_DUPLICATE_ID : MP_POLICY_ERR_BAD_ID;
    *err = out->id.p ? f->name : f->val;
    return -1;
  }
  out->id = slice(s + f->val, f->val_len);
  return 1;
}

enum mp_policy_status mp_policy_txt_parse_mta_sts(const struct mp_rr *rr,
                                                  size_t n,
                                                  struct mp_mta_sts *out)
{
  static const struct fields_proto mta_sts = {is_mta_sts,
                                              "stsv",
                                              sts_field,
                                              MP_POLICY_ERR_MISSING_ID,
                                              sizeof(struct mp_mta_sts),
                                              offsetof(struct mp_mta_sts, id),
                                              offsetof(struct mp_mta_sts, id) +
                                                  sizeof(struct mp_slice)};

  return read_record(rr, n, &mta_sts, &out->pick, out, &out->nextensions);
}

/* tlsrpt-rua = %s"rua=" tlsrpt-uri *(*WSP "," *WSP tlsrpt-uri). Returns
 * MP_POLICY_OK, or the error with *err. */
static enum mp_policy_error rua_list(const char *s, const struct field *f,
                                     struct mp_tls_rpt *out, size_t *err)
{
  size_t i = f->val, end = f->val + f->val_len;

  for (;;) {
    size_t b, e;
    enum mp_policy_uri k;

    i = mp_skip_wsp(s, i, end);
    for (b = i; i < end && s[i] != ','; i++) {
    }
    for (e = i; e > b && mp_is_wsp(s[e - 1]); e--) {
    }
    *err = b;
    k = mp_policy_uri_check(s + b, e - b, MP_POLICY_URI_NO_BANG);
    if (k == MP_POLICY_URI_BAD) {
      return MP_POLICY_ERR_BAD_RUA;
    }
    if (k == MP_POLICY_URI_OTHER) { /* section 3: "mailto" and "https" only */
      return MP_POLICY_ERR_BAD_RUA_SCHEME;
    }
    if (out->nrua < MP_TLS_RPT_RUA_MAX) {
      out->rua[out->nrua] = slice(s + b, e - b);
    }
    out->nrua++;
    if (i == end) {
      return MP_POLICY_OK;
    }
    i++; /* the comma */
  }
}

/* Every rua= field counts: the grammar allows several. Each holds a URI
 * at least, or is bad. */
static int rua_field(void *out, const char *s, const struct field *f,
                     enum mp_policy_error *code, size_t *err)
{
  if (!mp_eq(s + f->name, f->name_len, "rua")) {
    return 0;
  }
  *code = rua_list(s, f, out, err);
  return *code != MP_POLICY_OK ? -1 : 1;
}

enum mp_policy_status mp_policy_txt_parse_tls_rpt(const struct mp_rr *rr,
                                                  size_t n,
                                                  struct mp_tls_rpt *out)
{
  static const struct fields_proto tls_rpt = {
      is_tls_rpt,
      "tlsrptv",
      rua_field,
      MP_POLICY_ERR_MISSING_RUA,
      sizeof(struct mp_tls_rpt),
      offsetof(struct mp_tls_rpt, nrua),
      offsetof(struct mp_tls_rpt, nextensions)};

  return read_record(rr, n, &tls_rpt, &out->pick, out, &out->nextensions);
}

/* ---- BIMI ---------------------------------------------------------- */

enum mp_policy_status mp_policy_txt_parse_bimi(const struct mp_rr *rr, size_t n,
                                               struct mp_bimi *out)
{
  struct mp_policy_pick *pk = &out->pick;
  size_t pos = 0;
  enum mp_policy_error code;
  int64_t off;

  memset(out, 0, sizeof(*out));
  if (!pick(rr, n, is_bimi, "bimi", pk, &pos)) {
    return pk->status;
  }
  code = mp_policy_bimi_tags(pk->record.p, pk->record.len, out, &off);
  if (code != MP_POLICY_OK) {
    fail(pk, code, off);
    out->l = out->a = out->lps = out->avp = slice(NULL, 0);
    out->bad_avp = false;
    return pk->status;
  }
  /* 4.3.1: both empty is a declination to publish. */
  out->declined = out->l.len == 0 && out->a.len == 0;
  pk->status = MP_POLICY_VALID;
  return pk->status;
}
