#!/usr/bin/env python3
"""The man page (docs/mailposture.1) in step with the program.

- The long options documented in the man page (the tags of its .TP items)
  are exactly those `mailposture --help` and each subcommand's --help
  list, and every long option it names anywhere is one of them.
- Its EXIT STATUS section lists the statuses of README.md's "Exit status"
  paragraph and of --help's.
- groff renders it without a warning (and man, when installed).
- `cmake --install` puts it in share/man/man1.

Usage: check_man.py --binary B --source DIR --build DIR --scratch DIR
"""
import argparse
import filecmp
import os
import re
import shutil
import subprocess
import sys

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg)


SUBCOMMANDS = ("diff", "schema", "summarize", "report")


def run(argv, **kw):
    return subprocess.run(argv, capture_output=True, text=True, **kw)


def long_options(text):
    """--name tokens of plain text (not inside a word)."""
    return set(re.findall(r"(?<![\w-])--([a-z][a-z0-9]*(?:-[a-z0-9]+)*)", text))


def man_text(page):
    """The page's text with troff's \\- read as '-'."""
    return page.replace("\\-", "-")


def man_tags(page):
    """The tag lines of the .TP items (the line after each .TP)."""
    lines = page.splitlines()
    return [lines[i + 1] for i, l in enumerate(lines[:-1]) if l.strip() == ".TP"]


def man_section(page, name):
    m = re.search(r"^\.SH " + re.escape(name) + r"\n(.*?)(?=^\.SH |\Z)", page,
                  re.M | re.S)
    return m.group(1) if m else ""


def check_options(binary, page):
    helps = run([binary, "--help"]).stdout + "".join(
        run([binary, c, "--help"]).stdout + run([binary, c, "--help"]).stderr
        for c in SUBCOMMANDS)
    in_help = long_options(helps)
    if len(in_help) < 30:
        fail("--help lists only %d long options: %s" % (len(in_help), helps))
    body = man_text(page)
    documented = set()
    for tag in man_tags(page):
        documented |= long_options(man_text(tag))
    named = long_options(body)
    for o in sorted(in_help - documented):
        fail("--%s is in --help but has no item in the man page" % o)
    for o in sorted(documented - in_help):
        fail("the man page documents --%s, which --help does not list" % o)
    for o in sorted(named - in_help):
        fail("the man page names --%s, which --help does not list" % o)
    print("options: %d in --help, %d documented in the man page"
          % (len(in_help), len(documented)))
    return helps


def check_exit_statuses(source, page, helps):
    readme = open(os.path.join(source, "README.md"), encoding="utf-8").read()
    m = re.search(r"\*\*Exit status\*\*:(.*?)\n\n", readme, re.S)
    if not m:
        fail("README.md has no **Exit status**: paragraph")
        return
    in_readme = set(re.findall(r"`(\d+)`", m.group(1)))
    section = man_section(page, "EXIT STATUS")
    in_man = set(re.findall(r"^\.B (\d+)$", "\n".join(man_tags(section)), re.M))
    m = re.search(r"^Exit status:(.*)", helps, re.M | re.S)
    in_help = set(re.findall(r"(?:^|;)\s+(\d+)\s", m.group(1))) if m else set()
    print("exit statuses: README %s, man page %s, --help %s"
          % tuple(" ".join(sorted(s, key=int)) for s in
                  (in_readme, in_man, in_help)))
    if not in_readme or in_man != in_readme:
        fail("exit statuses: the man page has %s, README.md %s"
             % (sorted(in_man), sorted(in_readme)))
    if in_help != in_readme:
        fail("exit statuses: --help has %s, README.md %s"
             % (sorted(in_help), sorted(in_readme)))


def check_rendering(path):
    r = run(["groff", "-man", "-ww", "-z", path])
    if r.returncode != 0 or r.stderr:
        fail("groff -man -ww: %s" % r.stderr)
    if shutil.which("man"):
        r = run(["man", "--warnings", "-l", path],
                env=dict(os.environ, MANWIDTH="80"))
        if r.returncode != 0 or r.stderr:
            fail("man --warnings -l: %s" % r.stderr)
        for section in ("OPTIONS", "COMMANDS", "EXIT STATUS", "FILES",
                        "EXAMPLES"):
            if not re.search(r"^" + section + r"$", r.stdout, re.M):
                fail("the rendered page has no %s section" % section)
    else:
        print("man not installed: checked with groff only")


def check_install(build, scratch, page_path):
    prefix = os.path.join(scratch, "install")
    shutil.rmtree(prefix, ignore_errors=True)
    r = run(["cmake", "--install", build, "--prefix", prefix])
    if r.returncode != 0:
        fail("cmake --install: %s%s" % (r.stdout, r.stderr))
        return
    man = os.path.join(prefix, "share", "man", "man1", "mailposture.1")
    if not os.path.isfile(man) or not filecmp.cmp(man, page_path, False):
        fail("cmake --install did not install %s" % man)
    if not os.path.isfile(os.path.join(prefix, "bin", "mailposture")):
        fail("cmake --install did not install bin/mailposture")
    shutil.rmtree(prefix, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    for a in ("--binary", "--source", "--build", "--scratch"):
        ap.add_argument(a, required=True)
    args = ap.parse_args()
    page_path = os.path.join(args.source, "docs", "mailposture.1")
    page = open(page_path, encoding="utf-8").read()
    helps = check_options(args.binary, page)
    check_exit_statuses(args.source, page, helps)
    check_rendering(page_path)
    check_install(args.build, args.scratch, page_path)
    print("%d failures" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
