/// A fixed-size, 64-byte-aligned, zero-initialised array of trivial values.
///
/// Kernels work on raw pointers for speed; this class owns the memory so that Swift code above
/// the kernels never handles manual allocation.
public final class AlignedBuffer<Element: BitwiseCopyable>: @unchecked Sendable {
    // @unchecked: the buffer is shared between worker threads that write disjoint index ranges;
    // the owner serialises everything else.
    public let count: Int
    public let pointer: UnsafeMutablePointer<Element>

    public init(count: Int, repeating value: Element) {
        self.count = count
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(1, count) * MemoryLayout<Element>.stride, alignment: 64)
        pointer = raw.bindMemory(to: Element.self, capacity: max(1, count))
        pointer.initialize(repeating: value, count: count)
    }

    deinit { UnsafeMutableRawPointer(pointer).deallocate() }

    @inlinable public subscript(_ i: Int) -> Element {
        get { pointer[i] }
        set { pointer[i] = newValue }
    }

    public func fill(_ value: Element) { pointer.update(repeating: value, count: count) }

    public func copy(from other: AlignedBuffer<Element>) {
        precondition(other.count == count)
        pointer.update(from: other.pointer, count: count)
    }
}
