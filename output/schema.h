#ifndef MP_OUTPUT_SCHEMA_H
#define MP_OUTPUT_SCHEMA_H

#include <stdbool.h>
#include <stdio.h>

/* Typed schemas of the rows for analysis tools, generated from the part
 * tables (output/part.h) alone, so they change when the rows do
 * (docs/schema.md, "Loading"). For the NDJSON rows the schema follows the
 * nesting (objects, lists); for the CSV rows it follows the columns of
 * mp_csv_columns(), in header order. The DuckDB writers write one line,
 * the pandas writers a JSON object with one member a line; each returns 0,
 * or -EIO when f reports an error. */

/* DuckDB: columns={name: 'TYPE', ...} for read_json (objects as STRUCT,
 * lists as LIST) or read_csv (a list is its packed cell, VARCHAR). Enums
 * are VARCHAR, times TIMESTAMP (UTC), unsigned integers UBIGINT. */
int mp_schema_duckdb_columns(FILE *f, bool csv);

/* DuckDB: CREATE VIEW rows AS SELECT * FROM read_json('path', ...) (or
 * read_csv) with the columns above; path is quoted for SQL. */
int mp_schema_duckdb_view(FILE *f, bool csv, const char *path);

/* The same two with each enum column whose values the tables list (the
 * pandas categories) an ENUM('value', ...) instead of VARCHAR: a value
 * not listed fails the load. */
int mp_schema_duckdb_enum_columns(FILE *f, bool csv);
int mp_schema_duckdb_enum_view(FILE *f, bool csv, const char *path);

/* pandas: a JSON object of column name to nullable dtype ("string",
 * "Int64", "UInt64", "Float64", "boolean", "category"; "object" for an
 * NDJSON list), for pd.read_csv(dtype=...) or, on the NDJSON side, for
 * DataFrame.astype() on what pd.json_normalize() makes (nested names joined
 * with '.'). Times are "string" (pd.to_datetime reads them). */
int mp_schema_pandas_dtypes(FILE *f, bool csv);

/* pandas: a JSON object of column name to the list of values of each enum
 * column whose values the tables list, for pd.CategoricalDtype. */
int mp_schema_pandas_categories(FILE *f, bool csv);

#endif
