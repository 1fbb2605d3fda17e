#!/usr/bin/env bash
# SLURM integration test for `ablsim sweep slurm`: a private one-node cluster (munged, slurmctld and
# slurmd from Debian's slurm-wlm, all state, sockets and logs in one temporary folder, non-default
# ports), a 6-case sweep submitted as a job array with --submit, then `ablsim sweep collect` and
# checks on the table. The daemons are stopped on every exit path. Needs root (or sudo) for apt-get
# and to run slurmd as SlurmUser=root.
#
#   scripts/slurm/integration.sh [path/to/ablsim]     (default .build/debug/ablsim)
#
# Prints "N passed, 0 failed" at the end; any failure exits non-zero with the daemons' logs.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo="$(pwd)"
ablsim="$(realpath "${1:-.build/debug/ablsim}")"
sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
started=$(date +%s)

if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v munged >/dev/null; then
    echo "slurm: installing slurm-wlm and munge"
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q slurm-wlm munge >/dev/null ||
        { $sudo apt-get update -q >/dev/null && $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q slurm-wlm munge >/dev/null; }
fi

work="$(mktemp -d /tmp/ablsim-slurm.XXXXXX)"
chmod 700 "$work"
mkdir -p "$work/state" "$work/spool"
export SLURM_CONF="$work/slurm.conf"

logs() {
    for f in munged.log slurmctld.log slurmd.log; do
        [ -f "$work/$f" ] && { echo "---- $f (last 40 lines)"; tail -n 40 "$work/$f"; }
    done
    ls "$work"/out/slurm/*.out >/dev/null 2>&1 && for f in "$work"/out/slurm/*.out; do echo "---- $f"; cat "$f"; done
    return 0
}
fail() { echo "slurm: FAIL: $*" >&2; logs >&2; exit 1; }
stop() {
    # Only the daemons this script started, by the pids they wrote.
    for d in slurmd slurmctld munged; do
        [ -f "$work/$d.pid" ] && kill "$(cat "$work/$d.pid")" 2>/dev/null || true
    done
    sleep 1
    rm -rf "$work"
}
trap stop EXIT

# munge: a fresh key and a private socket, so no system munged or key is needed or touched.
dd if=/dev/urandom of="$work/munge.key" bs=1024 count=1 status=none
chmod 400 "$work/munge.key"
munged --force --key-file="$work/munge.key" --socket="$work/munge.socket" --pid-file="$work/munged.pid" \
    --log-file="$work/munged.log" --seed-file="$work/munge.seed" || fail "munged did not start"

# The node as slurmd itself sees it (CPUs, topology, memory), renamed localhost; CR_CPU schedules
# single CPUs, so a 2-CPU machine runs two array tasks at once.
node="$(slurmd -C | head -n 1 | sed -e 's/^NodeName=[^ ]*/NodeName=localhost NodeAddr=127.0.0.1/' -e 's/ UpTime=.*//')"
[ -n "$node" ] || fail "slurmd -C printed nothing"
cat > "$SLURM_CONF" <<CONF
ClusterName=ablsimci
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
SlurmctldPort=16817
SlurmdPort=16818
AuthType=auth/munge
AuthInfo=socket=$work/munge.socket
CredType=cred/munge
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=2
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
ReturnToService=2
MinJobAge=600
$node State=UNKNOWN
PartitionName=ci Nodes=localhost Default=YES MaxTime=INFINITE State=UP
CONF

slurmctld -f "$SLURM_CONF" || fail "slurmctld did not start"
slurmd -f "$SLURM_CONF" -N localhost || fail "slurmd did not start"
for _ in $(seq 1 60); do
    state="$(sinfo -h -N -o '%t' 2>/dev/null | head -n 1 || true)"
    [ "$state" = idle ] && break
    sleep 1
done
[ "$state" = idle ] || fail "the node did not become idle within 60 s (sinfo state: '${state:-none}')"
echo "slurm: node idle after $(( $(date +%s) - started )) s ($node)"

# 6 cases of about a second each (heat-source sphere at 1 mm voxels), 2 cases per array task.
out="$work/out"
submitted="$("$ablsim" sweep slurm "$repo/presets/sweeps/heat-source-power-time.json" --out "$out" --partition ci \
    --time 10 --cpus-per-task 1 --max-parallel 2 --chunk 2 --submit)" || fail "ablsim sweep slurm --submit failed"
echo "$submitted"
job="$(echo "$submitted" | sed -n 's/^submitted job \([0-9][0-9]*\)$/\1/p')"
[ -n "$job" ] || fail "no job id in: $submitted"
grep -q '^#SBATCH --array=0-2%2$' "$out/sweep.sbatch" || fail "unexpected --array line in $out/sweep.sbatch"

deadline=$(( $(date +%s) + 300 ))
while [ -n "$(squeue -h -j "$job" 2>/dev/null)" ]; do
    [ "$(date +%s)" -lt "$deadline" ] || fail "job $job still queued or running after 300 s: $(squeue -j "$job")"
    sleep 1
done
states="$(scontrol -o show job "$job" | grep -o 'JobState=[A-Z_]*' | sort | uniq -c | tr -s ' ')"
echo "slurm: array tasks:$states"
[ "$(scontrol -o show job "$job" | grep -c 'JobState=COMPLETED')" = 3 ] || fail "expected 3 COMPLETED array tasks, got:$states"
scontrol -o show job "$job" | grep -o 'ExitCode=[0-9:]*' | grep -qv 'ExitCode=0:0' && fail "an array task exited non-zero"

"$ablsim" sweep collect "$out" || fail "ablsim sweep collect found incomplete cases"
python3 - "$out/summary.csv" <<'PY' > "$work/checks.txt" || { cat "$work/checks.txt"; fail "summary.csv checks"; }
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
checks = []
def check(ok, what):
    checks.append(ok)
    print(("ok   " if ok else "FAIL ") + what)
check(len(rows) == 6, f"6 rows (got {len(rows)})")
check(all(r["status"] == "complete" and r["error"] == "" for r in rows), "every case complete, no errors")
check(len({r["case_id"] for r in rows}) == 6, "6 distinct case ids")
for r in rows:
    p, d = float(r["applicators.0.schedule.0.power_w"]), float(r["applicators.0.schedule.0.duration_s"])
    e = float(r["delivered_energy_j"])
    check(abs(e - p * d) <= 1e-6 * p * d, f"{r['case_id']}: delivered energy {e} J = power x time")
    check(0 < float(r["volume_ml"]) < 100 and 37 < float(r["max_temperature_c"]) < 150, f"{r['case_id']}: volume and peak temperature sane")
for d in ("300", "600"):
    v = [float(r["volume_ml"]) for r in sorted(rows, key=lambda r: float(r["applicators.0.schedule.0.power_w"]))
         if r["applicators.0.schedule.0.duration_s"] == d]
    check(v == sorted(v) and len(set(v)) == 3, f"{d} s: volume grows with power {v}")
print(f"{sum(checks)} passed, {len(checks) - sum(checks)} failed")
sys.exit(0 if all(checks) else 1)
PY
cat "$work/checks.txt"
echo "slurm: integration test took $(( $(date +%s) - started )) s"
