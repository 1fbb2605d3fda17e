#!/usr/bin/env python3
"""Compares two `ablsim validate --json` reports with validation/expected-ci.json.

    check_ci.py EXPECTED HELD_OUT TABLE            compare; exit 1 naming every row or count that differs
    check_ci.py EXPECTED HELD_OUT TABLE --record   rewrite EXPECTED's counts and held-out rows from them

HELD_OUT: the held-out rows alone at `held_out_spacing_mm` (1 mm, the size README quotes); TABLE: the
whole table at `table_spacing_mm` (2 mm). Checks, each counted in the last line (`N passed, M failed`):
- each report's spacing is the expected one;
- every held-out row of the expectations is simulated in HELD_OUT, and its worst published axis (for a row
  publishing only a volume: the axis error of a sphere of that volume, the band of VolumeTarget) stays
  within its stated tolerance (`expected: within`); a row known to miss its tolerance (`expected:
  outside`) must still miss it (else the counts quoted in the docs changed) and stay within its `bound`
  (the error recorded plus one voxel of its published axis: a drift guard, not a target);
- every held-out row HELD_OUT simulates has an expectation (a new row needs its tolerance stated);
- every count of both reports (chart, measured, per modality, fitted, held-out: rows and rows within
  target) equals the expected one, which is what README and docs/validation.md quote at that spacing.

--record keeps the tolerances and their sources written by hand, adds new held-out rows with the
report's target (25 % for measured rows) as tolerance, drops rows no longer simulated or no longer held
out, sets the drift bound of rows outside their tolerance, and takes every count from the reports.
"""
import json, sys

DEFAULT_SOURCE = ("the 25 % target of measured rows (docs/validation.md#running-ablsim-validate); "
                  "the table gives no published uncertainty for this row")


AXES = ("short_axis", "long_axis")


def axis_errors(row):
    """The row's signed errors on its published axes; for a row publishing only a volume, its volume
    error as the axis error of a sphere of that volume, cbrt(V / V_published) - 1 (the band ablsim's
    VolumeTarget applies: within (1 - t)^3..(1 + t)^3 of the volume is within t on this scale)."""
    errors = {k: row["error"].get(k) for k in AXES if row["error"].get(k) is not None}
    if not errors and row["error"].get("volume") is not None:
        ratio = 1 + row["error"]["volume"]
        errors = {"volume": (ratio ** (1 / 3) if ratio > 0 else 0) - 1}
    return errors


def worst(row):
    errors = [abs(e) for e in axis_errors(row).values()]
    return max(errors) if errors else None


def held_out_rows(report):
    return {r["id"]: r for r in report["rows"] if r["role"] == "held_out" and worst(r) is not None}


def compare(expected, report, table):
    passed, failed = [], []

    def check(ok, message):
        (passed if ok else failed).append(message)
        print(("ok   " if ok else "FAIL ") + message)

    check(report["spacing_mm"] == expected["held_out_spacing_mm"],
          f"held-out rows at {report['spacing_mm']} mm (expected {expected['held_out_spacing_mm']} mm)")
    check(table["spacing_mm"] == expected["table_spacing_mm"],
          f"whole table at {table['spacing_mm']} mm (expected {expected['table_spacing_mm']} mm)")
    simulated = held_out_rows(report)
    for rid, e in expected["held_out"].items():
        row = simulated.get(rid)
        if row is None:
            check(False, f"{rid}: held out with a stated tolerance, but not simulated as a held-out row")
            continue
        w = worst(row)
        tol = e["tolerance"]
        axes = ", ".join(f"{k} {100 * v:+.1f} %" for k, v in axis_errors(row).items())
        if e["expected"] == "within":
            check(w <= tol, f"{rid}: worst axis {100 * w:.1f} % against its tolerance {100 * tol:.0f} % ({axes})")
        else:
            check(w > tol, f"{rid}: known to miss its tolerance {100 * tol:.0f} %, and still does: {100 * w:.1f} % ({axes})")
            if e.get("bound") is not None:
                check(w <= e["bound"], f"{rid}: worst axis {100 * w:.1f} % against its drift bound {100 * e['bound']:.1f} %")
    for rid in sorted(set(simulated) - set(expected["held_out"])):
        check(False, f"{rid}: a held-out row without a stated tolerance (add it, or run scripts/validation/ci.sh --record)")
    for key, rep in (("held_out_counts", report), ("table_counts", table)):
        where = f"{'held-out rows' if rep is report else 'whole table'} at {rep['spacing_mm']} mm"
        counts = rep["counts"]
        for name in sorted(set(expected[key]) | set(counts)):
            e, c = expected[key].get(name), counts.get(name)
            if e is None or c is None:
                check(False, f"count {name} ({where}): {'not expected' if e is None else 'not in the report'}")
                continue
            outside = f" (outside: {', '.join(c['outside'])})" if c["outside"] else ""
            check((c["within"], c["rows"]) == (e["within"], e["rows"]),
                  f"count {name} ({where}): {c['within']} of {c['rows']} within target{outside} (expected {e['within']} of {e['rows']})")
    return passed, failed


def record(expected, report, table):
    rows = {}
    for rid, row in sorted(held_out_rows(report).items()):
        w = worst(row)
        old = expected.get("held_out", {}).get(rid)
        entry = dict(old) if old else {"tolerance": row["target"], "tolerance_source": DEFAULT_SOURCE}
        entry["expected"] = "within" if w <= entry["tolerance"] else "outside"
        entry.pop("bound", None); entry.pop("bound_source", None)
        if entry["expected"] == "outside":
            # A row known to miss its target is held to what was recorded, plus one voxel of its
            # worst published axis, so that it cannot drift further unseen.
            errors = axis_errors(row)
            axis = max(errors, key=lambda k: abs(errors[k]))
            # One voxel of the published axis; for a volume-only row, of its equal-volume sphere's diameter.
            size = (row["published"][axis + "_mm"] if axis in AXES
                    else (6 * 1000 * row["published"]["volume_ml"] / 3.141592653589793) ** (1 / 3))
            voxel = report["spacing_mm"] / size
            entry["bound"] = round(w + voxel, 3)
            entry["bound_source"] = (f"drift guard: the {axis.replace('_', ' ')} error recorded at {report['spacing_mm']} mm "
                                     f"({100 * w:.1f} %) plus one voxel of the published axis ({100 * voxel:.1f} %)")
        entry["measured"] = {k: round(v, 4) for k, v in axis_errors(row).items()}
        rows[rid] = entry
    for rid in set(expected.get("held_out", {})) - set(rows):
        print(f"note: {rid} dropped: no longer simulated as a held-out row")
    def counts(rep):
        return {k: {"rows": v["rows"], "within": v["within"], "outside": v["outside"]} for k, v in rep["counts"].items()}
    recorded = {"about": expected.get("about", ""),
                "held_out_spacing_mm": report["spacing_mm"], "table_spacing_mm": table["spacing_mm"],
                "held_out": rows, "held_out_counts": counts(report), "table_counts": counts(table)}
    return recorded


def main():
    if len(sys.argv) not in (4, 5) or (len(sys.argv) == 5 and sys.argv[4] != "--record"):
        sys.exit(__doc__)
    with open(sys.argv[1]) as f:
        expected = json.load(f)
    with open(sys.argv[2]) as f:
        report = json.load(f)
    with open(sys.argv[3]) as f:
        table = json.load(f)
    if len(sys.argv) == 5:
        recorded = record(expected, report, table)  # before the file is opened: a failure leaves it as it was
        with open(sys.argv[1], "w") as f:
            json.dump(recorded, f, indent=2)
            f.write("\n")
        print(f"recorded {sys.argv[1]}")
        return
    passed, failed = compare(expected, report, table)
    print(f"{len(passed)} passed, {len(failed)} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
