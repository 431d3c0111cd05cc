#include "scanner/records/ptrname.h"

#include <assert.h>
#include <stddef.h>
#include <string.h>
#include <sys/socket.h>

#include "scanner/base/ascii.h"
#include "scanner/base/fmt.h"

/* Judgment, for few false positives on real mail hosts:
 * - An address rule needs the WHOLE address (all four IPv4 octets, all 32
 *   IPv6 nibbles or all eight groups): provider names such as
 *   "mail-wr1-f41.google.com" or "a8-30.smtp-out.amazonses.com" carry one
 *   or two of the address's numbers, never all of them.
 * - Words match whole alphabetic tokens only, so "resources", "username"
 *   or "dynect" do not match "res", "user" or "dyn"; "mx", "mail", "smtp",
 *   "out", "outbound" and "relay" are never generic.
 * - "host" and "ip" are ordinary words: they count only when followed by
 *   the digits an access provider stamps on ("host7", "ip68-12-34-56").
 * - "static" counts: access providers mark fixed customer assignments
 *   that way ("203-0-113-7.static.isp.net"), and mail operators who choose
 *   a name do not use the word. */

#define RUNS_MAX 128 /* digit runs in a 253-byte name, and then some */

static bool is_sep(char c)
{
  return c == '-' || c == '.' || c == '_';
}

/* ---- Numbers in the name --------------------------------------------- */

struct run {
  size_t off, len;
  unsigned val; /* saturates at 1000: only octets are compared by value */
};

static size_t digit_runs(const char *s, size_t n, struct run *r)
{
  size_t nr = 0, i = 0;

  while (i < n && nr < RUNS_MAX) {
    if (!mp_is_digit(s[i])) {
      i++;
      continue;
    }
    r[nr].off = i;
    r[nr].val = 0;
    while (i < n && mp_is_digit(s[i])) {
      if (r[nr].val < 1000) {
        r[nr].val = r[nr].val * 10 + (unsigned)(s[i] - '0');
      }
      i++;
    }
    r[nr].len = i - r[nr].off;
    nr++;
  }
  return nr;
}

/* Runs r[0..3] are four octet-sized numbers, each separated from the next
 * by exactly one of - . _ */
static bool quad_at(const char *s, const struct run *r)
{
  for (int k = 0; k < 4; k++) {
    if (r[k].len > 3 || r[k].val > 255) {
      return false;
    }
    if (k < 3 && (r[k + 1].off != r[k].off + r[k].len + 1 ||
                  !is_sep(s[r[k].off + r[k].len]))) {
      return false;
    }
  }
  return true;
}

/* A whole digit run equals text. */
static bool run_is(const char *s, const struct run *r, size_t nr,
                   const char *text)
{
  size_t tl = strlen(text);

  for (size_t i = 0; i < nr; i++) {
    if (r[i].len == tl && memcmp(s + r[i].off, text, tl) == 0) {
      return true;
    }
  }
  return false;
}

/* pat (lowercase) occurs without case, with no hex digit right before or
 * after it. */
static bool has_hex_word(const char *s, size_t n, const char *pat)
{
  size_t pl = strlen(pat);

  for (size_t i = 0; i + pl <= n; i++) {
    if ((i == 0 || !mp_is_hex(s[i - 1])) &&
        (i + pl == n || !mp_is_hex(s[i + pl])) && mp_ieq(s + i, pl, pat)) {
      return true;
    }
  }
  return false;
}

static const char *ip4_rules(const char *s, size_t n, const struct run *r,
                             size_t nr, const uint8_t *a)
{
  char text[40];
  unsigned long dec = (unsigned long)a[0] << 24 | (unsigned long)a[1] << 16 |
                      (unsigned long)a[2] << 8 | a[3];

  for (size_t i = 0; i + 4 <= nr; i++) {
    if (!quad_at(s, r + i)) {
      continue;
    }
    if (r[i].val == a[0] && r[i + 1].val == a[1] && r[i + 2].val == a[2] &&
        r[i + 3].val == a[3]) {
      return "addr_dotted";
    }
    if (r[i].val == a[3] && r[i + 1].val == a[2] && r[i + 2].val == a[1] &&
        r[i + 3].val == a[0]) {
      return "addr_reversed";
    }
  }
  for (int k = 0; k < 4; k++) {
    const uint8_t *o = a;
    uint8_t rev[4] = {a[3], a[2], a[1], a[0]};

    if (k >= 2) {
      o = rev;
    }
    size_t len = 0;

    for (int j = 0; j < 4; j++) { /* %03u x 4, or %u x 4 */
      len += mp_fmt_dec(text + len, o[j], (k & 1) ? 3 : 0);
    }
    text[len] = '\0';
    if (run_is(s, r, nr, text)) {
      return "addr_joined";
    }
  }
  /* Below 2^24 a decimal form is too short to be telling. */
  text[mp_fmt_dec(text, dec, 0)] = '\0';
  if (dec >= (1ul << 24) && run_is(s, r, nr, text)) {
    return "addr_decimal";
  }
  text[mp_fmt_hex(text, dec, 8)] = '\0';
  if (has_hex_word(s, n, text)) {
    return "addr_hex";
  }
  return NULL;
}

/* ---- IPv6 ------------------------------------------------------------ */

/* The 32 nibbles from s[i], forward or reversed, joined (sep false) or
 * each followed by one of - . _ except the last (sep true). */
static bool nibbles_at(const char *s, size_t n, size_t i, const char *hex,
                       bool reverse, bool sep)
{
  for (int k = 0; k < 32; k++) {
    char want = hex[reverse ? 31 - k : k];

    if (k > 0 && sep) {
      if (i == n || !is_sep(s[i])) {
        return false;
      }
      i++;
    }
    if (i == n || mp_lower(s[i]) != want) {
      return false;
    }
    i++;
  }
  return i == n || !mp_is_hex(s[i]);
}

/* "-" for ":" in three spellings: all groups without leading zeros, all
 * padded to four digits, and compressed per RFC 5952 section 4.2. */
static void ip6_groups(const uint8_t *a, int form, char *out, size_t cap)
{
  unsigned g[8];
  size_t len = 0;
  int best = -1, bestlen = 1;

  for (int k = 0; k < 8; k++) {
    g[k] = (unsigned)a[2 * k] << 8 | a[2 * k + 1];
  }
  for (int k = 0; form == 2 && k < 8; k++) {
    int z = 0;

    while (k + z < 8 && g[k + z] == 0) {
      z++;
    }
    if (z > bestlen) {
      best = k;
      bestlen = z;
    }
  }
  assert(cap >= 8 * 5); /* eight groups of four digits and a dash */
  (void)cap;
  for (int k = 0; k < 8; k++) {
    if (k == best) {
      if (k == 0) {
        out[len++] = '-';
      }
      out[len++] = '-';
      k += bestlen - 1;
    } else {
      len += mp_fmt_hex(out + len, g[k], form == 1 ? 4 : 0);
      if (k < 7) {
        out[len++] = '-';
      }
    }
  }
  out[len] = '\0';
}

static const char *ip6_rules(const char *s, size_t n, const uint8_t *a)
{
  char hex[33], text[48];

  for (int k = 0; k < 16; k++) {
    mp_fmt_hex(hex + 2 * k, a[k], 2);
  }
  hex[32] = '\0';
  for (size_t i = 0; i < n; i++) {
    if (i > 0 && mp_is_hex(s[i - 1])) {
      continue;
    }
    for (int m = 0; m < 4; m++) {
      if (nibbles_at(s, n, i, hex, m & 1, m & 2)) {
        return "addr_ip6_nibbles";
      }
    }
  }
  for (int form = 0; form < 3; form++) {
    ip6_groups(a, form, text, sizeof(text));
    if (has_hex_word(s, n, text)) {
      return "addr_ip6_groups";
    }
  }
  return NULL;
}

/* ---- Words ----------------------------------------------------------- */

static const char *const words[][2] = {
    {"dynamic", "word_dynamic"},
    {"dyn", "word_dyn"},
    {"dhcp", "word_dhcp"},
    {"pool", "word_pool"},
    {"dsl", "word_dsl"},
    {"adsl", "word_adsl"},
    {"xdsl", "word_xdsl"},
    {"vdsl", "word_vdsl"},
    {"cable", "word_cable"},
    {"ppp", "word_ppp"},
    {"pppoe", "word_pppoe"},
    {"client", "word_client"},
    {"clients", "word_clients"},
    {"customer", "word_customer"},
    {"cust", "word_cust"},
    {"static", "word_static"},
    {"broadband", "word_broadband"},
    {"dialup", "word_dialup"},
    {"dial", "word_dial"},
    {"cpe", "word_cpe"},
    {"res", "word_res"},
    {"residential", "word_residential"},
    {"user", "word_user"},
    {"users", "word_users"},
    {"wireless", "word_wireless"},
    {"mobile", "word_mobile"},
    {"lte", "word_lte"},
    {"nat", "word_nat"},
    {"unknown", "word_unknown"},
    {"unassigned", "word_unassigned"},
};

/* After "ip" at s[i]: an optional separator, then 3 or more numbers of up
 * to 3 digits joined by single separators. */
static bool ip_digits_at(const char *s, size_t n, size_t i)
{
  int groups = 0;

  if (i < n && is_sep(s[i])) {
    i++;
  }
  while (i < n && mp_is_digit(s[i])) {
    size_t b = i;

    while (i < n && mp_is_digit(s[i])) {
      i++;
    }
    if (i - b > 3) {
      return false;
    }
    groups++;
    if (i + 1 < n && is_sep(s[i]) && mp_is_digit(s[i + 1])) {
      i++;
    }
  }
  return groups >= 3;
}

/* The alphabetic tokens of one label part s[b..e). */
static const char *part_rules(const char *s, size_t n, size_t b, size_t e)
{
  static const char *const g[][2] = {
      {"3g", "word_3g"}, {"4g", "word_4g"}, {"5g", "word_5g"}};

  for (size_t k = 0; k < sizeof(g) / sizeof(g[0]); k++) {
    if (mp_ieq(s + b, e - b, g[k][0])) {
      return g[k][1];
    }
  }
  for (size_t i = b; i < e;) {
    size_t t = i;

    if (!mp_is_alpha(s[i])) {
      i++;
      continue;
    }
    while (i < e && mp_is_alpha(s[i])) {
      i++;
    }
    if (mp_ieq(s + t, i - t, "host") && i < e && mp_is_digit(s[i])) {
      return "host_digits";
    }
    if (mp_ieq(s + t, i - t, "ip") && ip_digits_at(s, n, i)) {
      return "ip_digits";
    }
    for (size_t k = 0; k < sizeof(words) / sizeof(words[0]); k++) {
      if (mp_ieq(s + t, i - t, words[k][0])) {
        return words[k][1];
      }
    }
  }
  return NULL;
}

static const char *word_rules(const char *s, size_t n)
{
  for (size_t i = 0; i < n;) {
    size_t b = i;
    const char *why;

    while (i < n && !is_sep(s[i])) {
      i++;
    }
    if ((why = part_rules(s, n, b, i)) != NULL) {
      return why;
    }
    i++;
  }
  return NULL;
}

bool mp_ptrname_generic(const char *name, const uint8_t *addr, int family,
                        const char **why)
{
  static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  struct run r[RUNS_MAX];
  size_t n = strlen(name), nr = digit_runs(name, n, r);
  const char *w = NULL;

  if (addr && family == AF_INET6 && memcmp(addr, mapped, 12) == 0) {
    addr += 12;
    family = AF_INET;
  }
  if (addr && family == AF_INET) {
    w = ip4_rules(name, n, r, nr, addr);
  } else if (addr && family == AF_INET6) {
    w = ip6_rules(name, n, addr);
  }
  for (size_t i = 0; !w && i + 4 <= nr; i++) {
    if (quad_at(name, r + i)) {
      w = "addr_like";
    }
  }
  if (!w) {
    w = word_rules(name, n);
  }
  if (why) {
    *why = w;
  }
  return w != NULL;
}
