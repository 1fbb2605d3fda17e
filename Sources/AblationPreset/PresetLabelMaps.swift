extension Preset {
    /// Every label map the preset reads, in document order: region shapes, heat-source shapes,
    /// then the reference zone.
    public var labelMaps: [LabelMapShape] {
        var maps: [LabelMapShape] = regions.compactMap {
            if case let .labelMap(m) = $0.shape { return m } else { return nil }
        }
        for case let .heatSource(.labelMap(m), _) in applicators { maps.append(m) }
        if let referenceZone { maps.append(referenceZone) }
        return maps
    }
}
