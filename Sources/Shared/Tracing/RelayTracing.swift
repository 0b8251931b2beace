import Synchronization
import Tracing

/// Starts the relay's spans, and makes them free when tracing is off.
///
/// Until ``TracingSetup/bootstrap(logger:)`` turns it on, ``withSpan(_:ofKind:context:_:)`` only runs its
/// body (with a nil span): no tracer is asked, no task-local is bound, nothing is allocated. On, it starts a
/// span under the tracer swift-otel bootstrapped, makes it the task's current context for the body (so
/// spans started inside are its children), records a thrown error as the span's error status, and ends it.
/// Attribute values are computed only when there is a span (`span?.attributes[…] = …` skips the right side).
public enum RelayTracing {
    private static let active = Atomic<Bool>(false)

    /// True once a tracer exports spans in this process.
    public static var isActive: Bool { active.load(ordering: .relaxed) }

    /// Called by ``TracingSetup`` after bootstrapping the tracer; never turned off again.
    static func activate() { active.store(true, ordering: .relaxed) }

    /// Runs `body` in a new span: a child of `context` when given, else of the task's current context (a
    /// root span when there is none). `body` gets nil when tracing is off, and `name` is not even built.
    public static func withSpan<T, E: Error>(
        _ name: @autoclosure () -> String, ofKind kind: SpanKind = .internal, context: ServiceContext? = nil, isolation: isolated (any Actor)? = #isolation,
        _ body: ((any Span)?) async throws(E) -> T
    ) async throws(E) -> T {
        guard isActive else { return try await body(nil) }
        let span: any Span = InstrumentationSystem.tracer.startSpan(name(), context: context ?? .current ?? .topLevel, ofKind: kind)
        defer { span.end() }
        let result: Result<T, E> = await ServiceContext.$current.withValue(span.context) { () async -> Result<T, E> in
            do throws(E) {
                return .success(try await body(span))
            } catch {
                return .failure(error)
            }
        }
        if case .failure(let error) = result {
            span.recordError(error)
            span.setStatus(SpanStatus(code: .error))
        }
        return try result.get()
    }
}
