#!/usr/bin/env python3
"""The planner's preference near a vessel that caps the margin (docs/planning.md, "Vessel-capped
margin"): a 2.2 cm tumour 4.5 mm from a 10 mm vein, cap 5.0 mm. Among plans reaching the cap within
0.25 mm it must take the fewest insertions, then the least healthy tissue: one needle (measured 900 s,
24.5 mL), not the two needles of 1200 s and 89.4 mL it chose before the rule.
Usage: check_preference.py PLAN_DIR"""
import json
import sys

from tally import Tally

summary = json.load(open(f"{sys.argv[1]}/plan-summary.json"))
tally = Tally()
check = tally.check


check(summary["feasible"] is True, f"a plan is confirmed ({summary.get('reason')}: {summary.get('explanation', '')[:200]})")
plan = summary.get("plan", {})
if plan:
    check(plan["needle_insertions"] == 1, f"one insertion (got {plan['needle_insertions']})")
    target = plan["verified"]["targets"][0]
    cap = target["vessel_margin_cap_mm"]
    check(target["margin_capped_by_vessels"] == ["hepatic vein"], f"the margin is capped by the vein ({target['margin_capped_by_vessels']})")
    check(target["min_margin_mm"] >= cap - 0.25, f"verified margin {target['min_margin_mm']} mm reaches the cap {cap} mm within 0.25 mm")
    # Half-way between the one-needle plan (24.5 mL) and the two-needle plan the rule replaced (89.4 mL).
    healthy = plan["verified"]["healthy_ablated_ml"]
    check(healthy < 57, f"healthy tissue ablated {healthy} mL (one needle: 24.5 mL measured; two: 89.4 mL)")
tally.finish()
