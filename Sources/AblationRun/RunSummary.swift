import AblationAnalysis
import AblationJSON
import AblationKernels
import AblationPreset
import AblationSimulation
import Foundation

/// summary.json: the contract's keys (docs/preset-format.md) plus run diagnostics.
public enum RunSummary {
    public static func json(result r: SimulationResult, analysis a: ZoneAnalysis, contracted: ContractedZone? = nil,
                            presetSHA256: String,
                            wallTimeS: Double, threads: Int, warnings: [String], outputs: [String],
                            timings: [(String, Double)] = []) -> JSONValue {
        let g = r.scene.grid
        func v(_ p: SIMD3<Double>) -> JSONValue { .array([.number(p.x), .number(p.y), .number(p.z)]) }
        func num(_ x: Double, _ digits: Int = 6) -> JSONValue {
            guard x.isFinite else { return .null }
            return .number(Double(String(format: "%.\(digits)g", x)) ?? x)
        }
        var ablation: [(String, JSONValue)] = [
            ("volume_ml", num(a.zone.volumeML)), ("long_axis_mm", num(a.zone.longAxisMM)),
            ("short_axis_mm", num(a.zone.shortAxisMM)), ("sphericity", num(a.zone.sphericity, 4)),
            ("axis", v(a.zone.axis)), ("healthy_ablated_ml", num(a.healthyAblatedML)),
            ("touches_boundary", .bool(a.boundary.touchesBoundary)),
            ("boundary_faces", .array(a.boundary.faces.map { .string($0) })),
        ]
        if let c = contracted {
            ablation.append(("contracted_estimate", [
                "volume_ml": num(c.volumeML), "long_axis_mm": num(c.longAxisMM), "short_axis_mm": num(c.shortAxisMM),
                "shrinkage": .string(TissueShrinkage.source),
            ]))
        }
        let labels: [JSONValue] = r.scene.labelNames.enumerated().map { n, name in
            ["value": .number(Double(n)), "name": .string(name), "material": .string(r.scene.labelMaterials[n])]
        }
        let applicators: [JSONValue] = r.preset.applicators.enumerated().map { n, app in
            let report = r.applicators[n]
            var entry: [(String, JSONValue)] = [("type", .string(app.typeName)), ("delivered_energy_j", num(report.deliveredEnergyJ, 9))]
            if let rf = report.radiofrequency {
                entry.append(("final_impedance_ohm", num(rf.finalImpedanceOhm)))
                entry.append(("potential_solves", .number(Double(rf.potentialSolves))))
                entry.append(("cg_iterations", .number(Double(rf.cgIterations))))
                if let e = rf.coolantEnergyJ { entry.append(("coolant_energy_j", num(e, 9))) }
                entry.append(("peak_voltage_v", num(rf.peakVoltageV)))
                if let s = rf.powerLimitedS { entry.append(("power_limited_s", num(s))) }
                if let starts = rf.deploymentStepStartsS {
                    entry.append(("deployment_step_starts_s", .array(starts.map { num($0) })))
                    entry.append(("deployment_end_s", rf.deploymentEndS.map { num($0) } ?? .null))
                }
            }
            if let d = report.microwave {
                // The last evaluation of the antenna pattern (forward power x efficiency, split by grid).
                entry.append(("absorbed_power_w", num(d.totalAbsorbedW)))
                entry.append(("outside_grid_fraction", num(d.outsideGridFraction, 4)))
                entry.append(("near_field_wavelength_ratio", num(d.wavelengthRatio, 4)))
            }
            return .object(entry)
        }
        // In region order; a vessel tree's segments breadth-first from its trunk (VesselTree), a
        // cylinder as one segment.
        let vessels: [JSONValue] = r.vessels.map { v in
            ["name": .string(v.name), "region": .number(Double(v.region)), "segment": .number(Double(v.segment)),
             "parent": v.parentSegment.map { .number(Double($0)) } ?? .null,
             "diameter_mm": num(v.diameterMM), "length_mm": num(v.lengthMM), "velocity_mm_s": num(v.velocityMMS),
             "wall_heat_transfer_w_m2k": num(v.wallCoefficient, 4), "heat_removed_w": num(v.heatRemovedW, 4),
             "heat_removed_j": num(v.heatRemovedJ), "outlet_temperature_c": num(v.outletTemperatureC, 5),
             "occluded": .bool(v.occlusionTimeS != nil), "occlusion_time_s": v.occlusionTimeS.map { num($0) } ?? .null,
             "occluded_at_s": v.occlusionTimeS.map { num($0) } ?? .null]
        }
        let targets: [JSONValue] = a.targets.map { t in
            var entry: [(String, JSONValue)] = [
                ("name", .string(t.name)), ("volume_ml", num(t.volumeML)), ("coverage_percent", num(t.coveragePercent)),
                ("min_margin_mm", num(t.minMarginMM)), ("complete", .bool(t.complete)),
                ("complete_with_margin", .bool(t.completeWithMargin))]
            if let d = t.detail {
                entry.append(("weakest_margin_point_mm", v(d.weakestPointMM)))
                entry.append(("weakest_margin_direction", v(d.weakestDirection)))
                entry.append(("surface_margin_shares", [
                    "below_0_mm": num(d.surfaceShares[0], 4), "0_to_5_mm": num(d.surfaceShares[1], 4),
                    "5_to_10_mm": num(d.surfaceShares[2], 4), "above_10_mm": num(d.surfaceShares[3], 4)]))
            }
            return .object(entry)
        }
        var document: JSONValue = [
            "ablsim_version": .string(AblsimVersion.string),
            "preset_name": .string(r.preset.name),
            "preset_sha256": .string(presetSHA256),
            "seed": .number(Double(r.preset.seed)),
            "grid": ["shape": .array(g.shape.map { .number(Double($0)) }), "spacing_mm": .number(g.spacingMM),
                     "origin_mm": v(g.originMM), "frame": "RAS+ world millimetres (NIfTI scanner-anatomical)"],
            "simulated_time_s": num(r.simulatedTime, 9),
            "time_steps": .number(Double(r.steps)),
            "time_step_s": num(r.maxTimeStep),
            "wall_time_s": num(wallTimeS, 4),
            "solver_time_s": num(r.solverSeconds, 4),
            "threads": .number(Double(threads)),
            "active_row_fraction": num(r.meanActiveRowFraction, 3),
            "timings": .object(timings.map { ($0.0, num($0.1, 4)) }),
            "ablation": .object(ablation),
            "targets": .array(targets),
            "max_temperature_c": num(r.peakTemperatureC),
            "applicators": .array(applicators),
            "vessels": .array(vessels),
            "damage": .object([("model", .string(r.preset.damage.model.rawValue)), ("threshold", .number(r.preset.damage.threshold)),
                               ("file_units", .string(damageUnits(r.preset.damage.model)))]
                              + (UnheatedDose.fraction(preset: r.preset, simulatedTimeS: r.simulatedTime).map { [("unheated_dose_fraction", num($0, 4))] } ?? [])),
            "labels": .array(labels),
            "outputs": .array(outputs.map { .string($0) }),
            "warnings": .array(warnings.map { .string($0) }),
            "resolved_preset": r.preset.resolvedJSON(),
        ]
        if let c = a.reference, case var .object(members) = document {
            let comparison: JSONValue = ["volume_ml": num(c.referenceVolumeML), "dice": num(c.dice, 4),
                                         "mean_surface_distance_mm": num(c.meanSurfaceDistanceMM, 4),
                                         "hausdorff_mm": num(c.hausdorffMM, 4)]
            members.insert(("reference_zone", comparison), at: members.firstIndex { $0.0 == "targets" }! + 1)
            document = .object(members)
        }
        return document
    }

    static func damageUnits(_ m: Preset.DamageSpec.Model) -> String {
        switch m {
        case .arrhenius: return "Omega (dimensionless)"
        case .cem43: return "CEM43 minutes"
        case .isotherm: return "peak temperature (°C)"
        }
    }

    public static func timeSeriesCSV(_ r: SimulationResult) -> String {
        var header = ["time_s"]
        for n in r.preset.applicators.indices { header.append("power_w_\(n)") }
        header += ["energy_j", "impedance_ohm", "max_temperature_c", "ablation_volume_ml",
                   "voltage_v", "current_a", "electrode_temperature_c"]
        var lines = [header.joined(separator: ",")]
        for s in r.timeSeries {
            var row = [String(format: "%.6g", s.time)]
            row += s.powers.map { String(format: "%.6g", $0) }
            row += [String(format: "%.8g", s.energy), s.impedanceOhm.map { String(format: "%.6g", $0) } ?? "",
                    String(format: "%.6g", s.maxTemperatureC),
                    String(format: "%.6g", s.ablationVolumeML),
                    s.voltageV.map { String(format: "%.6g", $0) } ?? "", s.currentA.map { String(format: "%.6g", $0) } ?? "",
                    s.electrodeTemperatureC.map { String(format: "%.6g", $0) } ?? ""]
            lines.append(row.joined(separator: ","))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
