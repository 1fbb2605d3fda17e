@testable import AblationAnalysis
@testable import AblationJSON
@testable import AblationPreset
@testable import AblationRandom
@testable import AblationRun
@testable import AblationSimulation
@testable import AblationTissue
@testable import AblationValidation
@testable import AblationVerification
import Foundation
import Testing

func runZone(_ p: Preset) throws -> (SimulationResult, ZoneAnalysis.Zone) {
    let scene = try Scene(preset: p)
    let r = try Simulation(preset: p, scene: scene, threads: 2).run()
    let axis = p.applicators[0].needle.map { $0.tipMM - $0.entryMM } ?? [0, 0, 1]
    return (r, ZoneAnalysis(necrosis: r.necrosis(), scene: scene, axis: axis, marginMM: 5, zoneField: r.zoneField()).zone)
}

/// Temperature control: after settling, the tine thermocouples' mean stays near the target, the
/// power never exceeds max_power_w, and it does regulate (falls well below the maximum once the
/// target is reached). On the bench (unperfused liver) within 2 °C. In living liver the tine ends'
/// contacts dry while the reading is at 90 °C (the contact follows the tissue on the wire's surface,
/// WireSurfaceTemperature): the impedance climbs from 62 to 700 ohm between 100 and 145 s. With a
/// 100 V generator limit the reading overshoots by up to 4.24 K meanwhile (18 of 189 settled samples
/// off by more than 2 K), peaking at 113 °C, 8.96 mL: the bound is 5 K, the 4.24 K measured and a
/// margin for the drying's timing. Without a limit the controller keeps its power into the dried
/// contacts by raising the voltage (up to 224 V, 5.7 kohm), dry voxels reach 209 °C and a single
/// step's heat lifts the reading by up to 15.1 K (at 285 s; 37 of 189 settled samples off by more
/// than 2 K; measured December 2026, 1 mm). The same run at 1.5 mm overshoots by at most 8.4 K: the
/// bound is the 15.1 K measured plus that 6.7 K grid-to-grid variation, 22 K
/// (docs/devices.md#generator-modes).
///
/// The bench measures 1.97 K (December 2026, 1 mm): a cycle of two potential solves (6.5 s) between
/// 88.5 and 92 °C from 100 to 200 s. It came with the wire-surface contact (0.82 K before): the tine
/// surfaces sit on the drying knee, consecutive solves alternate between two contact states, and the
/// share of the power in the thermocouples' voxels with them (3.4-3.8 % / 11.2-11.6 %); smaller gains
/// do not remove it (docs/devices.md#generator-modes). The 2 K bound is the one set before that change
/// and is kept: the 1.97 K leaves it no margin, so a change that lifts the bench reading fails here.
///
/// These bounds are not derived, and cannot be from the controller: how far one step lifts the
/// reading is the heat the field puts into the thermocouples' voxels per watt, times the power and
/// the step, plus what flows in from dried voxels beside them (up to 209 °C); both are set by which
/// contacts dry in that step, which the run does not record and no a priori estimate bounds (at the
/// worst sample, 18 W for 1.06 s is 19 J, which could lift the 1-mm neighbourhoods of the tine ends
/// by over 100 K if it all went there). What the gain does bound is checked instead: the output is
/// Kp e + I with the integral I at most max_power_w and Kp = max_power_w / 10 K, so a reading more
/// than 10 K above target turns the power off for the next step (every step is a sample here), which
/// is what makes each excursion last one step.
@Test(arguments: [("bench", ", \"materials\": {\"liver\": {\"perfusion_per_s\": 0}}", "", 2.0),
                  ("living, 100 V limit", "", ", \"max_voltage_v\": 100", 5.0),
                  ("living, no limit", "", "", 22.0)])
func temperatureControlHoldsTheTineTemperature(tissue: String, extra: String, limit: String, bound: Double) throws {
    let p = try rfPreset("""
        {"type": "rfa", "electrode": "multi_tine", "diameter_mm": 2, "tines": 8, "deployed_diameter_mm": 20,
         "tip_mm": [0, 0, 4], "entry_mm": [0, 0, 30], "control": {"mode": "temperature", "target_c": 90, "max_power_w": 40\(limit)},
         "duration_s": 300}
        """, size: 36, extra: extra)
    let (r, _) = try runZone(p)
    let readings = r.timeSeries.compactMap { s in s.electrodeTemperatureC.map { (s.time, $0, s.powers[0]) } }
    #expect(readings.count == r.timeSeries.count)
    #expect(r.timeSeries.allSatisfy { $0.powers[0] <= 40 && $0.powers[0] >= 0 })
    let settled = readings.filter { $0.0 >= 100 }
    let worst = settled.map { abs($0.1 - 90) }.max() ?? .infinity
    #expect(worst <= bound, "thermocouples off target by up to \(worst) K after 100 s")
    let offAbove = TemperatureController.fullPowerBelowTargetK
    for (a, b) in zip(readings, readings.dropFirst()) where a.1 > 90 + offAbove {
        #expect(b.2 == 0, "\(b.2) W after a reading of \(a.1) °C at \(a.0) s")
    }
    print("temperature control (\(tissue)): worst \(worst) K after 100 s, \(readings.count { $0.1 > 90 + offAbove }) readings above \(90 + offAbove) °C")
    #expect(readings.contains { $0.0 < 60 && $0.2 == 40 }, "no full-power warm-up")
    let lateMean = settled.map(\.2).reduce(0, +) / Double(max(1, settled.count))
    #expect(lateMean < 0.8 * 40, "mean late power \(lateMean) W: the controller is not regulating")
    // Energy is the integral of the delivered power (power changes every step here, samples are 1 s apart).
    var integral = 0.0
    for (a, b) in zip(r.timeSeries, r.timeSeries.dropFirst()) { integral += (a.powers[0] + b.powers[0]) / 2 * (b.time - a.time) }
    #expect(abs(integral - r.deliveredEnergy[0]) / r.deliveredEnergy[0] < 0.01, "integral \(integral) J vs \(r.deliveredEnergy[0]) J")
    // Every powered sample reports the generator's readings (whether they agree with the field is
    // generatorReadingsMatchThePotentialField's question: here V and I are computed from P and R).
    #expect(r.timeSeries.filter { $0.powers[0] > 0 }.allSatisfy { $0.voltageV != nil && $0.currentA != nil && $0.impedanceOhm != nil })
}

/// A sample shows the power of the step that ends at it, and on this grid every step (about 1 s)
/// is a sample: the delivered energy is exactly the sum of each sample's power over the interval
/// that ends at it. (On finer grids the ramp changes the power between 1-s samples too.)
@Test func impedanceControlEnergyIsTheIntegralOfPower() throws {
    let p = try rfPreset("""
        {"type": "rfa", "electrode": "cluster", "active_length_mm": 10, "tip_mm": [0, 0, -5], "entry_mm": [0, 0, 30],
         "control": {"mode": "impedance", "max_power_w": 60}, "duration_s": 120}
        """)
    let (r, _) = try runZone(p)
    var integral = 0.0
    for (a, b) in zip(r.timeSeries, r.timeSeries.dropFirst()) { integral += b.powers[0] * (b.time - a.time) }
    #expect(abs(integral - r.deliveredEnergy[0]) <= 1e-9 * r.deliveredEnergy[0], "integral \(integral) J vs \(r.deliveredEnergy[0]) J")
    #expect(r.timeSeries[0].powers[0] == 60 * 0.05, "the ramp starts at 5 % of max power")
}

/// Three cooled needles at one potential heat a larger zone than one cooled needle at the same
/// generator settings (lower impedance, three cooled surfaces), as the cluster is used clinically.
@Test func clusterZoneIsLargerThanASingleCooledTip() throws {
    func applicator(_ electrode: String) -> String {
        """
        {"type": "rfa", "electrode": "\(electrode)", "active_length_mm": 10, "tip_mm": [0, 0, -5], "entry_mm": [0, 0, 30],
         "control": {"mode": "impedance", "max_power_w": 80}, "duration_s": 240}
        """
    }
    let (single, singleZone) = try runZone(try rfPreset(applicator("cooled_tip")))
    let (cluster, clusterZone) = try runZone(try rfPreset(applicator("cluster")))
    #expect(clusterZone.volumeML > 1.3 * singleZone.volumeML, "cluster \(clusterZone.volumeML) mL vs single \(singleZone.volumeML) mL")
    #expect(clusterZone.shortAxisMM > singleZone.shortAxisMM + 2, "short axes \(clusterZone.shortAxisMM) vs \(singleZone.shortAxisMM) mm")
    // Lower impedance at the start, in cold tissue: the final one depends on whether a roll-off
    // pause happens to be under way at the end.
    let baseline = { (r: SimulationResult) in r.timeSeries.first { $0.impedanceOhm != nil }!.impedanceOhm! }
    #expect(baseline(cluster) < baseline(single), "baselines \(baseline(cluster)) vs \(baseline(single)) ohm")
    #expect(cluster.deliveredEnergy[0] > single.deliveredEnergy[0])
}

/// A multi-tine array heats a roughly spherical zone at least as wide as the deployed array,
/// and a wider array a wider zone. Bench (unperfused) liver, as in the ex vivo studies of these arrays.
@Test func multiTineZoneIsRoundAndFollowsTheArray() throws {
    func zone(_ deployed: Double) throws -> ZoneAnalysis.Zone {
        try runZone(try rfPreset("""
            {"type": "rfa", "electrode": "multi_tine", "diameter_mm": 2, "tines": 10, "deployed_diameter_mm": \(deployed),
             "tip_mm": [0, 0, \(deployed / 8)], "entry_mm": [0, 0, 30], "control": {"mode": "impedance", "max_power_w": 60},
             "duration_s": 300}
            """, size: 48, extra: ", \"materials\": {\"liver\": {\"perfusion_per_s\": 0}}")).1
    }
    let small = try zone(20), large = try zone(30)
    for (z, d) in [(small, 20.0), (large, 30.0)] {
        #expect(z.shortAxisMM >= d, "\(d) mm array: zone \(z.shortAxisMM) mm wide")
        #expect(z.sphericity > 0.85, "\(d) mm array: sphericity \(z.sphericity)")
        #expect(z.longAxisMM > 0.6 * z.shortAxisMM, "\(d) mm array: \(z.longAxisMM) x \(z.shortAxisMM) mm")
    }
    #expect(large.shortAxisMM > small.shortAxisMM + 4, "\(small.shortAxisMM) -> \(large.shortAxisMM) mm")
}

/// The impedance ramp is continuous: with solves 3 s apart and a sample every second, every
/// sample of the ramp above its 5 % floor (the first 1.5 s) shows more power than the one before (a
/// ramp that moved only at solves would repeat each power for three samples), until the first roll-off.
@Test func impedanceRampRisesBetweenSolves() throws {
    let p = try rfPreset("""
        {"type": "rfa", "electrode": "cooled_tip", "active_length_mm": 10, "tip_mm": [0, 0, -5], "entry_mm": [0, 0, 30],
         "control": {"mode": "impedance", "max_power_w": 40}, "duration_s": 20, "update_interval_s": 3}
        """, spacing: 0.5)
    let (r, _) = try runZone(p)
    let ramp = r.timeSeries.dropFirst().prefix { $0.powers[0] > 0 }.filter { $0.time > 1.5 }
    #expect(ramp.count >= 6, "\(ramp.count) samples before the first roll-off")
    for (a, b) in zip(ramp, ramp.dropFirst()) {
        #expect(b.powers[0] > a.powers[0], "power \(a.powers[0]) W at \(a.time) s, \(b.powers[0]) W at \(b.time) s")
    }
    let solves = try #require(r.applicators[0].radiofrequency).potentialSolves
    #expect(solves < ramp.count, "\(solves) solves for \(ramp.count) rising samples")
}

/// A cluster inserted along a strongly oblique direction (the body diagonal, 55° off every grid
/// axis) makes the same zone as one along a grid axis: the same energy and volume, and the
/// needles' direction a principal axis of the necrotic voxels' positions. The
/// three needles' voxels, their sub-voxel surfaces, cooled shafts and contacts are rasterised anew
/// for every direction, so a placement-dependent error shows here. (The zone of 10 mm tips is wider
/// than long, so the needle axis is its shortest principal axis; the test asks only that it be one.)
@Test func obliqueClusterMakesTheSameZoneAsAnAlignedOne() throws {
    func run(_ d: SIMD3<Double>) throws -> (energy: Double, volume: Double, surfaceShare: Double, misalignmentDeg: Double,
                                            rollOffs: [Double], sampleSpacing: Double) {
        let tip = -5 * d, entry = 30 * d
        func v(_ x: SIMD3<Double>) -> String { String(format: "[%.6f, %.6f, %.6f]", x.x, x.y, x.z) }
        let p = try rfPreset("""
            {"type": "rfa", "electrode": "cluster", "active_length_mm": 10, "tip_mm": \(v(tip)), "entry_mm": \(v(entry)),
             "control": {"mode": "impedance", "max_power_w": 80}, "duration_s": 240}
            """, size: 44)
        let scene = try Scene(preset: p)
        let r = try Simulation(preset: p, scene: scene, threads: 2).run()
        let g = scene.grid
        let necrosis = r.necrosis()
        let dead = necrosis.enumerated().filter { $0.element != 0 }.map { n, _ in
            g.worldPosition(n % g.nx, (n / g.nx) % g.ny, n / (g.nx * g.ny))
        }
        // One voxel layer over the zone's surface: necrotic voxels with a face neighbour that is not.
        var surface = 0
        for k in 0..<g.nz { for j in 0..<g.ny { for i in 0..<g.nx where necrosis[g.linearIndex(i, j, k)] != 0 {
            let open = i == 0 || i == g.nx - 1 || j == 0 || j == g.ny - 1 || k == 0 || k == g.nz - 1
                || necrosis[g.linearIndex(i - 1, j, k)] == 0 || necrosis[g.linearIndex(i + 1, j, k)] == 0
                || necrosis[g.linearIndex(i, j - 1, k)] == 0 || necrosis[g.linearIndex(i, j + 1, k)] == 0
                || necrosis[g.linearIndex(i, j, k - 1)] == 0 || necrosis[g.linearIndex(i, j, k + 1)] == 0
            if open { surface += 1 }
        } } }
        let mean = dead.reduce(SIMD3<Double>.zero, +) / Double(dead.count)
        // The needle direction must be a principal axis of the zone: the scatter matrix maps it onto itself.
        var image = SIMD3<Double>.zero
        for x in dead { let y = x - mean; image += y * (y * d).sum() }
        let axis = image / (image * image).sum().squareRoot()
        let cosine = min(1, abs((axis * d).sum()))
        // Roll-offs: the samples at which the power drops to zero.
        var rollOffs: [Double] = [], spacing = 0.0
        for (a, b) in zip(r.timeSeries, r.timeSeries.dropFirst()) {
            spacing = max(spacing, b.time - a.time)
            if a.powers[0] > 0 && b.powers[0] == 0 { rollOffs.append(b.time) }
        }
        return (r.deliveredEnergy[0], Double(dead.count) * g.voxelVolumeMM3 / 1000, Double(surface) / Double(dead.count),
                acos(cosine) * 180 / .pi, rollOffs, spacing)
    }
    let aligned = try run([0, 0, 1])
    let oblique = try run(SIMD3<Double>(1, 1, 1) / 3.0.squareRoot())
    print("cluster along z: \(aligned); along the diagonal: \(oblique)")
    // Under impedance control the energy follows the roll-offs, threshold events the generator sees
    // only at its potential solves (every update_interval_s, 3 s, on the step grid): the two runs
    // must roll off equally often, each roll-off within a solve period and a sample of the other's.
    // Moving one roll-off by that much moves the energy by up to 80 W x (3 s + a sample); the energy
    // may differ by one such net shift plus 1 % for the rasterisation itself (0.7 % measured when the
    // roll-offs fell the same way). Measured at 1 mm: five roll-offs in each run, four of them 3.2 s
    // apart, energy -3.3 % (7650 and 7395 J), volume +1.0 %, axes 0.5° and 0°.
    let period = 3 + max(aligned.sampleSpacing, oblique.sampleSpacing)
    #expect(oblique.rollOffs.count == aligned.rollOffs.count, "roll-offs at \(aligned.rollOffs) and \(oblique.rollOffs) s")
    for (a, b) in zip(aligned.rollOffs, oblique.rollOffs) { #expect(abs(a - b) <= period, "roll-off at \(a) s against \(b) s") }
    #expect(abs(oblique.energy - aligned.energy) <= 80 * period + 0.01 * aligned.energy)
    // Volume: what the energy may differ by, one net shift (80 W x the period), taken to move the
    // volume by the same share (the heat that brings tissue to the lethal dose grows with its volume:
    // an estimate, d ln V / d ln E = 1), plus the rasterisation, one voxel layer over the zone's
    // surface (the larger of the two runs' surface voxels over their zone voxels): 4.2 + 18.8 % at
    // 1 mm against +1.0 % measured. Loose (a voxel layer is the worst case of a count whose surface
    // errors mostly cancel): it catches gross placement errors, not small ones.
    let volumeBound = 80 * period / aligned.energy + max(aligned.surfaceShare, oblique.surfaceShare)
    print("cluster volume: \(oblique.volume / aligned.volume - 1) against \(volumeBound)")
    #expect(abs(oblique.volume / aligned.volume - 1) <= volumeBound, "volume \(oblique.volume) mL against \(aligned.volume) mL")
    #expect(aligned.misalignmentDeg < 2 && oblique.misalignmentDeg < 2)
}
