#!/usr/bin/env python3
"""The worked example's segmentation files are what scripts/examples/make-liver-case.py writes:
regenerates them in a temporary folder and compares the decoded voxels, affines and NRRD fields with
the committed ones (not the bytes: gzip output may differ between zlib versions).
Usage: check_example.py   (run from the repository's top folder)"""
import os
import subprocess
import sys
import tempfile

import nibabel as nib
import nrrd
import numpy as np
from tally import Tally

EXAMPLE = "presets/examples/liver-case"
tally = Tally()
check = tally.check


with tempfile.TemporaryDirectory() as tmp:
    subprocess.run([sys.executable, "scripts/examples/make-liver-case.py", tmp], check=True, stdout=subprocess.DEVNULL)
    made, committed = nib.load(os.path.join(tmp, "case-seg.nii.gz")), nib.load(os.path.join(EXAMPLE, "case-seg.nii.gz"))
    check(np.array_equal(np.asarray(made.dataobj), np.asarray(committed.dataobj)), "case-seg.nii.gz voxels")
    check(np.array_equal(made.affine, committed.affine), "case-seg.nii.gz affine")
    check(nib.aff2axcodes(committed.affine) == ("L", "P", "S"), "case-seg.nii.gz is stored with x and y flipped (L, P, S)")
    d1, h1 = nrrd.read(os.path.join(tmp, "case.seg.nrrd"))
    d2, h2 = nrrd.read(os.path.join(EXAMPLE, "case.seg.nrrd"))
    check(np.array_equal(d1, d2), "case.seg.nrrd voxels")
    same = all(np.array_equal(np.asarray(h1[k]), np.asarray(h2[k])) if isinstance(h1[k], np.ndarray) else h1[k] == h2[k]
               for k in set(h1) | set(h2) if k in h1 and k in h2) and set(h1) == set(h2)
    check(same, "case.seg.nrrd header fields")
    # The two files hold the same tumour in the same place (RAS): the NRRD is LPS and cropped.
    ijk = np.argwhere(np.asarray(committed.dataobj) == 2)
    ras_nifti = nib.affines.apply_affine(committed.affine, ijk).mean(axis=0)
    names = {h2[f"Segment{n}_Name"]: int(h2[f"Segment{n}_LabelValue"]) for n in range(3)}
    ijk = np.argwhere(d2 == names["Tumor"])
    lps = np.asarray(h2["space origin"]) + ijk @ np.asarray(h2["space directions"])
    ras_nrrd = (lps * np.array([-1, -1, 1])).mean(axis=0)
    check(np.allclose(ras_nifti, ras_nrrd, atol=1e-4), f"tumour centroid agrees between the files ({ras_nifti.round(3)} RAS mm)")

tally.finish()
