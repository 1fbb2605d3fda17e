#!/usr/bin/env python3
"""Re-evaluates one fitting objective of validation/fits.json on its own rows.

    scripts/calibration/refit.py FIT [ABLSIM]        e.g. refit.py cool-tip-roll-off .build/release/ablsim

For each value the fit tried (fits.json `rerun.values`, applied with `rerun.set` as `ablsim validate
--set`), or once with the shipped model when the fitted numbers are not preset keys, it writes the
fit's rows (and only them) to a temporary table, runs `ablsim validate --data TABLE --spacing S --json`
at the fit's spacing and prints the objective the fit minimised: the sum of squared relative errors
of every published axis, with the worst axis and how many axes are above 12 % (the microwave fits'
penalty threshold). The rows come from fits.json, so a fit can only ever see the rows it lists; the
test suite checks that none of them is marked held_out.
"""
import csv, io, json, pathlib, subprocess, sys, tempfile

root = pathlib.Path(__file__).resolve().parent.parent.parent


def main():
    if len(sys.argv) not in (2, 3):
        sys.exit(__doc__)
    fits = {f["id"]: f for f in json.loads((root / "validation/fits.json").read_text())["fits"]}
    if sys.argv[1] not in fits:
        sys.exit(f"unknown fit {sys.argv[1]}; fits: {', '.join(fits)}")
    fit = fits[sys.argv[1]]
    ablsim = sys.argv[2] if len(sys.argv) == 3 else str(root / ".build/release/ablsim")
    table = (root / "validation/device-zones-training.csv").read_text(encoding="utf-8")
    records = list(csv.reader(io.StringIO(table)))
    wanted = set(fit["rows"])
    kept = [records[0]] + [r for r in records[1:] if r and r[0] in wanted]
    missing = wanted - {r[0] for r in kept[1:]}
    if missing:
        sys.exit(f"{fit['id']}: rows not in the table: {', '.join(sorted(missing))}")
    rerun = fit["rerun"]
    values = rerun.get("values", [None])
    print(f"{fit['id']}: {fit['objective']}; {len(wanted)} rows at {fit['spacing_mm']} mm")
    with tempfile.TemporaryDirectory() as tmp:
        data = pathlib.Path(tmp) / "rows.csv"
        with data.open("w", newline="", encoding="utf-8") as f:
            csv.writer(f).writerows(kept)
        for value in values:
            overrides = [] if value is None else [s.replace("{value}", json.dumps(value)) for s in rerun["set"]]
            command = [ablsim, "validate", "--data", str(data), "--spacing", str(fit["spacing_mm"]), "--json"]
            for o in overrides:
                command += ["--set", o]
            report = json.loads(subprocess.run(command, check=True, capture_output=True, text=True).stdout)
            errors = [e for row in report["rows"] for e in row["error"].values() if e is not None]
            squared = sum(e * e for e in errors)
            worst = max((abs(e) for e in errors), default=0)
            above = sum(abs(e) > 0.12 for e in errors)
            label = "shipped model" if value is None else f"value {value}"
            print(f"  {label}: squared error {squared:.4f} over {len(errors)} axes, worst {100 * worst:.1f} %, above 12 %: {above}")


if __name__ == "__main__":
    main()
