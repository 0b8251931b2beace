import Shared

/// The worker's side of the per-user queues: take users, send under fencing, complete, retry, release,
/// heartbeat, reap (the scripts are in ``LeaseScripts``).
struct LeaseQueue: Sendable {
    /// What a grant of users answered.
    struct Grant: Sendable {
        var leases: [Lease]
        /// When nothing was due: how long until the next user is (nil: nobody waits at all).
        var nextDue: Duration?
    }

    /// What ``begin(_:index:dedupKey:reach:)`` allows.
    enum SendPermission: Sendable, Hashable {
        /// The lease is gone (another worker holds the user): do not send, drop the message.
        case fenced
        case send
        /// Sent by an earlier attempt: skip it.
        case alreadySent
        /// Another lease began this reply and recorded no outcome (it crashed mid-send): send, and count it.
        case sendAfterUnknownOutcome
    }

    /// How a lease's message finished.
    enum Completion: Sendable {
        /// Done; `next` is what the slot does next: the same user's next message under the same lease, or
        /// another user's head under a new one; nil when the slot is free.
        case done(next: Lease?)
        /// The lease was gone: nothing changed.
        case fenced
    }

    let redis: RedisClient
    let keys: QueueKeys
    let consumer: String
    /// How long a lease lasts without a heartbeat (`WORKER_CLAIM_IDLE`).
    let leaseDuration: Duration
    /// The dead-letter stream's `MAXLEN ~` (`WORKER_DEAD_LETTER_MAXLEN`).
    var deadLetterMaximumLength = 100_000
    /// How long a slot may keep its user for the next head while other users are due (`WORKER_FAIR_SLICE_MS`),
    /// counted from the lease's grant; zero: it keeps the user only when nobody else is due.
    var fairSlice: Duration = .zero
    /// Group commit of the slots' begin-sends and completes (``batched()``); nil: each step is a call of its own.
    private(set) var batcher: LeaseStepBatcher?

    /// Sent-reply markers live 48 h, the length of WeChat's reply window.
    static let sentMarkerSeconds = 48 * 3600

    private var leaseMilliseconds: RedisArgument { RedisArgument(leaseDuration.milliseconds) }

    /// The same queue with its begin-sends and completes sent in batches with the other slots' (group commit).
    func batched() -> LeaseQueue {
        let unbatched = self
        return with(LeaseStepBatcher(send: { steps in await unbatched.runSteps(steps) }))
    }

    /// The same queue with its begin-sends and completes sent through `batcher`.
    func with(_ batcher: LeaseStepBatcher) -> LeaseQueue {
        var queue = self
        queue.batcher = batcher
        return queue
    }

    /// Takes up to `count` users that are due, oldest first.
    func take(count: Int) async throws(RedisError) -> Grant {
        let asked = ContinuousClock.now
        let reply = try await redis.run(
            LeaseScripts.take,
            keys: [RedisArgument(keys.ready), RedisArgument(keys.owner), RedisArgument(keys.deadline), RedisArgument(keys.leaseSequence), RedisArgument(keys.failing)],
            arguments: [RedisArgument(count), leaseMilliseconds, RedisArgument(consumer), RedisArgument(keys.userQueuePrefix)])
        guard let parts = reply.array, let wait = parts.first?.integer, (parts.count - 1) % 4 == 0 else {
            throw .unexpectedReply("the take script answered \(reply)")
        }
        var leases: [Lease] = []
        var index = 1
        while index < parts.count {
            guard let user = parts[index].string, let token = parts[index + 1].string, let head = parts[index + 2].bytes else {
                throw .unexpectedReply("the take script answered a grant without user, token or head")
            }
            let failing = parts[index + 3].string.flatMap { Int64($0) }
            leases.append(Lease(user: user, token: token, record: QueueRecord(bytes: head), failingSince: failing, grantedAt: asked))
            index += 4
        }
        return Grant(leases: leases, nextDue: wait >= 0 ? .milliseconds(wait) : nil)
    }

    /// Whether any user is due now (ready, not before its retry time): whether this account would use a slot.
    func hasDueUsers() async throws(RedisError) -> Bool {
        let reply = try await redis.run(LeaseScripts.dueCount, keys: [RedisArgument(keys.ready)], arguments: [])
        return (reply.integer ?? 0) > 0
    }

    /// Waits for a wake-up signal (a user became ready) for at most `timeout`.
    func waitForWork(timeout: Duration) async throws(RedisError) {
        let milliseconds = max(timeout.milliseconds, 10)
        // BLPOP takes decimal seconds.
        let seconds = "\(milliseconds / 1000).\(String(milliseconds % 1000 + 1000).dropFirst())"
        try await redis.send("BLPOP", RedisArgument(keys.wake), RedisArgument(seconds))
    }

    /// What the begin-send step does to the user's reply windows besides (``ReachScripts``).
    struct ReachStep: Sendable {
        /// The user's windows key (``ReachKeys/window(_:)``).
        var windowKey: String
        /// The message's `observe` arguments when its window is still to be opened (``ReachTracker/observeArguments(_:)``).
        var observe: [RedisArgument]?
        /// Whether to spend one message of the allowance when the send may go.
        var spend: Bool
    }

    /// What a begin-send answered.
    struct Begun: Sendable {
        var permission: SendPermission
        /// What spending found, when asked to spend and the send may go.
        var spent: ReachTracker.Spend?
    }

    /// BEGIN-SEND (``LeaseScripts/beginFunction``), with the message's window observed and one message of the
    /// allowance spent in the same round trip when `reach` asks for them; in a batch with other slots' steps
    /// when the queue has a ``batcher``.
    func begin(_ lease: Lease, index: Int, dedupKey: String, reach: ReachStep? = nil) async throws(RedisError) -> Begun {
        let sending = keys.sending(dedupKey, index: index)
        let step = LeaseStep.begin(
            user: lease.user, token: lease.token, sent: keys.sent(dedupKey, index: index), sending: sending, window: reach?.windowKey ?? sending,
            spend: reach?.spend == true, observe: reach?.observe ?? LeaseStep.noObserve)
        let reply = try await run(step)
        guard let parts = reply.array, parts.count == 2, let code = parts[0].integer else { throw .unexpectedReply("the begin-send script answered \(reply)") }
        let permission: SendPermission
        switch code {
        case 0: permission = .fenced
        case 1: permission = .send
        case 2: permission = .alreadySent
        case 3: permission = .sendAfterUnknownOutcome
        default: throw .unexpectedReply("the begin-send script answered \(reply)")
        }
        let spent = parts[1].array?.isEmpty == false ? try ReachTracker.spendAnswer(parts[1]) : nil
        return Begun(permission: permission, spent: spent)
    }

    func markSent(dedupKey: String, index: Int) async throws(RedisError) {
        try await redis.send(
            "SET", RedisArgument(keys.sent(dedupKey, index: index)), RedisArgument("\(WallClock.milliseconds()) \(consumer)"), "EX", RedisArgument(Self.sentMarkerSeconds))
    }

    /// Finishes the head: pops it (writing `deadLetter` first when given, and the sent marker of reply
    /// `sentIndex` of `dedupKey` in the same step); then, when `keepGoing`, keeps the lease for the user's
    /// next message if the lease is younger than ``fairSlice`` or no other user is due, else hands the user
    /// back to `ready` and takes the user due longest for the same slot. In a batch with other slots' steps when the queue has a ``batcher``
    /// (never a dead letter: those are rare and carry fields of their own).
    func complete(
        _ lease: Lease, keepGoing: Bool, sentMarker: (dedupKey: String, index: Int)? = nil, deadLetter: DeadLetterFields? = nil
    ) async throws(RedisError) -> Completion {
        let sentKey = sentMarker.map { keys.sent($0.dedupKey, index: $0.index) } ?? ""
        let asked = ContinuousClock.now
        let goingOn: LeaseStep.GoingOn
        if !keepGoing {
            goingOn = .stop
        } else if asked - lease.grantedAt < fairSlice {
            goingOn = .keep
        } else {
            goingOn = .fair
        }
        let reply: RESPValue
        if let deadLetter {
            var arguments: [RedisArgument] = [
                RedisArgument(lease.user), RedisArgument(lease.token), RedisArgument(goingOn.rawValue), leaseMilliseconds, RedisArgument(deadLetterMaximumLength),
                RedisArgument(sentKey), RedisArgument(Self.sentMarkerSeconds), RedisArgument(bytes: lease.record.bytes), RedisArgument(consumer),
                RedisArgument(keys.userQueuePrefix),
            ]
            arguments += deadLetter.arguments(user: lease.user, record: lease.record)
            reply = try await redis.run(
                LeaseScripts.deadLetter,
                keys: [
                    RedisArgument(keys.owner), RedisArgument(keys.deadline), RedisArgument(keys.ready), RedisArgument(keys.backlog), RedisArgument(keys.wake),
                    RedisArgument(keys.userQueue(lease.user)), RedisArgument(keys.stalls), RedisArgument(keys.failing), RedisArgument(keys.deadLetters),
                    RedisArgument(keys.activeUsers), RedisArgument(keys.leaseSequence),
                ],
                arguments: arguments)
        } else {
            reply = try await run(
                .complete(user: lease.user, token: lease.token, goingOn: goingOn, sentKey: sentKey, head: lease.record.bytes, failing: lease.failingSince != nil))
        }
        guard let parts = reply.array, let first = parts.first?.integer else { throw .unexpectedReply("the complete script answered \(reply)") }
        if first == 0 { return .fenced }
        guard parts.count > 1, let head = parts[1].bytes else { return .done(next: nil) }
        if parts.count >= 5, let user = parts[2].string, let token = parts[3].string {
            return .done(
                next: Lease(user: user, token: token, record: QueueRecord(bytes: head), failingSince: parts[4].string.flatMap { Int64($0) }, grantedAt: asked))
        }
        return .done(next: Lease(user: lease.user, token: lease.token, record: QueueRecord(bytes: head), failingSince: nil, grantedAt: lease.grantedAt))
    }

    /// Runs one begin-send or complete: through the ``batcher`` when there is one, else as a STEPS call of
    /// its own.
    private func run(_ step: LeaseStep) async throws(RedisError) -> RESPValue {
        if let batcher { return try await batcher.run(step).get() }
        guard let answer = await runSteps([step]).first else { throw .unexpectedReply("the steps script answered nothing") }
        return try answer.get()
    }

    /// One call of the STEPS script (``LeaseScripts/steps``): one answer per step, in order; an error of
    /// the call answers every step.
    func runSteps(_ steps: [LeaseStep]) async -> [Result<RESPValue, RedisError>] {
        var arguments: [RedisArgument] = [leaseMilliseconds, RedisArgument(Self.sentMarkerSeconds), RedisArgument(consumer), RedisArgument(keys.userQueuePrefix)]
        for step in steps { arguments += step.arguments }
        let reply: RESPValue
        do {
            reply = try await redis.run(
                LeaseScripts.steps,
                keys: [
                    RedisArgument(keys.owner), RedisArgument(keys.deadline), RedisArgument(keys.ready), RedisArgument(keys.backlog), RedisArgument(keys.wake),
                    RedisArgument(keys.stalls), RedisArgument(keys.failing), RedisArgument(keys.deadLetters), RedisArgument(keys.activeUsers),
                    RedisArgument(keys.leaseSequence),
                ],
                arguments: arguments)
        } catch {
            return Array(repeating: .failure(error), count: steps.count)
        }
        guard let answers = reply.array, answers.count == steps.count else {
            return Array(repeating: .failure(.unexpectedReply("the steps script answered \(reply) to \(steps.count) steps")), count: steps.count)
        }
        return answers.map { answer in
            if let parts = answer.array, parts.count == 2, parts[0].integer == -1 { return .failure(.server(parts[1].string ?? "error in a lease step")) }
            return .success(answer)
        }
    }

    /// Puts the head back in its place with `record` (its attempt raised) and makes the user due again
    /// after `delay`. `clearSending` names the reply whose begin-send marker is cleared (WeChat answered
    /// with an error, so nothing went out). False when fenced.
    func retry(_ lease: Lease, record: QueueRecord, delay: Duration, clearSending: (dedupKey: String, index: Int)?) async throws(RedisError) -> Bool {
        let queue = RedisArgument(keys.userQueue(lease.user))
        let reply = try await redis.run(
            LeaseScripts.retry,
            keys: [
                RedisArgument(keys.owner), RedisArgument(keys.deadline), RedisArgument(keys.ready), queue, RedisArgument(keys.failing),
                clearSending.map { RedisArgument(keys.sending($0.dedupKey, index: $0.index)) } ?? queue,
            ],
            arguments: [RedisArgument(lease.user), RedisArgument(lease.token), RedisArgument(delay.milliseconds), RedisArgument(bytes: record.bytes)])
        return reply.integer == 1
    }

    /// Gives the user back unfinished (shutdown), head untouched, due at once. False when fenced.
    @discardableResult
    func release(_ lease: Lease) async throws(RedisError) -> Bool {
        let reply = try await redis.run(
            LeaseScripts.release,
            keys: [RedisArgument(keys.owner), RedisArgument(keys.deadline), RedisArgument(keys.ready), RedisArgument(keys.wake)],
            arguments: [RedisArgument(lease.user), RedisArgument(lease.token)])
        return reply.integer == 1
    }

    /// Extends the leases still held; returns the users whose lease is gone.
    func heartbeat(_ leases: [(user: String, token: String)]) async throws(RedisError) -> [String] {
        guard !leases.isEmpty else { return [] }
        var arguments: [RedisArgument] = [leaseMilliseconds]
        for lease in leases { arguments += [RedisArgument(lease.user), RedisArgument(lease.token)] }
        let reply = try await redis.run(LeaseScripts.heartbeat, keys: [RedisArgument(keys.owner), RedisArgument(keys.deadline)], arguments: arguments)
        return (reply.array ?? []).compactMap(\.string)
    }

    /// Hands users whose lease expired back to `ready`; dead-letters heads that stalled `maximumStalls` times.
    func reap(maximumStalls: Int, limit: Int = 500) async throws(RedisError) -> (reaped: Int, deadLettered: Int) {
        let reply = try await redis.run(
            LeaseScripts.reap,
            keys: [
                RedisArgument(keys.deadline), RedisArgument(keys.owner), RedisArgument(keys.ready), RedisArgument(keys.stalls), RedisArgument(keys.wake),
                RedisArgument(keys.deadLetters), RedisArgument(keys.backlog), RedisArgument(keys.failing), RedisArgument(keys.activeUsers),
            ],
            arguments: [RedisArgument(keys.userQueuePrefix), RedisArgument(maximumStalls), RedisArgument(limit), RedisArgument(deadLetterMaximumLength)])
        let parts = reply.array ?? []
        return (Int(parts.first?.integer ?? 0), Int(parts.count > 1 ? parts[1].integer ?? 0 : 0))
    }
}
