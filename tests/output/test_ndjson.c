#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "output/writer.h"
#include "tests/output/rows.h"
#include "tests/support/json.h"

#define FFFD "\xef\xbf\xbd"

/* The DMARC members after "records" when the discovery did not run, and
 * the objects of the other checks then. */
#define DMARC_NOT_EVALUATED                                                    \
  ",\"status\":null,\"found_at\":null,\"method\":null,"                        \
  "\"policy_domain\":null,\"record\":null,\"org_psl\":null,"                   \
  "\"org_tree_walk\":null,\"methods_disagree\":null,\"walk_queries\":null,"    \
  "\"p\":null,\"sp\":null,\"np\":null,\"pct\":null,\"adkim\":null,"            \
  "\"aspf\":null,\"fo\":null,\"psd\":null,\"t\":null,"                         \
  "\"effective_policy\":null,\"rua\":null,\"ruf\":null,"                       \
  "\"unknown_tags\":null,\"removed_tags\":null,\"error\":null"
#define CHECKS_NULL                                                            \
  ",\"dkim\":null,\"mx_hosts\":null,\"mta_sts\":null,\"tls_rpt\":null,"        \
  "\"bimi\":null,\"verdict\":null"

/* Writes the rows as NDJSON into a malloc'd, NUL-terminated buffer. */
static char *write_rows(const struct mp_result *rows, size_t n, size_t *len)
{
  char *buf = NULL;
  size_t size = 0;
  FILE *f = open_memstream(&buf, &size);
  struct mp_writer w;

  cr_assert_not_null(f);
  cr_assert_eq(mp_writer_init(&w, mp_writer_find("ndjson"), f), 0);
  for (size_t i = 0; i < n; i++) {
    cr_assert_eq(mp_writer_write(&w, &rows[i]), 0);
  }
  cr_assert_eq(w.rows, n);
  cr_assert_eq(mp_writer_close(&w), 0);
  cr_assert_eq(fclose(f), 0);
  if (len) {
    *len = size;
  }
  return buf;
}

static struct mp_json *parse_one(const struct mp_result *r)
{
  char err[128] = "";
  size_t len;
  char *text = write_rows(r, 1, &len);
  struct mp_json *all = mp_json_parse_ndjson(text, len, err, sizeof(err));

  cr_assert_not_null(all, "%s in %s", err, text);
  cr_assert_eq(all->count, 1);
  free(text);
  return all;
}

Test(ndjson, writes_an_answered_row_exactly)
{
  struct mp_result r;
  char *text;

  rows_ok(&r);
  text = write_rows(&r, 1, NULL);
  cr_assert_str_eq(
      text,
      "{\"line\":1,\"input\":\"Example.COM\",\"input_truncated\":false,"
      "\"rank\":1,\"domain\":\"example.com\",\"status\":\"ok\",\"error\":null,"
      "\"started\":\"2026-11-22T15:04:05.123Z\",\"elapsed_ms\":12.346,"
      "\"txt\":{\"name\":\"example.com\",\"type\":\"TXT\",\"outcome\":\"ok\","
      "\"rcode\":0,\"attempts\":1,\"rtt_ms\":1.500,\"ttl\":120,\"cname\":null,"
      "\"records\":[\"v=spf1 -all\",\"google-site-verification=abc\"]},"
      "\"dmarc_txt\":{\"name\":\"_dmarc.example.com\",\"type\":\"TXT\","
      "\"outcome\":\"ok\",\"rcode\":0,\"attempts\":1,\"rtt_ms\":2.000,"
      "\"ttl\":3600,\"cname\":null,\"records\":[\"v=DMARC1; p=reject\"]},"
      "\"mx\":{\"name\":\"example.com\",\"type\":\"MX\",\"outcome\":\"ok\","
      "\"rcode\":0,\"attempts\":2,\"rtt_ms\":0.250,\"ttl\":600,\"cname\":null,"
      "\"records\":[{\"preference\":10,\"host\":\"mx1.example.com\"},"
      "{\"preference\":20,\"host\":\"mx2.example.com\"}]},"
      "\"spf\":{\"count\":1,\"records\":[\"v=spf1 -all\"],"
      "\"status\":\"valid\",\"reason\":null,\"error_offset\":null,"
      "\"error_record\":null,\"record\":\"v=spf1 -all\",\"lookups\":0,"
      "\"lookups_static\":0,\"voids\":0,\"depth\":0,\"all\":\"fail\","
      "\"includes\":[],\"includes_total\":0,\"redirect\":null,"
      "\"uses_ptr\":false,\"uses_exists\":false,\"uses_macros\":false,"
      "\"exact\":true,\"ip4_addresses\":0,\"ip6_prefixes\":0,\"length\":11,"
      "\"checks\":[],\"include_checks\":[]},"
      "\"dmarc\":{\"count\":1,\"records\":[\"v=DMARC1; "
      "p=reject\"]" DMARC_NOT_EVALUATED "}" CHECKS_NULL ",\"findings\":[]}\n");
  free(text);
}

Test(ndjson, writes_an_invalid_name_row_with_nulls)
{
  struct mp_result r;
  char *text;

  rows_invalid(&r);
  text = write_rows(&r, 1, NULL);
  cr_assert_str_eq(
      text,
      "{\"line\":2,\"input\":\"bad..name\",\"input_truncated\":false,"
      "\"rank\":null,\"domain\":null,\"status\":\"invalid_name\","
      "\"error\":\"empty_label\",\"started\":\"2026-11-22T15:04:05.123Z\","
      "\"elapsed_ms\":0.010,\"txt\":null,\"dmarc_txt\":null,\"mx\":null,"
      "\"spf\":null,\"dmarc\":null" CHECKS_NULL ",\"findings\":[]}\n");
  free(text);
}

Test(ndjson, writes_a_timed_out_lookup)
{
  struct mp_result r;
  char *text;

  rows_timeout(&r);
  text = write_rows(&r, 1, NULL);
  cr_assert_str_eq(
      text,
      "{\"line\":3,\"input\":\"slow.example\",\"input_truncated\":false,"
      "\"rank\":42,\"domain\":\"slow.example\",\"status\":\"timeout\","
      "\"error\":null,\"started\":\"2026-11-22T15:04:05.123Z\","
      "\"elapsed_ms\":3001.500,"
      "\"txt\":{\"name\":\"slow.example\",\"type\":\"TXT\","
      "\"outcome\":\"timeout\",\"rcode\":null,\"attempts\":3,"
      "\"rtt_ms\":3000.000,\"ttl\":null,\"cname\":null,\"records\":[]},"
      "\"dmarc_txt\":{\"name\":\"_dmarc.slow.example\",\"type\":\"TXT\","
      "\"outcome\":\"nxdomain\",\"rcode\":3,\"attempts\":1,\"rtt_ms\":1.500,"
      "\"ttl\":null,\"cname\":null,\"records\":[]},"
      "\"mx\":{\"name\":\"slow.example\",\"type\":\"MX\","
      "\"outcome\":\"nodata\",\"rcode\":0,\"attempts\":1,\"rtt_ms\":1.500,"
      "\"ttl\":null,\"cname\":null,\"records\":[]},"
      "\"spf\":{\"count\":0,\"records\":[],\"status\":\"temperror\","
      "\"reason\":\"dns\",\"error_offset\":null,\"error_record\":null,"
      "\"record\":null,\"lookups\":0,\"lookups_static\":0,\"voids\":0,"
      "\"depth\":0,\"all\":null,\"includes\":[],\"includes_total\":0,"
      "\"redirect\":null,\"uses_ptr\":false,\"uses_exists\":false,"
      "\"uses_macros\":false,\"exact\":null,\"ip4_addresses\":null,"
      "\"ip6_prefixes\":null,\"length\":null,\"checks\":[],"
      "\"include_checks\":[]},"
      "\"dmarc\":{\"count\":0,\"records\":[]" DMARC_NOT_EVALUATED
      "}" CHECKS_NULL ",\"findings\":[\"SPF_TEMPERROR\"]}\n");
  free(text);
}

Test(ndjson, keeps_hostile_bytes_inside_one_line)
{
  struct mp_result r;
  size_t len;
  char *text;

  rows_hostile(&r);
  text = write_rows(&r, 1, &len);
  cr_assert_eq(strlen(text), len, "a raw NUL in the output");
  cr_assert_eq(strchr(text, '\n'), text + len - 1);
  cr_assert_null(strchr(text, '\r'));
  cr_assert_null(strchr(text, '\x1b'));
  cr_assert_not_null(strstr(text, "\"=cmd|' /C calc'!A0\""));
  cr_assert_not_null(
      strstr(text, "\"a\\r\\nb \\\"q\\\"\\u0000\\\\z" FFFD "\\u001b\""));
  cr_assert_not_null(
      strstr(text, "\"\\u2028 caf\xc3\xa9 " FFFD FFFD " " FFFD FFFD FFFD "\""));
  cr_assert_not_null(strstr(text, "\"cname\":\"alias.example\""));
  free(text);
}

Test(ndjson, hostile_row_decodes_back)
{
  struct mp_result r;
  struct mp_json *all;
  const struct mp_json *row, *rec;

  rows_hostile(&r);
  all = parse_one(&r);
  row = mp_json_at(all, 0);
  rec = mp_json_path(row, "input");
  cr_assert_eq(rec->len, sizeof("@SUM(1+1)\x1b]0;x\x07\0tail") - 1);
  cr_assert_arr_eq(rec->str, "@SUM(1+1)\x1b]0;x\x07\0tail", rec->len);
  cr_assert_eq(mp_json_path(row, "input_truncated")->boolean, true);
  cr_assert_eq(mp_json_path(row, "rank")->integer, 0);
  rec = mp_json_path(row, "txt.records[1]");
  cr_assert_eq(rec->len, 15);
  cr_assert_arr_eq(rec->str, "a\r\nb \"q\"\0\\z" FFFD "\x1b", 15);
  cr_assert_eq(mp_json_path(row, "txt.ttl")->integer, 60);
  cr_assert_eq(mp_json_path(row, "mx.ttl")->integer, 30);
  cr_assert_eq(mp_json_path(row, "mx.records[0].preference")->integer, 0);
  cr_assert(mp_json_str_eq(mp_json_path(row, "mx.records[0].host"), ""));
  cr_assert_eq(mp_json_path(row, "mx.records[1].preference")->integer, 65535);
  cr_assert(
      mp_json_str_eq(mp_json_path(row, "mx.records[1].host"), "-mx.example|x"));
  cr_assert_eq(mp_json_path(row, "spf.count")->integer, 20);
  cr_assert_eq(mp_json_path(row, "spf.records")->count, MP_PICK_MAX);
  cr_assert(mp_json_str_eq(mp_json_path(row, "spf.records[15]"),
                           "v=spf1 ip4:192.0.2.0/24 -all"));
  cr_assert_eq(mp_json_path(row, "dmarc.records")->count, 0);
  mp_json_free(all);
}

Test(ndjson, keys_come_in_the_documented_order)
{
  static const char *const keys[] = {"line",     "input",     "input_truncated",
                                     "rank",     "domain",    "status",
                                     "error",    "started",   "elapsed_ms",
                                     "txt",      "dmarc_txt", "mx",
                                     "spf",      "dmarc",     "dkim",
                                     "mx_hosts", "mta_sts",   "tls_rpt",
                                     "bimi",     "verdict",   "findings"};
  static const char *const lookup_keys[] = {"name",  "type",     "outcome",
                                            "rcode", "attempts", "rtt_ms",
                                            "ttl",   "cname",    "records"};
  struct mp_result r;
  struct mp_json *all;
  const struct mp_json *row, *mx;

  rows_ok(&r);
  all = parse_one(&r);
  row = mp_json_at(all, 0);
  cr_assert_eq(row->count, sizeof(keys) / sizeof(keys[0]));
  for (size_t i = 0; i < row->count; i++) {
    cr_expect_str_eq(row->keys[i]->str, keys[i]);
  }
  mx = mp_json_get(row, "mx");
  cr_assert_eq(mx->count, sizeof(lookup_keys) / sizeof(lookup_keys[0]));
  for (size_t i = 0; i < mx->count; i++) {
    cr_expect_str_eq(mx->keys[i]->str, lookup_keys[i]);
  }
  mp_json_free(all);
}

/* The row from its "spf" member on: the part the SPF evaluation adds. */
static const char *from_spf(const char *text)
{
  const char *p = strstr(text, ",\"spf\":");

  cr_assert_not_null(p, "%s", text);
  return p;
}

Test(ndjson, writes_an_evaluated_policy_exactly)
{
  struct mp_result r;
  char *text;

  rows_spf_full(&r);
  text = write_rows(&r, 1, NULL);
  cr_assert_str_eq(
      from_spf(text),
      ",\"spf\":{\"count\":1,\"records\":[\"v=spf1 ip4:192.0.2.0/24 "
      "ip6:2001:db8::/48 include:_spf.example.net include:bulk.example.org "
      "~all\"],\"status\":\"valid\",\"reason\":null,\"error_offset\":null,"
      "\"error_record\":null,\"record\":\"v=spf1 ip4:192.0.2.0/24 "
      "ip6:2001:db8::/48 include:_spf.example.net include:bulk.example.org "
      "~all\",\"lookups\":3,\"lookups_static\":4,\"voids\":0,\"depth\":2,"
      "\"all\":\"softfail\","
      "\"includes\":[\"_spf.example.net\",\"bulk.example.org\"],"
      "\"includes_total\":2,\"redirect\":null,\"uses_ptr\":false,"
      "\"uses_exists\":false,\"uses_macros\":true,\"exact\":false,"
      "\"ip4_addresses\":4352,\"ip6_prefixes\":65552,\"length\":96,"
      "\"checks\":[{\"ip\":\"192.0.2.7\",\"result\":\"pass\",\"reason\":null},"
      "{\"ip\":\"2001:db8:ffff::1\",\"result\":\"softfail\","
      "\"reason\":null},"
      "{\"ip\":\"198.51.100.1\",\"result\":\"temperror\","
      "\"reason\":\"dns\"}],"
      "\"include_checks\":[{\"name\":\"_spf.example.net\",\"reached\":true,"
      "\"effective\":\"pass\"},"
      "{\"name\":\"bulk.example.org\",\"reached\":true,"
      "\"effective\":null},"
      "{\"name\":\"other.example\",\"reached\":false,"
      "\"effective\":null}]},"
      "\"dmarc\":{\"count\":0,\"records\":[]" DMARC_NOT_EVALUATED
      "}" CHECKS_NULL
      ",\"findings\":[\"SPF_INCLUDE_MISSING\",\"SPF_SENDER_NOT_PASS\"]}\n");
  free(text);
}

/* reached is null when unknown (the domain's TXT lookup failed). */
Test(ndjson, writes_an_unknown_include_check_with_reached_null)
{
  struct mp_result r;
  char *text;

  rows_spf_full(&r);
  r.spf_eval.targets[2].unknown = true;
  r.spf_eval.targets[2].effective = MP_SPF_RESULT_TEMPERROR;
  text = write_rows(&r, 1, NULL);
  cr_expect_not_null(strstr(text,
                            "{\"name\":\"other.example\",\"reached\":null,"
                            "\"effective\":\"temperror\"}"),
                     "%s", text);
  free(text);
}

Test(ndjson, writes_a_syntax_error_with_its_record_and_offset)
{
  struct mp_result r;
  char *text;

  rows_spf_syntax(&r);
  text = write_rows(&r, 1, NULL);
  cr_assert_str_eq(
      from_spf(text),
      ",\"spf\":{\"count\":1,"
      "\"records\":[\"v=spf1 include:broken.example -all\"],"
      "\"status\":\"permerror\",\"reason\":\"syntax\",\"error_offset\":7,"
      "\"error_record\":\"v=spf1 ip4:192.0.2.300 -all\","
      "\"record\":\"v=spf1 include:broken.example -all\",\"lookups\":1,"
      "\"lookups_static\":1,\"voids\":0,\"depth\":1,\"all\":null,"
      "\"includes\":[\"broken.example\"],\"includes_total\":1,"
      "\"redirect\":null,\"uses_ptr\":false,\"uses_exists\":false,"
      "\"uses_macros\":false,\"exact\":null,\"ip4_addresses\":null,"
      "\"ip6_prefixes\":null,\"length\":34,\"checks\":[],"
      "\"include_checks\":[]},"
      "\"dmarc\":{\"count\":1,\"records\":[\"v=DMARC1; "
      "p=reject\"]" DMARC_NOT_EVALUATED "}" CHECKS_NULL
      ",\"findings\":[\"SPF_SYNTAX\"]}\n");
  free(text);
}

Test(ndjson, writes_a_domain_without_spf)
{
  struct mp_result r;
  char *text;

  rows_spf_none(&r);
  text = write_rows(&r, 1, NULL);
  cr_assert_str_eq(
      from_spf(text),
      ",\"spf\":{\"count\":0,\"records\":[],\"status\":\"none\","
      "\"reason\":\"no_record\",\"error_offset\":null,"
      "\"error_record\":null,\"record\":null,\"lookups\":0,"
      "\"lookups_static\":0,\"voids\":0,\"depth\":0,\"all\":null,"
      "\"includes\":[],\"includes_total\":0,\"redirect\":null,"
      "\"uses_ptr\":false,\"uses_exists\":false,\"uses_macros\":false,"
      "\"exact\":null,\"ip4_addresses\":null,\"ip6_prefixes\":null,"
      "\"length\":null,\"checks\":[],\"include_checks\":[]},"
      "\"dmarc\":{\"count\":1,\"records\":[\"v=DMARC1; "
      "p=reject\"]" DMARC_NOT_EVALUATED "}" CHECKS_NULL
      ",\"findings\":[\"SPF_MISSING\"]}\n");
  free(text);
}

Test(ndjson, writes_the_all_qualifier_as_a_word)
{
  static const char quals[] = {'+', '-', '~', '?', 0, 'x'};
  static const char *const want[] = {
      "\"all\":\"pass\",",    "\"all\":\"fail\",", "\"all\":\"softfail\",",
      "\"all\":\"neutral\",", "\"all\":null,",     "\"all\":null,"};
  struct mp_result r;

  for (size_t i = 0; i < sizeof(quals); i++) {
    char *text;

    rows_ok(&r);
    r.spf_eval.all = quals[i];
    text = write_rows(&r, 1, NULL);
    cr_expect_not_null(strstr(text, want[i]), "'%c': %s", quals[i], text);
    free(text);
  }
}

Test(ndjson, writes_the_whole_ipv6_space_beyond_int64)
{
  struct mp_result r;
  char *text;

  rows_ok(&r);
  r.spf_eval.all = '+';
  r.spf_eval.ip4_addresses = UINT64_C(1) << 32;
  r.spf_eval.ip6_prefixes = UINT64_MAX;
  text = write_rows(&r, 1, NULL);
  cr_assert_not_null(strstr(text, "\"ip4_addresses\":4294967296,"
                                  "\"ip6_prefixes\":18446744073709551615,"),
                     "%s", text);
  free(text);
}

Test(ndjson, lists_at_most_32_includes_and_counts_them_all)
{
  static const char rec[] = "v=spf1 include:a.example include:b.example";
  struct mp_result r;
  struct mp_json *all;
  const struct mp_json *inc;

  rows_ok(&r);
  r.spf_eval.nincludes = 40;
  for (size_t i = 0; i < MP_SPF_INCLUDES_MAX; i++) {
    /* slices that stop before the rest of the record, no NUL */
    r.spf_eval.includes[i] =
        rows_within(rec, i % 2 ? "b.example" : "a.example");
  }
  r.spf_eval.redirect = rows_within(rec, "b.ex");
  all = parse_one(&r);
  inc = mp_json_path(all, "[0].spf.includes");
  cr_assert_eq(inc->count, MP_SPF_INCLUDES_MAX);
  cr_expect(mp_json_str_eq(mp_json_at(inc, 0), "a.example"));
  cr_expect(mp_json_str_eq(mp_json_at(inc, 31), "b.example"));
  cr_expect_eq(mp_json_path(all, "[0].spf.includes_total")->integer, 40);
  cr_expect(mp_json_str_eq(mp_json_path(all, "[0].spf.redirect"), "b.ex"));
  mp_json_free(all);
}

Test(ndjson, keys_of_the_spf_object_come_in_the_documented_order)
{
  static const char *const keys[] = {
      "count",          "records",        "status",   "reason",
      "error_offset",   "error_record",   "record",   "lookups",
      "lookups_static", "voids",          "depth",    "all",
      "includes",       "includes_total", "redirect", "uses_ptr",
      "uses_exists",    "uses_macros",    "exact",    "ip4_addresses",
      "ip6_prefixes",   "length",         "checks",   "include_checks"};
  struct mp_result r;
  struct mp_json *all;
  const struct mp_json *spf;

  rows_spf_full(&r);
  all = parse_one(&r);
  spf = mp_json_path(all, "[0].spf");
  cr_assert_eq(spf->count, sizeof(keys) / sizeof(keys[0]));
  for (size_t i = 0; i < spf->count; i++) {
    cr_expect_str_eq(spf->keys[i]->str, keys[i]);
  }
  mp_json_free(all);
}

/* The row from its "dmarc" member on: the part the mail checks add. */
static const char *from_dmarc(const char *text)
{
  const char *p = strstr(text, ",\"dmarc\":");

  cr_assert_not_null(p, "%s", text);
  return p;
}

Test(ndjson, writes_every_check_of_a_full_row_exactly)
{
  struct mp_result r;
  char *text;

  rows_full(&r);
  text = write_rows(&r, 1, NULL);
  cr_assert_str_eq(
      from_dmarc(text),
      ",\"dmarc\":{\"count\":0,\"records\":[],\"status\":\"valid\","
      "\"found_at\":\"organizational\",\"method\":\"tree_walk\","
      "\"policy_domain\":\"brand.example\",\"record\":\"v=DMARC1; p=reject; "
      "sp=quarantine; pct=100; rf=afrf; adkim=s; fo=1; "
      "rua=mailto:dmarc@brand.example,mailto:agg@vendor.example,"
      "mailto:a@other.example; ruf=mailto:f@vendor.example; foo=bar\","
      "\"org_psl\":\"brand.example\",\"org_tree_walk\":\"brand.example\","
      "\"methods_disagree\":false,\"walk_queries\":2,\"p\":\"reject\","
      "\"sp\":\"quarantine\",\"np\":null,\"pct\":100,\"adkim\":\"s\","
      "\"aspf\":\"r\",\"fo\":\"1\",\"psd\":null,\"t\":null,"
      "\"effective_policy\":\"quarantine\","
      "\"rua\":[{\"uri\":\"mailto:dmarc@brand.example\","
      "\"domain\":\"brand.example\",\"external\":false,"
      "\"authorization\":null},"
      "{\"uri\":\"mailto:agg@vendor.example\",\"domain\":\"vendor.example\","
      "\"external\":true,\"authorization\":\"authorized\"},"
      "{\"uri\":\"mailto:a@other.example\",\"domain\":\"other.example\","
      "\"external\":true,\"authorization\":\"not_authorized\"}],"
      "\"ruf\":[{\"uri\":\"mailto:f@vendor.example\","
      "\"domain\":\"vendor.example\",\"external\":true,"
      "\"authorization\":\"authorized\"}],"
      "\"unknown_tags\":[\"foo\"],\"removed_tags\":[\"pct\",\"rf\"],"
      "\"error\":null},"
      "\"dkim\":{\"status\":\"found\",\"probed\":24,"
      "\"found\":[{\"selector\":\"google\",\"cname\":null,"
      "\"key_type\":\"rsa\",\"bits\":2048,\"revoked\":false,"
      "\"testing\":false,\"error\":null,"
      "\"record\":\"v=DKIM1; k=rsa; p=MIIBIjANBgkq\"},"
      "{\"selector\":\"s1\",\"cname\":\"s1.domainkey.vendor.example\","
      "\"key_type\":\"rsa\",\"bits\":1024,\"revoked\":false,"
      "\"testing\":true,\"error\":null,"
      "\"record\":\"v=DKIM1; k=rsa; t=y; p=MIGfMA0GCSqG\"}],"
      "\"weakest_bits\":1024,\"failed\":[]},"
      "\"mx_hosts\":{\"null_mx\":false,\"all_fcrdns\":false,"
      "\"unresolved\":0,"
      "\"hosts\":[{\"preference\":10,\"host\":\"mx1.brand.example\","
      "\"ip_literal\":false,\"cname\":null,\"resolves\":true,"
      "\"a_outcome\":\"ok\",\"aaaa_outcome\":\"ok\","
      "\"addresses\":[{\"address\":\"192.0.2.10\","
      "\"ptr\":\"mx1.brand.example\",\"ptr_outcome\":\"ok\",\"fcrdns\":true,"
      "\"forward_outcome\":\"ok\",\"generic\":false},"
      "{\"address\":\"2001:db8::10\",\"ptr\":\"mail.other.example\","
      "\"ptr_outcome\":\"ok\",\"fcrdns\":false,\"forward_outcome\":\"ok\","
      "\"generic\":false}]},"
      "{\"preference\":20,\"host\":\"mx2.brand.example\","
      "\"ip_literal\":false,\"cname\":\"mx.provider.example\","
      "\"resolves\":true,\"a_outcome\":\"ok\",\"aaaa_outcome\":\"nodata\","
      "\"addresses\":[{\"address\":\"198.51.100.7\","
      "\"ptr\":\"198-51-100-7.dsl.isp.example\",\"ptr_outcome\":\"ok\","
      "\"fcrdns\":true,\"forward_outcome\":\"ok\",\"generic\":true},"
      "{\"address\":\"198.51.100.8\",\"ptr\":null,"
      "\"ptr_outcome\":\"nxdomain\",\"fcrdns\":false,"
      "\"forward_outcome\":null,\"generic\":false}]}],"
      "\"senders\":[],\"senders_fcrdns\":null},"
      "\"mta_sts\":{\"status\":\"valid\","
      "\"record\":\"v=STSv1; id=20260101T000000;\","
      "\"id\":\"20260101T000000\",\"error\":null},"
      "\"tls_rpt\":{\"status\":\"invalid\","
      "\"record\":\"v=TLSRPTv1; rua=https//bad.example\","
      "\"rua\":\"https//bad.example\",\"error\":\"bad_rua\"},"
      "\"bimi\":{\"status\":\"none\",\"record\":null,\"location\":null,"
      "\"authority\":null,\"error\":null},"
      "\"verdict\":{\"ready\":false,"
      "\"failed\":[\"spf_or_dkim\",\"mx_fcrdns\"],\"unknown\":[]},"
      "\"findings\":[\"SPF_MISSING\"]}\n");
  free(text);
}

Test(ndjson, writes_a_parked_domain_with_a_null_mx_exactly)
{
  struct mp_result r;
  char *text;

  rows_parked(&r);
  text = write_rows(&r, 1, NULL);
  cr_assert_str_eq(
      from_dmarc(text),
      ",\"dmarc\":{\"count\":1,"
      "\"records\":[\"v=DMARC1; p=reject; np=reject; adkim=s; aspf=s; t=n\"],"
      "\"status\":\"valid\",\"found_at\":\"self\",\"method\":\"direct\","
      "\"policy_domain\":\"parked.example\","
      "\"record\":\"v=DMARC1; p=reject; np=reject; adkim=s; aspf=s; t=n\","
      "\"org_psl\":\"parked.example\",\"org_tree_walk\":\"parked.example\","
      "\"methods_disagree\":false,\"walk_queries\":1,\"p\":\"reject\","
      "\"sp\":null,\"np\":\"reject\",\"pct\":null,\"adkim\":\"s\","
      "\"aspf\":\"s\",\"fo\":null,\"psd\":null,\"t\":\"n\","
      "\"effective_policy\":\"reject\",\"rua\":[],\"ruf\":[],"
      "\"unknown_tags\":[],\"removed_tags\":[],\"error\":null},"
      "\"dkim\":{\"status\":\"no_domainkey\",\"probed\":0,\"found\":[],"
      "\"weakest_bits\":null,\"failed\":[]},"
      "\"mx_hosts\":{\"null_mx\":true,\"all_fcrdns\":false,\"unresolved\":0,"
      "\"hosts\":[],\"senders\":[],\"senders_fcrdns\":null},"
      "\"mta_sts\":{\"status\":\"none\",\"record\":null,\"id\":null,"
      "\"error\":null},"
      "\"tls_rpt\":{\"status\":\"none\",\"record\":null,\"rua\":null,"
      "\"error\":null},"
      "\"bimi\":{\"status\":\"none\",\"record\":null,\"location\":null,"
      "\"authority\":null,\"error\":null},"
      "\"verdict\":{\"ready\":true,\"failed\":[],\"unknown\":[]},"
      "\"findings\":[]}\n");
  free(text);
}

Test(ndjson, writes_checks_that_did_not_run_as_null)
{
  struct mp_result r;
  char *text;

  rows_checks_off(&r); /* --checks spf */
  text = write_rows(&r, 1, NULL);
  cr_assert_not_null(strstr(text, ",\"dmarc_txt\":null,\"mx\":null,"), "%s",
                     text);
  cr_assert_str_eq(from_dmarc(text),
                   ",\"dmarc\":null" CHECKS_NULL ",\"findings\":[]}\n");
  free(text);
  rows_ok(&r); /* _dmarc looked up, no discovery */
  text = write_rows(&r, 1, NULL);
  cr_assert_str_eq(from_dmarc(text),
                   ",\"dmarc\":{\"count\":1,\"records\":[\"v=DMARC1; "
                   "p=reject\"]" DMARC_NOT_EVALUATED "}" CHECKS_NULL
                   ",\"findings\":[]}\n");
  free(text);
  rows_ok(&r); /* the SPF check off */
  r.spf_eval.evaluated = false;
  memset(&r.txt, 0, sizeof(r.txt));
  text = write_rows(&r, 1, NULL);
  cr_assert_not_null(strstr(text, ",\"txt\":null,"), "%s", text);
  cr_assert_not_null(strstr(text, ",\"spf\":null,\"dmarc\":{"), "%s", text);
  free(text);
}

/* Each object's keys against a list, in order. */
static void expect_keys(const struct mp_json *obj, const char *what,
                        const char *const *keys, size_t n)
{
  cr_assert_not_null(obj, "%s", what);
  cr_assert_eq(obj->type, MP_JSON_OBJECT, "%s", what);
  cr_assert_eq(obj->count, n, "%s: %zu keys", what, obj->count);
  for (size_t i = 0; i < n; i++) {
    cr_expect_str_eq(obj->keys[i]->str, keys[i], "%s", what);
  }
}

#define EXPECT_KEYS(obj, keys)                                                 \
  expect_keys((obj), #keys, (keys), sizeof(keys) / sizeof((keys)[0]))

Test(ndjson, keys_of_the_check_objects_come_in_the_documented_order)
{
  static const char *const dmarc[] = {"count",
                                      "records",
                                      "status",
                                      "found_at",
                                      "method",
                                      "policy_domain",
                                      "record",
                                      "org_psl",
                                      "org_tree_walk",
                                      "methods_disagree",
                                      "walk_queries",
                                      "p",
                                      "sp",
                                      "np",
                                      "pct",
                                      "adkim",
                                      "aspf",
                                      "fo",
                                      "psd",
                                      "t",
                                      "effective_policy",
                                      "rua",
                                      "ruf",
                                      "unknown_tags",
                                      "removed_tags",
                                      "error"};
  static const char *const dest[] = {"uri", "domain", "external",
                                     "authorization"};
  static const char *const dkim[] = {"status", "probed", "found",
                                     "weakest_bits", "failed"};
  static const char *const key[] = {"selector", "cname",   "key_type",
                                    "bits",     "revoked", "testing",
                                    "error",    "record"};
  static const char *const mx[] = {"null_mx", "all_fcrdns", "unresolved",
                                   "hosts",   "senders",    "senders_fcrdns"};
  static const char *const host[] = {"preference",   "host",     "ip_literal",
                                     "cname",        "resolves", "a_outcome",
                                     "aaaa_outcome", "addresses"};
  static const char *const addr[] = {
      "address", "ptr", "ptr_outcome", "fcrdns", "forward_outcome", "generic"};
  static const char *const sts[] = {"status", "record", "id", "error"};
  static const char *const rpt[] = {"status", "record", "rua", "error"};
  static const char *const bimi[] = {"status", "record", "location",
                                     "authority", "error"};
  static const char *const verdict[] = {"ready", "failed", "unknown"};
  struct mp_result rows[2];
  char err[128] = "";
  size_t len;
  char *text;
  struct mp_json *all;

  rows_full(&rows[0]);
  rows_ok(&rows[1]);
  text = write_rows(rows, 2, &len);
  all = mp_json_parse_ndjson(text, len, err, sizeof(err));
  cr_assert_not_null(all, "%s", err);
  for (size_t i = 0; i < 2; i++) { /* the same keys whether run or not */
    EXPECT_KEYS(mp_json_get(all->items[i], "dmarc"), dmarc);
  }
  EXPECT_KEYS(mp_json_path(all, "[0].dmarc.rua[0]"), dest);
  EXPECT_KEYS(mp_json_path(all, "[0].dmarc.ruf[0]"), dest);
  EXPECT_KEYS(mp_json_path(all, "[0].dkim"), dkim);
  EXPECT_KEYS(mp_json_path(all, "[0].dkim.found[1]"), key);
  EXPECT_KEYS(mp_json_path(all, "[0].mx_hosts"), mx);
  EXPECT_KEYS(mp_json_path(all, "[0].mx_hosts.hosts[1]"), host);
  EXPECT_KEYS(mp_json_path(all, "[0].mx_hosts.hosts[1].addresses[1]"), addr);
  EXPECT_KEYS(mp_json_path(all, "[0].mta_sts"), sts);
  EXPECT_KEYS(mp_json_path(all, "[0].tls_rpt"), rpt);
  EXPECT_KEYS(mp_json_path(all, "[0].bimi"), bimi);
  EXPECT_KEYS(mp_json_path(all, "[0].verdict"), verdict);
  mp_json_free(all);
  free(text);
}

Test(ndjson, writes_unknown_sizes_and_absent_tags_as_null)
{
  struct mp_result r;
  struct mp_json *all;
  const struct mp_json *row;

  rows_full(&r);
  r.dmarc_eval.pct = -1;
  r.dmarc_eval.fo = rows_slice(NULL, 0);
  r.dmarc_eval.psd = 'u';
  r.dmarc_eval.testing = 'y';
  r.dkim.found[0].key_type = "ed25519"; /* RFC 8463: no modulus */
  r.dkim.found[0].bits = 0;
  r.dkim.found[1].revoked = true;
  r.dkim.found[1].bits = 0;
  r.dkim.weakest_bits = 0;
  all = parse_one(&r);
  row = mp_json_at(all, 0);
  cr_expect(mp_json_is_null(mp_json_path(row, "dmarc.pct")));
  cr_expect(mp_json_is_null(mp_json_path(row, "dmarc.fo")));
  cr_expect(mp_json_str_eq(mp_json_path(row, "dmarc.psd"), "u"));
  cr_expect(mp_json_str_eq(mp_json_path(row, "dmarc.t"), "y"));
  cr_expect(mp_json_is_null(mp_json_path(row, "dkim.found[0].bits")));
  cr_expect(mp_json_is_null(mp_json_path(row, "dkim.found[1].bits")));
  cr_expect_eq(mp_json_path(row, "dkim.found[1].revoked")->boolean, true);
  cr_expect(mp_json_is_null(mp_json_path(row, "dkim.weakest_bits")));
  mp_json_free(all);
}

/* --spf-ip: the sending addresses' reverse DNS, as the hosts' addresses. */
Test(ndjson, writes_the_reverse_dns_of_spf_ip_addresses)
{
  struct mp_result r;
  struct mp_json *all;
  const struct mp_json *row;

  rows_full(&r);
  r.mx_check.nsenders = 1;
  r.mx_check.senders[0] =
      rows_addr("192.0.2.7", "out.brand.example", "ok", false, false);
  r.mx_check.senders[0].fcrdns = MP_TRI_UNKNOWN;
  r.mx_check.senders[0].forward_outcome = MP_OUTCOME_SERVFAIL;
  r.mx_check.senders_fcrdns = MP_TRI_UNKNOWN;
  all = parse_one(&r);
  row = mp_json_at(all, 0);
  cr_expect(mp_json_str_eq(mp_json_path(row, "mx_hosts.senders[0].address"),
                           "192.0.2.7"));
  cr_expect(mp_json_str_eq(
      mp_json_path(row, "mx_hosts.senders[0].forward_outcome"), "servfail"));
  cr_expect(mp_json_is_null(mp_json_path(row, "mx_hosts.senders[0].fcrdns")));
  cr_expect(mp_json_is_null(mp_json_path(row, "mx_hosts.senders_fcrdns")));
  r.mx_check.senders_fcrdns = MP_TRI_TRUE;
  mp_json_free(all);
  all = parse_one(&r);
  cr_expect(
      mp_json_path(mp_json_at(all, 0), "mx_hosts.senders_fcrdns")->boolean);
  mp_json_free(all);
}

/* The probes that failed, each with its outcome. */
Test(ndjson, writes_the_failed_dkim_probes)
{
  struct mp_result r;
  struct mp_json *all;
  const struct mp_json *row;

  rows_full(&r);
  r.dkim.nfailed = 1;
  r.dkim.failed[0].selector = "selector1";
  r.dkim.failed[0].outcome = MP_OUTCOME_SERVFAIL;
  all = parse_one(&r);
  row = mp_json_at(all, 0);
  cr_expect(mp_json_str_eq(mp_json_path(row, "dkim.failed[0].selector"),
                           "selector1"));
  cr_expect(
      mp_json_str_eq(mp_json_path(row, "dkim.failed[0].outcome"), "servfail"));
  mp_json_free(all);
}

/* Unknown reverse DNS: fcrdns and all_fcrdns null, the outcomes of the
 * failed lookups given. */
Test(ndjson, writes_unknown_reverse_dns_as_null)
{
  struct mp_result r;
  struct mp_json *all;
  const struct mp_json *row;

  rows_full(&r);
  r.mx_check.all_fcrdns = MP_TRI_UNKNOWN;
  r.mx_check.hosts[0].addrs[0].fcrdns = MP_TRI_UNKNOWN;
  r.mx_check.hosts[0].addrs[0].forward_outcome = MP_OUTCOME_TIMEOUT;
  r.mx_check.hosts[1].resolves = MP_TRI_UNKNOWN;
  r.mx_check.hosts[1].a_outcome = MP_OUTCOME_SERVFAIL;
  r.mx_check.hosts[1].naddrs = 0;
  r.mx_check.hosts[1].ip_literal = false;
  all = parse_one(&r);
  row = mp_json_at(all, 0);
  cr_expect(mp_json_is_null(mp_json_path(row, "mx_hosts.all_fcrdns")));
  cr_expect(mp_json_is_null(
      mp_json_path(row, "mx_hosts.hosts[0].addresses[0].fcrdns")));
  cr_expect(mp_json_str_eq(
      mp_json_path(row, "mx_hosts.hosts[0].addresses[0].forward_outcome"),
      "timeout"));
  cr_expect(mp_json_is_null(mp_json_path(row, "mx_hosts.hosts[1].resolves")));
  cr_expect(mp_json_str_eq(mp_json_path(row, "mx_hosts.hosts[1].a_outcome"),
                           "servfail"));
  mp_json_free(all);
}

/* An unknown verdict: ready null, the requirements not known listed. */
Test(ndjson, writes_an_unknown_verdict_as_null)
{
  struct mp_result r;
  struct mp_json *all;
  const struct mp_json *row;

  rows_parked(&r);
  r.verdict.ready = MP_TRI_UNKNOWN;
  r.verdict.nunknown = 1;
  r.verdict.unknown[0] = MP_REQUIREMENT_MX_FCRDNS;
  all = parse_one(&r);
  row = mp_json_at(all, 0);
  cr_expect(mp_json_is_null(mp_json_path(row, "verdict.ready")));
  cr_expect_eq(mp_json_path(row, "verdict.failed")->count, 0);
  cr_expect(
      mp_json_str_eq(mp_json_path(row, "verdict.unknown[0]"), "mx_fcrdns"));
  mp_json_free(all);
}

/* Counts over the caps list the first items only; nothing is read past
 * the arrays (the sanitizer build checks that). */
Test(ndjson, lists_of_the_checks_stop_at_their_caps)
{
  struct mp_result r;
  struct mp_json *all;
  const struct mp_json *row;

  rows_full(&r);
  r.dmarc_eval.nrua = 100;
  r.dmarc_eval.nruf = 100;
  r.dmarc_eval.nunknown = 100;
  r.dmarc_eval.nremoved = 100;
  for (size_t i = 0; i < MP_DMARC_URIS_MAX; i++) {
    r.dmarc_eval.rua[i] = r.dmarc_eval.rua[i % 3];
    r.dmarc_eval.ruf[i] = r.dmarc_eval.ruf[0];
  }
  for (size_t i = 0; i < MP_DMARC_TAGS_MAX; i++) {
    r.dmarc_eval.unknown[i] = r.dmarc_eval.unknown[0];
    r.dmarc_eval.removed[i] = r.dmarc_eval.removed[i % 2];
  }
  r.dkim.nfound = 100;
  for (size_t i = 0; i < MP_DKIM_FOUND_MAX; i++) {
    r.dkim.found[i] = r.dkim.found[i % 2];
  }
  r.mx_check.nhosts = 100;
  for (size_t i = 0; i < MP_MX_HOSTS_MAX; i++) {
    r.mx_check.hosts[i] = r.mx_check.hosts[i % 2];
    r.mx_check.hosts[i].naddrs = 100;
    for (size_t k = 0; k < MP_MX_ADDRS_MAX; k++) {
      r.mx_check.hosts[i].addrs[k] = r.mx_check.hosts[0].addrs[k % 2];
    }
  }
  r.dkim.nfailed = 100;
  for (size_t i = 0; i < MP_DKIM_FAILED_MAX; i++) {
    r.dkim.failed[i].selector = "k1";
  }
  r.verdict.nfailed = r.verdict.nunknown = 100;
  for (size_t i = 0; i < 8; i++) {
    r.verdict.failed[i] = MP_REQUIREMENT_DMARC;
    r.verdict.unknown[i] = MP_REQUIREMENT_MX_FCRDNS;
  }
  all = parse_one(&r);
  row = mp_json_at(all, 0);
  cr_expect_eq(mp_json_path(row, "dmarc.rua")->count, MP_DMARC_URIS_MAX);
  cr_expect_eq(mp_json_path(row, "dmarc.ruf")->count, MP_DMARC_URIS_MAX);
  cr_expect_eq(mp_json_path(row, "dmarc.unknown_tags")->count,
               MP_DMARC_TAGS_MAX);
  cr_expect_eq(mp_json_path(row, "dmarc.removed_tags")->count,
               MP_DMARC_TAGS_MAX);
  cr_expect_eq(mp_json_path(row, "dkim.found")->count, MP_DKIM_FOUND_MAX);
  cr_expect_eq(mp_json_path(row, "dkim.failed")->count, MP_DKIM_FAILED_MAX);
  cr_expect_eq(mp_json_path(row, "mx_hosts.hosts")->count, MP_MX_HOSTS_MAX);
  cr_expect_eq(mp_json_path(row, "mx_hosts.hosts[9].addresses")->count,
               MP_MX_ADDRS_MAX);
  cr_expect_eq(mp_json_path(row, "verdict.failed")->count, 8);
  cr_expect_eq(mp_json_path(row, "verdict.unknown")->count, 8);
  mp_json_free(all);
}

/* DNS text in the new objects (records, PTR names) is escaped like any. */
Test(ndjson, escapes_dns_text_of_the_checks)
{
  static const char rec[] = "v=STSv1; id=\"x\x1b[2J\n";
  struct mp_result r;
  struct mp_json *all;
  const struct mp_json *v;

  rows_full(&r);
  r.mta_sts.record = rows_slice(rec, sizeof(rec) - 1);
  r.mta_sts.field1 = rows_within(rec, "\"x\x1b");
  r.mx_check.hosts[0].addrs[1].ptr = "a\"b\\c\x7f.example";
  all = parse_one(&r);
  v = mp_json_path(all, "[0].mta_sts.record");
  cr_assert_eq(v->len, sizeof(rec) - 1);
  cr_expect_arr_eq(v->str, rec, v->len);
  cr_expect(mp_json_str_eq(mp_json_path(all, "[0].mta_sts.id"), "\"x\x1b"));
  cr_expect(mp_json_str_eq(
      mp_json_path(all, "[0].mx_hosts.hosts[0].addresses[1].ptr"),
      "a\"b\\c\x7f.example"));
  mp_json_free(all);
}

Test(ndjson, unknown_type_is_written_in_rfc3597_form)
{
  struct mp_result r;
  struct mp_json *all;

  rows_ok(&r);
  r.txt.type = 99; /* SPF type, which the scanner does not use */
  all = parse_one(&r);
  cr_assert(mp_json_str_eq(mp_json_path(all, "[0].txt.type"), "TYPE99"));
  mp_json_free(all);
}

Test(ndjson, many_rows_are_one_per_line)
{
  struct mp_result rows[10];
  char err[128] = "";
  size_t len;
  char *text;
  struct mp_json *all;

  rows_ok(&rows[0]);
  rows_invalid(&rows[1]);
  rows_timeout(&rows[2]);
  rows_hostile(&rows[3]);
  rows_spf_full(&rows[4]);
  rows_spf_syntax(&rows[5]);
  rows_spf_none(&rows[6]);
  rows_full(&rows[7]);
  rows_parked(&rows[8]);
  rows_checks_off(&rows[9]);
  text = write_rows(rows, 10, &len);
  all = mp_json_parse_ndjson(text, len, err, sizeof(err));
  cr_assert_not_null(all, "%s", err);
  cr_assert_eq(all->count, 10);
  for (size_t i = 0; i < 10; i++) {
    cr_expect_eq(mp_json_path(all->items[i], "line")->integer,
                 (int64_t)rows[i].line);
  }
  mp_json_free(all);
  free(text);
}

Test(writer, finds_formats_by_name)
{
  cr_assert_eq(mp_writer_find("ndjson"), &mp_writer_ndjson);
  cr_assert_eq(mp_writer_find("csv"), &mp_writer_csv);
  cr_assert_null(mp_writer_find("xml"));
  cr_assert_null(mp_writer_find(""));
  cr_assert_str_eq(mp_writer_ndjson.name, "ndjson");
  cr_assert_str_eq(mp_writer_csv.name, "csv");
}

/* /dev/full accepts the open and fails every write with ENOSPC. */
static void full_disk(const char *format, bool unbuffered)
{
  FILE *f = fopen("/dev/full", "w");
  struct mp_writer w;
  struct mp_result r;
  int rc = 0, first = 0;

  cr_assert_not_null(f);
  if (unbuffered) {
    cr_assert_eq(setvbuf(f, NULL, _IONBF, 0), 0);
  }
  rows_ok(&r);
  rc = mp_writer_init(&w, mp_writer_find(format), f);
  for (int i = 0; i < 1000 && rc == 0; i++) {
    rc = mp_writer_write(&w, &r);
  }
  first = rc;
  cr_assert_lt(first, 0, "a full disk was not reported");
  if (unbuffered) {
    cr_assert_eq(first, -ENOSPC);
  }
  cr_assert_lt(mp_writer_write(&w, &r), 0, "the failure is not sticky");
  cr_assert_lt(mp_writer_close(&w), 0);
  fclose(f);
}

Test(writer, reports_a_full_disk_on_write)
{
  full_disk("ndjson", false);
  full_disk("csv", false);
  full_disk("ndjson", true);
  full_disk("csv", true);
}

Test(writer, reports_a_full_disk_on_close)
{
  FILE *f = fopen("/dev/full", "w");
  struct mp_writer w;
  struct mp_result r;

  cr_assert_not_null(f);
  rows_ok(&r);
  cr_assert_eq(mp_writer_init(&w, &mp_writer_ndjson, f), 0);
  cr_assert_eq(mp_writer_write(&w, &r), 0); /* still in the buffer */
  cr_assert_eq(w.rows, 1);
  cr_assert_eq(mp_writer_close(&w), -ENOSPC);
  fclose(f);
}
