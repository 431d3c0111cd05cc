#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <errno.h>
#include <string.h>

#include "scanner/config.h"

/* Parses "mailposture <opt> <value>"; returns mp_config_parse()'s result. */
static int parse_one(struct mp_config *c, const char *opt, const char *value)
{
  static char a0[] = "mailposture", a1[64], a2[512];
  char err[256];
  char *argv[] = {a0, a1, a2, NULL};

  snprintf(a1, sizeof(a1), "%s", opt);
  snprintf(a2, sizeof(a2), "%s", value);
  mp_config_init(c);
  return mp_config_parse(c, 3, argv, err, sizeof(err));
}

Test(config, spf_sender_and_helo_default_to_postmaster_and_the_domain)
{
  struct mp_config c;

  mp_config_init(&c);
  cr_assert_str_eq(c.spf_sender, "postmaster");
  cr_assert_null(c.spf_helo);
}

struct word {
  char text[80];
};

/* RFC 5321 section 4.1.2: Local-part = Dot-string / Quoted-string, at
 * most 64 octets (section 4.5.3.1.1); the RFC 7208 test suite's too. */
ParameterizedTestParameters(config, spf_sender_takes_a_local_part)
{
  static struct word ok[] = {
      {"agent"},
      {"postmaster"},
      {"lyme.eater"},
      {"philip-gladstone-test"},
      {"~jack&jill=up-a_b3.c"},
      {"a!#$%&'*+/=?^_`{|}~-z"},
      {"\"john doe\""},
      {"\"a@b\\\"c\""},
      {"\"\""},
      {"x234567890123456789012345678901234567890123456789012345678901234"},
  };
  return cr_make_param_array(struct word, ok, sizeof(ok) / sizeof(ok[0]));
}

ParameterizedTest(struct word *w, config, spf_sender_takes_a_local_part)
{
  struct mp_config c;

  cr_assert_eq(parse_one(&c, "--spf-sender", w->text), 0, "%s", w->text);
  cr_assert_str_eq(c.spf_sender, w->text);
}

ParameterizedTestParameters(config, spf_sender_rejects_what_is_not_one)
{
  static struct word bad[] = {
      {""},
      {"a b"},
      {".agent"},
      {"agent."},
      {"a..b"},
      {"agent@customer.example"},
      {"a(b)"},
      {"\"unterminated"},
      {"\"a\"b"},
      {"\"tab\there\""},
      {"caf\xc3\xa9"},
      {"x2345678901234567890123456789012345678901234567890123456789012345"},
  };
  return cr_make_param_array(struct word, bad, sizeof(bad) / sizeof(bad[0]));
}

ParameterizedTest(struct word *w, config, spf_sender_rejects_what_is_not_one)
{
  struct mp_config c;

  cr_assert_eq(parse_one(&c, "--spf-sender", w->text), -EINVAL, "%s", w->text);
}

/* RFC 5321 section 4.1.1.1: EHLO Domain / address-literal. */
ParameterizedTestParameters(config, spf_helo_takes_a_domain_or_an_address)
{
  static struct word ok[] = {
      {"out.agentdesk.example"},
      {"mail.example.com"},
      {"OEMCOMPUTER"},
      {"hosed"},
      {"A2345678"},
      {"[192.168.218.40]"},
      {"[IPv6:2001:db8::1]"},
      {"a-b.c1.example"},
  };
  return cr_make_param_array(struct word, ok, sizeof(ok) / sizeof(ok[0]));
}

ParameterizedTest(struct word *w, config, spf_helo_takes_a_domain_or_an_address)
{
  struct mp_config c;

  cr_assert_eq(parse_one(&c, "--spf-helo", w->text), 0, "%s", w->text);
  cr_assert_str_eq(c.spf_helo, w->text);
}

ParameterizedTestParameters(config, spf_helo_rejects_what_is_not_one)
{
  static struct word bad[] = {
      {""},
      {"JUMPIN' JUPITER"},
      {"%%%%"},
      {"a..b"},
      {".example"},
      {"example."},
      {"-mail.example"},
      {"mail-.example"},
      {"under_score.example"},
      {"[192.168.218]"},
      {"[2001:db8::1]"},
      {"192.0.2.1]"},
      {"x234567890123456789012345678901234567890123456789012345678901234."
       "example"},
  };
  return cr_make_param_array(struct word, bad, sizeof(bad) / sizeof(bad[0]));
}

ParameterizedTest(struct word *w, config, spf_helo_rejects_what_is_not_one)
{
  struct mp_config c;

  cr_assert_eq(parse_one(&c, "--spf-helo", w->text), -EINVAL, "%s", w->text);
}

/* ---- --shard auto: K/N from the environment at validation -------------- */

static void clear_batch_env(void)
{
  static const char *const vars[] = {
      "JOB_COMPLETION_INDEX", "MP_SHARD_COUNT",         "SLURM_ARRAY_TASK_ID",
      "SLURM_ARRAY_TASK_MIN", "SLURM_ARRAY_TASK_COUNT", "SLURM_ARRAY_TASK_STEP",
  };

  for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
    unsetenv(vars[i]);
  }
}

/* "mailposture -r 127.0.0.1 ARGS..." (NULL-terminated) parsed and
 * validated. */
static int validate_args(struct mp_config *c, const char *const *args,
                         char *err, size_t errlen)
{
  static char words[8][64];
  char *argv[9];
  int argc = 0, rc;

  for (const char *const *a =
           (const char *const[]){"mailposture", "-r", "127.0.0.1", NULL};
       *a; a++) {
    snprintf(words[argc], sizeof(words[argc]), "%s", *a);
    argv[argc] = words[argc];
    argc++;
  }
  for (; *args; args++) {
    cr_assert_lt(argc, 8);
    snprintf(words[argc], sizeof(words[argc]), "%s", *args);
    argv[argc] = words[argc];
    argc++;
  }
  argv[argc] = NULL;
  mp_config_init(c);
  err[0] = '\0';
  rc = mp_config_parse(c, argc, argv, err, errlen);
  return rc < 0 ? rc : mp_config_validate(c, err, errlen);
}

Test(config, shard_auto_reads_an_indexed_job, .init = clear_batch_env)
{
  struct mp_config c;
  char err[512];

  setenv("JOB_COMPLETION_INDEX", "2", 1);
  setenv("MP_SHARD_COUNT", "5", 1);
  cr_assert_eq(validate_args(&c, (const char *[]){"--shard", "auto", NULL}, err,
                             sizeof(err)),
               0, "%s", err);
  cr_assert_eq(c.shard.k, 2);
  cr_assert_eq(c.shard.n, 5);
  /* --shard-count wins over MP_SHARD_COUNT */
  cr_assert_eq(validate_args(&c,
                             (const char *[]){"--shard-count", "3", "--shard",
                                              "auto", NULL},
                             err, sizeof(err)),
               0, "%s", err);
  cr_assert_eq(c.shard.k, 2);
  cr_assert_eq(c.shard.n, 3);
  mp_config_close(&c);
}

Test(config, shard_auto_reads_a_slurm_array_from_its_min,
     .init = clear_batch_env)
{
  struct mp_config c;
  char err[512];

  setenv("SLURM_ARRAY_TASK_ID", "7", 1);
  setenv("SLURM_ARRAY_TASK_MIN", "5", 1);
  setenv("SLURM_ARRAY_TASK_COUNT", "4", 1);
  cr_assert_eq(validate_args(&c, (const char *[]){"--shard", "auto", NULL}, err,
                             sizeof(err)),
               0, "%s", err);
  cr_assert_eq(c.shard.k, 2);
  cr_assert_eq(c.shard.n, 4);
  mp_config_close(&c);
}

Test(config, shard_auto_without_a_batch_system_is_a_usage_error,
     .init = clear_batch_env)
{
  struct mp_config c;
  char err[512];

  cr_assert_eq(validate_args(&c, (const char *[]){"--shard", "auto", NULL}, err,
                             sizeof(err)),
               -EINVAL);
  cr_assert_not_null(strstr(err, "--shard auto: neither"), "%s", err);
  setenv("JOB_COMPLETION_INDEX", "3", 1);
  cr_assert_eq(validate_args(&c,
                             (const char *[]){"--shard", "auto",
                                              "--shard-count", "3", NULL},
                             err, sizeof(err)),
               -EINVAL);
  cr_assert_not_null(strstr(err, "not below 3 (--shard-count)"), "%s", err);
  cr_assert_eq(validate_args(&c,
                             (const char *[]){"--shard", "1/3", "--shard-count",
                                              "3", NULL},
                             err, sizeof(err)),
               -EINVAL);
  cr_assert_not_null(strstr(err, "needs --shard auto"), "%s", err);
  cr_assert_eq(validate_args(&c,
                             (const char *[]){"--shard", "auto",
                                              "--shard-count", "0", NULL},
                             err, sizeof(err)),
               -EINVAL);
  mp_config_close(&c);
}

Test(config, shard_k_of_n_ignores_the_environment, .init = clear_batch_env)
{
  struct mp_config c;
  char err[512];

  setenv("JOB_COMPLETION_INDEX", "2", 1);
  setenv("MP_SHARD_COUNT", "5", 1);
  cr_assert_eq(validate_args(&c, (const char *[]){"--shard", "1/3", NULL}, err,
                             sizeof(err)),
               0, "%s", err);
  cr_assert_eq(c.shard.k, 1);
  cr_assert_eq(c.shard.n, 3);
  cr_assert_eq(validate_args(&c, (const char *[]){NULL}, err, sizeof(err)), 0,
               "%s", err);
  cr_assert_eq(c.shard.n, 0);
  mp_config_close(&c);
}
