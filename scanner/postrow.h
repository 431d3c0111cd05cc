#ifndef MP_SCANNER_POSTROW_H
#define MP_SCANNER_POSTROW_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "input/csvrow.h"
#include "input/jsonrow.h"
#include "scanner/posture.h"

/* Scan rows read back for mailposture summarize: each row of an NDJSON or
 * CSV file (told apart by the first byte: '{' is NDJSON) as the posture
 * counts see it (struct mp_prow). One row is in memory at a time; a CSV
 * header repeated inside the file (CSV parts concatenated) is skipped. */

enum mp_postrow_col {
  MP_PC_STATUS,
  MP_PC_RANK,
  MP_PC_DOMAIN,
  MP_PC_TXT_OUTCOME,
  MP_PC_DMARC_TXT_OUTCOME,
  MP_PC_MX_OUTCOME,
  MP_PC_SPF_COUNT,
  MP_PC_SPF_STATUS,
  MP_PC_SPF_REASON,
  MP_PC_SPF_LOOKUPS,
  MP_PC_SPF_ALL,
  MP_PC_SPF_INCLUDES,
  MP_PC_DMARC_STATUS,
  MP_PC_DMARC_EFFECTIVE,
  MP_PC_DMARC_RUA,
  MP_PC_DKIM_STATUS,
  MP_PC_DKIM_SELECTORS,
  MP_PC_DKIM_FAILED,
  MP_PC_MX_NULL,
  MP_PC_MX_ALL_FCRDNS,
  MP_PC_MTA_STS_STATUS,
  MP_PC_TLS_RPT_STATUS,
  MP_PC_BIMI_STATUS,
  MP_PC_VERDICT_READY,
  MP_PC_VERDICT_UNKNOWN,
  MP_PC_FINDINGS,
  MP_PC_COUNT
};

struct mp_postrow {
  FILE *f;  /* the rows, decoded as read for FILE.zst, FILE.gz */
  int zerr; /* why reading a compressed file failed (scanner/rowfile.h) */
  bool csv;
  uint64_t lineno; /* records read, a CSV header included */
  struct mp_jrow json;
  struct mp_csvrow cells;
  char *line;
  size_t linecap;
  long col[MP_PC_COUNT]; /* CSV: the cell of each column, or -1 */
  char domain[256];
  char rua[MP_DMARC_URIS_MAX][256]; /* CSV: the rua domains */
  char *items;                      /* CSV: list items, unescaped */
  size_t items_cap, items_len;
  struct mp_prow row; /* the current row; borrows from the above */
};

/* Opens path (plain, or .zst/.gz: scanner/rowfile.h). Returns 0, or a
 * negative errno with a message in err. */
int mp_postrow_open(struct mp_postrow *r, const char *path, char *err,
                    size_t errlen);
void mp_postrow_close(struct mp_postrow *r);

/* Reads the next row into r->row. Returns 1, 0 at the end, -EILSEQ for a
 * line that is not a scan row (r->lineno says which), -EIO on a read
 * error, -EBADMSG or -ENODATA for a compressed file that is not one or is
 * cut (mp_rowfile_strerror). */
int mp_postrow_next(struct mp_postrow *r);

#endif
