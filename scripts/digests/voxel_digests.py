#!/usr/bin/env python3
"""SHA-256 of the decoded voxel data of one `ablsim run` output folder.

Usage: python3 scripts/digests/voxel_digests.py OUT_DIR NAME

Prints one line per volume, "NAME FILE SHA256", for necrosis.nii.gz, temperature_max.nii.gz and
damage.nii.gz. Only the voxel bytes after the NIfTI header are hashed: the header's description
carries the version, which may change while the numbers must not. Standard library only, so the
check needs nothing a developer's machine lacks.
"""
import gzip
import hashlib
import pathlib
import struct
import sys

VOLUMES = ("necrosis.nii.gz", "temperature_max.nii.gz", "damage.nii.gz")


def voxel_bytes(path):
    raw = gzip.decompress(path.read_bytes())
    if struct.unpack("<i", raw[0:4])[0] == 348:
        endian = "<"
    elif struct.unpack(">i", raw[0:4])[0] == 348:
        endian = ">"
    else:
        raise SystemExit(f"{path}: not a NIfTI-1 file (sizeof_hdr is not 348)")
    vox_offset = int(struct.unpack(endian + "f", raw[108:112])[0])
    return raw[vox_offset:]


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    folder, name = pathlib.Path(sys.argv[1]), sys.argv[2]
    for volume in VOLUMES:
        path = folder / volume
        if not path.exists():
            raise SystemExit(f"{path}: missing")
        print(f"{name} {volume} {hashlib.sha256(voxel_bytes(path)).hexdigest()}")


if __name__ == "__main__":
    main()
