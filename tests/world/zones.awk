# Zone-file rewriting for recursive.sh (see tests/world/README.md).
#
#   awk -v mode=targets -v zonemap=FILE  ZONEFILE...
#       prints `<zone> <name server>` for each NS record at a zone's apex
#       (absolute, lowercase)
#   awk -v mode=rewrite -v zonemap=FILE -v outdir=DIR -v lame=FILE
#       -v targets=FILE -v nsaddr=ADDR -v lamens=NAME -v lameaddr=ADDR
#       ZONEFILE...   (targets: the output of mode=targets)
#       copies each ZONEFILE to DIR/<its base name> without the records at or
#       below a name of the lame list and without the A/AAAA records of an
#       NS target, then appends, to the zone holding each name: `<lame> NS
#       <lamens>`, `<target> A <nsaddr>` and `<lamens> A <lameaddr>`. Prints
#       `<lamens> A <lameaddr>` when no zone holds lamens (the caller puts it
#       in the root zone, which also gets every target's A as glue).
#
# zonemap: `<zone> <file path>` per line, the zones that have a file. The
# files are one record per line (`owner [ttl] [class] type rdata`, no
# parentheses), as mp_worldgen writes them; a line starting with a blank
# continues the previous owner; $ORIGIN and $TTL are followed.

function absname(n, origin) {
  n = tolower(n)
  if (n == "@") return origin
  if (n ~ /\.$/) return n
  return origin == "." ? n "." : n "." origin
}

# The zone (of zonemap) that holds NAME: its longest suffix among the zones.
function zone_of(name, s) {
  s = name
  while (1) {
    if (s in zonefile) return s
    if (s == "." || s == "") return ""
    if (index(s, ".") == length(s)) s = "."
    else s = substr(s, index(s, ".") + 1)
  }
}

# Is NAME or one of its ancestors in the array lameset?
function below_lame(name, s) {
  if (!nlame) return 0
  s = name
  while (s != "" && s != ".") {
    if (s in lameset) return 1
    s = substr(s, index(s, ".") + 1)
  }
  return 0
}

function rtype(i) {
  for (i = 2; i <= NF; i++) {
    if ($i ~ /^[0-9]+[smhdwSMHDW]?$/ || toupper($i) ~ /^(IN|CH|HS|CS)$/) continue
    return toupper($i)
  }
  return ""
}

# What is appended to the zone being closed.
function flush_zone(z, n) {
  if (out == "") return
  for (n in lameset) if (holder[n] == z) printf "%s NS %s\n", n, lamens >out
  for (n in target) if (holder[n] == z) printf "%s A %s\n", n, nsaddr >out
  if (nlame && holder[lamens] == z) printf "%s A %s\n", lamens, lameaddr >out
  close(out)
}

BEGIN {
  while ((getline line <zonemap) > 0) {
    split(line, f, " ")
    zonefile[tolower(f[1])] = f[2]
    zonename[f[2]] = tolower(f[1])
  }
  close(zonemap)
  if (mode == "rewrite") {
    lamens = tolower(lamens)
    if (lame != "") {
      while ((getline line <lame) > 0) {
        if (line == "") continue
        line = tolower(line)
        if (line !~ /\.$/) line = line "."
        lameset[line] = 1
        nlame++
      }
      close(lame)
    }
    while ((getline line <targets) > 0) {
      split(line, f, " ")
      if (f[2] != "") target[f[2]] = 1
    }
    close(targets)
    for (n in lameset) holder[n] = zone_of(n)
    for (n in target) holder[n] = zone_of(n)
    if (nlame) holder[lamens] = zone_of(lamens)
  }
}

FNR == 1 {
  if (mode == "rewrite") flush_zone(zone)
  zone = zonename[FILENAME]
  origin = zone
  owner = zone
  if (mode == "rewrite") {
    out = FILENAME
    sub(/.*\//, "", out)
    out = outdir "/" out
  }
}

/^\$ORIGIN[ \t]/ {
  origin = absname($2, ".")
  if (mode == "rewrite") print >out
  next
}

/^[ \t]*(;|$)/ || /^\$/ {
  if (mode == "rewrite") print >out
  next
}

{
  if ($0 !~ /^[ \t]/) owner = absname($1, origin)
  t = rtype()
  if (mode == "targets") {
    if (owner == zone && t == "NS") {
      for (i = 2; i <= NF; i++) if (toupper($i) == "NS") break
      print zone, absname($(i + 1), origin)
    }
    next
  }
  if (below_lame(owner)) { dropped++; next }
  if ((owner in target) && (t == "A" || t == "AAAA")) next
  print >out
}

END {
  if (mode != "rewrite") exit
  flush_zone(zone)
  if (nlame && holder[lamens] == "") printf "%s A %s\n", lamens, lameaddr
  for (n in lameset) if (holder[n] == "")
    printf "recursive.sh: lame name %s is in no zone\n", n >"/dev/stderr"
}
