import AsyncHTTPClient
import Foundation
import NIOCore
import Shared
import TestSupport
import Testing
import WeChatFake

#if canImport(Glibc)
import Glibc
#endif

extension SystemTests {
    /// Each user's replies in order across every worker process, through API errors, a killed worker, a
    /// Redis restart and a spool replay (issue 11).
    @Suite struct OrderingTests {
        static let jitteryAPI = FakeWeChatFaults(failRate: 0.1, latency: .milliseconds(5), latencyJitter: .milliseconds(40))

        /// `users` users, each sending `each` messages `tag-u<user>-<k>` one after the other (each push
        /// answered before the next, as one person types), all users at once.
        static func conversations(_ system: SystemFixture, tag: String, users: Int, each: Int, from first: Int = 0) async throws -> [SimulatedMessage] {
            let pusher = try system.pusher(.safe)
            let perUser = (0..<users).map { user in
                (first..<(first + each)).map { SimulatedMessage(from: "o-\(tag)-\(user)", kind: .text("\(tag)-u\(user)-\($0)")) }
            }
            try await withThrowingTaskGroup(of: Void.self) { group in
                for messages in perUser {
                    group.addTask {
                        for message in messages {
                            let answer = try await pusher.send(try pusher.request(for: message), using: HTTPClient.shared, timeout: .seconds(20))
                            guard answer.body == "success" else { throw SystemFixtureError(description: "push answered \(answer.status) \(answer.body)") }
                        }
                    }
                }
                try await group.waitForAll()
            }
            return perUser.flatMap { $0 }
        }

        /// For each user: every send to WeChat started after the previous one was answered, and the replies
        /// WeChat accepted are in the order the user wrote (a reply sent twice after a crash is counted
        /// once, where it first appeared). Returns the inversions found, described.
        static func inversions(_ fake: FakeWeChatAPI, tag: String) -> [String] {
            let sends = fake.calls.filter { $0.path == FakeWeChatAPI.sendPath && $0.message?.toUser.hasPrefix("o-\(tag)-") == true }
            var found: [String] = []
            for (user, calls) in Dictionary(grouping: sends, by: { $0.message?.toUser ?? "" }) {
                let ordered = calls.sorted { $0.receivedAt < $1.receivedAt }
                for (previous, next) in zip(ordered, ordered.dropFirst()) where next.receivedAt < previous.answeredAt {
                    found.append("\(user): a send started at \(next.receivedAt) before the previous one was answered at \(previous.answeredAt)")
                }
                var seen = Set<String>()
                let texts = ordered.filter(\.isDeliveredMessage).compactMap { call -> String? in
                    guard case .text(let text) = call.message?.content else { return nil }
                    return seen.insert(text).inserted ? text : nil
                }
                let indexes = texts.compactMap { Int($0.split(separator: "-").last ?? "") }
                if indexes != indexes.sorted() { found.append("\(user): replies in the order \(indexes)") }
            }
            return found
        }

        @Test func fourWorkersKeepEachUsersOrderThroughAPIErrors() async throws {
            let system = try await SystemFixture(faults: Self.jitteryAPI)
            try await system.startWorkers(4)
            let messages = try await Self.conversations(system, tag: "order", users: 24, each: 8)
            await system.expectRepliedOnce(messages, seconds: 120)
            let inversions = Self.inversions(system.fake, tag: "order")
            let sends = system.fake.calls.filter { $0.path == FakeWeChatAPI.sendPath }
            print("system test, ordering with 4 workers: \(sends.count) sends (\(sends.filter { $0.errcode == -1 }.count) answered -1), \(inversions.count) inversions")
            #expect(sends.contains { $0.errcode == -1 })
            #expect(inversions.isEmpty, "\(inversions.prefix(10))")
        }

        @Test func aKilledWorkerLosesNothingAndBreaksNoOrder() async throws {
            let system = try await SystemFixture(faults: Self.jitteryAPI)
            let workers = try await system.startWorkers(3)
            async let pushed = Self.conversations(system, tag: "kill", users: 24, each: 8)
            let victim = workers[0]
            let busy = await eventually(seconds: 60) { ((try? await system.pending(of: victim)) ?? 0) > 0 && system.fake.deliveredMessages.count > 20 }
            #expect(busy, "\(system.logTail())")
            await system.stop(victim, signal: SIGKILL)
            let inFlight = system.fake.sendsInFlight + 0
            let held = try await system.pending(of: victim)
            let messages = try await pushed
            let duplicates = await system.expectReplied(messages, seconds: 120)
            let inversions = Self.inversions(system.fake, tag: "kill")
            print("system test, ordering with a killed worker: it held \(held) users, \(duplicates) replies doubled, \(inversions.count) inversions")
            #expect(duplicates <= held, "\(duplicates) duplicates, \(held) users held at the kill (\(inFlight) sends on the wire)")
            #expect(inversions.isEmpty, "\(inversions.prefix(10))")
        }

        @Test func aRedisRestartLosesNothingAndBreaksNoOrder() async throws {
            let system = try await SystemFixture(faults: Self.jitteryAPI, redisArguments: ["--appendonly", "yes"])
            try await system.startWorkers(3)
            async let pushed = Self.conversations(system, tag: "restart", users: 24, each: 8)
            #expect(await eventually(seconds: 60) { system.fake.deliveredMessages.count > 20 })
            await system.stopRedis(signal: SIGTERM)
            try await Task.sleep(for: .milliseconds(500))
            try await system.redisServer.start()
            let messages = try await pushed
            let duplicates = await system.expectReplied(messages, seconds: 120)
            let inversions = Self.inversions(system.fake, tag: "restart")
            print("system test, ordering with a Redis restart: \(duplicates) replies doubled, \(inversions.count) inversions")
            #expect(duplicates == 0)
            #expect(inversions.isEmpty, "\(inversions.prefix(10))")
        }

        @Test func spooledMessagesAreRepliedBeforeTheUsersLaterOnes() async throws {
            let system = try await SystemFixture(faults: FakeWeChatFaults(latency: .milliseconds(5)), redisArguments: ["--appendonly", "yes"])
            try await system.startWorkers(2)
            await system.stopRedis(signal: SIGTERM)
            let spooled = try await Self.conversations(system, tag: "spool", users: 12, each: 4)
            #expect(try await system.ingressCount("spooled") == 48)
            try await system.redisServer.start()
            // The same users go on writing while the spool is replayed.
            let later = try await Self.conversations(system, tag: "spool", users: 12, each: 4, from: 4)
            await system.expectRepliedOnce(spooled + later, seconds: 120)
            let inversions = Self.inversions(system.fake, tag: "spool")
            print("system test, ordering across a spool replay: \(inversions.count) inversions")
            #expect(inversions.isEmpty, "\(inversions.prefix(10))")
        }
    }
}
