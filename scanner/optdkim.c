/* The DKIM options' readers and checks (options.h): --dkim-selectors,
 * --dkim-require. */
#include "scanner/options.h"

#include <stdio.h>
#include <string.h>

#include "scanner/base/alloc.h"

/* The text of a --dkim-selectors @FILE (one selector a line, # comments)
 * as "a,b,c,", on the heap; NULL when the file cannot be read. */
static char *selectors_file(const char *path)
{
  FILE *f = fopen(path, "r");
  char line[256], *text;
  size_t len = 0;

  if (!f) {
    return NULL;
  }
  text = mp_calloc(1, 1);
  while (fgets(line, sizeof(line), f)) {
    size_t k = strcspn(line, "#\r\n \t");

    if (k) {
      text = mp_realloc(text, len + k + 2);
      memcpy(text + len, line, k);
      len += k;
      text[len++] = ',';
      text[len] = '\0';
    }
  }
  fclose(f);
  return text;
}

/* "a,b,c" or "@FILE": into c->dkim_list, pointing into a heap copy. A
 * selector is one or more DNS labels. */
int mp_options_read_selectors(struct mp_config *c, const struct mp_option *o,
                              const char *arg, char *err, size_t errlen)
{
  size_t n = 0;
  char *p, *text;

  if (arg[0] == '@' && !(text = selectors_file(arg + 1))) {
    return mp_options_error(err, errlen, "--%s: cannot read %s", o->name,
                            arg + 1);
  }
  if (arg[0] != '@') {
    text = mp_strndup(arg, strlen(arg));
  }
  mp_free(c->dkim_text);
  c->dkim_text = text;
  for (p = strtok(text, ","); p; p = strtok(NULL, ",")) {
    if (n == MP_DKIM_SELECTORS_MAX || strlen(p) > 63 ||
        strspn(p, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                  "0123456789-_.") != strlen(p)) {
      return mp_options_error(err, errlen,
                              "--%s: '%s' is not a selector (or over %d)",
                              o->name, p, MP_DKIM_SELECTORS_MAX);
    }
    c->dkim_list[n++] = p;
  }
  c->dkim_list[n] = NULL;
  c->dkim_selectors = c->dkim_list;
  return n ? 0 : mp_options_error(err, errlen, "--%s: an empty list", o->name);
}

static bool is_selector(const char *p, size_t n)
{
  static const char ok[] =
      "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
      "0123456789-_.";

  for (size_t i = 0; i < n; i++) {
    if (!p[i] || !strchr(ok, p[i])) {
      return false;
    }
  }
  return n > 0 && n < 64;
}

/* --dkim-require SELECTOR or SELECTOR=TARGET (a host name, no trailing
 * dot needed). */
int mp_options_read_dkim_require(struct mp_config *c, const struct mp_option *o,
                                 const char *arg, char *err, size_t errlen)
{
  struct mp_dkim_required *r = &c->dkim_required[c->ndkim_required];
  size_t n = strcspn(arg, "=");
  const char *t = arg[n] ? arg + n + 1 : "";
  size_t tn = strlen(t);

  if (c->ndkim_required == MP_DKIM_REQUIRE_MAX) {
    return mp_options_error(err, errlen, "--%s: at most %d", o->name,
                            MP_DKIM_REQUIRE_MAX);
  }
  if (tn && t[tn - 1] == '.') {
    tn--;
  }
  if (!is_selector(arg, n) || (arg[n] && (!tn || tn > 253)) ||
      strspn(t, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                "0123456789-_.") != strlen(t)) {
    return mp_options_error(err, errlen, "--%s: expected %s, got '%s'", o->name,
                            o->expect, arg);
  }
  r->spec = arg;
  snprintf(r->selector, sizeof(r->selector), "%.*s", (int)n, arg);
  snprintf(r->target, sizeof(r->target), "%.*s", (int)tn, t);
  c->ndkim_required++;
  return 0;
}

/* Each --dkim-require selector is probed: added to the probe list (a copy
 * of the defaults or of --dkim-selectors) when not there. */
int mp_options_check_dkim_require(struct mp_config *c,
                                  const struct mp_option *o, char *err,
                                  size_t errlen)
{
  size_t n = 0;

  (void)o;
  if (!c->ndkim_required) {
    return 0;
  }
  for (; c->dkim_selectors[n]; n++) {
    c->dkim_list[n] = c->dkim_selectors[n]; /* the same when it is it */
  }
  for (size_t i = 0; i < c->ndkim_required; i++) {
    const char *sel = c->dkim_required[i].selector;
    size_t k = 0;

    while (k < n && strcmp(c->dkim_list[k], sel) != 0) {
      k++;
    }
    if (k < n) {
      continue;
    }
    if (n == MP_DKIM_SELECTORS_MAX) {
      return mp_options_error(err, errlen,
                              "--dkim-require: over %d selectors to probe",
                              MP_DKIM_SELECTORS_MAX);
    }
    c->dkim_list[n++] = sel;
  }
  c->dkim_list[n] = NULL;
  c->dkim_selectors = c->dkim_list;
  return 0;
}
