enum ShqVersion {
    static let current = "0.1.0"
}
