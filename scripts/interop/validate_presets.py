#!/usr/bin/env python3
"""Validates presets/*.json against presets/schema.json (JSON Schema draft 2020-12).

Checks, each printed as one line:
  - the schema itself is a valid draft 2020-12 schema (Draft202012Validator.check_schema);
  - every presets/*.json except schema.json, and every presets/examples/*/*.json, validates (with format checking);
  - deliberately broken documents FAIL validation (unknown key, negative spacing, 2-element
    centre, unknown damage model, ...), so this script can fail when the schema is too loose;
  - a few edge-case documents that the decoder accepts also validate (schema not too strict);
  - documents that use every rfa electrode and control mode, and mwa, validate.
With --ablsim PATH, every case document is also given to `PATH check FILE`, and the exit status
must agree: 0 where the schema and decoder should both accept, 65 where both should reject, and
65 for documents valid per schema but refused by checks that need geometry (touching tines or needles, conductors beyond the grid) or that the schema cannot express (planning ranges with min > max, avoided regions that do not exist, rfa template keys of another electrode kind). The label_map
case then points at a small NIfTI label map written with nibabel into a temporary folder, and the segment
cases at a 3D Slicer-like layered .seg.nrrd (LPS) written with pynrrd.

Usage: python3 scripts/interop/validate_presets.py [--presets DIR] [--ablsim PATH]
Exit status 0 when every check passes, 1 otherwise. Last line: "N passed, M failed".
"""
import argparse
import copy
import json
import pathlib
import subprocess
import sys
import tempfile

from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError, best_match

from tally import Tally

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent


def minimal():
    """The smallest preset the decoder accepts: a coarse grid and one heat source."""
    return {
        "ablsim": 1,
        "grid": {"size_mm": [40, 40, 40], "spacing_mm": 2},
        "applicators": [{
            "type": "heat_source",
            "shape": {"type": "sphere", "center_mm": [0, 0, 0], "radius_mm": 6},
            "schedule": [{"duration_s": 60, "power_w": 2}],
        }],
    }


def with_target(doc):
    doc["regions"] = [{"name": "tumor", "material": "tumor", "target": True,
                       "shape": {"type": "sphere", "center_mm": [0, 0, 0], "radius_mm": 5}}]
    return doc


def mutate(fn):
    doc = with_target(minimal())
    fn(doc)
    return doc


PLAN_MWA = {"type": "mwa", "frequency_mhz": 2450, "device": "emprint", "power_w": [45, 100], "duration_s": [180, 600]}
PLANNING = {"applicators": [PLAN_MWA]}
PLAN_RFA = {"type": "rfa", "electrode": "cooled_tip", "power_w": [50, 200], "duration_s": [300, 720]}


# (label, document, expected schema verdict, expected `ablsim check` exit status)
def cases(label_map_path, seg_path):
    invalid = [
        ("unknown key grid.spcing_mm", lambda d: d["grid"].update(spcing_mm=1)),
        ("unknown top-level key", lambda d: d.update(colour="red")),
        ("negative grid.spacing_mm", lambda d: d["grid"].update(spacing_mm=-0.5)),
        ("grid.spacing_mm above 20", lambda d: d["grid"].update(spacing_mm=20.5)),
        ("grid.spacing_mm below 0.05", lambda d: d["grid"].update(spacing_mm=0.04)),
        ("grid.size_mm above 2000", lambda d: d["grid"].update(size_mm=[40, 40, 2001])),
        ("grid.size_mm zero", lambda d: d["grid"].update(size_mm=[40, 0, 40])),
        ("2-element regions.0.shape.center_mm", lambda d: d["regions"][0]["shape"].update(center_mm=[0, 0])),
        ("4-element grid.center_mm", lambda d: d["grid"].update(center_mm=[0, 0, 0, 0])),
        ("unknown damage.model", lambda d: d.update(damage={"model": "weibull"})),
        ("damage.threshold 0", lambda d: d.update(damage={"model": "arrhenius", "threshold": 0})),
        ("ablsim version 2", lambda d: d.update(ablsim=2)),
        ("unknown output format", lambda d: d.update(output={"formats": ["nifti", "mp4"]})),
        ("power_w above 10000", lambda d: d["applicators"][0]["schedule"][0].update(power_w=10001)),
        ("negative power_w", lambda d: d["applicators"][0]["schedule"][0].update(power_w=-1)),
        ("duration_s 0", lambda d: d["applicators"][0]["schedule"][0].update(duration_s=0)),
        ("duration_s above 86400", lambda d: d["applicators"][0]["schedule"][0].update(duration_s=86401)),
        ("empty schedule", lambda d: d["applicators"][0].update(schedule=[])),
        ("empty applicators", lambda d: d.update(applicators=[])),
        ("no applicators key", lambda d: d.pop("applicators")),
        ("missing grid", lambda d: d.pop("grid")),
        ("name starting with '.'", lambda d: d.update(name=".hidden")),
        ("name with '/'", lambda d: d.update(name="a/b")),
        ("sphere with an ellipsoid key", lambda d: d["regions"][0]["shape"].update(semi_axes_mm=[1, 2, 3])),
        ("unknown shape type", lambda d: d["regions"][0]["shape"].update(type="torus")),
        ("region without material", lambda d: d["regions"][0].pop("material")),
        ("perfusion_per_s above 1", lambda d: d.update(materials={"tumor": {"perfusion_per_s": 1.5}})),
        ("unknown material key", lambda d: d.update(materials={"tumor": {"perfusion": 0.001}})),
        ("conductivity_per_c above 0.01", lambda d: d.update(materials={"tumor": {"conductivity_per_c": 0.02}})),
        ("negative conductivity_per_c", lambda d: d.update(materials={"tumor": {"conductivity_per_c": -0.001}})),
        ("desiccated_conductivity_w_mk 0", lambda d: d.update(materials={"tumor": {"desiccated_conductivity_w_mk": 0}})),
        ("blood.temperature_c above 45", lambda d: d.update(blood={"temperature_c": 46})),
        ("boundary.type periodic", lambda d: d.update(boundary={"type": "periodic"})),
        ("time.dt_s above 60", lambda d: d.update(time={"dt_s": 61})),
        ("time.damage_interval_s 0", lambda d: d.update(time={"damage_interval_s": 0})),
        ("margin_mm above 50", lambda d: d.update(margin_mm=51)),
        ("negative seed", lambda d: d.update(seed=-1)),
        ("fractional seed", lambda d: d.update(seed=1.5)),
        ("seed 2^53", lambda d: d.update(seed=9007199254740992)),
        ("label_map without label", lambda d: d["regions"][0].update(shape={"type": "label_map", "path": label_map_path})),
        ("label_map with empty path", lambda d: d["regions"][0].update(shape={"type": "label_map", "path": "", "label": 3})),
        ("label_map label above 2^31-1", lambda d: d["regions"][0].update(
            shape={"type": "label_map", "path": label_map_path, "label": 2147483648})),
        ("target as string", lambda d: d["regions"][0].update(target="yes")),
        ("flow on a region that is no vessel", lambda d: d["regions"][0].update(flow={"model": "fixed"})),
        ("convective sphere vessel without diameter_mm", lambda d: d["regions"].append(
            {"material": "blood", "vessel": True, "flow": {"model": "convective"},
             "shape": {"type": "sphere", "center_mm": [8, 0, 0], "radius_mm": 2}})),
        ("flow.velocity_mm_s 0", lambda d: d["regions"].append(
            {"material": "blood", "vessel": True, "flow": {"velocity_mm_s": 0},
             "shape": {"type": "cylinder", "start_mm": [8, -9, 0], "end_mm": [8, 9, 0], "radius_mm": 1}})),
        ("unknown flow model", lambda d: d["regions"].append(
            {"material": "blood", "vessel": True, "flow": {"model": "turbulent"},
             "shape": {"type": "cylinder", "start_mm": [8, -9, 0], "end_mm": [8, 9, 0], "radius_mm": 1}})),
        ("thermal occlusion on a fixed vessel", lambda d: d["regions"].append(
            {"material": "blood", "vessel": True, "flow": {"model": "fixed", "occlusion": "thermal"},
             "shape": {"type": "cylinder", "start_mm": [8, -9, 0], "end_mm": [8, 9, 0], "radius_mm": 1}})),
        ("thrombus_reach_mm 11", lambda d: d["regions"].append(
            {"material": "blood", "vessel": True, "flow": {"thrombus_reach_mm": 11},
             "shape": {"type": "cylinder", "start_mm": [8, -9, 0], "end_mm": [8, 9, 0], "radius_mm": 1}})),
        ("thrombus_reach_mm on a vessel that never occludes", lambda d: d["regions"].append(
            {"material": "blood", "vessel": True, "flow": {"occlusion": "never", "thrombus_reach_mm": 1},
             "shape": {"type": "cylinder", "start_mm": [8, -9, 0], "end_mm": [8, 9, 0], "radius_mm": 1}})),
        ("unknown occlusion value", lambda d: d["regions"].append(
            {"material": "blood", "vessel": True, "flow": {"occlusion": "always"},
             "shape": {"type": "cylinder", "start_mm": [8, -9, 0], "end_mm": [8, 9, 0], "radius_mm": 1}})),
        ("flow.direction on a cylinder", lambda d: d["regions"].append(
            {"material": "blood", "vessel": True, "flow": {"direction": "from_trunk"},
             "shape": {"type": "cylinder", "start_mm": [8, -9, 0], "end_mm": [8, 9, 0], "radius_mm": 1}})),
        ("flow.trunk_mm on a fixed label map", lambda d: d["regions"].append(
            {"material": "blood", "vessel": True, "flow": {"model": "fixed", "trunk_mm": [0, 0, 0]},
             "shape": {"type": "label_map", "path": label_map_path, "label": 3}})),
        ("flow.diameter_mm on a convective label map", lambda d: d["regions"].append(
            {"material": "blood", "vessel": True, "flow": {"diameter_mm": 3},
             "shape": {"type": "label_map", "path": label_map_path, "label": 3}})),
        ("unknown flow.direction", lambda d: d["regions"].append(
            {"material": "blood", "vessel": True, "flow": {"direction": "upstream"},
             "shape": {"type": "label_map", "path": label_map_path, "label": 3}})),
        ("planning as an array", lambda d: d.update(planning=[])),
        ("planning rfa template with control.max_power_w", lambda d: d.update(planning=dict(PLANNING, applicators=[
            dict(PLAN_RFA, control={"mode": "impedance", "max_power_w": 200})]))),
        ("planning rfa template with tip_mm", lambda d: d.update(planning=dict(PLANNING, applicators=[
            dict(PLAN_RFA, tip_mm=[0, 0, 0])]))),
        ("planning rfa template with an unknown ramp", lambda d: d.update(planning=dict(PLANNING, applicators=[
            dict(PLAN_RFA, control={"mode": "impedance", "ramp": "steep"})]))),
        ("planning unknown key", lambda d: d.update(planning=dict(PLANNING, entrance={}))),
        ("planning.applicators empty", lambda d: d.update(planning=dict(PLANNING, applicators=[]))),
        ("planning.max_applicators 4", lambda d: d.update(planning=dict(PLANNING, max_applicators=4))),
        ("planning.clearance_mm negative", lambda d: d.update(planning=dict(PLANNING, clearance_mm=-1))),
        ("planning template power_w of 3 elements", lambda d: d.update(
            planning=dict(PLANNING, applicators=[dict(PLAN_MWA, power_w=[40, 60, 80])]))),
        ("planning template without duration_s", lambda d: d.update(
            planning=dict(PLANNING, applicators=[{k: v for k, v in PLAN_MWA.items() if k != "duration_s"}]))),
        ("planning template duration_s above 3600", lambda d: d.update(
            planning=dict(PLANNING, applicators=[dict(PLAN_MWA, duration_s=[60, 4000])]))),
        ("planning template frequency 900 MHz", lambda d: d.update(
            planning=dict(PLANNING, applicators=[dict(PLAN_MWA, frequency_mhz=900)]))),
        ("reference_zone without path", lambda d: d.update(reference_zone={"label": 3})),
        ("reference_zone unknown key", lambda d: d.update(reference_zone={"path": label_map_path, "label": 3, "lable": 3})),
        ("reference_zone label as string", lambda d: d.update(reference_zone={"path": label_map_path, "label": "3"})),
        ("label_map with label and segment", lambda d: d["regions"][0].update(
            shape={"type": "label_map", "path": seg_path, "label": 1, "segment": "Tumor"})),
        ("label_map with empty segment", lambda d: d["regions"][0].update(shape={"type": "label_map", "path": seg_path, "segment": ""})),
        ("label_map segment as number", lambda d: d["regions"][0].update(shape={"type": "label_map", "path": seg_path, "segment": 1})),
        ("reference_zone with label and segment", lambda d: d.update(reference_zone={"path": seg_path, "label": 1, "segment": "Tumor"})),
    ]
    for label, fn in invalid:
        yield label, mutate(fn), False, 65

    valid = [
        ("minimal preset", lambda d: d.pop("regions")),
        ("every implemented key", lambda d: d.update(
            name="all-keys", description="x", boundary={"type": "adiabatic", "temperature_c": 37},
            initial_temperature_c=36.5, background="liver",
            materials={"phantom": {"density_kg_m3": 1000, "specific_heat_j_kgk": 4180, "conductivity_w_mk": 0.6,
                                   "perfusion_per_s": 0, "metabolic_heat_w_m3": 0, "electrical_conductivity_s_m": 0.5,
                                   "water_content": 0.9, "linear": True, "conductivity_per_c": 0.0015,
                                   "desiccated_conductivity_w_mk": 0.3,
                                   "arrhenius": {"frequency_factor_per_s": 1e40, "activation_energy_j_mol": 2.6e5}}},
            blood={"temperature_c": 37, "density_kg_m3": 1050, "specific_heat_j_kgk": 3617},
            time={"cooldown_s": 30, "dt_s": 0.5, "damage_interval_s": 2},
            damage={"model": "isotherm", "threshold": 55}, margin_mm=0, output={"formats": ["nifti", "nifti"]},
            seed=9007199254740991)),
        ("cem43 without threshold", lambda d: d.update(damage={"model": "cem43"})),
        ("ellipsoid with axes, cylinder, box regions", lambda d: d["regions"].extend([
            {"material": "blood", "vessel": True,
             "shape": {"type": "cylinder", "start_mm": [10, -20, 0], "end_mm": [10, 20, 0], "radius_mm": 2}},
            {"material": "liver",
             "shape": {"type": "ellipsoid", "center_mm": [0, 5, 0], "semi_axes_mm": [4, 3, 2],
                       "axes": [[0, 1, 0], [-1, 0, 0], [0, 0, 1]]}},
            {"material": "tumor", "shape": {"type": "box", "min_mm": [-3, -3, -3], "max_mm": [3, 3, 3]}}])),
        ("boundary values", lambda d: (d["grid"].update(spacing_mm=20), d["grid"].update(size_mm=[140, 140, 140]),
                                       d["applicators"][0].update(shape={"type": "box", "min_mm": [-20, -20, -20], "max_mm": [20, 20, 20]}),
                                       d["applicators"][0]["schedule"][0].update(power_w=10000, duration_s=86400),
                                       d.update(margin_mm=50, time={"cooldown_s": 86400, "damage_interval_s": 10}))),
        ("empty output.formats", lambda d: d.update(output={"formats": []})),
        ("conductivity law bounds", lambda d: d.update(materials={"tumor": {"conductivity_per_c": 0.01, "desiccated_conductivity_w_mk": 0.01},
                                                                  "liver": {"conductivity_per_c": 0}})),
        ("vessel flow models", lambda d: d["regions"].extend([
            {"material": "blood", "vessel": True, "flow": {"model": "fixed", "occlusion": "never"},
             "shape": {"type": "cylinder", "start_mm": [8, -9, 0], "end_mm": [8, 9, 0], "radius_mm": 1}},
            {"material": "blood", "vessel": True, "flow": {"velocity_mm_s": 80, "diameter_mm": 2.5, "occlusion": "thermal", "thrombus_reach_mm": 0},
             "shape": {"type": "cylinder", "start_mm": [-8, -9, 0], "end_mm": [-8, 9, 0], "radius_mm": 1}},
            {"material": "blood", "vessel": True, "flow": {"model": "convective", "diameter_mm": 3},
             "shape": {"type": "sphere", "center_mm": [0, 8, 0], "radius_mm": 1.5}}])),
        ("label_map region", lambda d: d["regions"][0].update(
            shape={"type": "label_map", "path": label_map_path, "label": 3})),
        ("label_map vessel tree", lambda d: d["regions"].append(
            {"material": "blood", "vessel": True,
             "flow": {"direction": "from_trunk", "velocity_mm_s": 100, "occlusion": "thermal", "thrombus_reach_mm": 1},
             "shape": {"type": "label_map", "path": label_map_path, "label": 3}})),
        ("fixed label_map vessel", lambda d: d["regions"].append(
            {"material": "blood", "vessel": True, "flow": {"model": "fixed"},
             "shape": {"type": "label_map", "path": label_map_path, "label": 3}})),
        ("planning block with every key", lambda d: d.update(planning=dict(
            PLANNING, max_applicators=3, clearance_mm=0, avoid=["tumor"],
            entry={"type": "box", "min_mm": [-20, -20, 15], "max_mm": [20, 20, 20]}))),
        ("planning template at 915 MHz", lambda d: d.update(
            planning=dict(PLANNING, applicators=[dict(PLAN_MWA, frequency_mhz=915, device="generic")]))),
        ("planning rfa template", lambda d: d.update(planning=dict(PLANNING, applicators=[PLAN_RFA]))),
        ("planning rfa cluster template with every key", lambda d: d.update(planning=dict(PLANNING, applicators=[
            dict(PLAN_RFA, electrode="cluster", spacing_mm=6, active_length_mm=25, diameter_mm=1.5, coolant_temperature_c=10,
                 control={"mode": "impedance", "ramp": "leveen", "start_power_w": 40}, update_interval_s=2, return_path_ohm=10)]))),
        ("planning rfa multi-tine template with temperature control", lambda d: d.update(planning=dict(PLANNING, applicators=[
            dict(PLAN_RFA, electrode="multi_tine", diameter_mm=2.1, tines=10, deployed_diameter_mm=30, tine_shape="star",
                 control={"mode": "temperature", "target_c": 95})]))),
        ("reference_zone", lambda d: d.update(reference_zone={"path": label_map_path, "label": 3})),
        ("label_map segment of a 3D Slicer .seg.nrrd", lambda d: d["regions"][0].update(
            shape={"type": "label_map", "path": seg_path, "segment": "Tumor"})),
        ("reference_zone segment", lambda d: d.update(reference_zone={"path": seg_path, "segment": "Liver"})),
        # Placing the applicators is the planner's work.
        ("empty applicators with a planning block", lambda d: d.update(applicators=[], planning=PLANNING)),
        ("no applicators key with a planning block", lambda d: (d.pop("applicators"), d.update(planning=PLANNING))),
    ]
    for label, fn in valid:
        yield label, mutate(fn), True, 0

    mwa = {"type": "mwa", "frequency_mhz": 2450, "tip_mm": [0, 0, -10], "entry_mm": [0, 0, 60],
           "schedule": [{"duration_s": 300, "power_w": 100}]}
    rfa = {"type": "rfa", "electrode": "cooled_tip", "active_length_mm": 30, "diameter_mm": 1.5,
           "coolant_temperature_c": 10, "tip_mm": [0, 0, -15], "entry_mm": [0, 0, 60],
           "control": {"mode": "impedance", "max_power_w": 200}, "duration_s": 720}
    multi_tine = {"type": "rfa", "electrode": "multi_tine", "diameter_mm": 2.1, "tines": 12, "deployed_diameter_mm": 30,
                  "tip_mm": [0, 0, 10], "entry_mm": [0, 0, 60],
                  "control": {"mode": "impedance", "max_power_w": 90}, "duration_s": 720}
    cluster = dict(rfa, electrode="cluster", spacing_mm=5)
    leveen = {"type": "rfa", "device": "leveen", "deployed_diameter_mm": 30, "tip_mm": [0, 0, 10], "entry_mm": [0, 0, 60]}
    starburst = {"type": "rfa", "device": "starburst", "deployed_diameter_mm": 30, "tip_mm": [0, 0, 10], "entry_mm": [0, 0, 60]}
    implemented = [
        ("rfa applicator", lambda d: d.update(applicators=[rfa])),
        ("rfa multi-tine electrode", lambda d: d.update(applicators=[multi_tine])),
        ("rfa multi-tine star with every key", lambda d: d.update(applicators=[dict(multi_tine, tine_shape="star", tine_diameter_mm=0.5)])),
        ("rfa multi-tine temperature control", lambda d: d.update(applicators=[dict(multi_tine, control={"mode": "temperature", "target_c": 95, "max_power_w": 100})])),
        ("rfa cluster electrode", lambda d: d.update(applicators=[cluster])),
        ("rfa cluster with default spacing", lambda d: d.update(applicators=[dict(rfa, electrode="cluster")])),
        ("rfa multi-tine leveen ramp with start power and return path", lambda d: d.update(applicators=[dict(multi_tine, return_path_ohm=30, control={"mode": "impedance", "max_power_w": 90, "ramp": "leveen", "start_power_w": 40})])),
        ("rfa generic ramp named", lambda d: d.update(applicators=[dict(rfa, control={"mode": "impedance", "max_power_w": 200, "ramp": "generic"})])),
        ("rfa generic roll_off_ohm", lambda d: d.update(applicators=[dict(rfa, control={"mode": "impedance", "max_power_w": 200, "roll_off_ohm": 20})])),
        ("rfa leveen device with its protocol", lambda d: d.update(applicators=[leveen])),
        ("rfa cool_tip cluster device restating its values", lambda d: d.update(applicators=[dict(
            {k: v for k, v in cluster.items() if k not in ("control", "duration_s")}, device="cool_tip", active_length_mm=25)])),
        ("rfa starburst device with less power", lambda d: d.update(applicators=[dict(starburst, control={"mode": "temperature", "target_c": 105, "max_power_w": 150})])),
        ("mwa applicator", lambda d: d.update(applicators=[mwa])),
        ("mwa emprint with update interval", lambda d: d.update(applicators=[dict(mwa, device="emprint", update_interval_s=2)])),
    ]
    for label, fn in implemented:
        yield label, mutate(fn), True, 0

    # Valid per schema, refused by the decoder: checks that need geometry (exit 65).
    beyond_schema = [
        # The schema cannot read the file: segment on a NIfTI, or a name the segmentation lacks.
        ("label_map segment on a NIfTI", lambda d: d["regions"][0].update(
            shape={"type": "label_map", "path": label_map_path, "segment": "Tumor"})),
        ("label_map unknown segment name", lambda d: d["regions"][0].update(
            shape={"type": "label_map", "path": seg_path, "segment": "Tumour"})),
        ("rfa multi-tine tines that touch", lambda d: d.update(applicators=[dict(multi_tine, tines=16, tine_diameter_mm=1)])),
        ("rfa cluster needles that touch", lambda d: d.update(applicators=[dict(cluster, spacing_mm=2, diameter_mm=2)])),
        ("rfa multi-tine tines beyond the grid", lambda d: d.update(applicators=[dict(multi_tine, deployed_diameter_mm=50)])),
        ("rfa leveen start power above max power", lambda d: d.update(applicators=[dict(multi_tine, control={"mode": "impedance", "max_power_w": 50, "ramp": "leveen", "start_power_w": 60})])),
        # What a named device does not have (sizes, counts, powers per device) is the decoder's to refuse.
        ("rfa leveen device with a size not sold", lambda d: d.update(applicators=[dict(leveen, deployed_diameter_mm=25)])),
        ("rfa leveen device with 8 tines", lambda d: d.update(applicators=[dict(leveen, tines=8)])),
        ("rfa cool_tip device with a 25 mm single tip", lambda d: d.update(applicators=[dict(rfa, device="cool_tip", active_length_mm=25)])),
        ("rfa cool_tip device above its generator's 200 W", lambda d: d.update(applicators=[dict(rfa, device="cool_tip", control={"mode": "impedance", "max_power_w": 250})])),
        ("rfa starburst device under impedance control", lambda d: d.update(applicators=[dict(starburst, control={"mode": "impedance", "max_power_w": 100})])),
        # The schema cannot compare two array elements or look up region names.
        ("planning template power_w [80, 40]", lambda d: d.update(
            planning=dict(PLANNING, applicators=[dict(PLAN_MWA, power_w=[80, 40])]))),
        ("planning.avoid names no region", lambda d: d.update(planning=dict(PLANNING, avoid=["vein"]))),
        # An rfa template is checked by the decoder as an applicator of its electrode kind.
        ("planning rfa template spacing_mm on a cooled tip", lambda d: d.update(planning=dict(PLANNING, applicators=[
            dict(PLAN_RFA, spacing_mm=5)]))),
        ("planning rfa template temperature control on a cooled tip", lambda d: d.update(planning=dict(PLANNING, applicators=[
            dict(PLAN_RFA, control={"mode": "temperature", "target_c": 90})]))),
        ("planning rfa cluster template with needles that touch", lambda d: d.update(planning=dict(PLANNING, applicators=[
            dict(PLAN_RFA, electrode="cluster", spacing_mm=2, diameter_mm=2)]))),
    ]
    for label, fn in beyond_schema:
        yield label, mutate(fn), True, 65

    contract_invalid = [
        ("rfa generic electrode without control", lambda d: d.update(applicators=[{k: v for k, v in rfa.items() if k != "control"}])),
        ("rfa generic electrode without duration_s", lambda d: d.update(applicators=[{k: v for k, v in rfa.items() if k != "duration_s"}])),
        ("rfa unknown device", lambda d: d.update(applicators=[dict(rfa, device="medtronic")])),
        ("rfa roll_off_ohm above 500", lambda d: d.update(applicators=[dict(rfa, control={"mode": "impedance", "max_power_w": 200, "roll_off_ohm": 600})])),
        ("rfa temperature control on a cooled tip", lambda d: d.update(applicators=[dict(rfa, control={"mode": "temperature", "target_c": 90, "max_power_w": 100})])),
        ("rfa temperature target above 120 C", lambda d: d.update(applicators=[dict(multi_tine, control={"mode": "temperature", "target_c": 150, "max_power_w": 100})])),
        ("rfa multi-tine without deployed_diameter_mm", lambda d: d.update(applicators=[{k: v for k, v in multi_tine.items() if k != "deployed_diameter_mm"}])),
        ("rfa multi-tine with active_length_mm", lambda d: d.update(applicators=[dict(multi_tine, active_length_mm=30)])),
        ("rfa multi-tine with 20 tines", lambda d: d.update(applicators=[dict(multi_tine, tines=20)])),
        ("rfa multi-tine deployed 80 mm", lambda d: d.update(applicators=[dict(multi_tine, deployed_diameter_mm=80)])),
        ("rfa multi-tine unknown tine shape", lambda d: d.update(applicators=[dict(multi_tine, tine_shape="hook")])),
        ("rfa tines on a cooled tip", lambda d: d.update(applicators=[dict(rfa, tines=10)])),
        ("rfa spacing_mm on a cooled tip", lambda d: d.update(applicators=[dict(rfa, spacing_mm=5)])),
        ("rfa negative power", lambda d: d.update(applicators=[dict(rfa, control={"mode": "constant_power", "power_w": -5})])),
        ("mwa frequency 1000 MHz", lambda d: d.update(applicators=[dict(mwa, frequency_mhz=1000)])),
        ("mwa amica at 915 MHz", lambda d: d.update(applicators=[dict(mwa, device="amica", frequency_mhz=915)])),
        ("mwa unknown device", lambda d: d.update(applicators=[dict(mwa, device="acme")])),
        ("rfa unknown impedance ramp", lambda d: d.update(applicators=[dict(rfa, control={"mode": "impedance", "max_power_w": 50, "ramp": "stepwise"})])),
        ("rfa start power without leveen ramp", lambda d: d.update(applicators=[dict(rfa, control={"mode": "impedance", "max_power_w": 50, "start_power_w": 20})])),
        ("rfa ramp on constant power", lambda d: d.update(applicators=[dict(rfa, control={"mode": "constant_power", "power_w": 50, "ramp": "leveen"})])),
        ("rfa negative return path", lambda d: d.update(applicators=[dict(rfa, return_path_ohm=-5)])),
        ("rfa unknown control mode", lambda d: d.update(applicators=[dict(rfa, control={"mode": "pulsed", "power_w": 50})])),
    ]
    for label, fn in contract_invalid:
        yield label, mutate(fn), False, 65


def write_label_map(folder):
    """A 20^3 uint8 label map of 2 mm voxels centred on the origin, label 3 in a central cube."""
    import nibabel as nib
    import numpy as np
    data = np.zeros((20, 20, 20), dtype=np.uint8)
    data[7:13, 7:13, 7:13] = 3
    affine = np.diag([2.0, 2.0, 2.0, 1.0])
    affine[:3, 3] = -19.0
    img = nib.Nifti1Image(data, affine)
    img.set_qform(affine, code=1)
    img.set_sform(affine, code=1)
    path = pathlib.Path(folder) / "labels.nii.gz"
    nib.save(img, str(path))
    return str(path)


def write_seg_nrrd(folder):
    """A 3D Slicer-like layered segmentation written with pynrrd: LPS, 20^3 voxels of 2 mm centred on the
    origin, layer 0 "Liver" (label 1, everything), layer 1 "Tumor" (label 1, a central cube)."""
    import nrrd
    import numpy as np
    data = np.zeros((2, 20, 20, 20), dtype=np.uint8)
    data[0] = 1
    data[1, 7:13, 7:13, 7:13] = 1
    header = {"type": "unsigned char", "dimension": 4, "space": "left-posterior-superior",
              "kinds": ["list", "domain", "domain", "domain"], "encoding": "gzip",
              "space directions": np.array([[np.nan] * 3, [-2.0, 0, 0], [0, -2.0, 0], [0, 0, 2.0]]),
              "space origin": np.array([19.0, 19.0, -19.0]),
              "Segment0_ID": "Segment_1", "Segment0_Name": "Liver", "Segment0_LabelValue": "1", "Segment0_Layer": "0",
              "Segment1_ID": "Segment_2", "Segment1_Name": "Tumor", "Segment1_LabelValue": "1", "Segment1_Layer": "1"}
    path = pathlib.Path(folder) / "segmentation.seg.nrrd"
    nrrd.write(str(path), data, header)
    return str(path)


def explain(error):
    """The most telling error: inside a oneOf over shapes, applicators or control modes, the errors of
    the branch whose discriminator (type / mode) matched."""
    if error.validator == "oneOf" and error.context:
        branches = {}
        for c in error.context:
            branches.setdefault(c.relative_schema_path[0], []).append(c)
        matching = [errs for errs in branches.values()
                    if not any(c.validator == "const" and list(c.relative_path) in (["type"], ["mode"]) for c in errs)]
        if len(matching) == 1:
            return explain(best_match(matching[0]))
    return error


def ablsim_check(binary, doc):
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(doc, f)
        path = f.name
    try:
        p = subprocess.run([binary, "check", path], capture_output=True, text=True, timeout=120)
        return p.returncode, (p.stderr.strip().splitlines() or [""])[-1]
    finally:
        pathlib.Path(path).unlink()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--presets", default=str(ROOT / "presets"), help="folder holding schema.json and the presets")
    ap.add_argument("--ablsim", help="ablsim binary: also require `ablsim check` to agree on every case")
    args = ap.parse_args()
    folder = pathlib.Path(args.presets)
    t = Tally()

    schema = json.loads((folder / "schema.json").read_text())
    try:
        Draft202012Validator.check_schema(schema)
        t.check(True, "schema.json is a valid draft 2020-12 schema")
    except SchemaError as e:
        t.check(False, "schema.json is a valid draft 2020-12 schema", e.message)
        print(f"{t.passed} passed, {t.failed} failed")
        return 1
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)

    def errors(doc):
        return sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))

    def where(e):
        return ".".join(str(p) for p in e.absolute_path) or "(root)"

    presets = sorted(p for p in folder.glob("*.json") if p.name != "schema.json")
    t.check(len(presets) > 0, f"found {len(presets)} preset(s) in {folder}")
    for p in presets:
        try:
            doc = json.loads(p.read_text())
        except json.JSONDecodeError as e:
            t.check(False, f"{p.name} is valid JSON", str(e))
            continue
        errs = errors(doc)
        t.check(not errs, f"{p.name} validates", "; ".join(f"{where(e)}: {e.message}" for e in errs[:5]))
        if args.ablsim:
            rc, msg = ablsim_check(args.ablsim, doc)
            t.check(rc == 0, f"{p.name}: ablsim check exits 0", f"exit {rc}: {msg}")

    # Example cases beside their segmentation files: checked in place, where their relative paths resolve.
    for p in sorted(folder.glob("examples/*/*.json")):
        name = str(p.relative_to(folder))
        errs = errors(json.loads(p.read_text()))
        t.check(not errs, f"{name} validates", "; ".join(f"{where(e)}: {e.message}" for e in errs[:5]))
        if args.ablsim:
            r = subprocess.run([args.ablsim, "check", str(p)], capture_output=True, text=True, timeout=120)
            t.check(r.returncode == 0, f"{name}: ablsim check exits 0",
                    f"exit {r.returncode}: {(r.stderr.strip().splitlines() or [''])[-1]}")

    tmp = tempfile.TemporaryDirectory()
    label_map_path = write_label_map(tmp.name) if args.ablsim else "segmentation.nii.gz"
    seg_path = write_seg_nrrd(tmp.name) if args.ablsim else "segmentation.seg.nrrd"
    for label, doc, schema_ok, decoder_rc in cases(label_map_path, seg_path):
        errs = errors(doc)
        if schema_ok:
            t.check(not errs, f"case '{label}' validates",
                    "; ".join(f"{where(e)}: {e.message}" for e in errs[:3]))
        else:
            best = explain(best_match(errs)) if errs else None
            first = f" ({where(best)}: {best.message[:90]})" if best else ""
            t.check(bool(errs), f"case '{label}' is rejected{first}", "the schema accepted it")
        if args.ablsim:
            rc, msg = ablsim_check(args.ablsim, doc)
            t.check(rc == decoder_rc, f"case '{label}': ablsim check exits {decoder_rc}", f"exit {rc}: {msg}")

    print(f"{t.passed} passed, {t.failed} failed")
    return 0 if t.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
