/* The RFCs' own DMARC examples through the real path: the records an
 * example publishes written as a zone file and served by a Knot of the
 * test's own, the example's domain scanned by the mailposture binary
 * (--checks dmarc, every query logged), and the row checked against what
 * the RFC says: which record is found and by which method, the
 * organizational domain, the effective policy, the queries the DNS Tree
 * Walk makes, whether a report destination is authorized.
 *
 * Sources. RFC 9989 (DMARC, May 2026): its text as approved,
 * draft-ietf-dmarc-dmarcbis-41 (github.com/ietf-wg-dmarc/
 * draft-ietf-dmarc-dmarcbis), Appendix B.2 and B.4 and the examples of
 * sections 4.10, 4.10.2 and 5.1.8. RFC 7489: sections 3.2, 6.3, 6.6.3,
 * 7.1 and Appendix B.2. The quotes sit beside each example; where an
 * example does not give a record's text (B.4: "has a DMARC Policy
 * Record"), the record here is the smallest valid one, marked "(text not
 * given)".
 *
 * Not encoded: RFC 9989 B.1 and B.3 (identifier alignment: a row has no
 * message, so no authenticated identifiers) and B.2.4 (a report
 * destination's override of rua/ruf: a row does not show overrides);
 * RFC 7489 B.2.2 (discovery and reports as in B.2.1; its ruf is the
 * domain's own). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "scanner/base/alloc.h"
#include "tests/integration/knot.h"
#include "tests/integration/world.h"
#include "tests/support/proc.h"
#include "tests/support/zonefile.h"

/* The Public Suffix List the rows' org_psl and report checks use: the
 * repository's copy, so the run does not depend on the system's. */
#define PSL MP_SOURCE_DIR "/tests/data/psl/public_suffix_list.dat"

/* One TXT record: its owner and character-strings (as the RFC splits
 * them). */
struct rec {
  const char *owner;
  const char *text[4];
};

#define B21_RECORD                                                             \
  {                                                                            \
    "v=DMARC1; p=none; ", "rua=mailto:dmarc-feedback@example.com", NULL        \
  }
#define B23_RECORD                                                             \
  {                                                                            \
    "v=DMARC1; p=none; ", "rua=mailto:dmarc-feedback@example.com; ",           \
        "ruf=mailto:auth-reports@thirdparty.example.net", NULL                 \
  }

/* The example.com of RFC 9989 B.2.1 and B.4.1/B.4.2, with the records of
 * the examples of sections 4.10, 4.10.2 (the first) and 5.1.8 and of B.2.5
 * (its first record), which do not meet: no name lies on another's walk
 * but where the examples say so. And example.net: a record with p, sp and
 * np apart, for the policy of the domain, an existing subdomain and one
 * that does not exist. */
static const struct rec world_example[] = {
    /* RFC 9989 B.2.1 (RFC 7489 B.2.1 alike):
     *   ; DMARC Policy Record for the domain example.com
     *   _dmarc  IN TXT ( "v=DMARC1; p=none; "
     *                    "rua=mailto:dmarc-feedback@example.com" ) */
    {"_dmarc.example.com", B21_RECORD},
    /* B.4.1: "_dmarc.example.com" and "_dmarc.signing.example.com" both
     * have DMARC Policy Records while "_dmarc.com" does not. */
    {"_dmarc.signing.example.com", {"v=DMARC1; p=none", NULL}}, /* text not
                                                                   given */
    /* 4.10.2: DMARC Policy Records published at "_dmarc.mail.example.com"
     * and "_dmarc.example.com", but not at "_dmarc.a.mail.example.com" or
     * "_dmarc.com" */
    {"_dmarc.mail.example.com", {"v=DMARC1; p=none", NULL}}, /* not given */
    /* 5.1.8: Zone cut domain (DMARC Policy Record with "psd=n" published
     * here): b.c.d.e.f.g.example.com */
    {"_dmarc.b.c.d.e.f.g.example.com", {"v=DMARC1; p=reject; psd=n", NULL}},
    /* RFC 9989 B.2.5, the first record:
     *   _dmarc IN  TXT  ( "v=DMARC1; p=quarantine; "
     *                     "rua=mailto:dmarc-feedback@example.com,"
     *                     "mailto:tld-test@thirdparty.example.net; "
     *                     "t=y" ) */
    {"_dmarc.test.example.com",
     {"v=DMARC1; p=quarantine; ",
      "rua=mailto:dmarc-feedback@example.com,"
      "mailto:tld-test@thirdparty.example.net; ",
      "t=y", NULL}},
    /* p, sp and np apart (RFC 9989 4.10.1, RFC 7489 6.3): the record is
     * not an RFC's; the rules are quoted at the examples below */
    {"_dmarc.example.net",
     {"v=DMARC1; p=reject; sp=quarantine; np=none", NULL}},
    {"mail.example.net", {"v=spf1 -all", NULL}}, /* it exists */
    {NULL, {NULL}},
};

/* RFC 9989 B.2.3 (RFC 7489 B.2.3 alike) and the second record of B.2.5. */
static const struct rec world_b23[] = {
    /*   _dmarc IN TXT ( "v=DMARC1; p=none; "
     *                   "rua=mailto:dmarc-feedback@example.com; "
     *                   "ruf=mailto:auth-reports@thirdparty.example.net" )
     * and, in the zone of thirdparty.example.net:
     *   example.com._report._dmarc   IN   TXT    "v=DMARC1;" */
    {"_dmarc.example.com", B23_RECORD},
    {"example.com._report._dmarc.thirdparty.example.net", {"v=DMARC1;", NULL}},
    /*   _dmarc IN  TXT  ( "v=DMARC1; p=reject; "
     *                     "rua=mailto:dmarc-feedback@example.com,"
     *                     "mailto:tld-test@thirdparty.example.net" ) */
    {"_dmarc.test.example.com",
     {"v=DMARC1; p=reject; ",
      "rua=mailto:dmarc-feedback@example.com,"
      "mailto:tld-test@thirdparty.example.net",
      NULL}},
    {NULL, {NULL}},
};

/* RFC 7489 B.2.3's record without the third party's record, RFC 7489
 * B.2.4, and RFC 7489 7.1's blue and red. */
static const struct rec world_7489[] = {
    {"_dmarc.example.com", B23_RECORD},
    /* RFC 7489 B.2.4:
     *   _dmarc IN  TXT  ( "v=DMARC1; p=quarantine; "
     *                     "rua=mailto:dmarc-feedback@example.com,"
     *                     "mailto:tld-test@thirdparty.example.net!10m; "
     *                     "pct=25" ) */
    {"_dmarc.test.example.com",
     {"v=DMARC1; p=quarantine; ",
      "rua=mailto:dmarc-feedback@example.com,"
      "mailto:tld-test@thirdparty.example.net!10m; ",
      "pct=25", NULL}},
    /* RFC 7489 7.1: a DMARC policy query for "blue.example.com" contained
     * "rua=mailto:reports@red.example.net" (its p is not given); the
     * authorization is a tag of "v=DMARC1" */
    {"_dmarc.blue.example.com",
     {"v=DMARC1; p=none; rua=mailto:reports@red.example.net", NULL}},
    {"blue.example.com._report._dmarc.red.example.net", {"v=DMARC1", NULL}},
    {NULL, {NULL}},
};

/* RFC 9989 B.4.3: "_dmarc.bank.example" has a DMARC Policy Record which
 * includes the "psd=y" tag, and "_dmarc.example" does not have a DMARC
 * Policy Record. While "_dmarc.giant.bank.example" has a DMARC Policy
 * Record without a "psd" tag, "_dmarc.mega.bank.example" and
 * "_dmarc.mail.mega.bank.example" have no DMARC Policy Records. */
static const struct rec world_bank[] = {
    {"_dmarc.bank.example", {"v=DMARC1; p=reject; psd=y", NULL}}, /* p not
                                                                     given */
    {"_dmarc.giant.bank.example", {"v=DMARC1; p=none", NULL}}, /* not given */
    {NULL, {NULL}},
};

/* RFC 9989 4.10.2: "a DMARC Policy Record at "_dmarc.mail.example.com"
 * with the "psd" tag set to "n"" */
static const struct rec world_psd_n[] = {
    {"_dmarc.mail.example.com", {"v=DMARC1; p=none; psd=n", NULL}},
    {"_dmarc.example.com", {"v=DMARC1; p=none", NULL}}, /* passed over */
    {NULL, {NULL}},
};

/* RFC 9989 4.10.2: "only yields a DMARC Policy Record at "_dmarc.com" and
 * that record contains the tag "psd=y"" */
static const struct rec world_psd_y[] = {
    {"_dmarc.com", {"v=DMARC1; p=reject; psd=y", NULL}},
    {NULL, {NULL}},
};

/* One scan of one example: the domain, what its row must say (a path of
 * the row and its value as text: "null", "true", 8, a string), the TXT
 * queries under _dmarc its walk makes (in any order, space-separated),
 * and one more query that must be sent. */
struct example {
  const char *source;
  const struct rec *world;
  const char *domain;
  const char *expect[8][2];
  const char *walk;  /* NULL: not checked */
  const char *asked; /* "name TYPE"; NULL: none */
};

static const struct example examples[] = {
    /* RFC 9989 B.2.1: publish a DMARC Policy Record for the Domain
     * Owner's Organizational Domain; "Mail Receivers should not alter how
     * they treat these messages because of this DMARC Policy Record
     * ("p=none")"; "Aggregate feedback reports are sent via email to the
     * address "dmarc-feedback@example.com"". RFC 9989 B.4.1: "To
     * determine the Organizational Domain for the Author Domain, query
     * "_dmarc.example.com" and "_dmarc.com"; "example.com" is the last
     * element of the DNS tree with a DMARC Policy Record, so it is the
     * Organizational Domain for "example.com"." */
    {"RFC 9989 B.2.1, B.4.1 (Author Domain)",
     world_example,
     "example.com",
     {{"dmarc.status", "valid"},
      {"dmarc.found_at", "self"},
      {"dmarc.policy_domain", "example.com"},
      {"dmarc.record",
       "v=DMARC1; p=none; rua=mailto:dmarc-feedback@example.com"},
      {"dmarc.effective_policy", "none"},
      {"dmarc.rua[0].uri", "mailto:dmarc-feedback@example.com"},
      {"dmarc.rua[0].external", "false"},
      {"dmarc.org_tree_walk", "example.com"}},
     "example.com com",
     NULL},
    /* RFC 9989 B.4.1: "To determine the Organizational Domain for the
     * DKIM-Authenticated Identifier, query "_dmarc.signing.example.com",
     * "_dmarc.example.com", and "_dmarc.com". Both "signing.example.com"
     * and "example.com" have DMARC Policy Records, but "example.com" is the
     * highest element in the tree with a DMARC Policy Record (it has the
     * fewest labels), so "example.com" is the Organizational Domain." */
    {"RFC 9989 B.4.1 (DKIM identifier)",
     world_example,
     "signing.example.com",
     {{"dmarc.org_tree_walk", "example.com"}, {"dmarc.found_at", "self"}},
     "signing.example.com example.com com",
     NULL},
    /* RFC 9989 B.4.2: "query "_dmarc.a.b.c.d.e.f.g.h.i.j.k.example.com",
     * then query "_dmarc.g.h.i.j.k.example.com" (skipping the intermediate
     * names), then query "_dmarc.h.i.j.k.example.com",
     * "_dmarc.i.j.k.example.com", "_dmarc.j.k.example.com",
     * "_dmarc.k.example.com", "_dmarc.example.com", and "_dmarc.com". ...
     * Since "example.com" is the last element of the DNS tree with a DMARC
     * Policy Record, it is the Organizational Domain ... the Author Domain
     * does not have a DMARC Policy Record, so the policy domain is the
     * highest element in the DNS tree with a DMARC Policy Record,
     * example.com." */
    {"RFC 9989 B.4.2",
     world_example,
     "a.b.c.d.e.f.g.h.i.j.k.example.com",
     {{"dmarc.found_at", "organizational"},
      {"dmarc.method", "tree_walk"},
      {"dmarc.policy_domain", "example.com"},
      {"dmarc.org_tree_walk", "example.com"}},
     "a.b.c.d.e.f.g.h.i.j.k.example.com g.h.i.j.k.example.com "
     "h.i.j.k.example.com i.j.k.example.com j.k.example.com k.example.com "
     "example.com com",
     NULL},
    /* RFC 9989 4.10: "for a message with the arbitrary Author Domain of
     * "a.b.c.d.e.f.g.h.i.j.mail.example.com", a full DNS Tree Walk would
     * require the following eight queries" (listed below) */
    {"RFC 9989 4.10",
     world_example,
     "a.b.c.d.e.f.g.h.i.j.mail.example.com",
     {{"dmarc.status", "valid"}},
     "a.b.c.d.e.f.g.h.i.j.mail.example.com g.h.i.j.mail.example.com "
     "h.i.j.mail.example.com i.j.mail.example.com j.mail.example.com "
     "mail.example.com example.com com",
     NULL},
    /* RFC 9989 4.10.2: "given the starting domain "a.mail.example.com", a
     * search for the Organizational Domain would require a series of DNS
     * queries for DMARC Policy Records starting with
     * "_dmarc.a.mail.example.com" and finishing with "_dmarc.com". If
     * there are DMARC Policy Records published at "_dmarc.mail.example.com"
     * and "_dmarc.example.com", but not at "_dmarc.a.mail.example.com" or
     * "_dmarc.com", then the Organizational Domain for this domain would
     * be "example.com"." */
    {"RFC 9989 4.10.2 (first example)",
     world_example,
     "a.mail.example.com",
     {{"dmarc.org_tree_walk", "example.com"}},
     "a.mail.example.com mail.example.com example.com com",
     NULL},
    /* RFC 9989 5.1.8: "the DMARC Policy Record published at the zone cut
     * domain in this example will never be discovered. A Mail Receiver
     * performing a Tree Walk would only perform queries for these names"
     * (listed below); the apex, example.com, has the record that applies */
    {"RFC 9989 5.1.8",
     world_example,
     "mail.a.b.c.d.e.f.g.example.com",
     {{"dmarc.found_at", "organizational"},
      {"dmarc.policy_domain", "example.com"},
      {"dmarc.org_tree_walk", "example.com"}},
     "mail.a.b.c.d.e.f.g.example.com c.d.e.f.g.example.com "
     "d.e.f.g.example.com e.f.g.example.com f.g.example.com g.example.com "
     "example.com com",
     NULL},
    /* RFC 7489 3.2: "since "com" is an IANA-registered TLD, a subject
     * domain of "a.b.c.d.example.com" would have an Organizational Domain
     * of "example.com"." 6.6.3: "If the set is now empty, the Mail
     * Receiver MUST query the DNS for a DMARC TXT record at the DNS domain
     * matching the Organizational Domain in place of the RFC5322.From
     * domain in the message (if different)." 6.3, sp: "If absent, the
     * policy specified by the "p" tag MUST be applied for subdomains." */
    {"RFC 7489 3.2, 6.6.3, 6.3 sp",
     world_example,
     "a.b.c.d.example.com",
     {{"dmarc.org_psl", "example.com"},
      {"dmarc.found_at", "organizational"},
      {"dmarc.policy_domain", "example.com"},
      {"dmarc.methods_disagree", "false"},
      {"dmarc.sp", "null"},
      {"dmarc.effective_policy", "none"}},
     NULL,
     NULL},
    /* RFC 9989 B.2.5: "It is applied only to this subdomain (the DMARC
     * Policy Record is published at "_dmarc.test.example.com" and not
     * "_dmarc.example.com")"; 4.7, t: "if the policy is "quarantine" and
     * the value of the "t" tag is "y", a policy of "none" will be applied
     * to failing messages" */
    {"RFC 9989 B.2.5 (t=y)",
     world_example,
     "test.example.com",
     {{"dmarc.found_at", "self"},
      {"dmarc.policy_domain", "test.example.com"},
      {"dmarc.p", "quarantine"},
      {"dmarc.t", "y"},
      {"dmarc.effective_policy", "none"}},
     NULL,
     NULL},
    /* RFC 9989 4.10.1: "If the DMARC Policy Record to be applied is that
     * of the Author Domain, then the Domain Owner Assessment Policy is
     * taken from the "p" tag of the record." */
    {"RFC 9989 4.10.1 (p)",
     world_example,
     "example.net",
     {{"dmarc.found_at", "self"}, {"dmarc.effective_policy", "reject"}},
     NULL,
     NULL},
    /* RFC 9989 4.10.1: "If the DMARC Policy Record to be applied is that
     * of either the Organizational Domain or the Public Suffix Domain and
     * the Author Domain is a subdomain of that domain, then the Domain
     * Owner Assessment Policy is taken from the "sp" tag (if any) if the
     * Author Domain exists, or the "np" tag (if any) if the Author Domain
     * does not exist." */
    {"RFC 9989 4.10.1 (sp, the domain exists)",
     world_example,
     "mail.example.net",
     {{"dmarc.found_at", "organizational"},
      {"dmarc.policy_domain", "example.net"},
      {"dmarc.effective_policy", "quarantine"}},
     NULL,
     NULL},
    {"RFC 9989 4.10.1 (np, the domain does not exist)",
     world_example,
     "nx.example.net",
     {{"dmarc.found_at", "organizational"},
      {"dmarc.policy_domain", "example.net"},
      {"dmarc.effective_policy", "none"}},
     NULL,
     NULL},
    /* RFC 9989 B.2.3: "Because the address used in the "ruf" tag is
     * outside the Organizational Domain in which this record is published,
     * conforming Mail Receivers MUST implement additional checks ... the
     * DNS administrator for the Report Consumer will need to publish a TXT
     * resource record at "example.com._report._dmarc.thirdparty.example.net"
     * with the value "v=DMARC1;" to authorize receipt of the reports." */
    {"RFC 9989 B.2.3",
     world_b23,
     "example.com",
     {{"dmarc.ruf[0].uri", "mailto:auth-reports@thirdparty.example.net"},
      {"dmarc.ruf[0].external", "true"},
      {"dmarc.ruf[0].authorization", "authorized"},
      {"dmarc.rua[0].external", "false"}},
     NULL,
     "example.com._report._dmarc.thirdparty.example.net TXT"},
    /* RFC 9989 B.2.5, after: "the Domain Owner can update the DMARC Policy
     * Record to indicate that it considers validation failures to be a
     * clear indication that use of the subdomain is not valid ...
     * ("p=reject") and removing the testing flag ("t=y")." */
    {"RFC 9989 B.2.5 (p=reject)",
     world_b23,
     "test.example.com",
     {{"dmarc.found_at", "self"},
      {"dmarc.p", "reject"},
      {"dmarc.effective_policy", "reject"}},
     NULL,
     NULL},
    /* RFC 7489 7.1: "Where the above algorithm fails to confirm that the
     * external reporting was authorized by the Report Receiver, the URI
     * MUST be ignored by the Mail Receiver generating the report." (B.2.3
     * without the third party's record) */
    {"RFC 7489 B.2.3, 7.1 (not authorized)",
     world_7489,
     "example.com",
     {{"dmarc.ruf[0].external", "true"},
      {"dmarc.ruf[0].authorization", "not_authorized"}},
     NULL,
     "example.com._report._dmarc.thirdparty.example.net TXT"},
    /* RFC 7489 B.2.4: "It is applied only to this subdomain (record is
     * published at "_dmarc.test.example.com" and not
     * "_dmarc.example.com")"; "Receivers should quarantine messages";
     * "25% of messages ... ("pct=25")"; the second address has a size
     * limit ("!10m"). */
    {"RFC 7489 B.2.4",
     world_7489,
     "test.example.com",
     {{"dmarc.found_at", "self"},
      {"dmarc.p", "quarantine"},
      {"dmarc.pct", "25"},
      {"dmarc.rua[1].uri", "mailto:tld-test@thirdparty.example.net"},
      {"dmarc.rua[1].domain", "thirdparty.example.net"}},
     NULL,
     NULL},
    /* RFC 7489 7.1: "if a DMARC policy query for "blue.example.com"
     * contained "rua=mailto:reports@red.example.net", the host extracted
     * from the latter ("red.example.net") does not match
     * "blue.example.com", so this procedure is enacted. A TXT query for
     * "blue.example.com._report._dmarc.red.example.net" is issued. If a
     * single reply comes back containing a tag of "v=DMARC1", then the
     * relationship between the two is confirmed." */
    {"RFC 7489 7.1",
     world_7489,
     "blue.example.com",
     {{"dmarc.rua[0].domain", "red.example.net"},
      {"dmarc.rua[0].external", "true"},
      {"dmarc.rua[0].authorization", "authorized"}},
     NULL,
     "blue.example.com._report._dmarc.red.example.net TXT"},
    /* RFC 9989 B.4.3: "For the Author Domain "giant.bank.example", the tree
     * walk finds the DMARC Policy Record at "_dmarc.giant.bank.example",
     * then the DMARC Policy Record at "_dmarc.bank.example", and stops
     * because of the "psd=y" flag. The Organizational Domain is
     * "giant.bank.example" ... Since the Organizational Domain has a DMARC
     * Policy Record, it is also the policy domain." */
    {"RFC 9989 B.4.3 (Author Domain)",
     world_bank,
     "giant.bank.example",
     {{"dmarc.found_at", "self"},
      {"dmarc.policy_domain", "giant.bank.example"},
      {"dmarc.org_tree_walk", "giant.bank.example"}},
     "giant.bank.example bank.example",
     NULL},
    /* "For the RFC5321.MailFrom domain "mail.giant.bank.example", the tree
     * walk finds no DMARC Policy Record at "_dmarc.mail.giant.bank.example",
     * but does find both the DMARC Policy Record at
     * "_dmarc.giant.bank.example" and then the DMARC Policy Record at
     * "_dmarc.bank.example", and stops because of the "psd=y" flag. Again
     * the Organizational Domain is "giant.bank.example"" */
    {"RFC 9989 B.4.3 (MailFrom domain)",
     world_bank,
     "mail.giant.bank.example",
     {{"dmarc.org_tree_walk", "giant.bank.example"}},
     "mail.giant.bank.example giant.bank.example bank.example",
     NULL},
    /* "For the DKIM-Authenticated Identifier "mail.mega.bank.example", the
     * tree walk finds no DMARC Policy Records at
     * "_dmarc.mail.mega.bank.example" or "_dmarc.mega.bank.example", then
     * finds the DMARC Policy Record at "_dmarc.bank.example" and stops
     * because of the "psd=y" flag. The Organizational Domain is
     * "mega.bank.example"" */
    {"RFC 9989 B.4.3 (DKIM identifier)",
     world_bank,
     "mail.mega.bank.example",
     {{"dmarc.org_tree_walk", "mega.bank.example"}},
     "mail.mega.bank.example mega.bank.example bank.example",
     NULL},
    /* RFC 9989 4.10.2: "given the starting domain "a.mail.example.com", if
     * a search for the Organizational Domain yields a DMARC Policy Record
     * at "_dmarc.mail.example.com" with the "psd" tag set to "n", then the
     * Organizational Domain for this domain would be "mail.example.com"." */
    {"RFC 9989 4.10.2 (psd=n)",
     world_psd_n,
     "a.mail.example.com",
     {{"dmarc.org_tree_walk", "mail.example.com"},
      {"dmarc.policy_domain", "mail.example.com"}},
     "a.mail.example.com mail.example.com",
     NULL},
    /* RFC 9989 4.10.2: "given the starting domain "a.mail.example.com", if
     * a search for the Organizational Domain only yields a DMARC Policy
     * Record at "_dmarc.com" and that record contains the tag "psd=y",
     * then the Organizational Domain for this domain would be
     * "example.com"." 4.10.1: "The DMARC Policy Record to be applied to
     * an email message will be the record found at any of the following
     * locations, listed from highest preference to lowest: The Author
     * Domain; The Organizational Domain of the Author Domain; The Public
     * Suffix Domain of the Author Domain" */
    {"RFC 9989 4.10.2 (psd=y)",
     world_psd_y,
     "a.mail.example.com",
     {{"dmarc.org_tree_walk", "example.com"},
      {"dmarc.found_at", "public_suffix"},
      {"dmarc.policy_domain", "com"}},
     "a.mail.example.com mail.example.com example.com com",
     NULL},
};

#define NEXAMPLES (sizeof(examples) / sizeof(examples[0]))

/* A value of the row as text: "null", "true"/"false", an integer, a
 * string; "(absent)" when the path is not in the row. */
static void value_text(const struct mp_json *v, char *out, size_t cap)
{
  if (!v) {
    snprintf(out, cap, "(absent)");
  } else if (v->type == MP_JSON_NULL) {
    snprintf(out, cap, "null");
  } else if (v->type == MP_JSON_BOOL) {
    snprintf(out, cap, "%s", v->boolean ? "true" : "false");
  } else if (v->type == MP_JSON_NUMBER && v->is_int) {
    snprintf(out, cap, "%lld", (long long)v->integer);
  } else if (v->type == MP_JSON_STRING) {
    snprintf(out, cap, "%s", v->str);
  } else {
    snprintf(out, cap, "(type %d)", (int)v->type);
  }
}

static int by_name(const void *a, const void *b)
{
  return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Splits text (modified) at spaces into names (at most cap), sorted;
 * returns how many. */
static size_t sorted_names(char *text, char **names, size_t cap)
{
  char *save = NULL;
  size_t n = 0;

  for (char *t = strtok_r(text, " ", &save); t && n < cap;
       t = strtok_r(NULL, " ", &save)) {
    names[n++] = t;
  }
  qsort(names, n, sizeof(*names), by_name);
  return n;
}

/* Whether the TXT queries under _dmarc in the query log are the walk's,
 * want (the names below _dmarc, in any order), beside the one the Public
 * Suffix List method adds (_dmarc.<psl>, RFC 7489 6.6.3; psl may be
 * NULL); got: what the log has. */
static bool walk_is(const char *log, const char *want, const char *psl,
                    char *got, size_t cap)
{
  char a[1024], b[1024], *wn[16], *gn[16];
  size_t o = 0, nw, ng, extra = 0;

  got[0] = '\0';
  for (const char *p = log; p && *p;) {
    const char *nl = strchr(p, '\n');
    size_t len = nl ? (size_t)(nl - p) : strlen(p);

    if (len > 11 && strncmp(p, "_dmarc.", 7) == 0 &&
        strncmp(p + len - 4, " TXT", 4) == 0) {
      o += (size_t)snprintf(got + o, cap - o, "%s%.*s", o ? " " : "",
                            (int)(len - 11), p + 7);
    }
    p = nl ? nl + 1 : NULL;
  }
  snprintf(a, sizeof(a), "%s", want);
  snprintf(b, sizeof(b), "%s", got);
  nw = sorted_names(a, wn, 16);
  ng = sorted_names(b, gn, 16);
  for (size_t i = 0, j = 0; j < ng; j++) {
    if (i < nw && strcmp(wn[i], gn[j]) == 0) {
      i++;
    } else if (psl && strcmp(gn[j], psl) == 0) {
      extra++;
    } else {
      return false;
    }
  }
  return ng - extra == nw;
}

/* Scans e's domain; true when the row says what the example says. */
static bool run_example(const struct mp_knot *k, const struct example *e)
{
  char in[4096], out[4096], qlog[4096], got[1024], *log;
  const char *args[] = {"-r",          k->server, "--timeout",  "1s",
                        "--checks",    "dmarc",   "--psl-file", PSL,
                        "--query-log", qlog,      NULL};
  struct mp_json *rows;
  bool ok = true;
  FILE *f;

  scratch_path(in, sizeof(in), "dmarc-dns.txt");
  scratch_path(out, sizeof(out), "dmarc-dns.ndjson");
  scratch_path(qlog, sizeof(qlog), "dmarc-dns-queries.txt");
  f = fopen(in, "w");
  cr_assert_not_null(f);
  fprintf(f, "%s\n", e->domain);
  cr_assert_eq(fclose(f), 0);
  if (run_scanner(in, out, args) != 0) {
    printf("dmarc FAIL %s: %s: the scanner failed\n", e->source, e->domain);
    return false;
  }
  rows = read_rows(out);
  cr_assert_eq(rows->count, 1);
  for (size_t i = 0; i < 8 && e->expect[i][0]; i++) {
    value_text(mp_json_path(rows->items[0], e->expect[i][0]), got, sizeof(got));
    if (strcmp(got, e->expect[i][1]) != 0) {
      printf("dmarc FAIL %s: %s: %s is %s, want %s\n", e->source, e->domain,
             e->expect[i][0], got, e->expect[i][1]);
      ok = false;
    }
  }
  log = mp_proc_slurp(qlog, NULL);
  cr_assert_not_null(log);
  if (e->walk &&
      !walk_is(log, e->walk,
               mp_json_str(mp_json_path(rows->items[0], "dmarc.org_psl")), got,
               sizeof(got))) {
    printf("dmarc FAIL %s: %s: the walk asked %s, want %s\n", e->source,
           e->domain, got, e->walk);
    ok = false;
  }
  if (e->walk) {
    size_t n = 1;

    for (const char *c = e->walk; *c; c++) {
      n += *c == ' ';
    }
    value_text(mp_json_path(rows->items[0], "dmarc.walk_queries"), got,
               sizeof(got));
    if (strtoul(got, NULL, 10) != n) {
      printf("dmarc FAIL %s: %s: dmarc.walk_queries is %s, want %zu\n",
             e->source, e->domain, got, n);
      ok = false;
    }
  }
  if (e->asked) {
    char key[600];

    snprintf(key, sizeof(key), "%s\n", e->asked);
    if (!strstr(log, key)) {
      printf("dmarc FAIL %s: %s: no query %s in\n%s", e->source, e->domain,
             e->asked, log);
      ok = false;
    }
  }
  mp_free(log);
  mp_json_free(rows);
  unlink(in);
  unlink(out);
  unlink(qlog);
  scratch_path(out, sizeof(out), "dmarc-dns.ndjson.stderr");
  unlink(out);
  return ok;
}

static void serve(struct mp_knot *k, const struct rec *world)
{
  FILE *f = mp_knot_zone(k);

  cr_assert_eq(mp_zonefile_begin(f), 0);
  for (const struct rec *r = world; r->owner; r++) {
    cr_assert_eq(mp_zonefile_txt(f, r->owner, r->text), 0, "%s", r->owner);
  }
  cr_assert_eq(mp_knot_start(k), 0, "Knot did not start");
}

TestSuite(dmarc_dns, .timeout = 600);

/* Beside the world's port: +1 (test_spf_dns.c lists the others). */
Test(dmarc_dns, rfc_examples_give_the_rfcs_answers_over_dns)
{
  struct mp_knot k;
  const struct rec *served = NULL;
  size_t passed = 0, failed = 0;

  mp_knot_init(&k, "dmarc", MP_TEST_DNS_PORT + 1);
  for (size_t i = 0; i < NEXAMPLES; i++) {
    if (examples[i].world != served) {
      served = examples[i].world;
      serve(&k, served);
    }
    if (run_example(&k, &examples[i])) {
      passed++;
    } else {
      failed++;
    }
  }
  cr_expect_eq(mp_knot_stop(&k), 0);
  printf("dmarc examples over DNS: %zu passed, %zu failed\n", passed, failed);
  fflush(stdout);
  cr_expect_eq(failed, 0);
  if (!failed) {
    mp_knot_remove(&k);
  }
}
