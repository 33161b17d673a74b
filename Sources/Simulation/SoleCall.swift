/// Calls of a unit that never overlap (issue 20): with one call in flight at a time and one
/// instance at most, an arrival is warm iff the idle instance has not expired (`expiresAt < t`
/// expires it, strictly), and nothing needs the completion heap. `arriveAlone` replays such an
/// arrival with the event replay's own steps (`release`, `expire`, `die`, `startInstance`, `serve`)
/// in the same order, on the same fields, skipping only what is provably a no-op there: the heap
/// push and pop of its one event (held in `soleSlot` instead), the provisioned, cluster and
/// pre-warmed branches the unit does not have, the wait of a call held for a busy instance. So it is
/// exact by construction; `SoleCallTests` compares it bit for bit with the event replay alone.
///
/// The moment a call overlaps (it arrives before the one in flight ends) or anything else is
/// unusual, the held call goes into the heap (`settleSole`) and the event replay takes over; it
/// hands back as soon as the unit is simple again (its heap down to one call that has ended).
extension InstancePool {
    /// Replays one arrival at `t` seconds running `d` ms: `arriveAlone` when the unit is in the
    /// simple state, else the event replay.
    @inline(__always)
    mutating func arrive(at t: Double, durationMs d: Double, synchronous: Bool) -> Arrival {
        // The simple state: no provisioned instances, no cluster, no shared pre-warmed pool, no
        // histogram policy; at most one instance alive; the call in flight (if any) ended by `t`.
        if takesSoleCalls, reserved == 0, alive <= 1, histogram == nil, nodes == nil, generic == nil {
            if soleSlot >= 0 {
                if soleEnds <= t {
                    let i = soleSlot
                    soleSlot = -1
                    if fixedIdle { return arriveAfterSole(i, endedAt: soleEnds, at: t, durationMs: d) }
                    return arriveAlone(at: t, durationMs: d, after: i, endedAt: soleEnds)
                }
            } else if heap.isEmpty {
                return arriveAlone(at: t, durationMs: d, after: -1, endedAt: 0)
            } else if heap.count == 1, let (ends, i) = heap.popFirst(upTo: t) {
                // The event replay's last call, ended: the unit is simple again.
                if fixedIdle { return arriveAfterSole(i, endedAt: ends, at: t, durationMs: d) }
                return arriveAlone(at: t, durationMs: d, after: i, endedAt: ends)
            }
        }
        return arriveByEvents(at: t, durationMs: d, synchronous: synchronous)
    }

    /// Moves the call held in `soleSlot` into the heap, where the event replay expects it.
    @inline(__always) mutating func settleSole() {
        guard soleSlot >= 0 else { return }
        heap.push(soleEnds, soleSlot, serial: slots[Int(soleSlot)].serial)
        soleSlot = -1
    }

    /// An arrival at `t` in the simple state; `i` (-1: none) is the instance whose one call ended
    /// at `ended` ≤ `t`, already out of the heap. What `arriveByEvents` does, step by step. Out of
    /// line: a unit with a fixed idle time comes here for its first call only (`arriveAfterSole`).
    @inline(never)
    private mutating func arriveAlone(at t: Double, durationMs d: Double, after i: Int32, endedAt ended: Double) -> Arrival {
        // `complete(upTo: t)`: the one completion; the heap is left empty.
        if i >= 0 {
            slots[Int(i)].inFlight -= 1
            if slots[Int(i)].inFlight == 0 { release(i, at: ended) } else if c > 1 { listPartial(i) }
        }
        // `complete` marks the unit idle since `ended`; with no histogram to record it in, the
        // arrival clears the mark.
        unitIdleSince = -1
        expire(before: t)
        var chosen: Int32 = -1
        if c > 1 {
            // The event replay's scan of instances with room. Nothing is in flight here, so every
            // entry is stale and the scan empties the list; it is kept as the event replay has it.
            while let e = partial.popLast() {
                let s = slots[Int(e.slot)]
                if s.serial == e.serial, s.inFlight > 0, s.inFlight < c { chosen = e.slot; break }
            }
        }
        // The most recently freed idle instance; an expired one dies at its expiry.
        while chosen < 0, idleHead < idle.count {
            let k = idle.removeLast()
            if idle.count < idleHead { idleHead = idle.count }
            let slot = slots[Int(k)]
            if slot.expiresAt < t { die(k, at: slot.expiresAt); continue }
            chosen = k
            slots[Int(k)].activeSince = t
        }
        if chosen >= 0 { return serve(on: chosen, at: t, durationMs: d, alone: true) }
        // None alive: a new instance. Nothing in flight, so the limits allow it whatever they are;
        // the scale-out window is still counted as the event replay counts it.
        if alive < model.maxInstances, model.scaleOutEnvironments != nil {
            let w = (t / model.scaleOutPeriodSeconds).rounded(.down)
            if w != window { window = w; startedInWindow = 0 }
        }
        return startInstance(at: t, durationMs: d, node: -1, alone: true)
    }

    /// `arriveAlone` after the one call of instance `i`, the only one alive, ended at `ended` ≤ `t`,
    /// with a fixed idle time T: the instance is warm at `t` iff `ended + T ≥ t`, else it died at
    /// `ended + T` and the call starts a new one. The event replay lists the instance idle and
    /// then takes it back (warm) or removes it (`expire`); here it is never listed, so the idle
    /// list stays as it was (empty from its head: nothing else is alive) — the same list, without
    /// the entry both paths remove at once.
    @inline(__always)
    private mutating func arriveAfterSole(_ i: Int32, endedAt ended: Double, at t: Double, durationMs d: Double) -> Arrival {
        // `release(i, at: ended)`, its one call done.
        slots[Int(i)].inFlight -= 1
        if c > 1 {
            activePeriodsMs.append((ended - slots[Int(i)].activeSince) * 1000)
            // The scan of instances with room finds every entry stale (nothing is in flight).
            partial.removeAll(keepingCapacity: true)
        }
        slots[Int(i)].freedAt = ended
        let expiry = ended + idleLimit
        slots[Int(i)].expiresAt = expiry
        unitIdleSince = -1
        // `expire(before: t)` removes it when its expiry is strictly before the arrival.
        if !(expiry < t) {
            slots[Int(i)].activeSince = t
            return serve(on: i, at: t, durationMs: d, alone: true)
        }
        die(i, at: expiry)
        if alive < model.maxInstances, model.scaleOutEnvironments != nil {
            let w = (t / model.scaleOutPeriodSeconds).rounded(.down)
            if w != window { window = w; startedInWindow = 0 }
        }
        return startInstance(at: t, durationMs: d, node: -1, alone: true)
    }
}
