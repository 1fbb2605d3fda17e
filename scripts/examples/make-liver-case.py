#!/usr/bin/env python3
"""Writes the worked example's segmentation: a CT-like label map of a liver, a lobulated metastasis
and a hepatic-vein tree, as a NIfTI file (the layout dcm2niix writes for an axial CT series) and as a
3D Slicer segmentation (.seg.nrrd, LPS, cropped to the segments as Slicer saves it).

Usage: python3 scripts/examples/make-liver-case.py [OUT_DIR]   (default presets/examples/liver-case)
Needs numpy, nibabel and pynrrd (scripts/interop/requirements.txt). The output is deterministic: the
same script writes the same voxels, so the committed files can be checked against it.

Labels: 1 liver, 2 tumour, 3 hepatic vein. Geometry (RAS mm, as NIfTI and ablsim use):
- voxels 0.8 x 0.8 mm in-plane, 2.0 mm slices; stored with x and y flipped (the voxel index runs
  toward the patient's left and posterior), with the first voxel far from the world origin;
- tumour: three overlapping spheres (radii 10, 7 and 6 mm), about 2.6 cm across;
- hepatic vein: a trunk of 8 mm that drains superiorly and posteriorly (toward the caval confluence,
  where it leaves the image), splitting into branches of 5.5 and 4.5 mm; the 5.5 mm branch passes the
  tumour and splits again into 3 and 2.5 mm twigs.
"""
import gzip
import os
import sys

import nibabel as nib
import nrrd
import numpy as np

SPACING = np.array([0.8, 0.8, 2.0])
SHAPE = (96, 96, 40)
TUMOUR = np.array([62.4, 18.6, -85.2])  # in the right lobe (RAS: +x is the patient's right)
# Voxel (48, 48, 20) sits 3 mm right, 2 mm posterior and 4 mm superior of the tumour's centre.
CENTRE_VOXEL = np.array([48, 48, 20])
CENTRE_WORLD = TUMOUR + np.array([3.0, -2.0, 4.0])

# x and y flipped: index i runs toward -x (patient left), j toward -y (posterior), as ITK and Slicer
# store DICOM series (nibabel axis codes L, P, S).
AFFINE = np.diag([-SPACING[0], -SPACING[1], SPACING[2], 1.0])
AFFINE[:3, 3] = CENTRE_WORLD - AFFINE[:3, :3] @ CENTRE_VOXEL

LOBES = [(np.array([0.0, 0.0, 0.0]), 10.0), (np.array([7.0, 3.0, -4.0]), 7.0), (np.array([-5.0, 6.0, 5.0]), 6.0)]

# Vessel segments (start, end, diameter), offsets from the tumour centre in mm; the trunk end is first.
B1 = np.array([20.0, -14.0, 14.0])   # first bifurcation
B2 = np.array([24.0, 8.0, -12.0])    # second bifurcation, beside the tumour
VEIN = [
    (np.array([26.0, -24.0, 44.0]), B1, 8.0),            # trunk, leaves the image superiorly
    (B1, B2, 5.5),                                       # branch passing the tumour
    (B1, np.array([36.0, -26.0, -4.0]), 4.5),            # lateral branch
    (B2, np.array([16.0, 18.0, -36.0]), 3.0),            # twigs
    (B2, np.array([34.0, 14.0, -30.0]), 2.5),
]


def world_points():
    i, j, k = np.meshgrid(*[np.arange(n) for n in SHAPE], indexing="ij")
    ijk = np.stack([i, j, k, np.ones_like(i)], axis=-1).astype(np.float64)
    return (ijk @ AFFINE.T)[..., :3]


def distance_to_segment(p, a, b):
    d = b - a
    t = np.clip(((p - a) @ d) / (d @ d), 0.0, 1.0)
    closest = a + t[..., None] * d
    return np.linalg.norm(p - closest, axis=-1)


def labels():
    p = world_points()
    rel = p - TUMOUR
    out = np.zeros(SHAPE, dtype=np.uint8)
    # Liver: an ellipsoid that fills most of the image; the image crops it above and below.
    liver = ((rel - np.array([6.0, 0.0, 0.0])) ** 2 / np.array([40.0, 36.0, 55.0]) ** 2).sum(axis=-1) <= 1
    out[liver] = 1
    tumour = np.zeros(SHAPE, dtype=bool)
    for centre, radius in LOBES:
        tumour |= np.linalg.norm(rel - centre, axis=-1) <= radius
    out[tumour] = 2
    vein = np.zeros(SHAPE, dtype=bool)
    for a, b, diameter in VEIN:
        # Round caps at the joints keep the tree connected where segments meet at an angle.
        vein |= distance_to_segment(rel, a, b) <= diameter / 2
    out[vein & ~tumour] = 3
    return out, tumour, vein


def write_nifti(values, path):
    image = nib.Nifti1Image(values, AFFINE)
    image.header.set_xyzt_units("mm", "sec")
    image.set_qform(AFFINE, code=1)
    image.set_sform(AFFINE, code=1)
    # nibabel writes the gzip timestamp; a fixed one keeps the file identical run to run.
    raw = image.to_bytes()
    with open(path, "wb") as f:
        f.write(gzip.compress(raw, compresslevel=9, mtime=0))


def write_seg_nrrd(values, path):
    # Slicer saves a segmentation cropped to its segments' extent, in LPS.
    nonzero = np.argwhere(values > 0)
    lo, hi = nonzero.min(axis=0), nonzero.max(axis=0) + 1
    cropped = values[lo[0]:hi[0], lo[1]:hi[1], lo[2]:hi[2]]
    ras_origin = AFFINE[:3, :3] @ lo + AFFINE[:3, 3]
    lps = np.diag([-1.0, -1.0, 1.0])
    directions = (lps @ AFFINE[:3, :3]).T  # one row per image axis
    header = {
        "type": "unsigned char",
        "dimension": 3,
        "space": "left-posterior-superior",
        "space directions": directions,
        "space origin": lps @ ras_origin,
        "kinds": ["domain", "domain", "domain"],
        "encoding": "gzip",
        "Segmentation_MasterRepresentation": "Binary labelmap",
        "Segmentation_ContainedRepresentationNames": "Binary labelmap|",
        "Segmentation_ReferenceImageExtentOffset": f"{lo[0]} {lo[1]} {lo[2]}",
    }
    names = ["Liver", "Tumor", "HepaticVein"]
    colors = ["0.86 0.48 0.39", "0.56 0.93 0.56", "0 0.59 0.81"]
    for n, (name, color) in enumerate(zip(names, colors)):
        extent = np.argwhere(cropped == n + 1)
        e_lo, e_hi = extent.min(axis=0), extent.max(axis=0)
        header[f"Segment{n}_ID"] = f"Segment_{n + 1}"
        header[f"Segment{n}_Name"] = name
        header[f"Segment{n}_NameAutoGenerated"] = "0"
        header[f"Segment{n}_Color"] = color
        header[f"Segment{n}_ColorAutoGenerated"] = "0"
        header[f"Segment{n}_LabelValue"] = str(n + 1)
        header[f"Segment{n}_Layer"] = "0"
        header[f"Segment{n}_Extent"] = " ".join(f"{a} {b}" for a, b in zip(e_lo, e_hi))
        header[f"Segment{n}_Tags"] = "|"
    nrrd.write(path, cropped, header, compression_level=9)
    # pynrrd stamps the writing time in a comment; without it the file is the same on every run.
    with open(path, "rb") as f:
        data = f.read()
    end = data.index(b"\n\n") + 2
    lines = [line for line in data[:end].split(b"\n") if not line.startswith(b"#")]
    with open(path, "wb") as f:
        f.write(b"\n".join(lines) + data[end:])


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "..", "presets", "examples", "liver-case")
    os.makedirs(out_dir, exist_ok=True)
    values, tumour, vein = labels()
    write_nifti(values, os.path.join(out_dir, "case-seg.nii.gz"))
    write_seg_nrrd(values, os.path.join(out_dir, "case.seg.nrrd"))
    p = world_points()
    gap = np.min(np.linalg.norm(p[tumour][:, None, :][::7] - p[vein][None, :, :][:, ::3], axis=-1))
    voxel_ml = float(np.prod(SPACING)) / 1000
    print(f"tumour {tumour.sum() * voxel_ml:.2f} mL, vein {(values == 3).sum() * voxel_ml:.2f} mL, "
          f"closest vein voxel {gap:.1f} mm from a tumour voxel (centre to centre, sampled)")


if __name__ == "__main__":
    main()
