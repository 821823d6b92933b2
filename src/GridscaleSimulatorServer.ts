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
import { maxBodyBytes, Simulator } from "./internal/simulator/core.js"
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

interface ReadBody {
  readonly text: string
  /** Over the limit: reading stopped there, nothing more is kept. */
  readonly tooLarge: boolean
}

/**
 * Reads a request body up to `maxBodyBytes`. A body announced or found to be larger is not read
 * further, so memory stays bounded whatever a client sends.
 */
const readBody = (request: Http.IncomingMessage): Promise<ReadBody> =>
  new Promise((resolve, reject) => {
    const declared = Number(request.headers["content-length"])
    if (Number.isFinite(declared) && declared > maxBodyBytes) return resolve({ text: "", tooLarge: true })
    const chunks: Array<Buffer> = []
    let bytes = 0
    const onData = (chunk: Buffer) => {
      bytes += chunk.length
      if (bytes <= maxBodyBytes) return void chunks.push(chunk)
      request.off("data", onData)
      request.pause()
      chunks.length = 0
      resolve({ text: "", tooLarge: true })
    }
    request.on("data", onData)
    request.on("end", () => resolve({ text: Buffer.concat(chunks).toString("utf8"), tooLarge: false }))
    request.on("error", reject)
  })

/**
 * The path and query of a request target. Origin form (`/objects/servers?x`) and absolute form
 * (`http://host/objects/servers`, which HTTP/1.1 servers must accept) are read; anything else, or
 * an absolute form that is not a valid URL (a port of 99999, say), is `undefined`: a 400.
 */
export const parseTarget = (
  target: string | undefined
): { readonly path: string; readonly query: string } | undefined => {
  if (target === undefined || target.length === 0) return undefined
  if (target.startsWith("/")) {
    const at = target.indexOf("?")
    return at < 0 ? { path: target, query: "" } : { path: target.slice(0, at), query: target.slice(at) }
  }
  if (!/^https?:\/\//i.test(target)) return undefined
  try {
    const url = new URL(target)
    return { path: url.pathname, query: url.search }
  } catch {
    return undefined
  }
}

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

/**
 * After a body over the limit: the reply says the connection closes, the rest of the body is
 * discarded unread while the reply goes out, and the socket closes once it has (closing at once
 * with unread bytes pending would reset the connection and could lose the reply).
 */
const closeAfter = (request: Http.IncomingMessage, response: Http.ServerResponse): void => {
  response.setHeader("connection", "close")
  request.resume()
  response.once("finish", () => {
    const socket = request.socket
    socket.end()
    const timer = setTimeout(() => socket.destroy(), 1000)
    timer.unref()
    socket.once("close", () => clearTimeout(timer))
  })
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
  const answer = (request: Http.IncomingMessage, response: Http.ServerResponse, body: ReadBody): void => {
    const method = request.method ?? "GET"
    const target = parseTarget(request.url)
    const outcome = target === undefined
      ? simulator.refuse(400, "The request target is not a path or an http URL.", Date.now())
      : simulator.handle(
        {
          method,
          path: target.path,
          query: target.query,
          headers: flatHeaders(request.headers),
          bodyText: body.text,
          bodyTooLarge: body.tooLarge
        },
        Date.now()
      )
    log?.(logLine(method, target?.path ?? "(bad target)", outcome))
    if (body.tooLarge) closeAfter(request, response)
    deliver(request, response, outcome, pending)
  }
  const server = Http.createServer((request, response) => {
    readBody(request).then(
      (body) => answer(request, response, body),
      () => request.socket.destroy()
    ).catch(() => {
      // A bug here must not end the process that embeds the server (a test run): answer 500.
      if (!response.headersSent) {
        response.writeHead(500, { "content-type": "application/json" })
        response.end(JSON.stringify({ title: "Internal Server Error", description: "The simulator failed." }))
      } else request.socket.destroy()
    })
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
