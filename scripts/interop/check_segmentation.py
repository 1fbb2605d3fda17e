#!/usr/bin/env python3
"""3D Slicer segmentations through ablsim, checked with pynrrd and nibabel.

Writes Slicer-like .seg.nrrd files with pynrrd (LPS space, permuted and flipped axes, anisotropic voxels,
an off-centre origin, SegmentN_* fields): a 4D layered one (liver in layer 0, tumour in layer 1, both label
value 1) and a 3D one (liver 1, tumour 2, gzip and raw). For each, a preset paints "Liver" and "Tumor" by
segment name; then:
  - `ablsim check` exits 0, echoes the segment names in the resolved preset and reports the label and layer;
  - `ablsim run` writes labels.nii.gz, and nibabel's voxel centres, mapped into the NRRD's index space with
    numpy from the header pynrrd reads (LPS -> RAS negates x and y), give the expected label of every grid
    voxel by nearest neighbour: all must agree (voxels whose centre lies on a NRRD voxel boundary, where
    rounding may go either way, are left out and counted);
  - the tumour centroid in RAS from labels.nii.gz is within half a grid voxel (0.5 mm) of the centroid pynrrd
    gives (resampling 0.9-1.1 mm voxels onto the 1 mm grid moves it by a fraction of a voxel), while the
    centroid of a mirrored reading (LPS taken as RAS) is several mm away, so the check can tell them apart.

Usage: python3 scripts/interop/check_segmentation.py [ablsim binary]   (default .build/debug/ablsim)
Prints PASS/FAIL lines and "N passed, M failed"; exit 1 when anything failed.
"""
import json
import pathlib
import subprocess
import sys
import tempfile

import nibabel as nib
import nrrd
import numpy as np

from tally import Tally

SIZES = (40, 40, 30)
# Rows are the NRRD axes' steps in LPS mm: axis 0 runs posterior (RAS -y), axis 1 to the patient's right
# (RAS +x), axis 2 inferior (RAS -z).
DIRECTIONS_LPS = np.array([[0.0, 0.9, 0.0], [-0.9, 0.0, 0.0], [0.0, 0.0, -1.1]])
ORIGIN_LPS = np.array([17.63, -17.83, 16.41])
LPS_TO_RAS = np.array([-1.0, -1.0, 1.0])
TUMOUR_CENTRE_RAS = np.array([4.2, -3.1, 2.6])
TUMOUR_RADIUS = 6.0


def ras_of_indices(header, idx):
    """RAS mm of NRRD voxel indices (N x 3, spatial axes in file order), from the header pynrrd read."""
    directions = np.asarray(header["space directions"], dtype=float)
    spatial = directions[~np.isnan(directions).any(axis=1)]
    lps = np.asarray(header["space origin"], dtype=float) + idx @ spatial
    assert header["space"] == "left-posterior-superior"
    return lps * LPS_TO_RAS


def masks():
    """Liver and tumour on the NRRD lattice, from each voxel's RAS position."""
    idx = np.stack(np.meshgrid(*[np.arange(n) for n in SIZES], indexing="ij"), axis=-1).reshape(-1, 3).astype(float)
    ras = (ORIGIN_LPS + idx @ DIRECTIONS_LPS) * LPS_TO_RAS
    tumour = (np.sum((ras - TUMOUR_CENTRE_RAS) ** 2, axis=1) <= TUMOUR_RADIUS ** 2).reshape(SIZES)
    liver = ((ras[:, 0] < 8) & (ras[:, 2] > -10)).reshape(SIZES)
    return liver, tumour


def segment_fields(layers):
    fields = {}
    for n, (name, label, layer) in enumerate(layers):
        fields.update({f"Segment{n}_ID": f"Segment_{n + 1}", f"Segment{n}_Name": name, f"Segment{n}_LabelValue": str(label),
                       f"Segment{n}_Layer": str(layer), f"Segment{n}_Color": "0.5 0.5 0.5",
                       f"Segment{n}_Extent": " ".join(f"0 {s - 1}" for s in SIZES)})
    return fields


def write_layered(path):
    liver, tumour = masks()
    data = np.stack([liver, tumour]).astype(np.uint8)
    header = {"type": "unsigned char", "dimension": 4, "space": "left-posterior-superior",
              "kinds": ["list", "domain", "domain", "domain"], "encoding": "gzip",
              "space directions": np.vstack([[np.nan] * 3, DIRECTIONS_LPS]), "space origin": ORIGIN_LPS,
              **segment_fields([("Liver", 1, 0), ("Tumor", 1, 1)])}
    nrrd.write(str(path), data, header)


def write_single(path, encoding):
    liver, tumour = masks()
    data = np.where(tumour, 2, np.where(liver, 1, 0)).astype(np.uint8)
    header = {"type": "unsigned char", "dimension": 3, "space": "left-posterior-superior",
              "kinds": ["domain", "domain", "domain"], "encoding": encoding,
              "space directions": DIRECTIONS_LPS, "space origin": ORIGIN_LPS,
              **segment_fields([("Liver", 1, 0), ("Tumor", 2, 0)])}
    nrrd.write(str(path), data, header)


def preset(seg_path):
    return {
        "ablsim": 1, "name": "slicer-segmentation",
        "grid": {"center_mm": [0, 0, 0], "size_mm": [30, 30, 30], "spacing_mm": 1},
        "regions": [
            {"name": "liver", "material": "liver", "shape": {"type": "label_map", "path": str(seg_path), "segment": "Liver"}},
            {"name": "tumour", "material": "tumor", "target": True,
             "shape": {"type": "label_map", "path": str(seg_path), "segment": "Tumor"}},
        ],
        "applicators": [{"type": "heat_source", "shape": {"type": "sphere", "center_mm": [0, 0, 0], "radius_mm": 2},
                         "schedule": [{"duration_s": 1, "power_w": 0.5}]}],
        "output": {"formats": ["nifti"]},
    }


def expected_labels(seg_path, labels_img):
    """The label ablsim should paint at every grid voxel: nearest NRRD voxel, tumour over liver."""
    data, header = nrrd.read(str(seg_path))
    if data.ndim == 4:
        liver, tumour = data[0] == 1, data[1] == 1
    else:
        liver, tumour = data == 1, data == 2
    directions = np.asarray(header["space directions"], dtype=float)
    spatial_ras = directions[~np.isnan(directions).any(axis=1)] * LPS_TO_RAS
    origin_ras = np.asarray(header["space origin"], dtype=float) * LPS_TO_RAS
    shape = labels_img.shape
    ijk = np.stack(np.meshgrid(*[np.arange(n) for n in shape], indexing="ij"), axis=-1).reshape(-1, 3)
    world = nib.affines.apply_affine(labels_img.affine, ijk)
    frac = np.linalg.solve(spatial_ras.T, (world - origin_ras).T).T
    tie = np.any(np.abs(np.abs(frac - np.floor(frac)) - 0.5) < 1e-6, axis=1)
    nearest = np.floor(frac + 0.5).astype(int)
    inside = np.all((nearest >= 0) & (nearest < np.array(SIZES)), axis=1)
    want = np.zeros(len(ijk), dtype=np.uint8)
    sel = nearest[inside]
    want[inside] = np.where(tumour[sel[:, 0], sel[:, 1], sel[:, 2]], 2, np.where(liver[sel[:, 0], sel[:, 1], sel[:, 2]], 1, 0))
    tumour_ras = ras_of_indices(header, np.argwhere(tumour).astype(float))
    return want.reshape(shape), tie.reshape(shape), tumour_ras.mean(axis=0)


def check_case(t, binary, folder, name, seg_path, layer, label):
    doc = folder / f"{name}.json"
    doc.write_text(json.dumps(preset(seg_path)))
    p = subprocess.run([binary, "check", str(doc)], capture_output=True, text=True, timeout=300)
    t.check(p.returncode == 0, f"{name}: ablsim check exits 0", f"exit {p.returncode}: {p.stderr.strip()[-300:]}")
    if p.returncode != 0:
        return
    resolved = json.loads(p.stdout)
    t.check([r["shape"].get("segment") for r in resolved["regions"]] == ["Liver", "Tumor"] and
            all("label" not in r["shape"] for r in resolved["regions"]),
            f"{name}: resolved preset names the segments", json.dumps([r["shape"] for r in resolved["regions"]]))
    note = f'regions.1.shape: segment "Tumor" (ID Segment_2) = label {label} in layer {layer} of {seg_path.resolve()} (NRRD, LPS space)'
    t.check(note in p.stderr, f"{name}: ablsim check reports label {label} in layer {layer}", p.stderr.strip()[-300:])

    out = folder / f"{name}-out"
    p = subprocess.run([binary, "run", str(doc), "--out", str(out), "--quiet"], capture_output=True, text=True, timeout=600)
    t.check(p.returncode == 0, f"{name}: ablsim run exits 0", f"exit {p.returncode}: {p.stderr.strip()[-300:]}")
    if p.returncode != 0:
        return
    img = nib.load(str(out / "labels.nii.gz"))
    got = np.asarray(img.dataobj)
    want, tie, centroid_pynrrd = expected_labels(seg_path, img)
    differ = int(np.sum((got != want) & ~tie))
    t.check(differ == 0 and np.sum(want == 2) > 500,
            f"{name}: labels.nii.gz equals nearest-neighbour lookup through pynrrd's header on all "
            f"{int(np.sum(~tie))} voxels ({int(np.sum(tie))} on voxel boundaries left out; {int(np.sum(want == 2))} tumour)",
            f"{differ} voxels differ")
    tumour_voxels = np.argwhere(got == 2)
    centroid = nib.affines.apply_affine(img.affine, tumour_voxels).mean(axis=0)
    error = np.abs(centroid - centroid_pynrrd).max()
    t.check(error <= 0.5, f"{name}: tumour centroid {np.round(centroid, 2).tolist()} mm RAS within 0.5 mm of pynrrd's "
            f"{np.round(centroid_pynrrd, 2).tolist()} (off by {error:.3f} mm)", f"off by {error:.3f} mm")
    mirrored = centroid_pynrrd * LPS_TO_RAS
    t.check(np.abs(mirrored - centroid).max() > 5, f"{name}: a mirrored (LPS read as RAS) centroid would be "
            f"{np.abs(mirrored - centroid).max():.1f} mm away, so the check discriminates")


def main():
    binary = sys.argv[1] if len(sys.argv) > 1 else ".build/debug/ablsim"
    t = Tally()
    with tempfile.TemporaryDirectory() as tmp:
        folder = pathlib.Path(tmp)
        layered = folder / "layered.seg.nrrd"
        write_layered(layered)
        check_case(t, binary, folder, "layered-4d-gzip", layered, layer=1, label=1)
        for encoding in ("gzip", "raw"):
            single = folder / f"single-{encoding}.seg.nrrd"
            write_single(single, encoding)
            check_case(t, binary, folder, f"single-3d-{encoding}", single, layer=0, label=2)
    print(f"{t.passed} passed, {t.failed} failed")
    return 0 if t.failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
