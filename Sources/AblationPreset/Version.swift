public enum AblsimVersion {
    public static let string = "0.1.0"
}
