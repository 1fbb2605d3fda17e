import AblationGrid
import AblationIO
import AblationJSON
import AblationKernels
import AblationMicrowave
import AblationTissue
public enum AblsimVersion {
    public static let string = "0.1.0"
}
