import AblationAnalysis
import AblationIO
import AblationJSON
import AblationKernels
import AblationPreset

/// plan-summary.json: the decision, the evidence (predicted and verified coverage and margins),
/// what else was tried, and everything needed to reproduce it.
enum PlanSummary {
    /// The coarse stage's settings and effort, for the search section.
    struct CoarseStage {
        var spacingMM: Double
        var allowanceMM: Double
        var simulations: Int
        /// Margin the coarse run had to predict at the end (margin_mm + allowance + shortfalls).
        var finalRequiredMM: Double
        /// Close calls re-checked at the preset's spacing (docs/planning.md#preference).
        var closeCallsChecked: Int
    }

    static func targetJSON(_ t: ZoneAnalysis.TargetCoverage) -> JSONValue {
        ["name": .string(t.name), "coverage_percent": rounded(t.coveragePercent, 6), "min_margin_mm": rounded(t.minMarginMM),
         "complete": .bool(t.complete), "complete_with_margin": .bool(t.completeWithMargin)]
    }

    /// A verified target with what limits its margin: the vessels whose living voxels set it
    /// (PlanningProblem.cappingVessels) and the nearest vessel's cap, the most any plan can give
    /// while that vessel's blood stays alive.
    static func verifiedTargetJSON(_ t: ZoneAnalysis.TargetCoverage, index: Int, _ v: Planner.Verification, problem: PlanningProblem) -> JSONValue {
        let capping = problem.cappingVessels(index, necrosis: v.computed.necrosis, metal: v.computed.scene.electrodeVoxels)
        let cap = problem.marginCapMM(index)
        return targetJSON(t)
            .setting("margin_capped_by_vessels", .array(capping.map { .string($0) }))
            .setting("vessel_margin_cap_mm", cap.isFinite ? rounded(cap) : .null)
    }

    static func verificationJSON(_ v: Planner.Verification, problem: PlanningProblem) -> JSONValue {
        let c = v.candidate
        let errors: [JSONValue] = zip(v.predicted.targets, v.computed.analysis.targets).map { p, q in rounded(p.minMarginMM - q.minMarginMM) }
        return [
            "description": .string(c.label),
            "applicators": .array(c.needles.map { n in
                let tip = Planner.roundVector(n.tipMM), entry = Planner.roundVector(n.entryMM)
                let placed: [(String, JSONValue)] = [
                    ("tip_mm", vectorJSON(tip)), ("entry_mm", vectorJSON(entry)),
                    ("power_w", .number(n.powerW)), ("duration_s", .number(n.durationS)), ("start_s", .number(n.startS)),
                    ("insertion", .number(Double(n.insertion))),
                ]
                // The same path as plan.json places it, in the terms of a CT-guided insertion.
                return .object(placed + NeedleGeometry(entryRAS: entry, tipRAS: tip).jsonMembers)
            }),
            "needle_insertions": .number(Double(c.insertions)), "treatment_s": .number(c.treatmentS),
            // What the surrogate predicted before the verifying run: the coarse simulation,
            // analysed on the preset's grid; the zone library's union margin is kept beside it.
            "predicted": ["targets": .array(v.predicted.targets.map(targetJSON)), "healthy_ablated_ml": rounded(v.predicted.healthyAblatedML),
                          "zone_volume_ml": rounded(v.predicted.zone.volumeML),
                          "zone_library_min_margin_mm": .array(c.predictedMarginsMM.map { rounded($0) }),
                          "zone_library_healthy_ablated_ml": rounded(c.predictedHealthyML)],
            "verified": ["targets": .array(v.computed.analysis.targets.enumerated().map { verifiedTargetJSON($1, index: $0, v, problem: problem) }),
                         "healthy_ablated_ml": rounded(v.computed.analysis.healthyAblatedML),
                         "zone_volume_ml": rounded(v.computed.analysis.zone.volumeML),
                         "solver_time_s": rounded(v.computed.result.solverSeconds),
                         "touches_boundary": .bool(v.computed.analysis.boundary.touchesBoundary)],
            "margin_error_mm": .array(errors),
            "confirmed": .bool(v.confirmed),
        ]
    }

    /// Templates whose zone, as the planner verifies it, may not be what it claims, in a way that changes a
    /// coverage decision:
    /// - multi-tine arrays: wider across and shorter along than published arrays
    ///   (docs/validation.md#multi-tine-arrays-in-living-pig-liver), so margins across the needle may be overstated;
    /// - clusters: the tissue between the cooled needles (little field between conductors at one potential,
    ///   cold walls on three sides) survives closer to the tumour the finer the grid, so the verified margin
    ///   near them does not converge (docs/planning.md#the-rf-plans-verified-margin-depends-on-the-grid);
    /// - single cooled needles thinner than two voxels of the verifying grid: the tissue the coolant keeps
    ///   cold beside them is not resolved.
    static func deviceModelRisks(_ spec: PlanningSpec, spacingMM: Double) -> [String] {
        spec.templates.enumerated().compactMap { n, template in
            guard case let .radiofrequency(_, rf) = template.device else { return nil }
            let path = "planning.applicators.\(n)"
            switch rf.electrode {
            case .multiTine:
                return path + " (rfa multi_tine): the model's multi-tine zones are wider across the needle and shorter "
                    + "along it than published arrays (a 4 cm LeVeen array +21 to +43 % across on the bench; in living pig liver +27 % across "
                    + "and -35 % along at the published volume), so this plan's margins across the needle may not be reached "
                    + "(docs/validation.md#multi-tine-arrays-in-living-pig-liver)"
            case .cluster:
                return path + " (rfa cluster): tissue between the cooled needles survives closer to the tumour the finer the grid "
                    + "(a bundled cluster plan: margin 4.7 / 7.1 / 4.6 / 1.6 mm at 1.5 / 1 / 0.75 / 0.5 mm, the zone unchanged), so "
                    + "the verified margin near the needles is not converged (docs/planning.md#the-rf-plans-verified-margin-depends-on-the-grid)"
            case .cooledTip:
                guard !rf.resolvesNeedles(atSpacingMM: spacingMM) else { return nil }
                return path + String(format: " (rfa cooled_tip of %.2f mm): the verifying grid (%@ mm) does not resolve the tissue "
                    + "the coolant keeps cold beside the needle, so the verified margin near it depends on the grid; verify with "
                    + "grid.spacing_mm <= %.3g (docs/planning.md#the-rf-plans-verified-margin-depends-on-the-grid)",
                    rf.diameterMM, JSONWriter.format(spacingMM), rf.diameterMM / 2)
            }
        }
    }

    static func json(preset: Preset, presetBytes: [UInt8], spec: PlanningSpec, libraries: [ZoneLibrary], problem: PlanningProblem,
                     tally: SearchTally, verifications: [Planner.Verification], feasible: Bool, reason: Planner.Reason?,
                     explanation: String, timings: [String: Double], coarse: CoarseStage) -> JSONValue {
        var risks: [JSONValue] = []
        for (n, shell) in problem.shells.enumerated() where problem.vesselDistanceToTarget[n] < 10 {
            risks.append(.string(String(format: "target \"%@\": a vessel lies %.1f mm from it (voxel centres); its heat sink is in the verifying simulation, but perfusion and flow vary between patients", shell.name, problem.vesselDistanceToTarget[n])))
        }
        risks += deviceModelRisks(spec, spacingMM: preset.grid.spacingMM).map { .string($0) }
        let library: [JSONValue] = libraries.map { lib in
            JSONValue.object(lib.template.device.summaryMembers).setting("spacing_mm", .number(lib.spacingMM)).setting(
             "points", .array(lib.entries.map { e in
                 ["power_w": .number(e.powerW), "duration_s": .number(e.durationS),
                  "zone_volume_ml": rounded(e.profile.volumeMM3 / 1000), "zone_length_mm": rounded(e.profile.lengthMM),
                  "zone_max_diameter_mm": rounded(2 * e.profile.maxRadiusMM), "from_cache": .bool(e.fromCache),
                  "cache_key": .string(e.cacheKey), "simulation_s": rounded(e.simulationSeconds)]
             }))
        }
        var document: JSONValue = [
            "ablsim_version": .string(AblsimVersion.string),
            "preset_name": .string(preset.name),
            "preset_sha256": .string(SHA256.hex(presetBytes)),
            "seed": .number(Double(preset.seed)),
            "feasible": .bool(feasible),
            "margin_mm": .number(preset.marginMM),
        ]
        if let reason {
            document = document.setting("reason", .string(reason.rawValue)).setting("explanation", .string(explanation))
        }
        // What the verified zone rests on (device calibration, resolution), as the verifying run's
        // summary.json says it: the decision should not travel without it.
        document = document.setting("warnings", .array((verifications.last?.computed.warnings ?? []).map { .string($0) }))
        if feasible, let plan = verifications.last {
            document = document.setting("plan", verificationJSON(plan, problem: problem))
        } else if let attempt = verifications.last {
            document = document.setting("best_attempt", verificationJSON(attempt, problem: problem))
        }
        return document
            .setting("alternatives_verified", .array(verifications.dropLast().map { verificationJSON($0, problem: problem) }))
            .setting("risks", .array(risks))
            .setting("search", [
                "placements": .number(Double(tally.placements)), "safe_placements": .number(Double(tally.safePlacements)),
                "paths_too_close_to_vessel": .number(Double(tally.rejectedVessel)),
                "paths_crossing_avoided_region": .number(Double(tally.rejectedAvoid)),
                "paths_outside_entry": .number(Double(tally.rejectedEntry)),
                "paths_outside_grid": .number(Double(tally.rejectedOutsideGrid)),
                "surrogate_evaluations": .number(Double(tally.evaluations)), "surrogate_feasible": .number(Double(tally.feasible)),
                "library_s": rounded(timings["library_s"] ?? 0), "search_s": rounded(timings["search_s"] ?? 0),
                "coarse_simulations": .number(Double(coarse.simulations)), "coarse_spacing_mm": .number(coarse.spacingMM),
                "coarse_allowance_mm": .number(coarse.allowanceMM), "coarse_required_margin_mm": rounded(coarse.finalRequiredMM),
                "coarse_s": rounded(timings["coarse_s"] ?? 0), "close_calls_checked": .number(Double(coarse.closeCallsChecked)),
            ])
            .setting("zone_library", .array(library))
            .setting("surrogate", .string("two fidelities: (1) a zone library, the axisymmetric zone r(z) of one applicator (antenna or RF electrode) in homogeneous background tissue simulated by ablsim at the library's powers and durations, united over the positions, ranks thousands of placements; (2) the best few (or, when it accepts none, its closest miss per arrangement) are simulated by ablsim on a coarse grid with every needle, vessel and tissue of the preset, the damage field interpolated onto the preset's grid and analysed there: that is the predicted margin; for several positions lower power and time and no pull-back are tried with the coarse simulation; a plan counts only when the full simulation at the preset's resolution confirms it"))
            .setting("planning", [
                "max_applicators": .number(Double(spec.maxApplicators)), "clearance_mm": .number(spec.clearanceMM),
                "avoid": .array(spec.avoid.map { .string($0) }), "entry": spec.entry.map { $0.json() } ?? .null,
            ])
            .setting("resolved_preset", preset.resolvedJSON())
    }
}
