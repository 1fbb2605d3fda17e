import Foundation

/// The target a row that publishes only a volume is judged on: the volume of the axis target's band.
/// A zone whose three diameters are each within ±t of the published ones has a volume (∝ the product
/// of its diameters, for an ellipsoid or any shape scaled by them) within (1-t)³ to (1+t)³ of the
/// published volume, and a volume within that band is what a zone scaled uniformly by at most ±t
/// has: the same rule as the axes, stated on volume. So the band is not symmetric in per cent:
/// x0.42 to x1.95 (-58 / +95 %) for measured rows (t = 25 %), x0.61 to x1.52 for chart rows
/// (t = 15 %). Equivalently, the diameter of the sphere of the zone's volume is within ±t.
struct VolumeTarget: Sendable, Equatable, CustomStringConvertible {
    /// The axis target t (0.25 for measured rows, 0.15 for chart rows).
    var axisLimit: Double

    var lowestRatio: Double { pow(1 - axisLimit, 3) }
    var highestRatio: Double { pow(1 + axisLimit, 3) }

    func contains(predicted: Double, published: Double) -> Bool {
        let ratio = predicted / published
        return ratio >= lowestRatio && ratio <= highestRatio
    }

    /// "x0.42-1.95" for the 25 % band.
    var description: String { String(format: "x%.2f-%.2f", lowestRatio, highestRatio) }
}
