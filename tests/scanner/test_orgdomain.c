#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "scanner/checks/codes.h"
#include "scanner/records/dmarc.h"
#include "scanner/records/orgdomain.h"

/* The walk's source by the row's name (output/status.h); "none" for none. */
static const char *source_name(enum mp_orgdomain_source s)
{
  const char *name = mp_dmarc_found_name(mp_code_dmarc_found(s));

  return name ? name : "none";
}

#define PSL_DAT   MP_SOURCE_DIR "/tests/data/psl/public_suffix_list.dat"
#define PSL_TESTS MP_SOURCE_DIR "/tests/data/psl/psl-tests.txt"

static struct mp_orgdomain *od;

static void load_psl(void)
{
  cr_assert_eq(mp_orgdomain_new(PSL_DAT, &od), 0);
  cr_assert_not_null(od);
}

static void free_psl(void)
{
  mp_orgdomain_free(od);
  od = NULL;
}

/* s lowercased (ASCII) into buf, or "null" for NULL. */
static const char *lower_or_null(const char *s, char *buf, size_t cap)
{
  size_t n;

  if (s == NULL) {
    return "null";
  }
  n = strlen(s);
  cr_assert_lt(n, cap);
  for (size_t k = 0; k <= n; k++) {
    buf[k] = (s[k] >= 'A' && s[k] <= 'Z') ? (char)(s[k] - 'A' + 'a') : s[k];
  }
  return buf;
}

/* ---- RFC 7489 section 3.2: the Public Suffix List ------------------- */

Test(orgdomain, passes_every_psl_test_vector, .init = load_psl,
     .fini = free_psl)
{
  FILE *f = fopen(PSL_TESTS, "r");
  char line[512], got[512];
  size_t vectors = 0, passed = 0;

  cr_assert_not_null(f);
  while (fgets(line, sizeof(line), f)) {
    char *in = line, *want, *nl = strchr(line, '\n');
    const char *r;

    if (nl) {
      *nl = '\0';
    }
    if (line[0] == '\0' || strncmp(line, "//", 2) == 0) {
      continue;
    }
    want = strchr(line, ' ');
    cr_assert_not_null(want, "bad line: %s", line);
    *want++ = '\0';
    /* "null" input stands for a null pointer (the file's own first
     * vector). */
    r = mp_orgdomain_psl(od, strcmp(in, "null") == 0 ? NULL : in);
    vectors++;
    if (strcmp(lower_or_null(r, got, sizeof(got)), want) == 0) {
      passed++;
    } else {
      cr_expect_fail("%s: got %s, want %s", in, got, want);
    }
    /* The answer points into the name, as written. */
    if (r != NULL) {
      cr_expect(r >= in && r < in + strlen(in));
    }
  }
  fclose(f);
  cr_expect_eq(vectors, 78);
  cr_expect_eq(passed, 78);
}

struct suffix_case {
  char name[40];
  char org[40];    /* "null" for NULL */
  char suffix[40]; /* "null" for NULL */
};

ParameterizedTestParameters(orgdomain, finds_org_domain_and_suffix)
{
  static struct suffix_case cases[] = {
      {"www.example.co.uk", "example.co.uk", "co.uk"},
      {"co.uk", "null", "co.uk"},
      {"example", "null", "example"},
      {"a.b.example", "b.example", "example"},
      {"a.b.c.kobe.jp", "b.c.kobe.jp", "c.kobe.jp"},
      {"www.city.kobe.jp", "city.kobe.jp", "kobe.jp"},
      {"COM", "null", "com"},
      {"Mail.Example.COM", "example.com", "com"},
      {"www.Example.COM.", "example.com.", "com."},
      {"", "null", "null"},
      {".", "null", "null"},
      {"a..example.com", "null", "null"},
      {".example.com", "null", "null"},
  };

  return cr_make_param_array(struct suffix_case, cases,
                             sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct suffix_case *c, orgdomain, finds_org_domain_and_suffix,
                  .init = load_psl, .fini = free_psl)
{
  char got[64];

  cr_expect_str_eq(lower_or_null(mp_orgdomain_psl(od, c->name), got, 64),
                   c->org, "%s", c->name);
  cr_expect_str_eq(lower_or_null(mp_orgdomain_suffix(od, c->name), got, 64),
                   c->suffix, "%s", c->name);
}

Test(orgdomain, rejects_names_over_253_bytes, .init = load_psl,
     .fini = free_psl)
{
  char name[300];
  size_t n = 0;

  /* "a.a. ... a.com": 125 "a." and "com" make 253 bytes. */
  while (n < 250) {
    name[n++] = 'a';
    name[n++] = '.';
  }
  memcpy(name + n, "com", 4);
  cr_expect_str_eq(mp_orgdomain_psl(od, name), "a.com");
  cr_expect_str_eq(mp_orgdomain_psl(od, name + 2), "a.com");
  name[0] = 'b';
  memmove(name + 2, name, 254); /* "b.b.a. ... a.com": 255 bytes */
  cr_expect_null(mp_orgdomain_psl(od, name));
  cr_expect_null(mp_orgdomain_suffix(od, name));
}

Test(orgdomain, loads_the_dafsa_form)
{
  static const char dafsa[] =
      "/usr/share/publicsuffix/public_suffix_list.dafsa";
  struct mp_orgdomain *d = NULL;

  if (access(dafsa, R_OK) != 0) {
    cr_skip_test("no %s", dafsa);
  }
  cr_assert_eq(mp_orgdomain_new(dafsa, &d), 0);
  cr_expect_str_eq(mp_orgdomain_psl(d, "a.b.example.co.uk"), "example.co.uk");
  mp_orgdomain_free(d);
}

Test(orgdomain, reports_a_file_it_cannot_use)
{
  struct mp_orgdomain *d = (struct mp_orgdomain *)&d;
  char path[] = "/tmp/mp_psl_XXXXXX";
  int fd;

  cr_expect_eq(mp_orgdomain_new("/nonexistent/psl.dat", &d), -ENOENT);
  cr_expect_null(d);
  cr_expect_eq(mp_orgdomain_new("/dev/null", &d), -ENOENT);
  cr_expect_null(d);
  cr_assert_gt(fd = mkstemp(path), -1);
  cr_assert_eq(write(fd, "// only a comment\n", 18), 18);
  close(fd);
  cr_expect_eq(mp_orgdomain_new(path, &d), -EINVAL);
  cr_expect_null(d);
  unlink(path);
  mp_orgdomain_free(NULL);
}

/* ---- RFC 9989 section 4.10: the names of a walk --------------------- */

struct plan_case {
  char domain[48];
  char names[320]; /* space-separated */
};

ParameterizedTestParameters(orgdomain, plans_the_tree_walk)
{
  static struct plan_case cases[] = {
      {"com", "com"},
      {"example.com", "example.com com"},
      {"example.com.", "example.com com"},
      /* 4.10.2's example. */
      {"a.mail.example.com",
       "a.mail.example.com mail.example.com example.com com"},
      /* Eight labels: every parent, eight queries. */
      {"a.b.c.d.e.f.g.com",
       "a.b.c.d.e.f.g.com b.c.d.e.f.g.com c.d.e.f.g.com d.e.f.g.com "
       "e.f.g.com f.g.com g.com com"},
      /* Nine: a jump to the last seven. */
      {"x.a.b.c.d.e.f.g.com",
       "x.a.b.c.d.e.f.g.com b.c.d.e.f.g.com c.d.e.f.g.com d.e.f.g.com "
       "e.f.g.com f.g.com g.com com"},
      /* 4.10's own list of eight queries. */
      {"a.b.c.d.e.f.g.h.i.j.mail.example.com",
       "a.b.c.d.e.f.g.h.i.j.mail.example.com g.h.i.j.mail.example.com "
       "h.i.j.mail.example.com i.j.mail.example.com j.mail.example.com "
       "mail.example.com example.com com"},
      /* B.4.2. */
      {"a.b.c.d.e.f.g.h.i.j.k.example.com",
       "a.b.c.d.e.f.g.h.i.j.k.example.com g.h.i.j.k.example.com "
       "h.i.j.k.example.com i.j.k.example.com j.k.example.com "
       "k.example.com example.com com"},
      /* 5.1.8: the psd=n record at b.c.d.e.f.g.example.com is never
       * asked for. */
      {"mail.a.b.c.d.e.f.g.example.com",
       "mail.a.b.c.d.e.f.g.example.com c.d.e.f.g.example.com "
       "d.e.f.g.example.com e.f.g.example.com f.g.example.com "
       "g.example.com example.com com"},
  };

  return cr_make_param_array(struct plan_case, cases,
                             sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct plan_case *c, orgdomain, plans_the_tree_walk)
{
  struct mp_orgdomain_walk w;
  char got[400] = "", q[300];
  size_t n = 0;

  cr_assert_eq(mp_orgdomain_walk_plan(&w, c->domain, strlen(c->domain)), 0);
  cr_expect_leq(w.n, MP_ORGDOMAIN_WALK_MAX);
  for (size_t i = 0; i < w.n; i++) {
    int len = mp_orgdomain_walk_qname(&w, c->domain, i, q, sizeof(q));

    cr_assert_gt(len, 7);
    cr_expect_eq(strncmp(q, "_dmarc.", 7), 0);
    n +=
        (size_t)snprintf(got + n, sizeof(got) - n, "%s%s", i ? " " : "", q + 7);
    {
      size_t labels = 1;

      for (const char *d = q + 7; *d; d++) {
        labels += *d == '.';
      }
      cr_expect_eq(w.labels[i], labels, "%s", q);
    }
  }
  cr_expect_str_eq(got, c->names);
}

Test(orgdomain, rejects_names_it_cannot_walk)
{
  struct mp_orgdomain_walk w;
  char long_label[80], long_name[300];

  cr_expect_eq(mp_orgdomain_walk_plan(&w, "", 0), -EINVAL);
  cr_expect_eq(mp_orgdomain_walk_plan(&w, ".", 1), -EINVAL);
  cr_expect_eq(mp_orgdomain_walk_plan(&w, "a..b", 4), -EINVAL);
  cr_expect_eq(mp_orgdomain_walk_plan(&w, ".a", 2), -EINVAL);
  cr_expect_eq(mp_orgdomain_walk_plan(&w, "a.b..", 5), -EINVAL);
  memset(long_label, 'a', 64);
  memcpy(long_label + 64, ".com", 4);
  cr_expect_eq(mp_orgdomain_walk_plan(&w, long_label, 68), -EINVAL);
  cr_expect_eq(mp_orgdomain_walk_plan(&w, long_label + 1, 67), 0);
  memset(long_name, 'a', sizeof(long_name));
  for (size_t k = 1; k < sizeof(long_name); k += 2) {
    long_name[k] = '.';
  }
  cr_expect_eq(mp_orgdomain_walk_plan(&w, long_name, 253), 0);
  cr_expect_eq(w.nlabels, 127);
  cr_expect_eq(w.n, 8);
  cr_expect_eq(mp_orgdomain_walk_plan(&w, long_name, 255), -EINVAL);
}

Test(orgdomain, qname_checks_room)
{
  struct mp_orgdomain_walk w;
  char buf[12];

  cr_assert_eq(mp_orgdomain_walk_plan(&w, "example.com", 11), 0);
  cr_expect_eq(mp_orgdomain_walk_qname(&w, "example.com", 0, buf, 12), -ENOSPC);
  cr_expect_str_eq(buf, "");
  cr_expect_eq(mp_orgdomain_walk_qname(&w, "example.com", 1, buf, 12), 10);
  cr_expect_str_eq(buf, "_dmarc.com");
  cr_expect_eq(mp_orgdomain_walk_qname(&w, "example.com", 2, buf, 12), -ENOSPC);
}

/* ---- RFC 9989 4.10.1 and 4.10.2: what the answers decide ------------ */

/* answers: one letter per name of the walk, in order: "-" no record, "r"
 * a record without psd (or psd=u), "y" psd=y, "n" psd=n, "m" more than
 * one record, "e" a failed lookup. */
struct walk_case {
  char domain[48];
  char answers[12];
  char source[16];
  char org[48];
  char rule[16];
  size_t used;
  size_t policy;
  bool incomplete;
};

ParameterizedTestParameters(orgdomain, decides_policy_and_org_domain)
{
  static struct walk_case cases[] = {
      /* B.4.1: the Author Domain (and the MailFrom domain)... */
      {"example.com", "r-", "self", "example.com", "fewest_labels", 2, 0,
       false},
      /* ...and the DKIM domain: example.com has the fewest labels. */
      {"signing.example.com", "rr-", "self", "example.com", "fewest_labels", 3,
       0, false},
      /* B.4.2: the deep Author Domain, eight queries. */
      {"a.b.c.d.e.f.g.h.i.j.k.example.com", "------r-", "organizational",
       "example.com", "fewest_labels", 8, 6, false},
      /* B.4.3: psd=y at bank.example. The Author Domain... */
      {"giant.bank.example", "ry", "self", "giant.bank.example", "psd_y", 2, 0,
       false},
      /* ...the MailFrom domain... */
      {"mail.giant.bank.example", "-ry", "organizational", "giant.bank.example",
       "psd_y", 3, 1, false},
      /* ...and the DKIM domain, whose org domain has no record. */
      {"mail.mega.bank.example", "--y", "public_suffix", "mega.bank.example",
       "psd_y", 3, 2, false},
      /* 4.10.2's three examples for a.mail.example.com. */
      {"a.mail.example.com", "-rr-", "organizational", "example.com",
       "fewest_labels", 4, 2, false},
      {"a.mail.example.com", "-n", "organizational", "mail.example.com",
       "psd_n", 2, 1, false},
      {"a.mail.example.com", "---y", "public_suffix", "example.com", "psd_y", 4,
       3, false},
      /* 5.1.8: the zone cut's psd=n is never asked for. */
      {"mail.a.b.c.d.e.f.g.example.com", "------r-", "organizational",
       "example.com", "fewest_labels", 8, 6, false},
      /* A psd=y on the Author Domain itself stops the walk; rule 2 skips
       * it, so rule 3 makes the domain its own org domain. */
      {"com", "y", "self", "com", "fewest_labels", 1, 0, false},
      {"bank.example", "y", "self", "bank.example", "fewest_labels", 1, 0,
       false},
      {"mail.example.com", "n", "self", "mail.example.com", "psd_n", 1, 0,
       false},
      /* Nothing found: no policy, the domain is its own org domain. */
      {"a.example.com", "---", "none", "a.example.com", "default", 3, 0, false},
      /* More than one record counts as none (4.10 step 2). */
      {"example.com", "mr", "organizational", "com", "fewest_labels", 2, 1,
       false},
      {"example.com", "m-", "none", "example.com", "default", 2, 0, false},
      /* A record between the domain and its org domain is passed over. */
      {"x.a.example.com", "-r-r", "organizational", "com", "fewest_labels", 4,
       3, false},
      /* psd=y one label up from a skipped name: the org domain was never
       * asked for, so the PSD's record applies. */
      {"a.b.c.d.e.f.g.h.i.j.example.com", "-y", "public_suffix",
       "e.f.g.h.i.j.example.com", "psd_y", 2, 1, false},
      /* Failed lookups: decided as if empty, and flagged. */
      {"a.example.com", "er-", "organizational", "example.com", "fewest_labels",
       3, 1, true},
      {"a.example.com", "-e-", "none", "a.example.com", "default", 3, 0, true},
      /* A failure after the stop does not count. */
      {"example.com", "ne", "self", "example.com", "psd_n", 1, 0, false},
  };

  return cr_make_param_array(struct walk_case, cases,
                             sizeof(cases) / sizeof(cases[0]));
}

static struct mp_orgdomain_answer answer(char c)
{
  struct mp_orgdomain_answer a = {MP_ORGDOMAIN_ANS_RECORD, MP_DMARC_PSD_U};

  switch (c) {
  case '-':
    a.kind = MP_ORGDOMAIN_ANS_NONE;
    break;
  case 'm':
    a.kind = MP_ORGDOMAIN_ANS_MULTIPLE;
    break;
  case 'e':
    a.kind = MP_ORGDOMAIN_ANS_ERROR;
    break;
  case 'y':
    a.psd = MP_DMARC_PSD_Y;
    break;
  case 'n':
    a.psd = MP_DMARC_PSD_N;
    break;
  default:
    break;
  }
  return a;
}

ParameterizedTest(struct walk_case *c, orgdomain, decides_policy_and_org_domain)
{
  struct mp_orgdomain_walk w;
  struct mp_orgdomain_answer ans[MP_ORGDOMAIN_WALK_MAX];
  struct mp_orgdomain_walk_result res;
  size_t nans = strlen(c->answers), asked = 0;
  char org[64];

  cr_assert_eq(mp_orgdomain_walk_plan(&w, c->domain, strlen(c->domain)), 0);
  cr_assert_leq(nans, w.n);
  for (size_t i = 0; i < nans; i++) {
    ans[i] = answer(c->answers[i]);
  }
  /* Asking name by name stops where the walk stops. */
  while (mp_orgdomain_walk_more(&w, ans, asked)) {
    cr_assert_lt(asked, nans, "%s: asks past the answers", c->domain);
    asked++;
  }
  cr_expect_eq(asked, c->used, "%s %s: asked %zu", c->domain, c->answers,
               asked);
  cr_assert_eq(mp_orgdomain_walk_decide(&w, ans, nans, &res), 0);
  cr_expect_eq(res.used, c->used);
  cr_expect_str_eq(source_name(res.source), c->source, "%s %s", c->domain,
                   c->answers);
  snprintf(org, sizeof(org), "%.*s", (int)(w.len - res.org_off),
           c->domain + res.org_off);
  cr_expect_str_eq(org, c->org, "%s %s", c->domain, c->answers);
  cr_expect_str_eq(mp_orgdomain_rule_name(res.rule), c->rule, "%s %s",
                   c->domain, c->answers);
  if (strcmp(c->source, "none") != 0) {
    cr_expect_eq(res.policy, c->policy, "%s %s", c->domain, c->answers);
  }
  cr_expect_eq(res.incomplete, c->incomplete);
  /* Deciding on just the answers the walk used gives the same. */
  cr_assert_eq(mp_orgdomain_walk_decide(&w, ans, asked, &res), 0);
  cr_expect_eq(res.used, c->used);
}

Test(orgdomain, decide_wants_every_needed_answer)
{
  struct mp_orgdomain_walk w;
  struct mp_orgdomain_answer ans[3] = {
      {MP_ORGDOMAIN_ANS_NONE, 0},
      {MP_ORGDOMAIN_ANS_RECORD, MP_DMARC_PSD_U},
      {MP_ORGDOMAIN_ANS_NONE, 0},
  };
  struct mp_orgdomain_walk_result res;

  cr_assert_eq(mp_orgdomain_walk_plan(&w, "a.example.com", 13), 0);
  cr_expect(mp_orgdomain_walk_more(&w, ans, 2));
  cr_expect_eq(mp_orgdomain_walk_decide(&w, ans, 2, &res), -EINVAL);
  cr_expect_not(mp_orgdomain_walk_more(&w, ans, 3));
  cr_expect_eq(mp_orgdomain_walk_decide(&w, ans, 3, &res), 0);
  cr_expect_eq(res.source, MP_ORGDOMAIN_SRC_ORG);
  cr_expect_str_eq(source_name(MP_ORGDOMAIN_SRC_PSD), "public_suffix");
  cr_expect_str_eq(mp_orgdomain_rule_name(MP_ORGDOMAIN_RULE_DEFAULT),
                   "default");
}
