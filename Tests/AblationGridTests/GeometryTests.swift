import Testing
@testable import AblationGrid

@Test func gridIsCentredAndVoxelCentresAreWhereTheAffineSays() {
    let g = Grid3D(centerMM: [10, -5, 3], sizeMM: [20, 10, 4], spacingMM: 0.5)
    #expect(g.shape == [40, 20, 8])
    // The centre of the box lies halfway between the two middle voxel centres.
    let mid = (g.worldPosition(19, 9, 3) + g.worldPosition(20, 10, 4)) / 2
    #expect(mid == [10, -5, 3])
    #expect(g.lowerCornerMM == [0, -10, 1])
    #expect(g.upperCornerMM == [20, 0, 5])
    #expect(g.voxel(containing: [0.1, -9.9, 1.1])! == (0, 0, 0))
    #expect(g.voxel(containing: [20.1, -5, 3]) == nil)
}

@Test(arguments: [0.0, 0.13, 0.25, 0.41])
func sphereFractionsAddUpToItsVolume(offset: Double) {
    // Whatever way the surface cuts the voxels, the summed fractions approach the true volume.
    let g = Grid3D(centerMM: [0, 0, 0], sizeMM: [20, 20, 20], spacingMM: 0.5)
    let s = Sphere(centerMM: [offset, -offset / 2, offset / 3], radiusMM: 3.3)
    let v = VoxelizedShape(shape: s, grid: g, subsamples: 8)
    let exact = 4.0 / 3.0 * Double.pi * pow(3.3, 3) / g.voxelVolumeMM3
    #expect(abs(v.voxelVolume - exact) / exact < 0.01)
}

@Test func shapeDistancesHaveTheRightSign() {
    let c = Cylinder(startMM: [0, 0, -5], endMM: [0, 0, 5], radiusMM: 2)
    #expect(c.signedDistance([0, 0, 0]) == -2)
    #expect(abs(c.signedDistance([3, 0, 0]) - 1) < 1e-12)
    #expect(abs(c.signedDistance([0, 0, 7]) - 2) < 1e-12)
    let b = Box(minMM: [-1, -1, -1], maxMM: [1, 2, 3])
    #expect(b.contains([0.5, 1.5, 2.5]))
    #expect(!b.contains([0.5, 2.5, 2.5]))
    let e = Ellipsoid(centerMM: [0, 0, 0], semiAxesMM: [4, 2, 1], axes: ([0, 1, 0], [1, 0, 0], [0, 0, 1]))
    #expect(e.contains([0, 3.9, 0]) && !e.contains([3.9, 0, 0]))
    let (lo, hi) = e.boundingBoxMM
    #expect(abs(hi.y - 4) < 1e-12 && abs(lo.x + 2) < 1e-12)
}

import Foundation
