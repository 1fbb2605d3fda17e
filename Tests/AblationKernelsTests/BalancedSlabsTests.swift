import Testing
@testable import AblationKernels

@Test func balancedSlabsCoverEveryPlaneOnceInOrder() {
    for planes in [1, 2, 7, 160] {
        for threads in 1...5 {
            let slabs = ParallelSlabs.balanced(planes: planes, threads: threads) { k in Double((k * 37) % 11) }
            #expect(slabs.count == max(1, min(threads, planes)))
            #expect(slabs.first?.lowerBound == 0 && slabs.last?.upperBound == planes)
            for (a, b) in zip(slabs, slabs.dropFirst()) { #expect(a.upperBound == b.lowerBound) }
        }
    }
}

@Test func balancedSlabsSplitTheWeightNotThePlanes() {
    // All the work in planes 100..<140 of 160: two workers should meet in the middle of it.
    let slabs = ParallelSlabs.balanced(planes: 160, threads: 2) { k in (100..<140).contains(k) ? 1 : 0 }
    #expect(slabs == [0..<120, 120..<160])
    // No weight anywhere: the even split.
    #expect(ParallelSlabs.balanced(planes: 160, threads: 2) { _ in 0 } == [0..<80, 80..<160])
    let three = ParallelSlabs.balanced(planes: 90, threads: 3) { k in k < 30 ? 2 : 1 }
    #expect(three == [0..<20, 20..<50, 50..<90])
}

@Test func rowActivitySlabsCountFlaggedRows() {
    let L = PaddedLayout(nx: 4, ny: 10, nz: 40)
    let activity = RowActivity(layout: L)
    activity.active.fill(0)
    // Flag every row of planes 0..<10 and one row per plane elsewhere: 100 + 30 = 130 rows.
    for k in 0..<40 { for j in 0..<(k < 10 ? 10 : 1) { activity.active[L.row(j, k)] = 1 } }
    let slabs = activity.slabs(threads: 2, flags: activity.active)
    #expect(slabs == [0..<7, 7..<40])
}
