/* mailposture schema --duckdb|--pandas (docs/schema.md, "Loading"). */
#include "scanner/schemacmd.h"

#include <stdbool.h>
#include <string.h>

#include "output/schema.h"

#define EXIT_IO    1
#define EXIT_USAGE 2

struct args {
  bool duckdb, pandas, csv, sql, categories;
  const char *path;
};

static void usage(FILE *f)
{
  fputs("usage: mailposture schema --duckdb [-f ndjson|csv] [--sql] "
        "[--path FILE] [--categories]\n"
        "       mailposture schema --pandas [-f ndjson|csv] [--categories]\n"
        "Prints the types of the rows' columns, from the row's part tables "
        "(docs/schema.md):\n"
        "  --duckdb          columns={...} for DuckDB's read_json (-f "
        "ndjson) or read_csv\n"
        "    --sql           the whole statement: CREATE VIEW rows AS SELECT "
        "* FROM ...\n"
        "    --path FILE     the file the view reads (implies --sql; default "
        "rows.ndjson\n"
        "                    or rows.csv)\n"
        "    --categories    each enum column as an ENUM of its values, not "
        "VARCHAR\n"
        "  --pandas          the pandas dtypes as JSON, for pd.read_csv(dtype="
        "...) or,\n"
        "                    for NDJSON, astype() after pd.json_normalize()\n"
        "    --categories    the values of each enum column instead, for "
        "pd.CategoricalDtype\n"
        "  -f, --format FMT  the rows' format: ndjson (default) or csv\n",
        f);
}

static int bad(const char *what)
{
  fprintf(stderr, "mailposture: schema: %s\n", what);
  return -1;
}

/* Returns 0, 1 for --help, or -1 after a message. */
static int parse(struct args *a, int argc, char **argv)
{
  for (int i = 1; i < argc; i++) {
    const char *o = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;

    if (strcmp(o, "-h") == 0 || strcmp(o, "--help") == 0) {
      return 1;
    } else if (strcmp(o, "--duckdb") == 0) {
      a->duckdb = true;
    } else if (strcmp(o, "--pandas") == 0) {
      a->pandas = true;
    } else if (strcmp(o, "--sql") == 0) {
      a->sql = true;
    } else if (strcmp(o, "--categories") == 0) {
      a->categories = true;
    } else if (strcmp(o, "--path") == 0 && v) {
      a->path = v;
      a->sql = true;
      i++;
    } else if ((strcmp(o, "-f") == 0 || strcmp(o, "--format") == 0) && v &&
               (strcmp(v, "ndjson") == 0 || strcmp(v, "csv") == 0)) {
      a->csv = v[0] == 'c';
      i++;
    } else {
      fprintf(stderr, "mailposture: schema: %s: unknown option or bad value\n",
              o);
      return -1;
    }
  }
  if (a->duckdb == a->pandas) {
    return bad("one of --duckdb and --pandas");
  }
  if (a->sql && !a->duckdb) {
    return bad("--sql and --path go with --duckdb");
  }
  return 0;
}

int mp_schema_main(int argc, char **argv, FILE *out)
{
  struct args a = {0};
  int rc = parse(&a, argc, argv);

  if (rc != 0) {
    usage(rc > 0 ? out : stderr);
    return rc > 0 ? 0 : EXIT_USAGE;
  }
  if (a.sql) {
    rc = (a.categories ? mp_schema_duckdb_enum_view
                       : mp_schema_duckdb_view)(out, a.csv,
                                                a.path  ? a.path
                                                : a.csv ? "rows.csv"
                                                        : "rows.ndjson");
  } else if (a.duckdb) {
    rc = (a.categories ? mp_schema_duckdb_enum_columns
                       : mp_schema_duckdb_columns)(out, a.csv);
  } else if (a.categories) {
    rc = mp_schema_pandas_categories(out, a.csv);
  } else {
    rc = mp_schema_pandas_dtypes(out, a.csv);
  }
  if (rc < 0 || fflush(out) != 0) {
    fprintf(stderr, "mailposture: schema: write failed\n");
    return EXIT_IO;
  }
  return 0;
}
