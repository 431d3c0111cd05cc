#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/checks/check.h"
#include "scanner/records/dmarc.h"

#define BIT(tag) (1u << (tag))

static int parse(const char *text, struct mp_dmarc_record *r,
                 struct mp_dmarc_error *e)
{
  return mp_dmarc_parse(text, strlen(text), r, e);
}

/* Parses text, which must be a DMARC record. */
static void must_parse(const char *text, struct mp_dmarc_record *r)
{
  struct mp_dmarc_error e;

  cr_assert_eq(parse(text, r, &e), 0, "%s", text);
  cr_assert_eq(e.code, MP_DMARC_ERR_OK);
}

/* How many notes with this code (and tag, unless MP_DMARC_TAG_NONE is
 * asked for any tag) the record has. */
static size_t count_notes(const struct mp_dmarc_record *r,
                          enum mp_dmarc_note_code code, int tag)
{
  size_t n = 0;

  for (size_t i = 0; i < r->nnotes; i++) {
    if (r->notes[i].code == code && (tag < 0 || r->notes[i].tag == tag)) {
      n++;
    }
  }
  return n;
}

/* text[off .. off + len) as a NUL-terminated copy. */
static const char *span(const struct mp_dmarc_record *r, size_t off, size_t len,
                        char *buf, size_t cap)
{
  cr_assert_lt(len, cap);
  cr_assert_leq(off + len, r->len);
  memcpy(buf, r->text + off, len);
  buf[len] = '\0';
  return buf;
}

/* ---- The version: what is a DMARC record at all ---------------------- */

struct version_case {
  char text[40];
  bool is_record;
  size_t end; /* after "DMARC1", or where the check failed */
};

ParameterizedTestParameters(dmarc_parse, version_agrees_with_is_record)
{
  static struct version_case cases[] = {
      {"v=DMARC1", true, 8},
      {"v=DMARC1;", true, 8},
      {"V=DMARC1; p=none", true, 8},
      {"v = DMARC1;p=reject", true, 10},
      {"v\t=\tDMARC1\t;", true, 10},
      {"v=DMARC1 ", true, 8},
      {"v=DMARC1 ;p=none", true, 8},
      {"v=dmarc1; p=none", false, 2}, /* "DMARC1" is case-sensitive */
      {"v=DMARC10", false, 8},        /* no ";" or end after it */
      {"v=DMARC1 p=none", false, 9},  /* WSP is no separator */
      {"v=DMARC1,p=none", false, 8},
      {" v=DMARC1", false, 0}, /* v must be first */
      {"p=none; v=DMARC1", false, 0},
      {"vv=DMARC1", false, 1},
      {"v=spf1 -all", false, 2},
      {"", false, 0},
      {"v", false, 1},
      {"v=", false, 2},
      {"v=DMARC", false, 7},
      {"v:DMARC1", false, 1},
      {"v=DMARC2; p=none", false, 7},
  };

  return cr_make_param_array(struct version_case, cases,
                             sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct version_case *c, dmarc_parse,
                  version_agrees_with_is_record)
{
  struct mp_dmarc_record r;
  struct mp_dmarc_error e;
  size_t len = strlen(c->text), end = 99;
  int rc = mp_dmarc_parse(c->text, len, &r, &e);

  cr_expect_eq(mp_dmarc_is_record(c->text, len), c->is_record, "%s", c->text);
  cr_expect_eq(mp_dmarc_parse_version(c->text, len, &end), c->is_record);
  cr_expect_eq(end, c->end, "%s: end %zu", c->text, end);
  if (c->is_record) {
    cr_expect_eq(rc, 0);
    cr_expect_eq(e.code, MP_DMARC_ERR_OK);
  } else {
    cr_expect_eq(rc, -EINVAL);
    cr_expect_eq(e.code, MP_DMARC_ERR_VERSION);
    cr_expect_eq(e.offset, c->end);
  }
}

Test(dmarc_parse, rejects_a_text_no_txt_record_holds)
{
  size_t n = 70000;
  char *big = malloc(n);
  struct mp_dmarc_record r;
  struct mp_dmarc_error e;

  cr_assert_not_null(big);
  memset(big, 'x', n);
  memcpy(big, "v=DMARC1; p=none; x=", 20);
  cr_expect_eq(mp_dmarc_parse(big, n, &r, &e), -EINVAL);
  cr_expect_eq(e.code, MP_DMARC_ERR_TOO_LONG);
  cr_expect_str_eq(mp_dmarc_error_name(e.code), "too_long");
  free(big);
}

Test(dmarc_parse, error_may_be_null)
{
  struct mp_dmarc_record r;

  cr_expect_eq(mp_dmarc_parse("v=spf1", 6, &r, NULL), -EINVAL);
  cr_expect_eq(mp_dmarc_parse("v=DMARC1", 8, &r, NULL), 0);
}

/* ---- Defaults and every tag ----------------------------------------- */

Test(dmarc_parse, fills_in_the_defaults)
{
  struct mp_dmarc_record r;

  must_parse("v=DMARC1; p=none", &r);
  cr_expect_eq(r.seen, BIT(MP_DMARC_TAG_V) | BIT(MP_DMARC_TAG_P));
  cr_expect_eq(r.valid, r.seen);
  cr_expect_eq(r.p, MP_DMARC_POLICY_NONE);
  cr_expect_eq(r.sp, MP_DMARC_POLICY_ABSENT);
  cr_expect_eq(r.np, MP_DMARC_POLICY_ABSENT);
  cr_expect_eq(r.eff_sp, MP_DMARC_POLICY_NONE);
  cr_expect_eq(r.eff_np, MP_DMARC_POLICY_NONE);
  cr_expect_eq(r.effect, MP_DMARC_EFFECT_POLICY);
  cr_expect_not(r.adkim_strict);
  cr_expect_not(r.aspf_strict);
  cr_expect_eq(r.pct, 100);
  cr_expect_eq(r.fo, MP_DMARC_FO_0);
  cr_expect(r.rf_afrf);
  cr_expect_eq(r.rf_len, 0);
  cr_expect_eq(r.ri, 86400);
  cr_expect_eq(r.psd, MP_DMARC_PSD_U);
  cr_expect_not(r.t);
  cr_expect_eq(r.nrua + r.nruf + r.nunknown, 0);
  cr_expect_eq(r.nnotes, 0);
  cr_expect_eq(r.notes_total, 0);
}

Test(dmarc_parse, parses_every_tag_of_both_rfcs)
{
  struct mp_dmarc_record r;
  char buf[64];

  must_parse("v=DMARC1; p=reject; sp=quarantine; np=none; pct=50; "
             "rua=mailto:a@example.com; ruf=mailto:f@example.net; adkim=s; "
             "aspf=s; fo=1:d:s; rf=afrf; ri=3600; psd=n; t=y",
             &r);
  cr_expect_eq(r.seen, BIT(MP_DMARC_TAG_UNKNOWN) - 1);
  cr_expect_eq(r.valid, r.seen);
  cr_expect_eq(r.p, MP_DMARC_POLICY_REJECT);
  cr_expect_eq(r.sp, MP_DMARC_POLICY_QUARANTINE);
  cr_expect_eq(r.np, MP_DMARC_POLICY_NONE);
  cr_expect_eq(r.eff_p, MP_DMARC_POLICY_REJECT);
  cr_expect_eq(r.eff_sp, MP_DMARC_POLICY_QUARANTINE);
  cr_expect_eq(r.eff_np, MP_DMARC_POLICY_NONE);
  cr_expect_eq(r.pct, 50);
  cr_expect_eq(r.nrua, 1);
  cr_expect_eq(r.nruf, 1);
  cr_expect_str_eq(span(&r, r.ruf[0].dom_off, r.ruf[0].dom_len, buf, 64),
                   "example.net");
  cr_expect(r.adkim_strict);
  cr_expect(r.aspf_strict);
  cr_expect_eq(r.fo, MP_DMARC_FO_1 | MP_DMARC_FO_D | MP_DMARC_FO_S);
  cr_expect(r.rf_afrf);
  cr_expect_str_eq(span(&r, r.rf_off, r.rf_len, buf, 64), "afrf");
  cr_expect_eq(r.ri, 3600);
  cr_expect_eq(r.psd, MP_DMARC_PSD_N);
  cr_expect(r.t);
  /* RFC 9989 C.5: pct rf ri removed, np psd t added. */
  cr_expect_eq(count_notes(&r, MP_DMARC_NOTE_REMOVED_TAG, -1), 3);
  cr_expect_eq(count_notes(&r, MP_DMARC_NOTE_REMOVED_TAG, MP_DMARC_TAG_PCT), 1);
  cr_expect_eq(count_notes(&r, MP_DMARC_NOTE_REMOVED_TAG, MP_DMARC_TAG_RF), 1);
  cr_expect_eq(count_notes(&r, MP_DMARC_NOTE_REMOVED_TAG, MP_DMARC_TAG_RI), 1);
  cr_expect_eq(count_notes(&r, MP_DMARC_NOTE_RFC9989_TAG, -1), 3);
  cr_expect_eq(count_notes(&r, MP_DMARC_NOTE_RFC9989_TAG, MP_DMARC_TAG_NP), 1);
  cr_expect_eq(count_notes(&r, MP_DMARC_NOTE_RFC9989_TAG, MP_DMARC_TAG_PSD), 1);
  cr_expect_eq(count_notes(&r, MP_DMARC_NOTE_RFC9989_TAG, MP_DMARC_TAG_T), 1);
  cr_expect_eq(r.nnotes, 6);
}

Test(dmarc_parse, tag_names_and_values_ignore_case)
{
  struct mp_dmarc_record r;

  must_parse("V=DMARC1; P=REJECT; SP=Quarantine; Np=NONE; ADKIM=S; Aspf=S; "
             "FO=D; PSD=Y; T=Y; RF=AFRF; RUF=MailTo:x@example.com",
             &r);
  cr_expect_eq(r.p, MP_DMARC_POLICY_REJECT);
  cr_expect_eq(r.sp, MP_DMARC_POLICY_QUARANTINE);
  cr_expect_eq(r.np, MP_DMARC_POLICY_NONE);
  cr_expect(r.adkim_strict);
  cr_expect(r.aspf_strict);
  cr_expect_eq(r.fo, MP_DMARC_FO_D);
  cr_expect_eq(r.psd, MP_DMARC_PSD_Y);
  cr_expect(r.t);
  cr_expect(r.rf_afrf);
  cr_expect(r.ruf[0].mailto);
  cr_expect_eq(count_notes(&r, MP_DMARC_NOTE_BAD_VALUE, -1), 0);
}

Test(dmarc_parse, reads_psd_u_and_t_n_and_fo_0)
{
  struct mp_dmarc_record r;

  must_parse("v=DMARC1; p=none; psd=u; t=n; fo=0; ruf=mailto:a@b.example", &r);
  cr_expect_eq(r.psd, MP_DMARC_PSD_U);
  cr_expect(r.valid & BIT(MP_DMARC_TAG_PSD));
  cr_expect_not(r.t);
  cr_expect(r.valid & BIT(MP_DMARC_TAG_T));
  cr_expect_eq(r.fo, MP_DMARC_FO_0);
}

/* ---- Bad values: a note, and the default stands ---------------------- */

struct bad_case {
  char text[64];
  enum mp_dmarc_tag tag;
  enum mp_dmarc_note_code note;
};

ParameterizedTestParameters(dmarc_parse, bad_value_keeps_the_default)
{
  static struct bad_case cases[] = {
      {"p=nonee", MP_DMARC_TAG_P, MP_DMARC_NOTE_BAD_VALUE},
      {"p=", MP_DMARC_TAG_P, MP_DMARC_NOTE_EMPTY_VALUE},
      {"p = ", MP_DMARC_TAG_P, MP_DMARC_NOTE_EMPTY_VALUE},
      {"p=none reject", MP_DMARC_TAG_P, MP_DMARC_NOTE_BAD_VALUE},
      {"sp=block", MP_DMARC_TAG_SP, MP_DMARC_NOTE_BAD_VALUE},
      {"np=1", MP_DMARC_TAG_NP, MP_DMARC_NOTE_BAD_VALUE},
      {"pct=101", MP_DMARC_TAG_PCT, MP_DMARC_NOTE_BAD_VALUE},
      {"pct=-1", MP_DMARC_TAG_PCT, MP_DMARC_NOTE_BAD_VALUE},
      {"pct=0100", MP_DMARC_TAG_PCT, MP_DMARC_NOTE_BAD_VALUE},
      {"pct=50%", MP_DMARC_TAG_PCT, MP_DMARC_NOTE_BAD_VALUE},
      {"pct=", MP_DMARC_TAG_PCT, MP_DMARC_NOTE_EMPTY_VALUE},
      {"adkim=x", MP_DMARC_TAG_ADKIM, MP_DMARC_NOTE_BAD_VALUE},
      {"aspf=relaxed", MP_DMARC_TAG_ASPF, MP_DMARC_NOTE_BAD_VALUE},
      {"fo=2", MP_DMARC_TAG_FO, MP_DMARC_NOTE_BAD_VALUE},
      {"fo=0:", MP_DMARC_TAG_FO, MP_DMARC_NOTE_BAD_VALUE},
      {"fo=:1", MP_DMARC_TAG_FO, MP_DMARC_NOTE_BAD_VALUE},
      {"fo=0,1", MP_DMARC_TAG_FO, MP_DMARC_NOTE_BAD_VALUE},
      {"fo=ds", MP_DMARC_TAG_FO, MP_DMARC_NOTE_BAD_VALUE},
      {"rf=afrf:", MP_DMARC_TAG_RF, MP_DMARC_NOTE_BAD_VALUE},
      {"rf=-x", MP_DMARC_TAG_RF, MP_DMARC_NOTE_BAD_VALUE},
      {"rf=a_b", MP_DMARC_TAG_RF, MP_DMARC_NOTE_BAD_VALUE},
      {"ri=4294967296", MP_DMARC_TAG_RI, MP_DMARC_NOTE_BAD_VALUE},
      {"ri=1h", MP_DMARC_TAG_RI, MP_DMARC_NOTE_BAD_VALUE},
      {"psd=x", MP_DMARC_TAG_PSD, MP_DMARC_NOTE_BAD_VALUE},
      {"psd=yes", MP_DMARC_TAG_PSD, MP_DMARC_NOTE_BAD_VALUE},
      {"t=true", MP_DMARC_TAG_T, MP_DMARC_NOTE_BAD_VALUE},
      {"t=1", MP_DMARC_TAG_T, MP_DMARC_NOTE_BAD_VALUE},
      {"t=\x7f", MP_DMARC_TAG_T, MP_DMARC_NOTE_BAD_CHARACTER},
      {"ri=86400\x01", MP_DMARC_TAG_RI, MP_DMARC_NOTE_BAD_CHARACTER},
      {"adkim=s\xc3\xa9", MP_DMARC_TAG_ADKIM, MP_DMARC_NOTE_BAD_CHARACTER},
      {"adkim=r\ts", MP_DMARC_TAG_ADKIM, MP_DMARC_NOTE_BAD_CHARACTER},
  };

  return cr_make_param_array(struct bad_case, cases,
                             sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct bad_case *c, dmarc_parse, bad_value_keeps_the_default)
{
  char text[96];
  struct mp_dmarc_record r, d;

  /* p comes last, so that the bad tag is the second one; a bad p has
   * none after it, which would repeat the tag. */
  snprintf(text, sizeof(text), "v=DMARC1; %s%s", c->text,
           c->tag == MP_DMARC_TAG_P ? "" : ";p=quarantine");
  must_parse(text, &r);
  must_parse("v=DMARC1; p=quarantine", &d);
  cr_expect_eq(count_notes(&r, c->note, (int)c->tag), 1, "%s", text);
  cr_expect(r.seen & BIT(c->tag));
  cr_expect_not(r.valid & BIT(c->tag));
  cr_expect_eq(r.adkim_strict, d.adkim_strict);
  cr_expect_eq(r.aspf_strict, d.aspf_strict);
  cr_expect_eq(r.pct, d.pct);
  cr_expect_eq(r.fo, d.fo);
  cr_expect_eq(r.rf_afrf, d.rf_afrf);
  cr_expect_eq(r.ri, d.ri);
  cr_expect_eq(r.psd, d.psd);
  cr_expect_eq(r.t, d.t);
  cr_expect_eq(r.np, d.np);
  cr_expect_eq(r.sp, d.sp);
  if (c->tag == MP_DMARC_TAG_P) {
    cr_expect_eq(r.p, MP_DMARC_POLICY_ABSENT);
    cr_expect_eq(r.effect, MP_DMARC_EFFECT_NO_PROCESSING);
  } else if (c->tag == MP_DMARC_TAG_SP || c->tag == MP_DMARC_TAG_NP) {
    cr_expect_eq(r.effect, MP_DMARC_EFFECT_NO_PROCESSING);
  } else {
    cr_expect_eq(r.effect, MP_DMARC_EFFECT_POLICY);
  }
}

Test(dmarc_parse, fo_accepts_wsp_and_notes_conflicts)
{
  struct mp_dmarc_record r;

  must_parse("v=DMARC1; p=none; ruf=mailto:a@example.com; fo = 1 : d", &r);
  cr_expect_eq(r.fo, MP_DMARC_FO_1 | MP_DMARC_FO_D);
  cr_expect_eq(r.nnotes, 0);
  must_parse("v=DMARC1; p=none; ruf=mailto:a@example.com; fo=0:1", &r);
  cr_expect_eq(r.fo, MP_DMARC_FO_0 | MP_DMARC_FO_1);
  cr_expect_eq(count_notes(&r, MP_DMARC_NOTE_FO_CONFLICT, MP_DMARC_TAG_FO), 1);
  must_parse("v=DMARC1; p=none; ruf=mailto:a@example.com; fo=d:1:d", &r);
  cr_expect_eq(count_notes(&r, MP_DMARC_NOTE_FO_CONFLICT, MP_DMARC_TAG_FO), 1);
  cr_expect(r.valid & BIT(MP_DMARC_TAG_FO));
}

Test(dmarc_parse, fo_without_ruf_is_noted)
{
  struct mp_dmarc_record r;

  must_parse("v=DMARC1; p=none; fo=1", &r);
  cr_expect_eq(count_notes(&r, MP_DMARC_NOTE_FO_WITHOUT_RUF, MP_DMARC_TAG_FO),
               1);
  cr_expect_eq(r.nnotes, 1);
}

Test(dmarc_parse, rf_lists_keywords)
{
  struct mp_dmarc_record r;

  must_parse("v=DMARC1; p=none; rf=iodef : afrf", &r);
  cr_expect(r.rf_afrf);
  must_parse("v=DMARC1; p=none; rf=iodef", &r);
  cr_expect_not(r.rf_afrf);
  cr_expect(r.valid & BIT(MP_DMARC_TAG_RF));
}

/* ---- Separators and whitespace -------------------------------------- */

struct wsp_case {
  char text[48];
  size_t empty_tags;
};

ParameterizedTestParameters(dmarc_parse, takes_wsp_and_separators)
{
  static struct wsp_case cases[] = {
      {"v = DMARC1;p=reject", 0},      {"v=DMARC1 ; p = reject ;", 0},
      {"v=DMARC1;\tp=reject\t;\t", 0}, {"v=DMARC1;p=reject;", 0},
      {"v=DMARC1; p=reject; ", 0},     {"v=DMARC1;p\t=\treject", 0},
      {"v=DMARC1;;p=reject", 1},       {"v=DMARC1; ; p=reject", 1},
      {"v=DMARC1;p=reject;;", 1},      {"v=DMARC1;p=reject; ;; ", 2},
  };

  return cr_make_param_array(struct wsp_case, cases,
                             sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct wsp_case *c, dmarc_parse, takes_wsp_and_separators)
{
  struct mp_dmarc_record r;

  must_parse(c->text, &r);
  cr_expect_eq(r.p, MP_DMARC_POLICY_REJECT, "%s", c->text);
  cr_expect_eq(r.effect, MP_DMARC_EFFECT_POLICY);
  cr_expect_eq(count_notes(&r, MP_DMARC_NOTE_EMPTY_TAG, -1), c->empty_tags,
               "%s", c->text);
  cr_expect_eq(r.nnotes, c->empty_tags, "%s", c->text);
}

Test(dmarc_parse, malformed_tags_are_noted_and_ignored)
{
  struct mp_dmarc_record r;
  char buf[32];

  must_parse("v=DMARC1; p=none; fo:1; =x; p1=reject; rua; rf afrf", &r);
  cr_expect_eq(count_notes(&r, MP_DMARC_NOTE_MALFORMED_TAG, MP_DMARC_TAG_NONE),
               5);
  cr_expect_eq(r.p, MP_DMARC_POLICY_NONE);
  cr_expect_eq(r.seen, BIT(MP_DMARC_TAG_V) | BIT(MP_DMARC_TAG_P));
  cr_expect_str_eq(span(&r, r.notes[0].off, r.notes[0].len, buf, sizeof(buf)),
                   "fo:1");
}

/* ---- Repeated tags: the whole record is invalid ---------------------- */

/* RFC 7489 6.3 and RFC 9989 4.7: DMARC records use the DKIM tag-list
 * syntax, and RFC 6376 3.2: "if a tag name does occur more than once, the
 * entire tag-list is invalid". Tag names compare in any case. */
struct repeat_case {
  char text[96];
  char second[24]; /* where the repeated tag is given again */
  enum mp_dmarc_tag tag;
};

ParameterizedTestParameters(dmarc_parse, repeated_tag_invalidates_the_record)
{
  static struct repeat_case cases[] = {
      {"v=DMARC1; p=reject; p=none", "p=none", MP_DMARC_TAG_P},
      {"v=DMARC1; p=none; P=reject", "P=reject", MP_DMARC_TAG_P},
      {"v=DMARC1; p=bogus; p=reject", "p=reject", MP_DMARC_TAG_P},
      {"v=DMARC1; p=reject; v=DMARC1", "v=DMARC1", MP_DMARC_TAG_V},
      {"v=DMARC1; p=reject; rua=mailto:a@x.example; rua=mailto:b@x.example",
       "rua=mailto:b", MP_DMARC_TAG_RUA},
      {"v=DMARC1; p=reject; psd=n; sp=none; psd=y", "psd=y", MP_DMARC_TAG_PSD},
      {"v=DMARC1; p=reject; t=; t=y", "t=y", MP_DMARC_TAG_T},
      {"v=DMARC1; p=reject; foo=1; Foo=2", "Foo=2", MP_DMARC_TAG_UNKNOWN},
  };

  return cr_make_param_array(struct repeat_case, cases,
                             sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct repeat_case *c, dmarc_parse,
                  repeated_tag_invalidates_the_record)
{
  struct mp_dmarc_record r;
  struct mp_dmarc_error e;

  cr_assert(mp_dmarc_is_record(c->text, strlen(c->text)), "%s", c->text);
  cr_expect_eq(parse(c->text, &r, &e), -EINVAL, "%s", c->text);
  cr_expect_eq(e.code, MP_DMARC_ERR_DUPLICATE_TAG, "%s", c->text);
  cr_expect_eq(e.offset, (size_t)(strstr(c->text + 1, c->second) - c->text),
               "%s", c->text);
  cr_expect_str_eq(mp_dmarc_error_name(e.code), "duplicate_tag");
  cr_expect_eq(count_notes(&r, MP_DMARC_NOTE_DUPLICATE_TAG, (int)c->tag), 1,
               "%s", c->text);
  cr_expect_eq(r.seen, 0); /* nothing of it may be used */
  cr_expect_eq(r.valid, 0);
}

Test(dmarc_parse, same_value_under_two_tags_is_no_repeat)
{
  struct mp_dmarc_record r;

  must_parse("v=DMARC1; p=reject; sp=reject; np=reject; x=1; xy=1", &r);
  cr_expect_eq(count_notes(&r, MP_DMARC_NOTE_DUPLICATE_TAG, -1), 0);
}

Test(dmarc_parse, repeated_unknown_tag_far_down_the_list_is_caught)
{
  char text[512];
  size_t n = (size_t)snprintf(text, sizeof(text), "v=DMARC1; p=none");
  struct mp_dmarc_record r;
  struct mp_dmarc_error e;

  for (char c = 'a'; c <= 'z'; c++) {
    n += (size_t)snprintf(text + n, sizeof(text) - n, "; x%c=1", c);
  }
  snprintf(text + n, sizeof(text) - n, "; xa=2");
  cr_expect_eq(parse(text, &r, &e), -EINVAL);
  cr_expect_eq(e.code, MP_DMARC_ERR_DUPLICATE_TAG);
}

Test(dmarc_parse, lists_unknown_tags)
{
  struct mp_dmarc_record r;
  char buf[32];

  must_parse("v=DMARC1; p=none; Foo=Bar baz; x = 1 ;bimi=v", &r);
  cr_expect_eq(r.nunknown, 3);
  cr_expect_eq(r.unknown_total, 3);
  cr_expect_str_eq(
      span(&r, r.unknown[0].name_off, r.unknown[0].name_len, buf, sizeof(buf)),
      "Foo");
  cr_expect_str_eq(
      span(&r, r.unknown[0].val_off, r.unknown[0].val_len, buf, sizeof(buf)),
      "Bar baz");
  cr_expect_str_eq(
      span(&r, r.unknown[1].name_off, r.unknown[1].name_len, buf, sizeof(buf)),
      "x");
  cr_expect_str_eq(
      span(&r, r.unknown[1].val_off, r.unknown[1].val_len, buf, sizeof(buf)),
      "1");
  cr_expect_eq(count_notes(&r, MP_DMARC_NOTE_UNKNOWN_TAG, MP_DMARC_TAG_UNKNOWN),
               3);
  cr_expect_eq(r.effect, MP_DMARC_EFFECT_POLICY);
}

Test(dmarc_parse, keeps_the_first_unknown_tags_and_counts_all)
{
  struct mp_dmarc_record r;

  must_parse("v=DMARC1; p=none; a=1; b=1; c=1; d=1; e=1; f=1; g=1; h=1; "
             "i=1; j=1",
             &r);
  cr_expect_eq(r.nunknown, MP_DMARC_UNKNOWN_MAX);
  cr_expect_eq(r.unknown_total, 10);
}

Test(dmarc_parse, counts_notes_past_the_array)
{
  char text[512];
  size_t n = (size_t)snprintf(text, sizeof(text), "v=DMARC1; p=none");
  struct mp_dmarc_record r;

  for (int i = 0; i < 30; i++) { /* malformed: no "=", so not a tag */
    n += (size_t)snprintf(text + n, sizeof(text) - n, "; p none");
  }
  must_parse(text, &r);
  cr_expect_eq(r.nnotes, MP_DMARC_NOTE_MAX);
  cr_expect_eq(r.notes_total, 30);
}

/* ---- p: missing, not second, and the effect ------------------------- */

Test(dmarc_parse, p_after_another_tag_is_noted)
{
  struct mp_dmarc_record r;

  must_parse("v=DMARC1; rua=mailto:a@example.com; p=none", &r);
  cr_expect_eq(count_notes(&r, MP_DMARC_NOTE_P_NOT_SECOND, MP_DMARC_TAG_P), 1);
  cr_expect_eq(r.effect, MP_DMARC_EFFECT_POLICY);
  must_parse("v=DMARC1;;p=none", &r);
  cr_expect_eq(count_notes(&r, MP_DMARC_NOTE_P_NOT_SECOND, -1), 0);
}

struct effect_case {
  char text[80];
  enum mp_dmarc_effect effect;
  enum mp_dmarc_policy p, sp, np;
  bool p_missing;
};

#define N   MP_DMARC_POLICY_NONE
#define Q   MP_DMARC_POLICY_QUARANTINE
#define R   MP_DMARC_POLICY_REJECT
#define A   MP_DMARC_POLICY_ABSENT
#define RUA "rua=mailto:a@example.com"

ParameterizedTestParameters(dmarc_parse, decides_whether_a_policy_applies)
{
  static struct effect_case cases[] = {
      {"v=DMARC1; p=reject", MP_DMARC_EFFECT_POLICY, R, R, R, false},
      {"v=DMARC1; p=reject; sp=none", MP_DMARC_EFFECT_POLICY, R, N, N, false},
      {"v=DMARC1; p=reject; np=quarantine", MP_DMARC_EFFECT_POLICY, R, R, Q,
       false},
      {"v=DMARC1; p=none; sp=quarantine; np=reject", MP_DMARC_EFFECT_POLICY, N,
       Q, R, false},
      /* RFC 9989 4.10.1: no valid p, but a valid rua URI: p=none. */
      {"v=DMARC1; " RUA, MP_DMARC_EFFECT_AS_NONE, N, N, N, true},
      {"v=DMARC1; p=bogus; " RUA, MP_DMARC_EFFECT_AS_NONE, N, N, N, false},
      {"v=DMARC1; p=; " RUA, MP_DMARC_EFFECT_AS_NONE, N, N, N, false},
      {"v=DMARC1; sp=reject; " RUA, MP_DMARC_EFFECT_AS_NONE, N, R, R, true},
      /* An sp or np that is not valid counts as a bad policy too. */
      {"v=DMARC1; p=reject; sp=bogus; " RUA, MP_DMARC_EFFECT_AS_NONE, N, N, N,
       false},
      {"v=DMARC1; p=reject; np=bogus; sp=quarantine; " RUA,
       MP_DMARC_EFFECT_AS_NONE, N, Q, Q, false},
      /* Without a valid rua URI, no DMARC processing. */
      {"v=DMARC1", MP_DMARC_EFFECT_NO_PROCESSING, A, A, A, true},
      {"v=DMARC1; p=reject; sp=bogus", MP_DMARC_EFFECT_NO_PROCESSING, A, A, A,
       false},
      {"v=DMARC1; p=reject; np=", MP_DMARC_EFFECT_NO_PROCESSING, A, A, A,
       false},
      {"v=DMARC1; p=x; rua=example.com", MP_DMARC_EFFECT_NO_PROCESSING, A, A, A,
       false},
      {"v=DMARC1; ruf=mailto:a@example.com", MP_DMARC_EFFECT_NO_PROCESSING, A,
       A, A, true},
      /* A bad rua does not matter while p is valid. */
      {"v=DMARC1; p=quarantine; rua=example.com", MP_DMARC_EFFECT_POLICY, Q, Q,
       Q, false},
  };

  return cr_make_param_array(struct effect_case, cases,
                             sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct effect_case *c, dmarc_parse,
                  decides_whether_a_policy_applies)
{
  struct mp_dmarc_record r;
  enum mp_dmarc_note_code want = c->effect == MP_DMARC_EFFECT_AS_NONE
                                     ? MP_DMARC_NOTE_POLICY_AS_NONE
                                     : MP_DMARC_NOTE_NO_POLICY;

  must_parse(c->text, &r);
  cr_expect_eq(r.effect, c->effect, "%s: %s", c->text,
               mp_dmarc_effect_name(r.effect));
  cr_expect_eq(r.eff_p, c->p, "%s", c->text);
  cr_expect_eq(r.eff_sp, c->sp, "%s", c->text);
  cr_expect_eq(r.eff_np, c->np, "%s", c->text);
  cr_expect_eq(count_notes(&r, MP_DMARC_NOTE_P_MISSING, MP_DMARC_TAG_NONE),
               c->p_missing ? 1 : 0, "%s", c->text);
  cr_expect_eq(count_notes(&r, want, -1),
               c->effect == MP_DMARC_EFFECT_POLICY ? 0 : 1, "%s", c->text);
}

#undef N
#undef Q
#undef R
#undef A

/* ---- rua and ruf ---------------------------------------------------- */

struct uri_case {
  char uri[64];
  bool valid, mailto, has_size;
  uint64_t size;
  char domain[24]; /* "" when none */
};

ParameterizedTestParameters(dmarc_parse, parses_one_reporting_uri)
{
  static struct uri_case cases[] = {
      {"mailto:d@example.com", true, true, false, 0, "example.com"},
      {"MAILTO:d@EXAMPLE.com", true, true, false, 0, "EXAMPLE.com"},
      {"mailto:d@example.com!10", true, true, true, 10, "example.com"},
      {"mailto:d@example.com!10k", true, true, true, 10240, "example.com"},
      {"mailto:d@example.com!3M", true, true, true, 3u << 20, "example.com"},
      {"mailto:d@example.com!1g", true, true, true, 1u << 30, "example.com"},
      {"mailto:d@example.com!2t", true, true, true, 2ull << 40, "example.com"},
      /* RFC 7489 6.2's own example. */
      {"mailto:reports@example.com!50m", true, true, true, 50ull << 20,
       "example.com"},
      {"mailto:d@example.com!99999999999999999999", true, true, true,
       UINT64_MAX, "example.com"},
      {"mailto:d@example.com!20000000t", true, true, true, UINT64_MAX,
       "example.com"},
      {"mailto:d@example.com!", false, true, true, 0, "example.com"},
      {"mailto:d@example.com!x", false, true, true, 0, "example.com"},
      {"mailto:d@example.com!10x", false, true, true, 0, "example.com"},
      {"mailto:d@example.com!k", false, true, true, 0, "example.com"},
      {"mailto:d@example.com?subject=dmarc", true, true, false, 0,
       "example.com"},
      {"mailto:d%40x@example.com", true, true, false, 0, "example.com"},
      {"mailto:d%4@example.com", false, true, false, 0, "example.com"},
      {"mailto:d@example.com%2", false, true, false, 0, "example.com%2"},
      {"mailto:example.com", false, true, false, 0, ""},
      {"mailto:@example.com", false, true, false, 0, ""},
      {"mailto:d@", false, true, false, 0, ""},
      {"mailto:a@b@c.example", false, true, false, 0, ""},
      {"mailto:d @example.com", false, true, false, 0, "example.com"},
      {"mailto:", false, false, false, 0, ""},
      {"https://dmarc.example/report", true, false, false, 0, ""},
      {"https://dmarc.example/r!1m", true, false, true, 1u << 20, ""},
      {"example.com", false, false, false, 0, ""},
      {"1http://x.example", false, false, false, 0, ""},
      {"d@example.com", false, false, false, 0, ""},
  };

  return cr_make_param_array(struct uri_case, cases,
                             sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct uri_case *c, dmarc_parse, parses_one_reporting_uri)
{
  char text[128], buf[64];
  struct mp_dmarc_record r;
  const struct mp_dmarc_uri *u;
  const char *bang = strchr(c->uri, '!');
  size_t ulen = bang ? (size_t)(bang - c->uri) : strlen(c->uri);

  snprintf(text, sizeof(text), "v=DMARC1; p=none; rua=%s", c->uri);
  must_parse(text, &r);
  cr_assert_eq(r.nrua, 1);
  cr_assert_eq(r.rua_total, 1);
  u = &r.rua[0];
  cr_expect_eq(u->valid, c->valid, "%s", c->uri);
  cr_expect_eq(u->mailto, c->mailto, "%s", c->uri);
  cr_expect_eq(u->has_size, c->has_size, "%s", c->uri);
  if (c->valid && c->has_size) {
    cr_expect_eq(u->size, c->size, "%s: %llu", c->uri,
                 (unsigned long long)u->size);
  }
  cr_expect_eq(u->off, 22);
  cr_expect_eq(u->len, ulen);
  if (c->domain[0] != '\0' && c->valid) {
    cr_expect_str_eq(span(&r, u->dom_off, u->dom_len, buf, sizeof(buf)),
                     c->domain);
  } else if (c->domain[0] == '\0') {
    cr_expect_eq(u->dom_len, 0, "%s", c->uri);
  }
  cr_expect_eq(count_notes(&r, MP_DMARC_NOTE_BAD_URI, MP_DMARC_TAG_RUA),
               c->valid ? 0 : 1, "%s", c->uri);
  cr_expect_eq(count_notes(&r, MP_DMARC_NOTE_URI_SIZE, MP_DMARC_TAG_RUA),
               c->has_size ? 1 : 0);
  cr_expect_eq(!!(r.valid & BIT(MP_DMARC_TAG_RUA)), c->valid);
}

Test(dmarc_parse, splits_uri_lists_with_wsp_and_sizes)
{
  struct mp_dmarc_record r;
  char buf[64];

  must_parse("v=DMARC1; p=none; rua=mailto:a@Example.COM!10m , "
             "mailto:b@example.net,https://r.example/x!5; "
             "ruf=mailto:f@example.org",
             &r);
  cr_assert_eq(r.nrua, 3);
  cr_expect_str_eq(span(&r, r.rua[0].off, r.rua[0].len, buf, sizeof(buf)),
                   "mailto:a@Example.COM");
  cr_expect_eq(r.rua[0].size, 10u << 20);
  cr_expect_eq(mp_dmarc_copy_lower(r.text, r.rua[0].dom_off, r.rua[0].dom_len,
                                   buf, sizeof(buf)),
               11);
  cr_expect_str_eq(buf, "example.com");
  cr_expect_str_eq(span(&r, r.rua[1].off, r.rua[1].len, buf, sizeof(buf)),
                   "mailto:b@example.net");
  cr_expect_not(r.rua[1].has_size);
  cr_expect_not(r.rua[2].mailto);
  cr_expect(r.rua[2].valid);
  cr_expect_eq(r.rua[2].size, 5);
  cr_expect_eq(r.nruf, 1);
  cr_expect_eq(count_notes(&r, MP_DMARC_NOTE_URI_SIZE, MP_DMARC_TAG_RUA), 2);
  cr_expect_eq(r.nnotes, 2);
}

Test(dmarc_parse, empty_list_elements_are_bad_uris)
{
  struct mp_dmarc_record r;

  must_parse("v=DMARC1; p=none; rua=mailto:a@example.com,; ruf=,", &r);
  cr_expect_eq(r.rua_total, 2);
  cr_expect_eq(r.ruf_total, 2);
  cr_expect(r.valid & BIT(MP_DMARC_TAG_RUA));
  cr_expect_not(r.valid & BIT(MP_DMARC_TAG_RUF));
  cr_expect_eq(count_notes(&r, MP_DMARC_NOTE_BAD_URI, MP_DMARC_TAG_RUA), 1);
  cr_expect_eq(count_notes(&r, MP_DMARC_NOTE_BAD_URI, MP_DMARC_TAG_RUF), 2);
  cr_expect_eq(r.rua[1].len, 0);
}

Test(dmarc_parse, keeps_the_first_uris_and_counts_all)
{
  struct mp_dmarc_record r;

  must_parse("v=DMARC1; p=none; rua=mailto:1@x.example,mailto:2@x.example,"
             "mailto:3@x.example,mailto:4@x.example,mailto:5@x.example,"
             "mailto:6@x.example,mailto:7@x.example,mailto:8@x.example,"
             "mailto:9@x.example,mailto:10@x.example",
             &r);
  cr_expect_eq(r.nrua, MP_DMARC_URI_MAX);
  cr_expect_eq(r.rua_total, 10);
  cr_expect_eq(count_notes(&r, MP_DMARC_NOTE_TOO_MANY_URIS, MP_DMARC_TAG_RUA),
               1);
}

Test(dmarc_parse, copy_lower_checks_room)
{
  char buf[4];

  cr_expect_eq(mp_dmarc_copy_lower("ABCD", 0, 4, buf, sizeof(buf)), -ENOSPC);
  cr_expect_str_eq(buf, "");
  cr_expect_eq(mp_dmarc_copy_lower("xABC", 1, 3, buf, sizeof(buf)), 3);
  cr_expect_str_eq(buf, "abc");
  cr_expect_eq(mp_dmarc_copy_lower("x", 0, 0, buf, 0), -ENOSPC);
}

/* ---- The RFCs' own records ------------------------------------------ */

struct example_case {
  char text[160];
  enum mp_dmarc_effect effect;
  enum mp_dmarc_policy p;
  size_t nrua, nruf;
  char rua0[48]; /* the domain of the first rua URI, "" if none */
  bool t;
  size_t nnotes;
};

ParameterizedTestParameters(dmarc_parse, parses_the_rfc_examples)
{
  static struct example_case cases[] = {
      /* RFC 7489 B.2.1 and RFC 9989 B.2.1. */
      {"v=DMARC1; p=none; rua=mailto:dmarc-feedback@example.com",
       MP_DMARC_EFFECT_POLICY, MP_DMARC_POLICY_NONE, 1, 0, "example.com", false,
       0},
      /* B.2.2 of both. */
      {"v=DMARC1; p=none; rua=mailto:dmarc-feedback@example.com; "
       "ruf=mailto:auth-reports@example.com",
       MP_DMARC_EFFECT_POLICY, MP_DMARC_POLICY_NONE, 1, 1, "example.com", false,
       0},
      /* B.2.3 of both, and its report authorization record. */
      {"v=DMARC1; p=none; rua=mailto:dmarc-feedback@example.com; "
       "ruf=mailto:auth-reports@thirdparty.example.net",
       MP_DMARC_EFFECT_POLICY, MP_DMARC_POLICY_NONE, 1, 1, "example.com", false,
       0},
      {"v=DMARC1;", MP_DMARC_EFFECT_NO_PROCESSING, MP_DMARC_POLICY_ABSENT, 0, 0,
       "", false, 2},
      /* RFC 7489 B.2.4: a size and pct. */
      {"v=DMARC1; p=quarantine; rua=mailto:dmarc-feedback@example.com,"
       "mailto:tld-test@thirdparty.example.net!10m; pct=25",
       MP_DMARC_EFFECT_POLICY, MP_DMARC_POLICY_QUARANTINE, 2, 0, "example.com",
       false, 2},
      /* RFC 9989 B.2.4: the third party's override record (no p). */
      {"v=DMARC1; rua=mailto:aggregate-reports@thirdparty.example.net; "
       "ruf=mailto:failure-reports@thirdparty.example.net",
       MP_DMARC_EFFECT_AS_NONE, MP_DMARC_POLICY_NONE, 1, 1,
       "thirdparty.example.net", false, 2},
      /* RFC 9989 B.2.5, testing and then at reject. */
      {"v=DMARC1; p=quarantine; rua=mailto:dmarc-feedback@example.com,"
       "mailto:tld-test@thirdparty.example.net; t=y",
       MP_DMARC_EFFECT_POLICY, MP_DMARC_POLICY_QUARANTINE, 2, 0, "example.com",
       true, 1},
      {"v=DMARC1; p=reject; rua=mailto:dmarc-feedback@example.com,"
       "mailto:tld-test@thirdparty.example.net",
       MP_DMARC_EFFECT_POLICY, MP_DMARC_POLICY_REJECT, 2, 0, "example.com",
       false, 0},
      /* B.3.1 of both. */
      {"v=DMARC1; p=reject; aspf=r; rua=mailto:dmarc-feedback@example.com",
       MP_DMARC_EFFECT_POLICY, MP_DMARC_POLICY_REJECT, 1, 0, "example.com",
       false, 0},
  };

  return cr_make_param_array(struct example_case, cases,
                             sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct example_case *c, dmarc_parse, parses_the_rfc_examples)
{
  struct mp_dmarc_record r;
  char buf[64];

  must_parse(c->text, &r);
  cr_expect_eq(r.effect, c->effect, "%s", c->text);
  cr_expect_eq(r.eff_p, c->p, "%s", c->text);
  cr_expect_eq(r.nrua, c->nrua, "%s", c->text);
  cr_expect_eq(r.nruf, c->nruf, "%s", c->text);
  cr_expect_eq(r.t, c->t);
  cr_expect_eq(r.nnotes, c->nnotes, "%s: %zu notes", c->text, r.nnotes);
  for (size_t i = 0; i < r.nrua; i++) {
    cr_expect(r.rua[i].valid && r.rua[i].mailto);
  }
  for (size_t i = 0; i < r.nruf; i++) {
    cr_expect(r.ruf[i].valid && r.ruf[i].mailto);
  }
  if (c->nrua > 0) {
    cr_expect_str_eq(
        span(&r, r.rua[0].dom_off, r.rua[0].dom_len, buf, sizeof(buf)),
        c->rua0);
  }
}

/* ---- Names ---------------------------------------------------------- */

Test(dmarc_parse, names_are_stable_snake_case)
{
  static const char *const notes[] = {
      "duplicate_tag",  "unknown_tag",   "empty_tag",   "malformed_tag",
      "bad_character",  "empty_value",   "bad_value",   "p_missing",
      "p_not_second",   "removed_tag",   "rfc9989_tag", "bad_uri",
      "uri_size",       "too_many_uris", "fo_conflict", "fo_without_ruf",
      "policy_as_none", "no_policy",
  };

  for (size_t i = 0; i < sizeof(notes) / sizeof(notes[0]); i++) {
    cr_expect_str_eq(mp_dmarc_note_name((enum mp_dmarc_note_code)i), notes[i]);
    cr_expect_str_neq(mp_dmarc_note_ref((enum mp_dmarc_note_code)i), "?");
  }
  cr_expect_str_eq(mp_dmarc_note_name(MP_DMARC_NOTE_NO_POLICY + 1), "?");
  cr_expect_str_eq(mp_dmarc_error_name(MP_DMARC_ERR_VERSION), "version");
  cr_expect_str_eq(mp_dmarc_error_name(MP_DMARC_ERR_DUPLICATE_TAG),
                   "duplicate_tag");
  cr_expect_str_eq(mp_dmarc_tag_name(MP_DMARC_TAG_ADKIM), "adkim");
  cr_expect_str_eq(mp_dmarc_tag_name(MP_DMARC_TAG_T), "t");
  cr_expect_str_eq(mp_dmarc_effect_name(MP_DMARC_EFFECT_NO_PROCESSING),
                   "no_processing");
  cr_expect_str_eq(mp_dmarc_psd_name(MP_DMARC_PSD_Y), "y");
}
