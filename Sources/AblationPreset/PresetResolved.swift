import AblationJSON
import AblationKernels
extension Preset {
    /// The preset with every default filled in, as written to summary.json (`resolved_preset`).
    /// Decoding this JSON gives back an identical preset.
    public func resolvedJSON() -> JSONValue {
        func v(_ p: SIMD3<Double>) -> JSONValue { .array([.number(p.x), .number(p.y), .number(p.z)]) }
        var materialsJSON: [(String, JSONValue)] = []
        let used = Set([background] + regions.map(\.material))
        let names = Array(Set(materialOrder).union(used)).sorted()
        for name in names {
            guard let m = materials[name] else { continue }
            materialsJSON.append((name, [
                "density_kg_m3": .number(m.densityKgM3), "specific_heat_j_kgk": .number(m.specificHeatJKgK),
                "conductivity_w_mk": .number(m.conductivityWMK), "perfusion_per_s": .number(m.perfusionPerS),
                "metabolic_heat_w_m3": .number(m.metabolicHeatWM3),
                "electrical_conductivity_s_m": .number(m.electricalConductivitySM),
                "water_content": .number(m.waterContent),
                "arrhenius": ["frequency_factor_per_s": .number(m.arrheniusFrequencyFactorPerS),
                              "activation_energy_j_mol": .number(m.arrheniusActivationEnergyJMol)],
                "linear": .bool(m.linear),
                "conductivity_per_c": .number(m.conductivityPerC),
                "desiccated_conductivity_w_mk": .number(m.desiccatedConductivityWMK),
                "desiccated_heat_capacity_j_m3k": .number(m.desiccatedHeatCapacityJM3K),
                "heat_capacity_per_c": .number(m.heatCapacityPerC),
                "perfusion_stasis_dose": .number(m.perfusionStasisDose),
            ]))
        }
        let regionsJSON: [JSONValue] = regions.map {
            var o: [(String, JSONValue)] = [("name", .string($0.name)), ("material", .string($0.material)),
                                            ("shape", $0.shape.json()), ("target", .bool($0.target)), ("vessel", .bool($0.vessel))]
            if let flow = $0.flow { o.append(("flow", flow.json(cylinderRadiusMM: $0.shape.cylinderRadiusMM))) }
            return .object(o)
        }
        let applicatorsJSON: [JSONValue] = applicators.map { a in
            switch a {
            case let .heatSource(shape, schedule):
                return ["type": "heat_source", "shape": shape.json(),
                        "schedule": .array(schedule.map { ["duration_s": .number($0.durationS), "power_w": .number($0.powerW)] })]
            case let .microwave(m):
                return ["type": "mwa", "frequency_mhz": .number(Double(m.frequencyMHz)), "device": .string(m.device),
                        "tip_mm": v(m.tipMM), "entry_mm": v(m.entryMM),
                        "schedule": .array(m.schedule.map { ["duration_s": .number($0.durationS), "power_w": .number($0.powerW)] }),
                        "update_interval_s": .number(m.updateIntervalS)]
            case let .radiofrequency(rf):
                var control: JSONValue
                switch rf.control {
                case let .constantPower(p): control = ["mode": "constant_power", "power_w": .number(p)]
                case let .impedance(p, .generic): control = ["mode": "impedance", "max_power_w": .number(p), "ramp": "generic"]
                case let .impedance(p, .leveen(start)):
                    control = ["mode": "impedance", "max_power_w": .number(p), "ramp": "leveen", "start_power_w": .number(start)]
                case let .temperature(target, p): control = ["mode": "temperature", "target_c": .number(target), "max_power_w": .number(p)]
                }
                if case var .object(members) = control {
                    // Echoed where it is not the generic default, so generic presets resolve as before.
                    if case .impedance = rf.control, rf.device != "generic" || rf.rollOffRiseOhm != Preset.RadiofrequencySpec.defaultRollOffRiseOhm {
                        members.append(("roll_off_ohm", .number(rf.rollOffRiseOhm)))
                    }
                    if let v = rf.maxVoltageV { members.append(("max_voltage_v", .number(v))) }
                    if let a = rf.maxCurrentA { members.append(("max_current_a", .number(a))) }
                    control = .object(members)
                }
                var members: [(String, JSONValue)] = [("type", "rfa"), ("device", .string(rf.device)), ("electrode", .string(rf.electrode.name))]
                switch rf.electrode {
                case .cooledTip, .cluster:
                    members += [("active_length_mm", .number(rf.activeLengthMM)), ("diameter_mm", .number(rf.diameterMM)),
                                ("coolant_temperature_c", .number(rf.coolantTemperatureC)), ("pump_off_s", .number(rf.pumpOffS))]
                    if let t = rf.trackAblation {
                        members.append(("track_ablation", ["length_mm": .number(t.lengthMM), "speed_mm_s": .number(t.speedMMS),
                                                           "temperature_c": .number(t.temperatureC)]))
                    }
                    if case let .cluster(spacing) = rf.electrode { members.append(("spacing_mm", .number(spacing))) }
                case let .multiTine(m):
                    members += [("diameter_mm", .number(rf.diameterMM)), ("tines", .number(Double(m.tines))),
                                ("deployed_diameter_mm", .number(m.deployedDiameterMM)), ("tine_diameter_mm", .number(m.tineDiameterMM)),
                                ("tine_shape", .string(m.shape.rawValue))]
                    // Restated whenever it is not the plain default, so that the resolved preset
                    // reads back the same (a device's staged protocol may have been turned off).
                    let deviceSteps = RadiofrequencyDevice(rawValue: rf.device)?.profile?.deploymentsByDiameterMM[m.deployedDiameterMM]
                    if !m.deployment.isEmpty || deviceSteps != nil {
                        members.append(("deployment", .array(m.deployment.map {
                            ["deployed_diameter_mm": .number($0.deployedDiameterMM), "hold_s": .number($0.holdS)]
                        })))
                    }
                }
                members += [("tip_mm", v(rf.tipMM)), ("entry_mm", v(rf.entryMM)), ("control", control),
                            ("duration_s", .number(rf.durationS)), ("update_interval_s", .number(rf.updateIntervalS)),
                            ("return_path_ohm", .number(rf.returnPathOhm))]
                return .object(members)
            }
        }
        var timeJSON: [(String, JSONValue)] = [("cooldown_s", .number(time.cooldownS))]
        if let dt = time.dtS { timeJSON.append(("dt_s", .number(dt))) }
        timeJSON.append(("damage_interval_s", .number(time.damageIntervalS)))
        var document: JSONValue = [
            "ablsim": 1,
            "name": .string(name),
            "description": .string(description),
            "grid": ["center_mm": v(grid.centerMM), "size_mm": v(grid.sizeMM), "spacing_mm": .number(grid.spacingMM)],
            "boundary": ["type": .string(boundary.kind.rawValue), "temperature_c": .number(boundary.temperatureC)],
            "initial_temperature_c": .number(initialTemperatureC),
            "background": .string(background),
            "materials": .object(materialsJSON),
            "blood": ["temperature_c": .number(blood.temperatureC), "density_kg_m3": .number(blood.densityKgM3),
                      "specific_heat_j_kgk": .number(blood.specificHeatJKgK)],
            "regions": .array(regionsJSON),
            "applicators": .array(applicatorsJSON),
            "time": .object(timeJSON),
            "damage": ["model": .string(damage.model.rawValue), "threshold": .number(damage.threshold),
                       "baseline": .string(damage.baseline.rawValue)],
            "margin_mm": .number(marginMM),
            "output": ["formats": .array(outputFormats.map { .string($0) })],
            "seed": .number(Double(seed)),
        ]
        if let planning, case var .object(members) = document {
            members.append(("planning", planning))
            document = .object(members)
        }
        if let referenceZone, case var .object(members) = document {
            members.append(("reference_zone", .object(referenceZone.selectionJSON())))
            document = .object(members)
        }
        return document
    }
}
