import Foundation

/// The two plots `sweep collect` draws, in the form device charts use.
enum SweepPlots {
    /// Long (solid) and short (dashed) axis against heating time, one colour per power.
    static func zoneAxes(_ rows: [CaseResult], title: String) -> String {
        let done = rows.filter { $0.status == .complete && $0.powerW != nil && $0.heatingTimeS != nil }
        var chart = SVGChart(title: "\(title): zone axes against heating time", xLabel: "heating time (min)",
                             yLabel: "zone axis (mm)")
        let powers = Set(done.compactMap(\.powerW)).sorted()
        for (n, power) in powers.enumerated() {
            let group = done.filter { $0.powerW == power }
            let color = SVGChart.palette[n % SVGChart.palette.count]
            let p = SVGChart.label(power)
            chart.series.append(.init(label: "\(p) W long", points: group.compactMap { r in r.longAxisMM.map { (r.heatingTimeS! / 60, $0) } }, color: color))
            chart.series.append(.init(label: "\(p) W short", points: group.compactMap { r in r.shortAxisMM.map { (r.heatingTimeS! / 60, $0) } }, color: color, dashed: true, square: true))
        }
        if done.isEmpty { chart.note = "no complete cases yet" }
        return chart.svg
    }

    /// Zone volume against delivered energy, one colour per power (points only).
    static func volumeEnergy(_ rows: [CaseResult], title: String) -> String {
        let done = rows.filter { $0.status == .complete && $0.volumeML != nil && $0.deliveredEnergyJ != nil }
        var chart = SVGChart(title: "\(title): zone volume against delivered energy", xLabel: "delivered energy (kJ)",
                             yLabel: "ablation zone volume (mL)")
        let powers = Set(done.map { $0.powerW ?? .nan }).sorted { $0.isNaN ? false : $1.isNaN ? true : $0 < $1 }
        for (n, power) in powers.enumerated() {
            let group = done.filter { ($0.powerW ?? .nan).isNaN ? power.isNaN : $0.powerW == power }
            chart.series.append(.init(label: power.isNaN ? "cases" : "\(SVGChart.label(power)) W",
                                      points: group.map { ($0.deliveredEnergyJ! / 1000, $0.volumeML!) },
                                      color: SVGChart.palette[n % SVGChart.palette.count], connect: false))
        }
        if done.isEmpty { chart.note = "no complete cases yet" }
        return chart.svg
    }
}
