/// A least-recently-used cache bounded by the total cost of its values (bytes), not their number: one
/// 1280×1024 photo weighs as much as twenty small ones.
public struct LRUCache<Key: Hashable, Value> {
    fileprivate struct Slot {
        var value: Value
        var cost: Int
        var lastUse: UInt64
    }

    /// The most the values may cost together.
    public let budget: Int
    public private(set) var totalCost = 0
    private var slots: [Key: Slot] = [:]
    private var clock: UInt64 = 0

    public init(budget: Int) {
        self.budget = max(0, budget)
    }

    public var count: Int { slots.count }

    /// The value for `key`, which becomes the most recently used.
    public mutating func value(for key: Key) -> Value? {
        guard var slot = slots[key] else { return nil }
        clock += 1
        slot.lastUse = clock
        slots[key] = slot
        return slot.value
    }

    /// Whether `key` is cached, without making it recently used.
    public func contains(_ key: Key) -> Bool { slots[key] != nil }

    /// Stores `value` as the most recently used, then drops the least recently used values until the total
    /// cost is within the budget. A value that alone costs more than the budget is not kept.
    public mutating func insert(_ value: Value, cost: Int, for key: Key) {
        remove(key)
        guard cost <= budget else { return }
        clock += 1
        slots[key] = Slot(value: value, cost: max(0, cost), lastUse: clock)
        totalCost += max(0, cost)
        while totalCost > budget, let oldest = slots.min(by: { $0.value.lastUse < $1.value.lastUse })?.key {
            remove(oldest)
        }
    }

    public mutating func remove(_ key: Key) {
        if let old = slots.removeValue(forKey: key) { totalCost -= old.cost }
    }

    public mutating func removeAll() {
        slots.removeAll()
        totalCost = 0
    }
}

extension LRUCache: Sendable where Key: Sendable, Value: Sendable {}
extension LRUCache.Slot: Sendable where Key: Sendable, Value: Sendable {}
