/**
 * The gridscale simulator as a real HTTP server on loopback, on plain `node:http`, for clients
 * that are not built on effect's `HttpClient` (Apache Libcloud, curl, another process). Its clock
 * is the wall clock. Injected faults act on the socket: a reset destroys it with nothing sent, a
 * truncated body sends a `Content-Length` larger than what follows and then destroys it, a slow
 * reply waits before answering.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as Http from "node:http"
import type { AddressInfo } from "node:net"
import { Simulator } from "./internal/simulator/core.js"
import type * as Types from "./internal/simulator/types.js"

/**
 * Options of the loopback server: where to listen, the simulator's options, and a line logger.
 *
 * @since 0.1.0
 * @category Models
 */
export interface ServerOptions extends Types.SimulatorOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  readonly port?: number
  /** Default `127.0.0.1`. */
  readonly host?: string
  /** Called with one line per request: method, path, status, request id (never a token). */
  readonly log?: (line: string) => void
}

/**
 * A running loopback server: its URL, the simulator's counters and controls, and `close`.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Handle {
  /** `http://host:port`, to use as the API URL. */
  readonly url: string
  readonly port: number
  readonly host: string
  /** What the simulator has counted. */
  readonly counters: () => Types.Counters
  /** Every object as the API would show it now. */
  readonly snapshot: () => Types.StateSnapshot
  /** Back to the seeded catalogue, fresh counters and fault rules. */
  readonly reset: () => void
  /** The job of the next matching write fails. */
  readonly failNextJob: (match?: Types.RequestMatch) => void
  readonly injectFault: (rule: Types.FaultRule) => void
  readonly clearFaults: () => void
  /** Stops listening and drops open connections. */
  readonly close: () => Promise<void>
}

const readBody = (request: Http.IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Array<Buffer> = []
    request.on("data", (chunk: Buffer) => chunks.push(chunk))
    request.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")))
    request.on("error", reject)
  })

const flatHeaders = (headers: Http.IncomingHttpHeaders): Record<string, string | undefined> => {
  const out: Record<string, string | undefined> = {}
  for (const [key, value] of Object.entries(headers)) out[key] = Array.isArray(value) ? value.join(", ") : value
  return out
}

const writeReply = (response: Http.ServerResponse, reply: Types.SimReply): void => {
  const body = Buffer.from(reply.bodyText, "utf8")
  const headers: Record<string, string | number> = { ...reply.headers }
  if (reply.status !== 204) headers["content-length"] = body.length
  response.writeHead(reply.status, headers)
  response.end(reply.status === 204 ? undefined : body)
}

const writeTruncated = (response: Http.ServerResponse, reply: Types.SimReply): void => {
  const body = Buffer.from(reply.bodyText, "utf8")
  response.writeHead(reply.status, { ...reply.headers, "content-length": body.length })
  response.write(body.subarray(0, Math.floor(body.length / 2)), () => response.destroy())
}

const deliver = (
  request: Http.IncomingMessage,
  response: Http.ServerResponse,
  outcome: Types.SimOutcome,
  pending: Set<NodeJS.Timeout>
): void => {
  switch (outcome.delivery._tag) {
    case "Reset":
    case "Refused":
      // Nothing is sent: the client sees its connection reset.
      request.socket.destroy()
      return
    case "Truncated":
      writeTruncated(response, outcome.reply)
      return
    case "Slow": {
      const timer = setTimeout(() => {
        pending.delete(timer)
        writeReply(response, outcome.reply)
      }, outcome.delivery.delayMillis)
      pending.add(timer)
      return
    }
    case "Normal":
      writeReply(response, outcome.reply)
  }
}

const logLine = (method: string, path: string, outcome: Types.SimOutcome): string => {
  const status = outcome.delivery._tag === "Reset" || outcome.delivery._tag === "Refused"
    ? "reset"
    : String(outcome.reply.status)
  const note = outcome.delivery._tag === "Normal" ? "" : ` (${outcome.delivery._tag.toLowerCase()})`
  return `${method} ${path} ${status} ${outcome.requestId}${note}`
}

/**
 * Starts the simulator on loopback. Resolves once it listens.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const start = (options: ServerOptions = {}): Promise<Handle> => {
  const { host = "127.0.0.1", log, port = 0, ...simulatorOptions } = options
  const simulator = new Simulator(simulatorOptions)
  const pending = new Set<NodeJS.Timeout>()
  const server = Http.createServer((request, response) => {
    readBody(request).then(
      (bodyText) => {
        const url = new URL(request.url ?? "/", "http://simulator")
        const method = request.method ?? "GET"
        const outcome = simulator.handle(
          { method, path: url.pathname, query: url.search, headers: flatHeaders(request.headers), bodyText },
          Date.now()
        )
        log?.(logLine(method, url.pathname, outcome))
        deliver(request, response, outcome, pending)
      },
      () => request.socket.destroy()
    )
  })
  return new Promise((resolve, reject) => {
    server.once("error", reject)
    server.listen(port, host, () => {
      server.off("error", reject)
      const address = server.address() as AddressInfo
      const shownHost = address.family === "IPv6" ? `[${address.address}]` : address.address
      resolve({
        url: `http://${shownHost}:${address.port}`,
        port: address.port,
        host: address.address,
        counters: () => simulator.counters(),
        snapshot: () => simulator.snapshot(Date.now()),
        reset: () => simulator.reset(),
        failNextJob: (match) => simulator.failNextJob(match),
        injectFault: (rule) => simulator.injectFault(rule),
        clearFaults: () => simulator.clearFaults(),
        close: () => close(server, pending)
      })
    })
  })
}

const close = (server: Http.Server, pending: Set<NodeJS.Timeout>): Promise<void> =>
  new Promise((resolve) => {
    for (const timer of pending) clearTimeout(timer)
    pending.clear()
    server.close(() => resolve())
    server.closeAllConnections()
  })

/**
 * The loopback server could not listen (the port is taken, say).
 *
 * @since 0.1.0
 * @category Errors
 */
export class ServerStartError extends Data.TaggedError("ServerStartError")<{
  readonly message: string
  readonly cause: unknown
}> {}

/**
 * The loopback server as a scoped effect: started when acquired, closed when the scope closes.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const serve = (options: ServerOptions = {}): Effect.Effect<Handle, ServerStartError, Scope.Scope> =>
  Effect.acquireRelease(
    Effect.tryPromise({
      try: () => start(options),
      catch: (cause) => new ServerStartError({ message: `The simulator could not listen: ${String(cause)}`, cause })
    }),
    (handle) => Effect.promise(() => handle.close())
  )
