/* Any bytes -> mp_dmarc_parse() must not crash or read past its input. It
 * accepts what mp_dmarc_is_record() accepts, less the records with a
 * repeated tag (RFC 6376 3.2), which it rejects; on success every
 * offset (notes, URIs, their domains, unknown tags, rf) lies inside the
 * text, the counters and enums are in range, and the effect agrees with
 * the effective policies. Parsing twice gives the same bytes. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/base/alloc.h"
#include "scanner/checks/check.h"
#include "scanner/records/dmarc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_span(size_t off, size_t len, size_t size)
{
  if (off > size || len > size - off) {
    abort();
  }
}

static void check_uris(const char *in, size_t size,
                       const struct mp_dmarc_uri *u, size_t n, size_t total)
{
  if (n > MP_DMARC_URI_MAX || n > total) {
    abort();
  }
  for (size_t i = 0; i < n; i++) {
    check_span(u[i].off, u[i].len, size);
    if (memchr(in + u[i].off, ';', u[i].len) ||
        memchr(in + u[i].off, ',', u[i].len) ||
        memchr(in + u[i].off, '!', u[i].len)) {
      abort();
    }
    if (u[i].dom_len > 0) {
      char *dom = mp_malloc((size_t)u[i].dom_len + 1);

      if (!u[i].mailto || u[i].dom_off <= u[i].off ||
          (size_t)u[i].dom_off + u[i].dom_len > (size_t)u[i].off + u[i].len ||
          in[u[i].dom_off - 1] != '@' ||
          mp_dmarc_copy_lower(in, u[i].dom_off, u[i].dom_len, dom,
                              (size_t)u[i].dom_len + 1) != (int)u[i].dom_len) {
        abort();
      }
      mp_free(dom);
    } else if (u[i].valid && u[i].mailto) {
      abort(); /* a valid mailto: has a domain */
    }
    if (u[i].valid && u[i].len == 0) {
      abort();
    }
  }
}

static void check_record(const char *in, size_t size,
                         const struct mp_dmarc_record *r)
{
  if (r->text != in || r->len != size || (r->valid & ~r->seen) != 0 ||
      !(r->seen & 1u) || r->seen >> MP_DMARC_TAG_UNKNOWN != 0 ||
      r->nnotes > MP_DMARC_NOTE_MAX || r->nnotes > r->notes_total ||
      (r->notes_total > r->nnotes && r->nnotes != MP_DMARC_NOTE_MAX) ||
      r->nunknown > MP_DMARC_UNKNOWN_MAX || r->nunknown > r->unknown_total ||
      r->p > MP_DMARC_POLICY_REJECT || r->sp > MP_DMARC_POLICY_REJECT ||
      r->np > MP_DMARC_POLICY_REJECT || r->pct > 100 ||
      r->psd > MP_DMARC_PSD_N || r->fo == 0 || r->fo > 0x0F ||
      r->effect > MP_DMARC_EFFECT_NO_PROCESSING) {
    abort();
  }
  /* The effect and the effective policies agree. */
  if ((r->effect == MP_DMARC_EFFECT_NO_PROCESSING) !=
          (r->eff_p == MP_DMARC_POLICY_ABSENT) ||
      (r->effect == MP_DMARC_EFFECT_AS_NONE &&
       r->eff_p != MP_DMARC_POLICY_NONE) ||
      (r->effect == MP_DMARC_EFFECT_POLICY && r->eff_p != r->p) ||
      (r->eff_p != MP_DMARC_POLICY_ABSENT &&
       (r->eff_sp == MP_DMARC_POLICY_ABSENT ||
        r->eff_np == MP_DMARC_POLICY_ABSENT))) {
    abort();
  }
  for (size_t i = 0; i < r->nnotes; i++) {
    check_span(r->notes[i].off, r->notes[i].len, size);
    if (r->notes[i].code > MP_DMARC_NOTE_NO_POLICY ||
        r->notes[i].tag > MP_DMARC_TAG_NONE ||
        strcmp(mp_dmarc_note_name(r->notes[i].code), "?") == 0) {
      abort();
    }
  }
  for (size_t i = 0; i < r->nunknown; i++) {
    const struct mp_dmarc_unknown *u = &r->unknown[i];

    check_span(u->name_off, u->name_len, size);
    check_span(u->val_off, u->val_len, size);
    if (u->name_len == 0 || u->val_off < u->name_off + u->name_len ||
        memchr(in + u->val_off, ';', u->val_len)) {
      abort();
    }
  }
  check_span(r->rf_off, r->rf_len, size);
  check_uris(in, size, r->rua, r->nrua, r->rua_total);
  check_uris(in, size, r->ruf, r->nruf, r->ruf_total);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  /* An exactly sized copy, so ASan catches a read past size. */
  char *in = mp_memdup(data, size);
  struct mp_dmarc_record r, r2;
  struct mp_dmarc_error e, e2;
  int rc = mp_dmarc_parse(in, size, &r, &e);
  int rc2 = mp_dmarc_parse(in, size, &r2, &e2);

  /* the error by its fields: a struct copy need not copy its padding */
  if (rc != rc2 || memcmp(&r, &r2, sizeof(r)) != 0 || e.code != e2.code ||
      e.offset != e2.offset) {
    abort();
  }
  if (rc == 0) {
    if (e.code != MP_DMARC_ERR_OK || !mp_dmarc_is_record(in, size)) {
      abort();
    }
    check_record(in, size, &r);
  } else if (rc == -EINVAL) {
    if (e.offset > size ||
        (e.code == MP_DMARC_ERR_VERSION && mp_dmarc_is_record(in, size)) ||
        (e.code == MP_DMARC_ERR_TOO_LONG && size <= UINT16_MAX) ||
        (e.code == MP_DMARC_ERR_DUPLICATE_TAG &&
         !mp_dmarc_is_record(in, size)) ||
        e.code == MP_DMARC_ERR_OK) {
      abort();
    }
  } else {
    abort();
  }
  mp_free(in);
  return 0;
}
