#!/usr/bin/env python3
"""Re-reads every output of one `ablsim run` with independent readers and checks it against
summary.json, the preset and the contract (docs/preset-format.md).

Usage: python3 scripts/interop/check_outputs.py OUT_DIR PRESET_JSON

PRESET_JSON is the preset file the run was given (its bytes must hash to summary.json
preset_sha256). Each check prints one line: "PASS ...", "FAIL ...: detail", or "n/a ...: why" for a
check that does not apply to this run (an output format the preset did not request, a region centre
outside the grid). A requested output that is missing is a failure, never a skip. The last line is
"N passed, M failed, K not applicable"; the exit status is 1 when any check failed, else 0.

Frames: NIfTI and the preset are RAS+ millimetres; ITK (SimpleITK) reports LPS, so x and y flip
sign: origin_itk = (-ox, -oy, oz), direction diag(-1, -1, 1).
"""
import argparse
import csv
import hashlib
import json
import math
import pathlib
import sys
import traceback

import numpy as np

HERE = pathlib.Path(__file__).resolve().parent
SCHEMA = HERE.parent.parent / "presets" / "schema.json"

NIFTI_DTYPES = {
    "necrosis.nii.gz": np.uint8,
    "temperature_max.nii.gz": np.float32,
    "damage.nii.gz": np.float32,
    "labels.nii.gz": np.uint8,
}
LPS = np.array([-1.0, -1.0, 1.0])


class Tally:
    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.not_applicable = 0

    def check(self, ok, label, detail=""):
        ok = bool(ok)
        if ok:
            self.passed += 1
            print(f"PASS {label}" + (f" ({detail})" if detail else ""))
        else:
            self.failed += 1
            print(f"FAIL {label}" + (f": {detail}" if detail else ""))
        return ok

    def not_applicable(self, label):
        """A check that does not apply to this run; counted apart, never as a pass."""
        self.not_applicable += 1
        print(f"n/a {label}")

    def crash(self, label, error):
        self.check(False, label, f"{type(error).__name__}: {error}")
        traceback.print_exc(limit=3, file=sys.stdout)


def fmt(v):
    return np.array2string(np.asarray(v, dtype=float), precision=6, separator=", ")


# ---------------------------------------------------------------- geometry of preset shapes

def shape_center(shape, preset_dir):
    """The stated centre of a shape in RAS mm (label maps: centroid of the label's voxels)."""
    t = shape["type"]
    if t in ("sphere", "ellipsoid"):
        return np.array(shape["center_mm"], float)
    if t == "cylinder":
        return (np.array(shape["start_mm"], float) + np.array(shape["end_mm"], float)) / 2
    if t == "box":
        return (np.array(shape["min_mm"], float) + np.array(shape["max_mm"], float)) / 2
    if t == "label_map":
        import nibabel as nib
        path = pathlib.Path(shape["path"])
        if not path.is_absolute():
            path = preset_dir / path
        img = nib.load(str(path))
        ijk = np.argwhere(np.asanyarray(img.dataobj) == shape["label"])
        if len(ijk) == 0:
            raise ValueError(f"label {shape['label']} does not occur in {path}")
        return (img.affine @ np.append(ijk.mean(axis=0), 1.0))[:3]
    raise ValueError(f"unknown shape type {t!r}")


def shape_level(shape, p):
    """<= 1 inside the shape, > 1 outside (None for label maps)."""
    t = shape["type"]
    if t == "sphere":
        return np.linalg.norm(p - np.array(shape["center_mm"], float)) / shape["radius_mm"]
    if t == "ellipsoid":
        axes = np.array(shape.get("axes", np.eye(3)), float)
        d = p - np.array(shape["center_mm"], float)
        return math.sqrt(sum((np.dot(d, axes[n]) / shape["semi_axes_mm"][n]) ** 2 for n in range(3)))
    if t == "cylinder":
        s, e = np.array(shape["start_mm"], float), np.array(shape["end_mm"], float)
        axis = e - s
        u = np.dot(p - s, axis) / np.dot(axis, axis)
        radial = np.linalg.norm(p - (s + u * axis))
        return max(abs(u - 0.5) * 2, radial / shape["radius_mm"])
    if t == "box":
        lo, hi = np.array(shape["min_mm"], float), np.array(shape["max_mm"], float)
        return float(np.max(np.abs(p - (lo + hi) / 2) / ((hi - lo) / 2)))
    return None


def first_target(preset):
    for n, region in enumerate(preset.get("regions", [])):
        if region.get("target", False):
            return n, region
    return None, None


# ---------------------------------------------------------------- checks

def check_summary(t, out, summary, preset_path, preset, resolved):
    required = ["ablsim_version", "preset_name", "preset_sha256", "resolved_preset", "grid", "simulated_time_s",
                "time_steps", "wall_time_s", "ablation", "targets", "max_temperature_c", "applicators", "warnings"]
    missing = [k for k in required if k not in summary]
    t.check(not missing, "summary.json has the contract's top-level keys", f"missing {missing}" if missing else "")
    grid = summary.get("grid", {})
    missing = [k for k in ("shape", "spacing_mm", "origin_mm") if k not in grid]
    t.check(not missing, "summary.json grid has shape, spacing_mm, origin_mm", f"missing {missing}" if missing else "")
    abl = summary.get("ablation", {})
    missing = [k for k in ("volume_ml", "long_axis_mm", "short_axis_mm", "sphericity") if k not in abl]
    t.check(not missing, "summary.json ablation has volume_ml, long_axis_mm, short_axis_mm, sphericity",
            f"missing {missing}" if missing else "")
    targets = summary.get("targets", [])
    keys = ("name", "volume_ml", "coverage_percent", "min_margin_mm", "complete", "complete_with_margin")
    bad = [n for n, x in enumerate(targets) if not all(k in x for k in keys)]
    n_targets = sum(1 for r in resolved.get("regions", []) if r.get("target"))
    t.check(isinstance(targets, list) and not bad and len(targets) == n_targets,
            f"summary.json targets[]: {len(targets)} entr{'y' if len(targets) == 1 else 'ies'} with {', '.join(keys)}",
            f"entries missing keys: {bad}; expected {n_targets} targets" if bad or len(targets) != n_targets else "")
    apps = summary.get("applicators", [])
    ok = isinstance(apps, list) and len(apps) == len(resolved.get("applicators", [])) and all(
        isinstance(a.get("delivered_energy_j"), (int, float)) for a in apps)
    ok = ok and all("final_impedance_ohm" in a for a, r in zip(apps, resolved.get("applicators", [])) if r.get("type") == "rfa")
    t.check(ok, f"summary.json applicators[]: one per applicator with delivered_energy_j", json.dumps(apps)[:200])
    t.check(isinstance(summary.get("warnings"), list), "summary.json warnings is a list",
            "; ".join(summary.get("warnings", []))[:300] if isinstance(summary.get("warnings"), list) else "")
    numbers = ["simulated_time_s", "time_steps", "wall_time_s", "max_temperature_c"]
    bad = [k for k in numbers if not isinstance(summary.get(k), (int, float)) or isinstance(summary.get(k), bool)]
    t.check(not bad, "summary.json simulated_time_s, time_steps, wall_time_s, max_temperature_c are numbers",
            f"not numbers: {bad}" if bad else "")
    t.check(isinstance(summary.get("ablsim_version"), str) and summary.get("ablsim_version"),
            "summary.json ablsim_version is a non-empty string", repr(summary.get("ablsim_version")))

    digest = hashlib.sha256(preset_path.read_bytes()).hexdigest()
    t.check(summary.get("preset_sha256") == digest, "preset_sha256 equals sha256 of the preset file bytes",
            f"summary {summary.get('preset_sha256')} vs file {digest}")
    t.check(summary.get("preset_name") == resolved.get("name"), "preset_name equals resolved_preset.name",
            f"{summary.get('preset_name')!r} vs {resolved.get('name')!r}")
    t.check(resolved.get("name") == preset.get("name", "ablsim-run"), "resolved_preset.name equals the preset file's name",
            f"{resolved.get('name')!r} vs {preset.get('name', 'ablsim-run')!r}")
    # An rfa applicator's treatment is its generator's duration_s plus, for cooled needles, the
    # pump-off check (pump_off_s) and any track ablation's withdrawal (length_mm / speed_mm_s);
    # both are extensions.
    def rfa_time(a):
        track = a.get("track_ablation")
        withdrawal = track["length_mm"] / track["speed_mm_s"] if track else 0
        return a.get("duration_s", 0) + a.get("pump_off_s", 0) + withdrawal
    total = max(sum(p["duration_s"] for p in a.get("schedule", [])) if "schedule" in a else rfa_time(a)
                for a in resolved.get("applicators", [{}])) + resolved.get("time", {}).get("cooldown_s", 0)
    t.check(abs(summary.get("simulated_time_s", -1) - total) <= 1e-6 * max(1, total),
            "simulated_time_s equals the longest schedule (with any pump_off_s and track withdrawal) plus cooldown_s", f"{summary.get('simulated_time_s')} vs {total}")

    # Independent grid: voxel count = round(size / spacing), centres symmetric about center_mm.
    g = resolved["grid"]
    s = float(g["spacing_mm"])
    n = np.maximum(1, np.floor(np.array(g["size_mm"], float) / s + 0.5)).astype(int)
    origin = np.array(g.get("center_mm", [0, 0, 0]), float) - (n - 1) * s / 2
    ok = list(n) == list(grid.get("shape", [])) and abs(grid.get("spacing_mm", -1) - s) < 1e-12 and np.allclose(
        grid.get("origin_mm", [np.nan] * 3), origin, atol=1e-6)
    t.check(ok, "summary.json grid agrees with resolved_preset.grid (round(size/spacing), centred)",
            f"summary shape {grid.get('shape')} origin {grid.get('origin_mm')} vs computed {[int(x) for x in n]} {fmt(origin)}")

    listed = summary.get("outputs")
    if isinstance(listed, list):
        present = sorted(p.name for p in out.iterdir())
        t.check(sorted(listed) == present, "summary.json outputs lists exactly the files in OUT_DIR",
                f"listed {sorted(listed)} vs present {present}")

    if SCHEMA.exists():
        try:
            from jsonschema import Draft202012Validator
            v = Draft202012Validator(json.loads(SCHEMA.read_text()), format_checker=Draft202012Validator.FORMAT_CHECKER)
            errs = list(v.iter_errors(resolved))
            t.check(not errs, "resolved_preset validates against presets/schema.json",
                    "; ".join(f"{'.'.join(map(str, e.absolute_path))}: {e.message}" for e in errs[:3]))
        except ImportError as e:
            t.crash("resolved_preset validates against presets/schema.json", e)
    else:
        t.check(False, "resolved_preset validates against presets/schema.json", f"{SCHEMA} not found")


def check_nifti(t, out, summary, resolved, target_point, target_label):
    import nibabel as nib
    grid = summary["grid"]
    shape = tuple(int(x) for x in grid["shape"])
    s = float(grid["spacing_mm"])
    origin = np.array(grid["origin_mm"], float)
    expected = np.diag([s, s, s, 1.0])
    expected[:3, 3] = origin
    images = {}
    formats = resolved.get("output", {}).get("formats", [])
    names = sorted(set(NIFTI_DTYPES) | {p.name for p in out.glob("*.nii.gz")})
    for name in names:
        path = out / name
        if not path.exists():
            if "nifti" in formats:
                t.check(False, f"{name} written (output.formats requests nifti)", "missing")
            else:
                t.not_applicable(f"{name}: output.formats does not request nifti")
            continue
        try:
            img = nib.load(str(path))
            data = np.asanyarray(img.dataobj)
        except Exception as e:
            t.crash(f"{name} loads with nibabel", e)
            continue
        t.check(True, f"{name} loads with nibabel", f"{img.header.get_data_dtype()} {data.shape}")
        t.check(data.shape == shape, f"{name}: shape equals summary grid.shape", f"{data.shape} vs {shape}")
        zooms = img.header.get_zooms()[:3]
        t.check(np.allclose(zooms, s, rtol=1e-6), f"{name}: zooms equal spacing_mm", f"{tuple(float(z) for z in zooms)} vs {s}")
        units = img.header.get_xyzt_units()[0]
        t.check(units == "mm", f"{name}: spatial units are mm", f"xyzt_units {img.header.get_xyzt_units()}")
        q, qcode = img.get_qform(coded=True)
        f, scode = img.get_sform(coded=True)
        t.check(qcode == 1 and scode == 1, f"{name}: qform_code and sform_code are 1 (scanner)", f"{qcode}, {scode}")
        if q is not None and f is not None:
            t.check(np.allclose(q, f, atol=1e-4), f"{name}: qform equals sform", f"max diff {np.abs(q - f).max():.3g}")
            t.check(np.allclose(f, expected, atol=1e-4), f"{name}: affine equals diag(spacing) + origin_mm",
                    f"max diff {np.abs(f - expected).max():.3g}")
        want = NIFTI_DTYPES.get(name)
        if want is not None:
            t.check(img.header.get_data_dtype() == np.dtype(want) and data.dtype == np.dtype(want),
                    f"{name}: datatype {np.dtype(want).name}", f"header {img.header.get_data_dtype()}, array {data.dtype}")
        t.check(np.all(np.isfinite(data)), f"{name}: all values finite")
        images[name] = (img, data)

    if "necrosis.nii.gz" in images:
        nec = images["necrosis.nii.gz"][1]
        values = set(np.unique(nec).tolist())
        t.check(values <= {0, 1}, "necrosis.nii.gz holds only 0 and 1", f"values {sorted(values)[:10]}")
    if "labels.nii.gz" in images:
        lab = images["labels.nii.gz"][1]
        n_regions = len(resolved.get("regions", []))
        t.check(int(lab.max()) <= n_regions, "labels.nii.gz values are 0..len(regions)", f"max {int(lab.max())}, {n_regions} regions")

    # The first target's centre in voxel space.
    voxel = None
    if target_point is not None and images:
        img = next(iter(images.values()))[0]
        affine = img.get_sform() if img.get_sform(coded=True)[1] > 0 else img.affine
        ijk_f = (np.linalg.inv(affine) @ np.append(target_point, 1.0))[:3]
        ijk = np.rint(ijk_f).astype(int)
        inside = bool(np.all(ijk >= 0) and np.all(ijk < np.array(shape)))
        world = (affine @ np.append(ijk, 1.0))[:3]
        ok = inside and np.all(np.abs(world - target_point) <= s / 2 + 1e-6)
        t.check(ok, f"target centre {fmt(target_point)} mm -> voxel {tuple(ijk.tolist())} (nibabel inv(affine))",
                f"voxel centre {fmt(world)} mm, within half a voxel" if ok else f"voxel centre {fmt(world)}, inside grid: {inside}")
        voxel = (ijk, ijk_f)
        if "labels.nii.gz" in images and target_label is not None and inside:
            got = int(images["labels.nii.gz"][1][tuple(ijk)])
            t.check(got == target_label, "labels.nii.gz at the target-centre voxel holds the expected label",
                    f"{got} vs {target_label}")
    return images, voxel


def check_region_labels(t, images, resolved):
    """Every region's centre voxel carries the label of the last region that covers it: catches flipped axes."""
    if "labels.nii.gz" not in images:
        return
    img, lab = images["labels.nii.gz"]
    regions = resolved.get("regions", [])
    if any(r["shape"]["type"] == "label_map" for r in regions):
        t.not_applicable("region-centre labels: a label_map region makes the expected label unknown here")
        return
    affine = img.get_sform()
    inv = np.linalg.inv(affine)
    for n, region in enumerate(regions):
        c = shape_center(region["shape"], pathlib.Path("."))
        ijk = np.rint((inv @ np.append(c, 1.0))[:3]).astype(int)
        if np.any(ijk < 0) or np.any(ijk >= np.array(lab.shape)):
            t.not_applicable(f"labels at regions.{n} centre {fmt(c)}: outside the grid")
            continue
        centre = (affine @ np.append(ijk, 1.0))[:3]
        levels = [shape_level(r["shape"], centre) for r in regions]
        if any(abs(x - 1) < 1e-9 for x in levels):
            t.not_applicable(f"labels at regions.{n} centre: voxel centre lies on a region surface")
            continue
        want = max([m + 1 for m, x in enumerate(levels) if x <= 1], default=0)
        got = int(lab[tuple(ijk)])
        t.check(got == want, f"labels.nii.gz at regions.{n} ({region.get('name', '')}) centre {fmt(c)} -> voxel "
                f"{tuple(ijk.tolist())} holds {want}", f"got {got}")


def check_itk(t, out, summary, images, voxel, target_point):
    path = out / "necrosis.nii.gz"
    if not path.exists():
        t.check(False, "SimpleITK reads necrosis.nii.gz", "file missing")
        return
    try:
        import SimpleITK as sitk
        img = sitk.ReadImage(str(path))
    except Exception as e:
        t.crash("SimpleITK reads necrosis.nii.gz", e)
        return
    t.check(True, "SimpleITK reads necrosis.nii.gz", f"size {img.GetSize()}, pixel {img.GetPixelIDTypeAsString()}")
    grid = summary["grid"]
    origin = np.array(grid["origin_mm"], float)
    s = float(grid["spacing_mm"])
    t.check(list(img.GetSize()) == list(grid["shape"]), "SimpleITK size equals grid.shape", f"{img.GetSize()}")
    t.check(np.allclose(img.GetOrigin(), origin * LPS, atol=1e-4), "SimpleITK origin = (-ox, -oy, oz) (LPS)",
            f"{fmt(img.GetOrigin())} vs {fmt(origin * LPS)}")
    t.check(np.allclose(img.GetSpacing(), s, rtol=1e-6), "SimpleITK spacing equals spacing_mm", f"{img.GetSpacing()}")
    t.check(np.allclose(img.GetDirection(), np.diag(LPS).ravel(), atol=1e-6), "SimpleITK direction = diag(-1, -1, 1)",
            f"{fmt(img.GetDirection())}")
    if "necrosis.nii.gz" in images:
        arr = sitk.GetArrayFromImage(img).transpose(2, 1, 0)
        t.check(np.array_equal(arr, images["necrosis.nii.gz"][1]), "SimpleITK voxels equal nibabel voxels (necrosis)")

    # Probe points: voxel (0,0,0), the far corner, an off-centre voxel, and the target centre.
    n = np.array(grid["shape"], int)
    probes = [("voxel (0,0,0) centre", origin, np.zeros(3)),
              ("far-corner voxel centre", origin + (n - 1) * s, (n - 1).astype(float)),
              ("off-centre voxel centre", origin + (n // 4) * s, (n // 4).astype(float))]
    if voxel is not None:
        probes.append((f"target centre {fmt(target_point)}", target_point, voxel[1]))
    for label, p_ras, ijk_f in probes:
        got = np.array(img.TransformPhysicalPointToIndex(tuple(float(x) for x in p_ras * LPS)))
        want = np.rint(ijk_f).astype(int)
        tie = np.abs(ijk_f - np.floor(ijk_f) - 0.5) < 1e-6
        ok = np.all((got == want) | (tie & ((got == np.floor(ijk_f)) | (got == np.ceil(ijk_f)))))
        note = " (on a voxel boundary: either neighbour accepted)" if np.any(tie) else ""
        t.check(ok, f"SimpleITK TransformPhysicalPointToIndex({label}, LPS) = nibabel voxel {tuple(want.tolist())}{note}",
                f"ITK {tuple(got.tolist())}")


def check_volume(t, summary, images):
    if "necrosis.nii.gz" not in images:
        return None
    s = float(summary["grid"]["spacing_mm"])
    count = int(np.count_nonzero(images["necrosis.nii.gz"][1]))
    ml = count * s ** 3 / 1000.0
    stated = float(summary["ablation"]["volume_ml"])
    ok = abs(ml - stated) <= 0.005 * max(abs(stated), 1e-12) or (ml == 0 and stated == 0)
    t.check(ok, f"necrosis voxels x voxel volume = summary ablation.volume_ml within 0.5 %",
            f"{count} voxels x {s ** 3:g} mm3 = {ml:.6g} ml vs {stated:.6g} ml ({(ml / stated - 1) * 100 if stated else 0:+.3f} %)")
    if "temperature_max.nii.gz" in images:
        peak = float(images["temperature_max.nii.gz"][1].max())
        stated_t = float(summary["max_temperature_c"])
        t.check(abs(peak - stated_t) <= 1e-4 * max(1.0, abs(stated_t)), "max of temperature_max.nii.gz equals max_temperature_c",
                f"{peak:.6g} vs {stated_t:.6g} °C")
    return ml


def check_timeseries(t, out, summary, resolved):
    path = out / "timeseries.csv"
    if not path.exists():
        if "csv" in resolved.get("output", {}).get("formats", []):
            t.check(False, "timeseries.csv exists", "output.formats has csv but the file is missing")
        return
    with path.open(newline="") as f:
        rows = list(csv.reader(f))
    n_apps = len(resolved.get("applicators", []))
    want = ["time_s"] + [f"power_w_{n}" for n in range(n_apps)] + ["energy_j", "impedance_ohm", "max_temperature_c",
                                                                   "ablation_volume_ml", "voltage_v", "current_a",
                                                                   "electrode_temperature_c"]
    t.check(rows and rows[0] == want, "timeseries.csv header", ",".join(rows[0]) if rows else "empty file")
    if len(rows) < 2 or rows[0] != want:
        return
    last = dict(zip(rows[0], rows[-1]))
    times = [float(r[0]) for r in rows[1:]]
    t.check(all(b > a for a, b in zip(times, times[1:])), f"timeseries.csv time_s increases ({len(times)} rows)")
    t.check(abs(times[-1] - summary["simulated_time_s"]) <= 1e-6 * max(1, times[-1]),
            "timeseries.csv ends at simulated_time_s", f"{times[-1]} vs {summary['simulated_time_s']}")
    vol = float(last["ablation_volume_ml"])
    stated = float(summary["ablation"]["volume_ml"])
    t.check(abs(vol - stated) <= 0.005 * max(abs(stated), 1e-12) or vol == stated == 0,
            "timeseries.csv last ablation_volume_ml equals summary volume_ml within 0.5 %", f"{vol} vs {stated}")
    # RF columns: P = V I and R = V / I wherever the first RF electrode delivers power.
    rf_rows = [dict(zip(rows[0], r)) for r in rows[1:] if r[rows[0].index("voltage_v")] not in ("", "0")]
    first_rf = next((n for n, a in enumerate(resolved.get("applicators", [])) if a.get("type") == "rfa"), None)
    if first_rf is not None:
        bad = [r for r in rf_rows if abs(float(r["voltage_v"]) * float(r["current_a"]) - float(r[f"power_w_{first_rf}"]))
               > 1e-4 * max(1, float(r[f"power_w_{first_rf}"]))
               or abs(float(r["voltage_v"]) / float(r["current_a"]) - float(r["impedance_ohm"])) > 1e-4 * float(r["impedance_ohm"])]
        t.check(rf_rows and not bad, f"timeseries.csv voltage_v x current_a = power and voltage_v / current_a = impedance_ohm ({len(rf_rows)} powered rows)",
                f"{len(bad)} rows disagree, first {bad[:1]}")
    energy = sum(a.get("delivered_energy_j", 0) for a in summary.get("applicators", []))
    t.check(abs(float(last["energy_j"]) - energy) <= 1e-4 * max(1, energy),
            "timeseries.csv last energy_j equals the sum of applicators[].delivered_energy_j", f"{last['energy_j']} vs {energy}")


def check_vti(t, out, summary, images):
    path = out / "zone.vti"
    if not expect_output(t, path, summary, "vti"):
        return
    try:
        import vtk
        from vtk.util.numpy_support import vtk_to_numpy
        reader = vtk.vtkXMLImageDataReader()
        reader.SetFileName(str(path))
        reader.Update()
        image = reader.GetOutput()
        if reader.GetErrorCode() != 0 or image is None or image.GetNumberOfPoints() == 0:
            raise RuntimeError(f"vtkXMLImageDataReader error code {reader.GetErrorCode()}")
    except Exception as e:
        t.crash("zone.vti loads with vtkXMLImageDataReader", e)
        return
    t.check(True, "zone.vti loads with vtkXMLImageDataReader", f"{image.GetNumberOfPoints()} points")
    grid = summary["grid"]
    t.check(list(image.GetDimensions()) == list(grid["shape"]), "zone.vti dimensions equal grid.shape",
            f"{image.GetDimensions()}")
    t.check(np.allclose(image.GetOrigin(), grid["origin_mm"], atol=1e-4), "zone.vti origin equals origin_mm (RAS)",
            f"{fmt(image.GetOrigin())}")
    t.check(np.allclose(image.GetSpacing(), grid["spacing_mm"], rtol=1e-6), "zone.vti spacing equals spacing_mm",
            f"{image.GetSpacing()}")
    if hasattr(image, "GetDirectionMatrix"):
        m = image.GetDirectionMatrix()
        d = np.array([[m.GetElement(r, c) for c in range(3)] for r in range(3)])
        t.check(np.allclose(d, np.eye(3)), "zone.vti direction is the identity", fmt(d))
    pd = image.GetPointData()
    nx, ny, nz = image.GetDimensions()
    for field in ("temperature_max", "damage", "necrosis", "labels"):
        array = pd.GetArray(field)
        if array is None:
            t.check(False, f"zone.vti has point-data array {field}",
                    "arrays: " + ", ".join(pd.GetArrayName(i) for i in range(pd.GetNumberOfArrays())))
            continue
        values = vtk_to_numpy(array).reshape(nz, ny, nx).transpose(2, 1, 0)
        nifti = images.get(f"{field}.nii.gz")
        if nifti is None:
            t.not_applicable(f"zone.vti {field} against its NIfTI: NIfTI not requested")
            continue
        ref = nifti[1]
        if ref.dtype == np.uint8:
            ok = values.dtype == np.uint8 and np.array_equal(values, ref)
            t.check(ok, f"zone.vti {field} equals {field}.nii.gz exactly (uint8)", f"vti dtype {values.dtype}")
        else:
            ok = np.allclose(values, ref, rtol=1e-6, atol=1e-6)
            t.check(ok, f"zone.vti {field} equals {field}.nii.gz (allclose)",
                    f"vti dtype {values.dtype}, max diff {np.nanmax(np.abs(values.astype(float) - ref)):.3g}")


def watertight(triangles):
    edges = np.sort(np.concatenate([triangles[:, [0, 1]], triangles[:, [1, 2]], triangles[:, [2, 0]]]), axis=1)
    _, counts = np.unique(edges, axis=0, return_counts=True)
    return int(np.sum(counts != 2)), len(counts)


def signed_volume(points, triangles):
    a, b, c = points[triangles[:, 0]], points[triangles[:, 1]], points[triangles[:, 2]]
    return float(np.einsum("ij,ij->i", a, np.cross(b, c)).sum() / 6.0)


def check_stl(t, out, summary, voxel_ml):
    path = out / "ablation.stl"
    if not expect_output(t, path, summary, "stl"):
        return
    raw = path.read_bytes()
    header = raw[:80].decode("ascii", "replace") if not raw.startswith(b"solid") else raw.split(b"\n", 1)[0].decode("ascii", "replace")
    header = header.replace("\x00", " ").strip()
    t.check(header.startswith("SPACE=RAS"), "ablation.stl header starts with SPACE=RAS (3D Slicer reads the frame from it)", header[:80])
    try:
        import meshio
        mesh = meshio.read(str(path))
        tri = np.concatenate([c.data for c in mesh.cells if c.type == "triangle"])
        pts = np.asarray(mesh.points, float)
    except Exception as e:
        t.crash("ablation.stl loads with meshio", e)
        return
    # STL repeats vertices per facet: merge identical coordinates before looking at edges. The writer
    # computes a shared crossing bit-identically, so only exact matches are merged (rounding to 1e-5 mm
    # merged distinct crossings 1e-4 mm apart near a grid point into degenerate triangles).
    uniq, inverse = np.unique(pts, axis=0, return_inverse=True)
    tri = inverse.reshape(-1)[tri]
    t.check(len(tri) > 0, "ablation.stl loads with meshio", f"{len(tri)} triangles, {len(uniq)} distinct vertices")
    if len(tri) == 0:
        return
    bad, total = watertight(tri)
    t.check(bad == 0, "ablation.stl is watertight (every edge shared by exactly two triangles) [meshio]",
            f"{bad} of {total} edges are not")
    vol_ml = signed_volume(uniq, tri) / 1000.0
    t.check(vol_ml > 0, "ablation.stl enclosed volume is positive (outward normals) [meshio]", f"{vol_ml:.6g} ml")
    if voxel_ml:
        t.check(abs(vol_ml - voxel_ml) <= 0.03 * voxel_ml, "ablation.stl volume within 3 % of the NIfTI voxel volume [meshio]",
                f"{vol_ml:.6g} vs {voxel_ml:.6g} ml ({(vol_ml / voxel_ml - 1) * 100:+.2f} %)")
    g = summary["grid"]
    lo = np.array(g["origin_mm"]) - g["spacing_mm"] / 2
    hi = np.array(g["origin_mm"]) + np.array(g["shape"]) * g["spacing_mm"] - g["spacing_mm"] / 2
    t.check(np.all(uniq >= lo - 1e-3) and np.all(uniq <= hi + 1e-3), "ablation.stl vertices lie inside the grid box (RAS mm)",
            f"bounds {fmt(uniq.min(axis=0))} .. {fmt(uniq.max(axis=0))}")
    try:
        import vtk
        reader = vtk.vtkSTLReader()
        reader.SetFileName(str(path))
        reader.Update()
        clean = vtk.vtkCleanPolyData()
        clean.SetInputConnection(reader.GetOutputPort())
        clean.Update()
        fe = vtk.vtkFeatureEdges()
        fe.SetInputConnection(clean.GetOutputPort())
        fe.BoundaryEdgesOn()
        fe.NonManifoldEdgesOn()
        fe.FeatureEdgesOff()
        fe.ManifoldEdgesOff()
        fe.Update()
        open_edges = fe.GetOutput().GetNumberOfCells()
        t.check(open_edges == 0, "ablation.stl has no boundary or non-manifold edges [vtk]", f"{open_edges} such edges")
        mp = vtk.vtkMassProperties()
        mp.SetInputConnection(clean.GetOutputPort())
        mp.Update()
        v = mp.GetVolume() / 1000.0
        if voxel_ml:
            t.check(abs(v - voxel_ml) <= 0.03 * voxel_ml, "ablation.stl volume within 3 % of the NIfTI voxel volume [vtk]",
                    f"{v:.6g} vs {voxel_ml:.6g} ml")
    except Exception as e:
        t.crash("ablation.stl checks with vtk", e)


def check_png(t, out, summary):
    path = out / "preview.png"
    if not expect_output(t, path, summary, "png"):
        return
    try:
        from PIL import Image
        with Image.open(path) as im:
            im.load()
            mode, size = im.mode, im.size
            colours = im.convert("RGB").getcolors(maxcolors=1 << 20)
            description = im.text.get("Description")
    except Exception as e:
        t.crash("preview.png loads with Pillow", e)
        return
    t.check(mode == "RGB", "preview.png is RGB", mode)
    t.check(size[0] >= 64 and size[1] >= 64, "preview.png has a non-trivial size (>= 64 x 64)", f"{size[0]} x {size[1]}")
    distinct = len(colours) if colours is not None else 1 << 20
    t.check(distinct > 1, "preview.png is not a single flat colour", f"{distinct} colours")
    if not t.check(description is not None, "preview.png carries the header's lines as its Description text"):
        return
    # The header's lines: name, what was applied, then one verdict per target in summary.json's order.
    lines = description.split("\n")
    targets = summary.get("targets", [])
    verdicts = lines[-len(targets):] if targets else []
    t.check(len(lines) >= 2 + len(targets), "preview.png Description has name, applied and one verdict per target",
            f"{len(lines)} lines for {len(targets)} targets")
    for target, line in zip(targets, verdicts):
        # PNG text is Latin-1: ablsim writes other characters as '?'.
        name = "".join(c if ord(c) <= 0xFF else "?" for c in target.get("name", ""))
        expected = "INCOMPLETE" if not target.get("complete") else "complete"
        t.check(line.startswith(f"{name}: {expected},"), f"preview.png verdict for target '{name}' agrees with summary.json",
                repr(line))


def expect_output(t, path, summary, fmt_name):
    """True when the output is there to check. Missing: a failure if the preset requested the format
    (resolved_preset.output.formats), not applicable if it did not."""
    requested = fmt_name in summary.get("resolved_preset", {}).get("output", {}).get("formats", [])
    if path.exists():
        return True
    if requested:
        t.check(False, f"{path.name} written (output.formats requests {fmt_name})", f"missing{warned(summary, fmt_name)}")
    else:
        t.not_applicable(f"{path.name}: output.formats does not request {fmt_name}")
    return False


def warned(summary, fmt_name):
    hits = [w for w in summary.get("warnings", []) if fmt_name in w]
    return " (summary.json warns: " + hits[0][:120] + ")" if hits else " (no warning about it in summary.json)"


def main():
    ap = argparse.ArgumentParser(description="Re-read every ablsim output with independent readers.")
    ap.add_argument("out_dir")
    ap.add_argument("preset_json")
    args = ap.parse_args()
    out = pathlib.Path(args.out_dir)
    preset_path = pathlib.Path(args.preset_json)
    t = Tally()
    try:
        summary = json.loads((out / "summary.json").read_text())
        preset = json.loads(preset_path.read_bytes())
    except Exception as e:
        t.crash("read OUT_DIR/summary.json and PRESET_JSON", e)
        print(f"{t.passed} passed, {t.failed} failed")
        return 1
    resolved = summary.get("resolved_preset", {})

    sections = []
    try:
        check_summary(t, out, summary, preset_path, preset, resolved)
    except Exception as e:
        t.crash("summary.json checks", e)
    if not all(k in summary.get("grid", {}) for k in ("shape", "spacing_mm", "origin_mm")):
        print(f"{t.passed} passed, {t.failed} failed")
        return 1

    # The first target region as the preset file states it (fall back to the first applicator's shape).
    target_point, target_label = None, None
    try:
        n, region = first_target(preset)
        if region is not None:
            target_point = shape_center(region["shape"], preset_path.parent)
            target_label = n + 1
            print(f"target: regions.{n} '{region.get('name', '')}' ({region['shape']['type']}), centre {fmt(target_point)} mm RAS")
            rn, rregion = first_target(resolved)
            if rregion is not None and rregion["shape"]["type"] != "label_map":
                same = rn == n and np.allclose(shape_center(rregion["shape"], preset_path.parent), target_point)
                t.check(same, "the preset file's first target equals resolved_preset's first target",
                        f"resolved regions.{rn} centre {fmt(shape_center(rregion['shape'], preset_path.parent))}")
        elif preset.get("applicators"):
            target_point = shape_center(preset["applicators"][0]["shape"], preset_path.parent)
            print(f"target: none; using applicators.0 shape centre {fmt(target_point)} mm RAS")
    except Exception as e:
        t.crash("locate the first target's centre", e)

    images, voxel, voxel_ml = {}, None, None
    for label, fn in [
        ("NIfTI checks (nibabel)", lambda: check_nifti(t, out, summary, resolved, target_point, target_label)),
    ]:
        try:
            images, voxel = fn()
        except Exception as e:
            t.crash(label, e)
    for label, fn in [
        ("region-centre labels", lambda: check_region_labels(t, images, resolved)),
        ("SimpleITK checks", lambda: check_itk(t, out, summary, images, voxel, target_point)),
        ("timeseries.csv checks", lambda: check_timeseries(t, out, summary, resolved)),
    ]:
        try:
            fn()
        except Exception as e:
            t.crash(label, e)
    try:
        voxel_ml = check_volume(t, summary, images)
    except Exception as e:
        t.crash("volume checks", e)
    for label, fn in [
        ("zone.vti checks", lambda: check_vti(t, out, summary, images)),
        ("ablation.stl checks", lambda: check_stl(t, out, summary, voxel_ml)),
        ("preview.png checks", lambda: check_png(t, out, summary)),
    ]:
        try:
            fn()
        except Exception as e:
            t.crash(label, e)

    print(f"{t.passed} passed, {t.failed} failed, {t.not_applicable} not applicable")
    return 0 if t.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
