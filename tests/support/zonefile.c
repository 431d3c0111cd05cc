#include "tests/support/zonefile.h"

#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "scanner/dns/dnsname.h"

/* A name as zone file text, at most 255 wire octets each written as \DDD,
 * the dots and the NUL. */
#define NAME_TEXT_CAP (255 * 4 + 2)

static bool plain(unsigned char c)
{
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
         (c >= '0' && c <= '9') || c == '-' || c == '_';
}

/* raw as an absolute presentation name into out (NAME_TEXT_CAP bytes);
 * -EINVAL when it is not a name (RFC 1035 section 3.1). */
static int name_text(const char *raw, char *out)
{
  size_t n = strlen(raw), o = 0, wire = 1, label = 0;

  if (n > 0 && raw[n - 1] == '.') {
    n--; /* one trailing dot: the name is absolute anyway */
  }
  for (size_t i = 0; i <= n && n > 0; i++) {
    unsigned char c = i < n ? (unsigned char)raw[i] : '.';

    if (c == '.') {
      if (label == 0 || label > 63) {
        return -EINVAL;
      }
      wire += label + 1;
      label = 0;
      out[o++] = '.';
      continue;
    }
    label++;
    if (plain(c)) {
      out[o++] = (char)c;
    } else {
      o += (size_t)snprintf(out + o, NAME_TEXT_CAP - o, "\\%03u", (unsigned)c);
    }
  }
  if (wire > 255) {
    return -EINVAL;
  }
  if (o == 0) {
    out[o++] = '.'; /* the root */
  }
  out[o] = '\0';
  return (int)o;
}

static int done(FILE *f)
{
  return ferror(f) ? -EIO : 0;
}

int mp_zonefile_begin(FILE *f)
{
  fprintf(f,
          "$TTL %d\n"
          ". SOA ns.invalid. hostmaster.invalid. 1 3600 900 604800 300\n"
          ". NS ns.invalid.\n",
          MP_ZONEFILE_TTL);
  return done(f);
}

int mp_zonefile_name(FILE *f, const char *raw)
{
  char text[NAME_TEXT_CAP];

  if (name_text(raw, text) < 0) {
    return -EINVAL;
  }
  fputs(text, f);
  return done(f);
}

int mp_zonefile_string(FILE *f, const char *s, size_t len)
{
  if (len > 255) {
    return -EINVAL;
  }
  fputc('"', f);
  for (size_t i = 0; i < len; i++) {
    unsigned char c = (unsigned char)s[i];

    if (c < 0x20 || c > 0x7E || c == '"' || c == '\\') {
      fprintf(f, "\\%03u", (unsigned)c);
    } else {
      fputc(c, f);
    }
  }
  fputc('"', f);
  return done(f);
}

int mp_zonefile_txt(FILE *f, const char *owner, const char *const *strings)
{
  int rc;

  if (!strings[0]) {
    return -EINVAL;
  }
  if ((rc = mp_zonefile_name(f, owner)) < 0) {
    return rc;
  }
  fputs(" TXT", f);
  for (size_t i = 0; strings[i]; i++) {
    fputc(' ', f);
    if ((rc = mp_zonefile_string(f, strings[i], strlen(strings[i]))) < 0) {
      return rc;
    }
  }
  fputc('\n', f);
  return done(f);
}

static bool is_text(uint16_t type)
{
  return type == MP_T_TXT || type == MP_SPFSUITE_T_SPF;
}

bool mp_zonefile_spf_can_hold(const struct mp_spfsuite_rr *rr)
{
  char text[NAME_TEXT_CAP];
  uint8_t addr[16];

  if (rr->kind != MP_SPFSUITE_RR) {
    return true;
  }
  if (is_text(rr->type)) {
    if (rr->nstrings == 0) {
      return false;
    }
    for (size_t i = 0; i < rr->nstrings; i++) {
      if (rr->lens[i] > 255) {
        return false;
      }
    }
    return true;
  }
  if (rr->type == MP_T_A || rr->type == MP_T_AAAA) {
    return inet_pton(rr->type == MP_T_A ? AF_INET : AF_INET6, rr->data, addr) ==
           1;
  }
  return name_text(rr->data, text) >= 0;
}

static const char *type_name(uint16_t type)
{
  switch (type) {
  case MP_T_A:
    return "A";
  case MP_T_AAAA:
    return "AAAA";
  case MP_T_MX:
    return "MX";
  case MP_T_PTR:
    return "PTR";
  case MP_T_CNAME:
    return "CNAME";
  case MP_SPFSUITE_T_SPF:
    return "SPF";
  default:
    return "TXT";
  }
}

/* One record of owner, of type (a TXT twin of an SPF entry is rr written
 * with type TXT). rr can be held. */
static int write_rr(FILE *f, const char *owner, uint16_t type,
                    const struct mp_spfsuite_rr *rr)
{
  int rc;

  if ((rc = mp_zonefile_name(f, owner)) < 0) {
    return rc;
  }
  fprintf(f, " %s ", type_name(type));
  if (is_text(type)) {
    size_t off = 0;

    for (size_t i = 0; i < rr->nstrings && rc == 0; i++) {
      fputs(i ? " " : "", f);
      rc = mp_zonefile_string(f, rr->data + off, rr->lens[i]);
      off += rr->lens[i];
    }
  } else if (type == MP_T_MX) {
    fprintf(f, "%u ", (unsigned)rr->pref);
    rc = mp_zonefile_name(f, rr->data);
  } else if (type == MP_T_A || type == MP_T_AAAA) {
    fputs(rr->data, f);
  } else {
    rc = mp_zonefile_name(f, rr->data);
  }
  fputc('\n', f);
  return rc < 0 ? rc : done(f);
}

/* The owner has an explicit TXT entry (TXT: NONE counts), which turns off
 * the TXT twins of its SPF entries; the same rule as mp_spfsuite_zone(). */
static bool has_txt(const struct mp_spfsuite_owner *o)
{
  for (size_t i = 0; i < o->nrr; i++) {
    if (o->rr[i].kind != MP_SPFSUITE_TIMEOUT && o->rr[i].type == MP_T_TXT) {
      return true;
    }
  }
  return false;
}

static bool has_timeout(const struct mp_spfsuite_owner *o)
{
  for (size_t i = 0; i < o->nrr; i++) {
    if (o->rr[i].kind == MP_SPFSUITE_TIMEOUT) {
      return true;
    }
  }
  return false;
}

/* Writes the servable records of o; counts them in *written and the
 * records left out in *dropped. */
static int write_owner(FILE *f, const struct mp_spfsuite_owner *o,
                       size_t *written, size_t *dropped)
{
  int rc = 0;

  for (size_t i = 0; i < o->nrr && rc == 0; i++) {
    const struct mp_spfsuite_rr *rr = &o->rr[i];

    if (rr->kind == MP_SPFSUITE_TIMEOUT) {
      break; /* what follows times out in the suite's zone */
    }
    if (rr->kind != MP_SPFSUITE_RR) {
      continue;
    }
    if (!mp_zonefile_spf_can_hold(rr)) {
      (*dropped)++;
      continue;
    }
    rc = write_rr(f, o->name, rr->type, rr);
    (*written)++;
  }
  /* the TXT twins come after the list, so after a TIMEOUT */
  for (size_t i = 0; i < o->nrr && rc == 0 && !has_txt(o) && !has_timeout(o);
       i++) {
    const struct mp_spfsuite_rr *rr = &o->rr[i];

    if (rr->kind != MP_SPFSUITE_RR || rr->type != MP_SPFSUITE_T_SPF) {
      continue;
    }
    if (!mp_zonefile_spf_can_hold(rr)) {
      (*dropped)++;
      continue;
    }
    rc = write_rr(f, o->name, MP_T_TXT, rr);
    (*written)++;
  }
  return rc;
}

int mp_zonefile_spf_scenario(const struct mp_spfsuite_scenario *sc, FILE *f,
                             size_t *dropped)
{
  size_t lost = 0;
  int rc = mp_zonefile_begin(f);

  for (size_t i = 0; i < sc->nowners && rc == 0; i++) {
    size_t written = 0;

    rc = write_owner(f, &sc->owners[i], &written, &lost);
    if (rc == 0 && written == 0) {
      /* the owner exists with no record of any type SPF asks for */
      rc = mp_zonefile_name(f, sc->owners[i].name);
      fprintf(f, " TYPE%d \\# 0\n", MP_ZONEFILE_T_EXISTS);
    }
  }
  if (dropped) {
    *dropped = lost;
  }
  return rc < 0 ? rc : done(f);
}

bool mp_zonefile_spf_lost(const struct mp_spfsuite_scenario *sc,
                          const char *name, uint16_t type)
{
  char want[MP_NAME_TEXT_MAX + 1], have[MP_NAME_TEXT_MAX + 1];

  if (mp_dnsname_canon(name, want) < 0) {
    return false;
  }
  for (size_t i = 0; i < sc->nowners; i++) {
    const struct mp_spfsuite_owner *o = &sc->owners[i];
    bool twins = type == MP_T_TXT && !has_txt(o) && !has_timeout(o);

    if (mp_dnsname_escape(o->name, strlen(o->name), have) < 0 ||
        strcmp(have, want) != 0) {
      continue;
    }
    for (size_t j = 0; j < o->nrr; j++) {
      const struct mp_spfsuite_rr *rr = &o->rr[j];

      if (rr->kind == MP_SPFSUITE_TIMEOUT) {
        break;
      }
      if ((rr->type == type || (twins && rr->type == MP_SPFSUITE_T_SPF)) &&
          !mp_zonefile_spf_can_hold(rr)) {
        return true;
      }
    }
  }
  return false;
}
