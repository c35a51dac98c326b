// The stack half of doctor's one round trip: a constant sh script that reads the record on the host itself (so
// keelson needs no round trip to learn what to ask) and answers, in framed sections (steps/storage/sections.ts),
// everything about the deployed stacks: managed files and Quadlet drop-in directories, unit properties, the
// generator's dry run, containers, images, container processes' groups, journals of units that are not well,
// linger, user managers, socket directories and the data mounts. Names come from the record as keelson wrote it
// (JSON.stringify, one key a line); each one reaches a command as "$VAR", never spliced into the script.
import type { Fact, ProbeOutput } from '../../facts/fact.js';
import { AS_USER_SCRIPT } from '../../host/command-wrap.js';
import { parseSections, SECTION_HELPERS_SH } from '../../../steps/storage/sections.js';
import { GENERATOR } from '../../../steps/quadlet/validate.js';
import { RECORD_PATH } from './record-view.js';

/** Lines of journal per unit that is not well: enough for the error, bounded for a bundle and a screen. */
export const JOURNAL_LINES = 20;

export const UNIT_PROPS = ['Id', 'LoadState', 'ActiveState', 'SubState', 'Result', 'NRestarts', 'ExecMainStatus', 'ExecMainCode', 'DropInPaths', 'FragmentPath'];

/**
 * awk -F= over the blocks systemctl show prints: the Id of each unit that is not active or has restarted (the units whose
 * journal doctor shows).
 */
export const UNWELL_AWK = `function w() { if (id != "" && (st != "active" || (nr != "" && nr != "0"))) print id; id = ""; st = ""; nr = "" }
/^Id=/ { id = $2 } /^ActiveState=/ { st = $2 } /^NRestarts=/ { nr = $2 } /^$/ { w() } END { w() }`;

// $1 record, $2 the as-user wrapper, $3 the generator, $4 journal lines, $5 UNWELL_AWK, then the unit properties.
const SCRIPT = `set -u
S=$1; ASU=$2; GEN=$3; JL=$4; UNWELL=$5; shift 5
[ -r "$S" ] || exit 0
${SECTION_HELPERS_SH}
props=; for p in "$@"; do props="$props -p $p"; done
asu() { o=$1; shift; runuser -u "$o" -- sh -c "$ASU" keelson-as-user "$@"; }
groups_of() { while read -r n pid; do g=; [ "$pid" -gt 0 ] 2>/dev/null && g=$(sed -n 's/^Groups:[[:space:]]*//p' "/proc/$pid/status" 2>/dev/null); printf '%s %s\\n' "$n" "$g"; done; }
files() { for f in "$1"/*; do [ -f "$f" ] && printf '%s\\n' "$f"; done; return 0; }
paths=$(sed -n 's/^ *"path": "\\([^"\\\\ ]*\\)",\\{0,1\\}$/\\1/p' "$S")
# A stack's own keys sit at six spaces (stacks → NAME → key); the embedded manifest's "owner" keys are deeper.
owners=$(sed -n 's/^      "owner": "\\([A-Za-z0-9_][A-Za-z0-9_.-]*\\)",\\{0,1\\}$/\\1/p' "$S" | sort -u)
# The record's keys are sorted: "luksUuid" comes before "path" inside dataMount, so read up to its closing brace.
mounts=$(awk '/^      "dataMount": [{]/ { while ((getline l) > 0) { if (l ~ /[}]/) break; if (match(l, /"path": "[^"]*"/)) print substr(l, RSTART + 9, RLENGTH - 10) } }' "$S" | sort -u)
k_run paths printf '%s\\n' $paths
# The units the managed unit files under $1 become (web.container → web.service, x.target).
units_of() { for p in $paths; do case $p in "$1"/*) n=\${p##*/}; case $n in *.container) printf '%s ' "\${n%.container}.service" ;; *.target) printf '%s ' "$n" ;; esac ;; esac; done; }
for p in $paths; do
  if [ -f "$p" ]; then k_run "file:$p" cat -- "$p"; fi
  case $p in
    *.container|*.network|*.volume|*.pod|*.kube|*.image|*.build) [ -d "$p.d" ] && k_run "dropdir:$p" files "$p.d" ;;
  esac
  case $p in /etc/tmpfiles.d/*.conf) [ -f "$p" ] && for d in $(awk '$1 == "d" { print $2 }' "$p"); do k_run "stat:$d" stat -c '%U %G %a %F' -- "$d"; done ;; esac
done
# The units that are not well (not active, or restarted), from the show k_run just kept in $k_d/o: not two more
# systemctl calls per unit (each a few seconds on a slow host).
unwell() { awk -F= "$UNWELL" "$k_d/o"; }
# A user unit's lines are matched by the owner's UID: journalctl --user-unit would match root's own user units.
journals() { k=$1; id=$2
  for u in $(unwell); do
    if [ "$k" = system ]; then k_run "journal:$k:$u" journalctl -u "$u" -n "$JL" --no-pager -o short-iso
    else k_run "journal:$k:$u" journalctl -n "$JL" --no-pager -o short-iso "_SYSTEMD_USER_UNIT=$u" "_UID=$id" + "USER_UNIT=$u" "_UID=$id"; fi
  done; }
units=$(units_of /etc)
if [ -n "$units" ]; then
  k_run units:system systemctl show $props -- $units
  journals system 0
fi
k_run generator:system "$GEN" -dryrun
k_run podman-ps:system podman ps -a --format json
k_run podman-images:system podman images --format json
podman ps --format '{{.Names}} {{.Pid}}' >"$k_d/ps" 2>/dev/null; k_run_in "$k_d/ps" groups:system groups_of
for o in $owners; do
  uid=$(id -u -- "$o" 2>/dev/null) || { k_run "no-user:$o" true; continue; }
  k_run "linger:$o" test -e "/var/lib/systemd/linger/$o"
  k_run "manager:$o" systemctl show -p ActiveState -p SubState -- "user@$uid.service"
  home=$(getent passwd "$o" | cut -d: -f6); units=; [ -n "$home" ] && units=$(units_of "$home")
  if [ -n "$units" ]; then
    # As the owner, not with --user -M (systemd-run and a stdio bridge): see systemctlCall in src/engine/scope.ts.
    k_run "units:user:$o" asu "$o" systemctl --user show $props -- $units
    journals "user:$o" "$uid"
  fi
  k_run "generator:user:$o" asu "$o" "$GEN" -dryrun -user
  k_run "podman-ps:user:$o" asu "$o" podman ps -a --format json
  k_run "podman-images:user:$o" asu "$o" podman images --format json
  asu "$o" podman ps --format '{{.Names}} {{.Pid}}' >"$k_d/ps" 2>/dev/null; k_run_in "$k_d/ps" "groups:user:$o" groups_of
done
for m in $mounts; do
  k_run "findmnt:$m" findmnt -J --nofsroot -T "$m" -o TARGET,SOURCE,FSTYPE,OPTIONS
  src=$(findmnt -n --nofsroot -T "$m" -o SOURCE 2>/dev/null)
  k_run "lsblk:$m" lsblk -J -s -o NAME,PATH,TYPE,FSTYPE,UUID,PARTUUID,LABEL,MOUNTPOINTS -- "$src"
  k_run "df:$m" df -P -B1 -- "$m"
  k_run "dfi:$m" df -P -i -- "$m"
done
exit 0`;

/** Sections by name ("file:/etc/…", "units:user:keelson-demo", …); empty when there is no record to follow. */
export type StackSections = ReadonlyMap<string, ProbeOutput>;

export const stackProbeFact: Fact<StackSections> = {
  id: 'doctor-stacks',
  probe: { sh: SCRIPT, args: [RECORD_PATH, AS_USER_SCRIPT, GENERATOR, String(JOURNAL_LINES), UNWELL_AWK, ...UNIT_PROPS] },
  parse: (o) => parseSections(o.stdout),
  volatile: true,
};
