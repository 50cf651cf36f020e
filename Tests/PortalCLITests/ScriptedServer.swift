import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Synchronization

/// A stand-in for Spark on 127.0.0.1 that answers what a test scripts, for answers the demo server does not give
/// (a 429 with a long `Retry-After`, a body past the client's limit, a page count that cannot be right). It records
/// the path and query of every request.
final class ScriptedServer: Sendable {
    /// One answer: a status, headers and a body, or a body of `size` bytes streamed out (`Content-Length` first).
    struct Answer: Sendable {
        var status = 200
        var headers: [(String, String)] = [("Content-Type", "application/json")]
        var body = ""
        var size: Int?

        static func json(_ status: Int = 200, _ body: String, headers: [(String, String)] = []) -> Answer {
            Answer(status: status, headers: [("Content-Type", "application/json")] + headers, body: body)
        }

        /// A 200 whose body is `bytes` long (JSON-looking spaces and braces), for the size limit.
        static func huge(_ bytes: Int) -> Answer { Answer(size: bytes) }
    }

    /// The path and query of each request, in the order they came.
    private final class Received: Sendable {
        let list = Mutex<[String]>([])
    }

    let baseURL: URL
    private let received: Received
    private let task: Task<Void, any Error>

    /// Every request's path and query, in the order they came.
    var requests: [String] { received.list.withLock { $0 } }

    private init(baseURL: URL, received: Received, task: Task<Void, any Error>) {
        self.baseURL = baseURL
        self.received = received
        self.task = task
    }

    /// Serves `answer(pathAndQuery, index)` (index: how many requests came before this one) around `body`.
    static func with<T>(_ answer: @escaping @Sendable (_ pathAndQuery: String, _ index: Int) -> Answer,
                        _ body: (ScriptedServer) async throws -> T) async throws -> T {
        let received = Received()
        let responder = Responder { request in
            let target = request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")
            let index = received.list.withLock { list in
                list.append(target)
                return list.count - 1
            }
            return answer(target, index)
        }
        let (ports, port) = AsyncStream<Int?>.makeStream()
        let app = Application(
            responder: responder, configuration: ApplicationConfiguration(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { port.yield($0.localAddress?.port) },
            logger: Logger(label: "scripted-server", factory: { _ in SwiftLogNoOpLogHandler() }))
        let task = Task {
            defer { port.finish() }
            try await app.run()
        }
        var iterator = ports.makeAsyncIterator()
        guard let bound = await iterator.next(), let number = bound else {
            _ = await task.result
            throw CancellationError()
        }
        let server = ScriptedServer(baseURL: URL(string: "http://127.0.0.1:\(number)")!, received: received, task: task)
        do {
            let result = try await body(server)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    private func stop() async {
        task.cancel()
        _ = await task.result
    }

    private struct Responder: HTTPResponder {
        typealias Context = BasicRequestContext
        let answer: @Sendable (Request) -> Answer

        func respond(to request: Request, context: BasicRequestContext) async throws -> Response {
            let answer = answer(request)
            var fields = HTTPFields()
            for (name, value) in answer.headers {
                if let name = HTTPField.Name(name) { fields.append(HTTPField(name: name, value: value)) }
            }
            guard let size = answer.size else {
                return Response(status: .init(code: answer.status), headers: fields,
                                body: ResponseBody(byteBuffer: ByteBuffer(string: answer.body)))
            }
            let chunk = ByteBuffer(repeating: UInt8(ascii: " "), count: 1 << 20)
            let body = ResponseBody(contentLength: size) { writer in
                var left = size
                while left > 0 {  // the client hangs up once it has seen enough: the write then throws
                    let count = min(left, chunk.readableBytes)
                    try await writer.write(chunk.getSlice(at: 0, length: count)!)
                    left -= count
                }
                try await writer.finish(nil)
            }
            return Response(status: .init(code: answer.status), headers: fields, body: body)
        }
    }
}
