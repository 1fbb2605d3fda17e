import AblationKernels
import Foundation

/// The temperature of the tissue touching a thin wire (a multi-tine tine thinner than a voxel),
/// which sets the wire's electrical contact, from its voxel's mean temperature and Joule heat.
///
/// Why: a wire voxel's temperature is the mean over the voxel, but the Joule heat around a wire
/// falls off as 1/r² (current density 1/r), so the tissue at the wire's surface runs hotter than
/// the voxel mean and dries first; its conductivity, not the voxel mean's, sets the contact
/// resistance (the resistance of a radial shell is dominated by its innermost part). Reading the
/// contact at the voxel mean let the tissue around a tine end heat for minutes at a few watts
/// per millimetre before its mean reached boiling, which coagulated a ring 4-8 mm beyond the tine
/// ends (docs/devices.md#multi-tine-width-what-is-known-and-what-was-tried).
///
/// Model: the voxel's heat per unit length of wire, P' = q h² (q the voxel's heat density, h the
/// spacing), is spread as A / r² over the annulus from the wire radius r_w to the voxel's
/// equivalent radius r_e = h / sqrt(pi) (the disc of the voxel's cross-section), with
/// A = P' / (2 pi U), U = ln(r_e / r_w), and conducted radially in steady state (the annulus
/// settles in r_e² / (4 alpha), about half a second at 1 mm). Then
///
///     T(r) = T(r_w) - (A / 2k) ln²(r / r_w)
///
/// and the surface exceeds the annulus' area-weighted mean by (A / 2k) m, where
/// m = 2 (rho² (U²/2 - U/2 + 1/4) - 1/4) / (rho² - 1) is the mean of ln²(r / r_w) over the
/// annulus (rho = r_e / r_w). So the excess is q times
///
///     h² m / (4 pi U k).
///
/// For a 0.4 mm wire in liver (k 0.52 W/m/K): 8.0e-8 K per W/m³ at 1 mm (80 K for 1 W in the
/// voxel), 3.0e-8 at 0.75 mm, 0.5e-8 at 0.5 mm; it vanishes as the grid resolves the wire
/// (r_e -> r_w).
package enum WireSurfaceTemperature {
    /// Surface excess over the voxel mean per unit heat density (K per W/m³), for a wire of radius
    /// `wireRadiusM` in voxels of `spacingM` of tissue with thermal conductivity `conductivityWMK`;
    /// 0 where the voxel's equivalent disc does not reach beyond the wire.
    package static func excessPerHeatDensity(spacingM h: Double, wireRadiusM rw: Double, conductivityWMK k: Double) -> Double {
        let re = h / Double.pi.squareRoot()
        guard rw > 0, re > rw, k > 0 else { return 0 }
        let rho = re / rw, u = Foundation.log(rho)
        let m = 2 * (rho * rho * (u * u / 2 - u / 2 + 0.25) - 0.25) / (rho * rho - 1)
        return h * h * m / (4 * Double.pi * u * k)
    }
}
