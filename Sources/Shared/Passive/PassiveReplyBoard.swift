/// The one place where the ingress and the worker meet about a message's passive reply: every call is
/// one atomic script (``PassiveReplyScripts``) on the message's state, so of `passive`, `async` and
/// `deferred` exactly one is ever chosen, whoever decides first (see ``PassiveState``).
public struct PassiveReplyBoard: Sendable {
    /// What the ingress learns when a delivery arrives.
    public struct Arrival: Sendable, Hashable {
        public var state: PassiveState
        /// Deliveries of this message seen by every ingress, this one included (WeChat's retries).
        public var deliveries: Int
        /// The passive XML when the state is `passive` (an earlier delivery's answer, given again).
        public var xml: String

        public init(state: PassiveState, deliveries: Int, xml: String) {
            self.state = state
            self.deliveries = deliveries
            self.xml = xml
        }
    }

    /// A decided (or still open) state, with the passive XML when it is `passive`.
    public struct Decision: Sendable, Hashable {
        public var state: PassiveState
        public var xml: String

        public init(state: PassiveState, xml: String) {
            self.state = state
            self.xml = xml
        }
    }

    /// What the worker stores: the passive XML, the texts that did not fit it and every text of it.
    public struct Answer: Sendable, Hashable {
        public var xml: String
        public var overflow: [String]
        public var texts: [String]

        public init(xml: String, overflow: [String], texts: [String]) {
            self.xml = xml
            self.overflow = overflow
            self.texts = texts
        }
    }

    public let redis: RedisClient
    public let keys: QueueKeys
    /// How long a message's state lives after its last change (WeChat's retries span about 15 s).
    public var stateSeconds = 60
    /// How long texts wait for the user's next message, and how many are kept.
    public var deferredSeconds = 7 * 86_400
    public var deferredMaximum = 50

    public init(redis: RedisClient, keys: QueueKeys) {
        self.redis = redis
        self.keys = keys
    }

    /// Counts a delivery of `dedupKey` seen by ingress `instance` and creates `waiting` if there is no state.
    public func arrive(_ dedupKey: String, instance: String) async throws(RedisError) -> Arrival {
        let reply = try await redis.run(
            PassiveReplyScripts.arrive, keys: [RedisArgument(keys.passiveState(dedupKey))],
            arguments: [RedisArgument(instance), RedisArgument(stateSeconds)])
        let values = reply.array ?? []
        guard values.count == 3, let state = values[0].string.flatMap(PassiveState.init(rawValue:)) else {
            throw .unexpectedReply("passive arrive: \(reply)")
        }
        return Arrival(state: state, deliveries: Int(values[1].integer ?? 0), xml: values[2].string ?? "")
    }

    /// Decides the path of `dedupKey` (sent by `openID`): from `waiting` to `fromWaiting` (nil: stay),
    /// from `ready` to `fromReady`. With `deferOverflow`, a `passive` decision moves the texts that did
    /// not fit to the user's deferred list in the same step.
    public func decide(
        _ dedupKey: String, openID: String, fromWaiting: PassiveState?, fromReady: PassiveState, deferOverflow: Bool
    ) async throws(RedisError) -> Decision {
        let reply = try await redis.run(
            PassiveReplyScripts.decide, keys: stateKeys(dedupKey, openID),
            arguments: [
                RedisArgument(deferredSeconds), RedisArgument(deferredMaximum), RedisArgument(fromWaiting?.rawValue ?? ""),
                RedisArgument(fromReady.rawValue), deferOverflow ? "1" : "0",
            ])
        let values = reply.array ?? []
        guard values.count == 2, let state = values[0].string.flatMap(PassiveState.init(rawValue:)) else {
            throw .unexpectedReply("passive decide: \(reply)")
        }
        return Decision(state: state, xml: values[1].string ?? "")
    }

    /// Stores the worker's answer; the state afterwards, and the ingress instances to wake when it is
    /// `ready`. `taken` texts at the head of the deferred list went into this answer and are removed.
    /// `ifAbsent` is the state assumed when there is none (`ready`; `deferred` for a spooled message).
    public func offer(
        _ dedupKey: String, openID: String, answer: Answer, taken: Int, ifAbsent: PassiveState = .ready
    ) async throws(RedisError) -> (state: PassiveState, instances: [String]) {
        var arguments: [RedisArgument] = [
            RedisArgument(deferredSeconds), RedisArgument(deferredMaximum), RedisArgument(stateSeconds), RedisArgument(taken),
            RedisArgument(ifAbsent.rawValue), RedisArgument(answer.xml), RedisArgument(answer.overflow.count),
        ]
        arguments += answer.overflow.map { RedisArgument($0) }
        arguments.append(RedisArgument(answer.texts.count))
        arguments += answer.texts.map { RedisArgument($0) }
        let reply = try await redis.run(PassiveReplyScripts.offer, keys: stateKeys(dedupKey, openID), arguments: arguments)
        let values = reply.array ?? []
        guard let state = values.first?.string.flatMap(PassiveState.init(rawValue:)) else { throw .unexpectedReply("passive offer: \(reply)") }
        return (state, values.dropFirst().compactMap(\.string))
    }

    /// The wake-up list of one ingress process, for all the accounts it serves (single-key commands
    /// only, so it need not share an account's hash tag).
    public static func wakeKey(instance: String) -> String { "wx:passive:wake:\(instance)" }

    /// What a wake-up list carries for `dedupKey` of this account: `wx:{appid} <dedup key>`.
    public func wakeToken(_ dedupKey: String) -> String { "\(keys.prefix) \(dedupKey)" }

    /// Tells the waiting ingress processes that `dedupKey`'s answer is ready.
    public func wake(_ instances: [String], dedupKey: String) async throws(RedisError) {
        let commands = instances.flatMap { instance in
            [
                RedisCommand("RPUSH", RedisArgument(Self.wakeKey(instance: instance)), RedisArgument(wakeToken(dedupKey))),
                RedisCommand("EXPIRE", RedisArgument(Self.wakeKey(instance: instance)), RedisArgument(stateSeconds)),
            ]
        }
        _ = try await redis.pipeline(commands)
    }

    /// The state of `dedupKey` right now.
    public func state(_ dedupKey: String) async throws(RedisError) -> PassiveState {
        let reply = try await redis.send("HGET", RedisArgument(keys.passiveState(dedupKey)), "s")
        return reply.string.flatMap(PassiveState.init(rawValue:)) ?? .gone
    }

    /// The texts waiting for `openID`'s next message, oldest first.
    public func deferredTexts(_ openID: String) async throws(RedisError) -> [String] {
        try await redis.send("LRANGE", RedisArgument(keys.passiveDeferred(openID)), "0", "-1").array?.compactMap(\.string) ?? []
    }

    /// Waits up to one second for a ready answer signalled to `instance`; its ``wakeToken(_:)``, or nil.
    public static func nextWake(_ instance: String, redis: RedisClient) async throws(RedisError) -> String? {
        let reply = try await redis.send("BLPOP", RedisArgument(wakeKey(instance: instance)), "1")
        guard let values = reply.array, values.count == 2 else { return nil }
        return values[1].string
    }

    private func stateKeys(_ dedupKey: String, _ openID: String) -> [RedisArgument] {
        [RedisArgument(keys.passiveState(dedupKey)), RedisArgument(keys.passiveDeferred(openID))]
    }
}
