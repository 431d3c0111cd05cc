#ifndef MP_SCANNER_SCHEMACMD_H
#define MP_SCANNER_SCHEMACMD_H

#include <stdio.h>

/* mailposture schema: prints a typed schema of the rows for DuckDB or
 * pandas (docs/schema.md, "Loading"), generated from the part tables by
 * output/schema.h. Runs with argv[0] "schema"; writes to out, errors to
 * stderr. Returns the exit status: 0, 1 (out could not be written) or 2
 * (usage). */
int mp_schema_main(int argc, char **argv, FILE *out);

#endif
