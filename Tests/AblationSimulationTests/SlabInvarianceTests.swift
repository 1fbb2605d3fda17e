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

/// The stepping loop cuts its slabs by work (rows that changed), so slab edges move during a run
/// and fall at different planes for each thread count. Every voxel's result must still be the same
/// bit for bit: k(T) faces on a slab edge are rebuilt by the slab that stores them, the damage
/// sample's reductions are order-free, and the dry voxels are sub-cycled in index order.
@Test(arguments: [2, 3, 5])
func conductivityResponseAndSteppingDoNotDependOnTheSlabs(threads: Int) throws {
    // A strong law and an off-centre source: many voxels cross k(T) steps every sample, and the
    // heated planes sit on one side, so balanced slab edges pass through them.
    let p = try decode(minimalPreset, [
        "materials.liver.conductivity_per_c=0.01", "applicators.0.shape.center_mm=[3,-2,5]",
        "applicators.0.shape.radius_mm=2", "applicators.0.schedule.0.power_w=1.5",
        "applicators.0.schedule.0.duration_s=30", "time.damage_interval_s=1",
    ])
    let one = try Simulation(preset: p, scene: try Scene(preset: p), threads: 1).run()
    let many = try Simulation(preset: p, scene: try Scene(preset: p), threads: threads).run()
    #expect(one.peakTemperatureC > 60, "the run must move conductivities well out of the resting band")
    let temperatures = zip(one.temperature(), many.temperature()).count { $0.bitPattern != $1.bitPattern }
    let damage = zip(one.damageMeasure(), many.damageMeasure()).count { $0.bitPattern != $1.bitPattern }
    #expect(temperatures == 0 && damage == 0, "\(temperatures) temperatures and \(damage) damage values differ")
}
