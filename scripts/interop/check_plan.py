#!/usr/bin/env python3
"""An independent run of a plan confirms it: `ablsim run PLAN_DIR/plan.json` must give the margin that
plan-summary.json reports as verified, meet the preset's margin, cover every target and stay off the
grid's faces, and give the warnings plan-summary.json carries; the plan's clinical fields must agree with
its RAS positions.
Usage: check_plan.py PLAN_DIR RUN_DIR"""
import json
import math
import sys

from tally import Tally

plan_dir, run_dir = sys.argv[1], sys.argv[2]
plan = json.load(open(f"{plan_dir}/plan-summary.json"))
run = json.load(open(f"{run_dir}/summary.json"))
tally = Tally()
check = tally.check


check(plan.get("feasible") is True, "the plan is feasible")
margin = run["resolved_preset"]["margin_mm"]
verified = {t["name"]: t for t in plan["plan"]["verified"]["targets"]}
for t in run["targets"]:
    v = verified[t["name"]]
    check(t["complete"] and t["coverage_percent"] >= 100, f"{t['name']}: the independent run covers it")
    # The same preset on the same binary: the margin is reproduced exactly (printed to 1e-3 mm).
    check(abs(t["min_margin_mm"] - v["min_margin_mm"]) <= 1e-3,
          f"{t['name']}: independent margin {t['min_margin_mm']} mm = verified {v['min_margin_mm']} mm")
    capped = v.get("vessel_margin_cap_mm")
    needed = min(margin, capped) if capped is not None else margin
    check(t["min_margin_mm"] >= needed - 0.25, f"{t['name']}: margin {t['min_margin_mm']} mm meets {needed} mm")
check(run["ablation"]["touches_boundary"] is False, "the zone stays off the grid's faces")
# What the verified zone rests on travels with the plan: plan-summary.json's warnings are the run's.
check(plan.get("warnings") == run.get("warnings"), "plan-summary.json warnings are the independent run's",
      f"{plan.get('warnings')} against {run.get('warnings')}")
for a in plan["plan"]["applicators"]:
    tip, entry = a["tip_mm"], a["entry_mm"]
    check(a["tip_mm_lps"] == [-tip[0], -tip[1], tip[2]] and a["entry_mm_lps"] == [-entry[0], -entry[1], entry[2]],
          "LPS positions are the RAS ones with x and y negated")
    check(abs(a["depth_mm"] - math.dist(tip, entry)) <= 0.01, f"depth {a['depth_mm']} mm is the entry-to-tip distance")
tally.finish()
