"""Loads scan rows into pandas with the dtypes of `mailposture schema
--pandas`, by the recipe of docs/analysis.md, and checks that every column
comes out with the schema's dtype and that no value is lost on the way.

usage: pandas_check.py MAILPOSTURE ROWS.ndjson ROWS.csv
Exit status 0: checked; 1: a check failed; 77: pandas is not installed."""
import json
import subprocess
import sys

try:
    import pandas as pd
except ImportError:
    print("pandas_check: SKIP: pandas is not installed for %s "
          "(Debian: apt-get install python3-pandas; scripts/setup.sh does)"
          % sys.executable)
    sys.exit(77)

failures = []


def fail(msg):
    failures.append(msg)
    print("pandas_check: FAIL: " + msg)


def schema(binary, fmt, *extra):
    out = subprocess.run([binary, "schema", "--pandas", "-f", fmt, *extra],
                         check=True, capture_output=True, text=True).stdout
    return json.loads(out)


def dtypes(binary, fmt):
    """The recipe: the dtypes, each enum with its categories."""
    dtype = schema(binary, fmt)
    for col, cats in schema(binary, fmt, "--categories").items():
        dtype[col] = pd.CategoricalDtype(cats)
    return dtype


def check_types(name, df, dtype):
    if list(df.columns) != list(dtype):
        fail("%s: columns %s, schema %s" % (name, list(df.columns),
                                            list(dtype)))
        return
    for col, want in dtype.items():
        if want == "category":  # an enum whose values the tables do not list
            ok = isinstance(df[col].dtype, pd.CategoricalDtype)
        else:
            ok = df[col].dtype == pd.api.types.pandas_dtype(want)
        if not ok:
            fail("%s: %s is %s, schema %s" % (name, col, df[col].dtype, want))


def check_kept(name, before, after):
    """Each column has as many values after typing as before: a value a
    dtype cannot hold (an enum value not among the categories) would
    become NA without an error."""
    for col in after.columns:
        b, a = int(before[col].notna().sum()), int(after[col].notna().sum())
        if a != b:
            fail("%s: %s holds %d values, %d before typing" % (name, col, a,
                                                                b))


def flat(row, prefix=""):
    """The recipe: a row's values by the names pd.json_normalize gives."""
    out = {}
    for key, value in row.items():
        if isinstance(value, dict):
            out.update(flat(value, prefix + key + "."))
        else:
            out[prefix + key] = value
    return out


def ndjson(binary, path):
    dtype = dtypes(binary, "ndjson")
    with open(path, encoding="utf-8") as f:
        lines = [json.loads(line) for line in f]
    # dtype=object: integers stay exact until astype (a column of integers
    # and nulls would otherwise be float64 first).
    rows = pd.DataFrame([flat(line) for line in lines], dtype=object)
    normalized = pd.json_normalize(lines)
    if sorted(normalized.columns) != sorted(rows.columns):
        fail("ndjson: pd.json_normalize names %s, the recipe %s"
             % (sorted(normalized.columns), sorted(rows.columns)))
    # A column json_normalize makes that the schema does not name must be
    # an object that is null in some rows (its members are columns).
    for col in rows.columns:
        if col not in dtype and not any(k.startswith(col + ".")
                                        for k in dtype):
            fail("ndjson: %s is not in the schema" % col)
    untyped = rows.reindex(columns=list(dtype))
    typed = untyped.astype(dtype)
    check_types("ndjson", typed, dtype)
    check_kept("ndjson", untyped, typed)
    return typed


def csv(binary, path):
    dtype = dtypes(binary, "csv")
    typed = pd.read_csv(path, dtype=dtype, keep_default_na=False,
                        na_values=[""])
    untyped = pd.read_csv(path, dtype="string", keep_default_na=False,
                          na_values=[""])
    check_types("csv", typed, dtype)
    check_kept("csv", untyped, typed)
    return typed


def main():
    binary, nd_path, csv_path = sys.argv[1:4]
    nd = ndjson(binary, nd_path)
    cs = csv(binary, csv_path)
    if len(nd) != len(cs) or len(nd) == 0:
        fail("%d NDJSON rows, %d CSV rows" % (len(nd), len(cs)))
    if sorted(nd["line"].tolist()) != sorted(cs["line"].tolist()):
        fail("the NDJSON and CSV rows have different lines")
    print("pandas_check: %s: %d rows, %d NDJSON columns, %d CSV columns, "
          "%d failures" % (nd_path, len(nd), len(nd.columns), len(cs.columns),
                           len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
