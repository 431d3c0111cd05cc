#ifndef MP_SCANNER_REPORT_H
#define MP_SCANNER_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "input/jsonrow.h"

/* mailposture report SUMMARY.json [DIFF.ndjson]: one self-contained HTML
 * page (inline CSS and SVG, no script, nothing fetched) that draws a scan's
 * summary and, given one, the NDJSON output of mailposture diff
 * (docs/report.md). A key the summary lacks is not drawn; its section says
 * so. */

/* Runs the subcommand with argv[0] "report"; the page goes to -o FILE or
 * out, errors to stderr. Returns the exit status: 0, 1 (a file could not
 * be read, is not strict JSON, or holds a value of the wrong kind; a
 * half-written -o FILE is removed) or 2 (usage). */
int mp_report_main(int argc, char **argv, FILE *out);

/* What the sections share (scanner/report*.c): the page, the summary's
 * parse, the first error met. */
struct mp_report {
  FILE *f;
  struct mp_jrow j; /* the summary: node 0 its object */
  char *text;       /* its bytes, which number nodes point into */
  const char *path;
  char err[256]; /* the first value of the wrong kind, "" while none */
};

/* The node at a dotted path below node obj ("adoption.dmarc_reject"), or
 * 0 when a member is missing. */
size_t mp_report_node(const struct mp_report *r, size_t obj, const char *path);

/* The count at path below obj into *out: true when present. A value there
 * that is not a count records an error (r->err) and reads as absent. */
bool mp_report_count(struct mp_report *r, size_t obj, const char *path,
                     uint64_t *out);

/* The string node i into *s, *len: true when it is one. */
bool mp_report_str(const struct mp_report *r, size_t i, const char **s,
                   size_t *len);

/* Opens a chart's card: <section id="id" class="card [wide]"> with its
 * heading and a line under it (sub may be NULL); mp_report_end closes it. */
void mp_report_card(struct mp_report *r, const char *id, const char *title,
                    const char *sub, bool wide);
void mp_report_end(struct mp_report *r);

/* A card for a chart whose keys the summary lacks: the heading and "Not in
 * this summary (keys)", with data-absent. */
void mp_report_absent(struct mp_report *r, const char *id, const char *title,
                      const char *keys, bool wide);

/* The sections drawn from the summary (scanner/reportsec.c), and the
 * figures and tables of mailposture diff's NDJSON at path
 * (scanner/reportdiff.c; returns 0 or an exit status, the message
 * printed). */
void mp_report_sections(struct mp_report *r);
void mp_report_breakdowns(struct mp_report *r);
int mp_report_diff(struct mp_report *r, const char *path);

#endif
