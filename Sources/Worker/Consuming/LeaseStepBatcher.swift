import Shared
import Synchronization

/// Group commit for a worker's lease steps: the begin-sends and completes that the slots of one account
/// ask for at the same time go to Redis together, in one call of the STEPS script (``LeaseScripts/steps``).
///
/// A step that finds no batch in flight goes at once, alone or with whatever waits (it leads). Steps that
/// arrive while a batch is in flight wait; when the batch returns, its leader answers the steps it carried
/// and hands the lead to the step that waited longest, which sends everything waiting by then. One batch is
/// in flight at a time, so under load Redis runs one script call per batch instead of one per step (the
/// call's fixed cost, `TIME` and the round trip are paid per batch), and when idle a step costs what it
/// did alone. Each step runs in the script exactly as its own script would, isolated from the others.
final class LeaseStepBatcher: Sendable {
    typealias Answer = Result<RESPValue, RedisError>

    private struct Waiting: Sendable {
        var step: LeaseStep
        /// Resumed with the step's answer, or with nil when the step is to lead the next batch.
        var continuation: CheckedContinuation<Answer?, Never>
    }

    private struct State {
        var waiting: [Waiting] = []
        var isLeading = false
    }

    /// The most steps one script call carries.
    static let maximumBatch = 64

    private let state = Mutex(State())
    private let send: @Sendable ([LeaseStep]) async -> [Answer]

    /// `send` runs one batch and answers each step, in order.
    init(send: @escaping @Sendable ([LeaseStep]) async -> [Answer]) {
        self.send = send
    }

    /// Runs `step` with whatever other steps go at the same time; its answer, or the error of its batch.
    func run(_ step: LeaseStep) async -> Answer {
        let leads = state.withLock { state -> Bool in
            if state.isLeading { return false }
            state.isLeading = true
            return true
        }
        if !leads {
            let answered = await withCheckedContinuation { (continuation: CheckedContinuation<Answer?, Never>) in
                let queued = state.withLock { state -> Bool in
                    // The batch in flight returned meanwhile and nobody waits: this step leads after all.
                    guard state.isLeading else {
                        state.isLeading = true
                        return false
                    }
                    state.waiting.append(Waiting(step: step, continuation: continuation))
                    return true
                }
                if !queued { continuation.resume(returning: nil) }
            }
            if let answered { return answered }
        }
        return await lead(step)
    }

    /// Sends `step` with the steps waiting, answers them, and hands the lead on.
    private func lead(_ step: LeaseStep) async -> Answer {
        let carried = state.withLock { state -> [Waiting] in
            let taken = Array(state.waiting.prefix(Self.maximumBatch - 1))
            state.waiting.removeFirst(taken.count)
            return taken
        }
        var answers = await send([step] + carried.map(\.step))
        if answers.count != carried.count + 1 {
            answers = Array(repeating: .failure(.unexpectedReply("a batch of \(carried.count + 1) lease steps got \(answers.count) answers")), count: carried.count + 1)
        }
        for (waiting, answer) in zip(carried, answers.dropFirst()) { waiting.continuation.resume(returning: answer) }
        let next = state.withLock { state -> Waiting? in
            guard !state.waiting.isEmpty else {
                state.isLeading = false
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.continuation.resume(returning: nil)
        return answers[0]
    }
}
