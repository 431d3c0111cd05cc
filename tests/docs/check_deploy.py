#!/usr/bin/env python3
"""deploy/ as docs/cluster.md describes it (no container runtime here, so
nothing is built or run in a container):

- deploy/k8s/Dockerfile: its build stage installs exactly the packages of
  scripts/setup.sh; its image installs packages of the shared libraries
  the binary links (each one, or one that depends on it: libc6 comes with
  libuv1) and publicsuffix, nothing else;
  it copies every source folder the build needs; every stage is debian:12.
- deploy/k8s/job.yaml parses as YAML and is an Indexed Job whose
  MP_SHARD_COUNT equals its completions, running --shard auto in the image
  the Dockerfile names; its shell script parses.
- deploy/slurm/mailposture.sbatch parses (bash -n) and is an array job.

Usage: check_deploy.py --source DIR --binary B [--sanitized]
"""
import argparse
import os
import re
import subprocess
import sys

import yaml

failures = []


def fail(msg):
    failures.append(msg)
    print("FAIL: " + msg)


def setup_packages(source):
    text = open(os.path.join(source, "scripts", "setup.sh")).read()
    m = re.search(r"^packages=\((.*?)^\)", text, re.M | re.S)
    if not m:
        fail("scripts/setup.sh has no packages=( ... ) list")
        return []
    return re.sub(r"#.*", "", m.group(1)).split()


def dockerfile_stages(path):
    """[(FROM image, [RUN commands])], continuation lines joined."""
    text = re.sub(r"\\\n", " ", open(path).read())
    stages = []
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("FROM "):
            stages.append((line.split()[1], [], []))
        elif line.startswith("RUN ") and stages:
            stages[-1][1].append(line[4:])
        elif line.startswith("COPY ") and stages:
            stages[-1][2].append(line[5:])
    return stages


def apt_installed(runs):
    """The package names of the apt-get install commands of runs."""
    names = []
    for cmd in runs:
        for part in cmd.split("&&"):
            words = part.split()
            if "apt-get" in words and "install" in words:
                rest = words[words.index("install") + 1:]
                names += [w for w in rest if not w.startswith("-")]
    return names


def package_of(path):
    """The Debian package that ships path (a library ldd printed)."""
    real = os.path.realpath(path)
    candidates = {path, real}
    for p in list(candidates):
        if p.startswith("/usr/lib/"):
            candidates.add(p[len("/usr"):])
        elif p.startswith("/lib/"):
            candidates.add("/usr" + p)
    for p in candidates:
        r = subprocess.run(["dpkg", "-S", p], capture_output=True, text=True)
        if r.returncode == 0:
            return r.stdout.split(":")[0].strip()
    return None


def depends(package):
    """The packages package depends on, with theirs (as installed here)."""
    seen, todo = set(), [package]
    while todo:
        p = todo.pop()
        r = subprocess.run(["dpkg-query", "-W", "-f=${Depends}, ${Pre-Depends}",
                            p], capture_output=True, text=True)
        for alt in r.stdout.split(","):
            name = alt.split("|")[0].split("(")[0].split(":")[0].strip()
            if name and name not in seen:
                seen.add(name)
                todo.append(name)
    return seen


def linked_packages(binary):
    """The packages of the shared libraries the binary links."""
    out = subprocess.run(["ldd", binary], capture_output=True, text=True,
                         check=True).stdout
    linked = set()
    for path in re.findall(r"=> (/\S+)", out):
        pkg = package_of(path)
        if pkg is None:
            fail("no Debian package ships %s (ldd %s)" % (path, binary))
        else:
            linked.add(pkg)
    return linked


def check_image_packages(image, binary):
    """image: only packages of linked libraries, and publicsuffix; every
    linked library's package installed, or pulled in by one that is."""
    linked = linked_packages(binary)
    for p in sorted(image - linked - {"publicsuffix"}):
        fail("Dockerfile image installs %s, which the binary does not link"
             % p)
    if "publicsuffix" not in image:
        fail("Dockerfile image lacks publicsuffix (the default --psl-file)")
    pulled = set(image)
    for p in image:
        pulled |= depends(p)
    for p in sorted(linked - pulled):
        fail("Dockerfile image lacks %s, whose library the binary links" % p)


def check_dockerfile(source, binary, sanitized):
    path = os.path.join(source, "deploy", "k8s", "Dockerfile")
    stages = dockerfile_stages(path)
    if len(stages) != 2:
        fail("Dockerfile: %d stages, expected build and image" % len(stages))
        return None
    for image, _, _ in stages:
        if image != "debian:12":
            fail("Dockerfile: FROM %s, expected debian:12" % image)
    want = setup_packages(source)
    build = apt_installed(stages[0][1])
    if sorted(build) != sorted(want):
        fail("Dockerfile build stage installs %s; scripts/setup.sh %s "
             "(only in the Dockerfile: %s; only in setup.sh: %s)"
             % (" ".join(build), " ".join(want),
                sorted(set(build) - set(want)), sorted(set(want) - set(build))))
    image = set(apt_installed(stages[1][1]))
    if sanitized:
        print("sanitized build: the image's libraries are not compared")
    else:
        check_image_packages(image, binary)
    # the folders the build reads (tests and bench are off in the image)
    cmake = open(os.path.join(source, "CMakeLists.txt")).read()
    used = set(re.findall(r"(?:PROJECT_SOURCE_DIR\}/|[\s(])([a-z]+)/[\w./*]+",
                          cmake))
    used = {d for d in used if os.path.isdir(os.path.join(source, d))}
    copied = set()
    for c in stages[0][2]:
        copied.add(c.split()[0].rstrip("/"))
    for d in sorted(used - copied - {"tests", "bench"}):
        fail("Dockerfile does not COPY %s/, which CMakeLists.txt uses" % d)
    print("Dockerfile: %d build packages as setup.sh, image %s"
          % (len(build), " ".join(sorted(image))))
    m = re.search(r"docker build .* -t (\S+) \.", open(path).read())
    return m.group(1) if m else None


def check_job(source, tag):
    path = os.path.join(source, "deploy", "k8s", "job.yaml")
    docs = [d for d in yaml.safe_load_all(open(path)) if d is not None]
    if len(docs) != 1:
        fail("job.yaml: %d documents" % len(docs))
        return
    job = docs[0]
    spec = job.get("spec", {})
    pod = spec.get("template", {}).get("spec", {})
    if job.get("apiVersion") != "batch/v1" or job.get("kind") != "Job":
        fail("job.yaml is not a batch/v1 Job")
    if spec.get("completionMode") != "Indexed":
        fail("job.yaml: completionMode is not Indexed")
    if pod.get("restartPolicy") not in ("Never", "OnFailure"):
        fail("job.yaml: restartPolicy must be Never or OnFailure")
    containers = pod.get("containers", [])
    if len(containers) != 1:
        fail("job.yaml: %d containers" % len(containers))
        return
    c = containers[0]
    env = {e["name"]: e.get("value") for e in c.get("env", [])}
    if env.get("MP_SHARD_COUNT") != str(spec.get("completions")):
        fail("job.yaml: MP_SHARD_COUNT %s but completions %s"
             % (env.get("MP_SHARD_COUNT"), spec.get("completions")))
    if tag and c.get("image") != tag:
        fail("job.yaml runs %s, the Dockerfile builds %s"
             % (c.get("image"), tag))
    script = " ".join(c.get("command", []) + c.get("args", []))
    if "--shard auto" not in script:
        fail("job.yaml does not run --shard auto")
    if c.get("command", [])[:2] == ["/bin/sh", "-c"]:
        r = subprocess.run(["sh", "-n", "-c", c["args"][0]],
                           capture_output=True, text=True)
        if r.returncode:
            fail("job.yaml's script: %s" % r.stderr)
    print("job.yaml: Indexed Job of %s, image %s"
          % (spec.get("completions"), c.get("image")))


def check_sbatch(source):
    path = os.path.join(source, "deploy", "slurm", "mailposture.sbatch")
    r = subprocess.run(["bash", "-n", path], capture_output=True, text=True)
    if r.returncode:
        fail("mailposture.sbatch: %s" % r.stderr)
    text = open(path).read()
    if not re.search(r"^#SBATCH --array=\d+-\d+", text, re.M):
        fail("mailposture.sbatch has no #SBATCH --array=MIN-MAX")
    if "--shard auto" not in text:
        fail("mailposture.sbatch does not run --shard auto")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--source", required=True)
    ap.add_argument("--binary", required=True)
    ap.add_argument("--sanitized", action="store_true")
    args = ap.parse_args()
    tag = check_dockerfile(args.source, args.binary, args.sanitized)
    check_job(args.source, tag)
    check_sbatch(args.source)
    print("%d failures" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
