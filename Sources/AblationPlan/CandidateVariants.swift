import AblationKernels

/// Variants of a placed candidate on the same needle tracks, for the coarse stage's search
/// downward in power and time: the zone library scores needles as if they did not heat each
/// other, so a pattern it needs at full power may be confirmed by the coarse simulation at a
/// smaller setting or without its pull-back, with less healthy tissue ablated.
extension CandidateSearch {
    /// Every position switched to library entry `entry` of its template, each tip moved along its
    /// track so that the new zone's centroid sits where the old one did (the search aims centroids).
    /// nil for candidates without a layout, mixed templates or an unsafe path.
    func resized(_ c: Candidate, entry e: Int) -> Candidate? {
        guard let layout = c.layout, let t = c.needles.first?.templateIndex, c.needles.allSatisfy({ $0.templateIndex == t }) else { return nil }
        let entries = libraries[t].entries
        let new = entries[e]
        let needles = c.needles.map { n in
            let tip = n.tipMM + layout.axis * (entries[n.entryIndex].profile.centroidZMM - new.profile.centroidZMM)
            // A pulled-back position still starts when the deeper one stops.
            return Candidate.Needle(tipMM: tip, entryMM: entryPoint(n, tip: tip, axis: layout.axis), templateIndex: t, entryIndex: e,
                                    powerW: new.powerW, durationS: new.durationS, startS: n.startS > 0 ? new.durationS : 0,
                                    insertion: n.insertion)
        }
        return variant(needles, layout: layout)
    }

    /// Every position at a duration between two library entries of one power (`shorter` and
    /// `longer`), for settings finer than the library's lattice. The zone is interpolated linearly
    /// in duration between the two entries' profiles, both for the aim (its centroid) and for the
    /// library's union margin reported beside the coarse one; the needles keep `longer` as their
    /// entry (the library zone at or above the setting).
    func retimed(_ c: Candidate, shorter: Int, longer: Int, durationS: Double) -> Candidate? {
        guard let layout = c.layout, let t = c.needles.first?.templateIndex, c.needles.allSatisfy({ $0.templateIndex == t }) else { return nil }
        let entries = libraries[t].entries
        let a = entries[shorter], b = entries[longer]
        guard a.powerW == b.powerW, a.durationS < durationS, durationS < b.durationS else { return nil }
        let profile = ZoneProfile.blend(a.profile, b.profile, weight: (durationS - a.durationS) / (b.durationS - a.durationS))
        let needles = c.needles.map { n in
            let tip = n.tipMM + layout.axis * (entries[n.entryIndex].profile.centroidZMM - profile.centroidZMM)
            return Candidate.Needle(tipMM: tip, entryMM: entryPoint(n, tip: tip, axis: layout.axis), templateIndex: t, entryIndex: longer,
                                    powerW: b.powerW, durationS: durationS, startS: n.startS > 0 ? durationS : 0, insertion: n.insertion)
        }
        return variant(needles, layout: layout, profile: profile)
    }

    /// A pulled-back candidate with one position per needle, halfway between its two depths (where
    /// the search would put an arrangement without pull-back). nil when there is no pull-back.
    func withoutPullBack(_ c: Candidate) -> Candidate? {
        guard var layout = c.layout, layout.pullBackMM > 0 else { return nil }
        let suffix = " pulled back \(Int(layout.pullBackMM)) mm"
        let needles = c.needles.filter { $0.startS == 0 }.map { n in
            var m = n
            m.tipMM = n.tipMM + layout.axis * (layout.pullBackMM / 2)
            m.entryMM = entryPoint(n, tip: m.tipMM, axis: layout.axis)
            return m
        }
        layout.arrangement = layout.arrangement.hasSuffix(suffix) ? String(layout.arrangement.dropLast(suffix.count))
            : layout.arrangement + " without pull-back"
        layout.pullBackMM = 0
        return variant(needles, layout: layout)
    }

    /// Entry points from planning.entry stay (the tip only moves along the track); without it the
    /// path starts where the track leaves the grid, as in the search.
    private func entryPoint(_ n: Candidate.Needle, tip: SIMD3<Double>, axis: SIMD3<Double>) -> SIMD3<Double> {
        spec.entry == nil ? CandidateSearch.exitPoint(from: tip, along: axis, grid: problem.grid) : n.entryMM
    }

    /// `profile`: the zone of every position when it is not a library entry's (retimed).
    private func variant(_ needles: [Candidate.Needle], layout: Candidate.Layout, profile: ZoneProfile? = nil) -> Candidate? {
        for n in needles where problem.pathProblem(entry: n.entryMM, tip: n.tipMM, clearanceMM: spec.clearanceMM,
                                                    reach: spec.templates[n.templateIndex].device.reach) != nil { return nil }
        let zones = needles.map { PlacedZone(tipMM: $0.tipMM, axis: layout.axis, profile: profile ?? libraries[$0.templateIndex].entries[$0.entryIndex].profile) }
        return Candidate(needles: needles, predictedMarginsMM: problem.margins(zones), predictedHealthyML: problem.healthyML(zones, stride: 2),
                         label: "\(layout.arrangement), \(layout.placement), \(CandidateSearch.settingsLabel(needles))", layout: layout)
    }
}
