/**
 * A stateful in-memory gridscale API for tests. `GridscaleSimulator.layer` provides an
 * `HttpClient.HttpClient` that answers from the model (no sockets) together with the
 * `GridscaleSimulator` service, whose controls inject faults, fail jobs, read counters and
 * snapshot or reset the state.
 *
 * Under effect's `TestClock` every time the simulator shows or uses (job completion, the rate
 * window, `create_time`, `RateLimit-Reset`) follows effect's `Clock`: job state is computed from
 * the clock when asked, never by timers.
 *
 * @since 0.1.0
 */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import type * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as Catalogue from "./internal/simulator/catalogue.js"
import type { Simulator } from "./internal/simulator/core.js"
import type * as Types from "./internal/simulator/types.js"

/**
 * Options of a simulator: seed, accepted credentials, job duration and failures, rate limit and
 * faults. Every field has a default (a fresh random seed per run, so ids differ between runs; any
 * non-empty credentials; 500 ms jobs that succeed; 210 requests per 60 s; no faults).
 *
 * @since 0.1.0
 * @category Models
 */
export type Options = Types.SimulatorOptions

/**
 * The faults the simulator can inject. `TooManyRequests`, `ServiceUnavailable`,
 * `FailedDependency` and `ConnectionRefused` answer before the request is carried out;
 * `InternalError`, `ConnectionReset`, `TruncatedBody`, `InvalidJson` and `SlowReply` happen
 * after it was carried out, so the client cannot know whether a write took place.
 *
 * @since 0.1.0
 * @category Models
 */
export type FaultKind = Types.FaultKind

/**
 * A rule injecting a fault into matching requests (method, path, nth match, how many times).
 *
 * @since 0.1.0
 * @category Models
 */
export type FaultRule = Types.FaultRule

/**
 * Fault injection settings: a rate with the kinds it draws from, and rules.
 *
 * @since 0.1.0
 * @category Models
 */
export type FaultOptions = Types.FaultOptions

/**
 * Which requests a control applies to: a method, and an exact path or a pattern.
 *
 * @since 0.1.0
 * @category Models
 */
export type RequestMatch = Types.RequestMatch

/**
 * How long jobs take: fixed milliseconds, per family or path, or a function of the job.
 *
 * @since 0.1.0
 * @category Models
 */
export type JobDuration = Types.JobDuration

/**
 * What the simulator has seen and done: requests by method and status, 429s, faults by kind
 * (with a log saying whether each request was carried out), writes applied and objects created
 * per family and name.
 *
 * @since 0.1.0
 * @category Models
 */
export type Counters = Types.Counters

/**
 * Every object, rendered as the API shows it, by plural family key then id.
 *
 * @since 0.1.0
 * @category Models
 */
export type StateSnapshot = Types.StateSnapshot

/**
 * The id of the seeded location (`de/fra`).
 *
 * @since 0.1.0
 * @category Catalogue
 */
export const locationId: string = Catalogue.location.object_uuid

/**
 * The id of the seeded public network, listed first among networks.
 *
 * @since 0.1.0
 * @category Catalogue
 */
export const publicNetworkId: string = Catalogue.publicNetworkId

/**
 * The ids of the seeded public templates (Ubuntu, Debian, CentOS, Windows), each with an `ostype`.
 *
 * @since 0.1.0
 * @category Catalogue
 */
export const templateIds: ReadonlyArray<string> = Catalogue.templates.map((t) => t.object_uuid)

/**
 * The simulator's controls and counters.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Service {
  /** What the simulator has counted since it started or was last reset. */
  readonly counters: Effect.Effect<Counters>
  /** Every object as the API would show it now (on effect's `Clock`). */
  readonly snapshot: Effect.Effect<StateSnapshot>
  /**
   * Back to the seeded catalogue, with fresh counters, rate window and fault rules; the `seed`
   * option's sequence starts again (without a seed option, a new random one is drawn).
   */
  readonly reset: Effect.Effect<void>
  /** The job of the next matching write (any write when omitted) ends as `failed`. */
  readonly failNextJob: (match?: RequestMatch) => Effect.Effect<void>
  /** Adds a fault rule. */
  readonly injectFault: (rule: FaultRule) => Effect.Effect<void>
  /** Removes every fault rule, including those given as options (the fault rate stays). */
  readonly clearFaults: Effect.Effect<void>
}

/**
 * The simulator's controls, provided by `layer` and `layerWith` next to the `HttpClient`.
 *
 * @since 0.1.0
 * @category Tags
 */
export class GridscaleSimulator extends Context.Tag("effect-gridscale/GridscaleSimulator")<
  GridscaleSimulator,
  Service
>() {}

const transportError = (request: HttpClientRequest.HttpClientRequest, code: string, description: string) =>
  new HttpClientError.RequestError({
    request,
    reason: "Transport",
    cause: Object.assign(new Error(description), { code }),
    description
  })

/** Fails when the request's signal aborts (a client's per-attempt timeout), as a real socket would. */
const aborted = (request: HttpClientRequest.HttpClientRequest, signal: AbortSignal) =>
  Effect.async<never, HttpClientError.RequestError>((resume) => {
    const onAbort = () => resume(Effect.fail(transportError(request, "ABORT_ERR", "the request was aborted")))
    if (signal.aborted) return onAbort()
    signal.addEventListener("abort", onAbort, { once: true })
    return Effect.sync(() => signal.removeEventListener("abort", onAbort))
  })

const decoder = new TextDecoder()

interface Body {
  readonly text: string
  /** Longer than the simulator accepts; not read to its end (the answer is 413). */
  readonly tooLarge: boolean
}

const small = (text: string): Body => ({ text, tooLarge: false })

/**
 * A streamed body, read until it ends or passes the limit: an endless stream costs at most the
 * limit, as on the loopback server.
 */
const readStream = (
  request: HttpClientRequest.HttpClientRequest,
  stream: Stream.Stream<Uint8Array, unknown>,
  maxBodyBytes: number
): Effect.Effect<Body, HttpClientError.RequestError> =>
  stream.pipe(
    Stream.runFoldWhile(
      { bytes: 0, chunks: [] as Array<Uint8Array> },
      (read) => read.bytes <= maxBodyBytes,
      (read, chunk) => {
        read.chunks.push(chunk)
        return { bytes: read.bytes + chunk.length, chunks: read.chunks }
      }
    ),
    Effect.map((read): Body => {
      if (read.bytes > maxBodyBytes) return { text: "", tooLarge: true }
      const all = new Uint8Array(read.bytes)
      let offset = 0
      for (const chunk of read.chunks) {
        all.set(chunk, offset)
        offset += chunk.length
      }
      return small(decoder.decode(all))
    }),
    Effect.mapError((cause) => new HttpClientError.RequestError({ request, reason: "Encode", cause }))
  )

/** The request body as text: the simulator reads JSON, as the API does. */
const bodyText = (
  request: HttpClientRequest.HttpClientRequest,
  maxBodyBytes: number
): Effect.Effect<Body, HttpClientError.RequestError> => {
  const body = request.body
  switch (body._tag) {
    case "Empty":
      return Effect.succeed(small(""))
    case "Uint8Array":
      return Effect.succeed(small(decoder.decode(body.body)))
    case "Raw":
      return Effect.succeed(
        small(
          typeof body.body === "string" ? body.body : body.body instanceof Uint8Array ? decoder.decode(body.body) : ""
        )
      )
    case "Stream":
      return readStream(request, body.stream, maxBodyBytes)
    case "FormData":
      return Effect.succeed(small(""))
  }
}

const contentTypeOf = (request: HttpClientRequest.HttpClientRequest): string | undefined => {
  const body = request.body
  return body._tag === "Uint8Array" || body._tag === "Stream" ? body.contentType : undefined
}

const encoder = new TextEncoder()

/** A body stream that delivers half of the body and then errors, like a connection cut mid-reply. */
const truncatedStream = (text: string): ReadableStream<Uint8Array> => {
  const bytes = encoder.encode(text)
  return new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(bytes.slice(0, Math.floor(bytes.length / 2)))
      controller.error(Object.assign(new Error("The connection closed before the body was complete."), {
        code: "ECONNRESET"
      }))
    }
  })
}

const toResponse = (
  request: HttpClientRequest.HttpClientRequest,
  reply: Types.SimReply,
  truncated: boolean
): HttpClientResponse.HttpClientResponse => {
  const headers = new Headers(reply.headers)
  const hasBody = reply.status !== 204 && reply.bodyText.length > 0
  if (hasBody) headers.set("content-length", String(encoder.encode(reply.bodyText).length))
  const body = !hasBody ? null : truncated ? truncatedStream(reply.bodyText) : reply.bodyText
  return HttpClientResponse.fromWeb(request, new Response(body, { status: reply.status, headers }))
}

const makeClient = (simulator: Simulator, maxBodyBytes: number): HttpClient.HttpClient =>
  HttpClient.make((request, url, signal) =>
    Effect.gen(function*() {
      const body = yield* bodyText(request, maxBodyBytes)
      const contentType = contentTypeOf(request)
      const headers = contentType === undefined || request.headers["content-type"] !== undefined
        ? request.headers
        : { ...request.headers, "content-type": contentType }
      const now = yield* Clock.currentTimeMillis
      const outcome = simulator.handle(
        {
          method: request.method,
          path: url.pathname,
          query: url.search,
          headers,
          bodyText: body.text,
          bodyTooLarge: body.tooLarge
        },
        now
      )
      switch (outcome.delivery._tag) {
        case "Refused":
          return yield* Effect.fail(transportError(request, "ECONNREFUSED", "connect ECONNREFUSED (simulated)"))
        case "Reset":
          return yield* Effect.fail(transportError(request, "ECONNRESET", "socket hang up (simulated reset)"))
        case "Slow":
          yield* Effect.raceFirst(Effect.sleep(outcome.delivery.delayMillis), aborted(request, signal))
          return toResponse(request, outcome.reply, false)
        case "Truncated":
          return toResponse(request, outcome.reply, true)
        case "Normal":
          return toResponse(request, outcome.reply, false)
      }
    })
  )

/**
 * The simulator's machinery (its model, routes, and the spec's definitions it checks requests
 * against: about half of the package's code) loads when the first simulator is made, not when
 * this module is imported: the root entry re-exports this module, and a program that only talks
 * to the real API should not pay for it at start-up. The module loader caches it after the first
 * time.
 */
const loadCore = Effect.promise(() => import("./internal/simulator/core.js"))

const makeService = (simulator: Simulator): Service => ({
  counters: Effect.sync(() => simulator.counters()),
  snapshot: Effect.map(Clock.currentTimeMillis, (now) => simulator.snapshot(now)),
  reset: Effect.sync(() => simulator.reset()),
  failNextJob: (match) => Effect.sync(() => simulator.failNextJob(match)),
  injectFault: (rule) => Effect.sync(() => simulator.injectFault(rule)),
  clearFaults: Effect.sync(() => simulator.clearFaults())
})

/**
 * Makes a simulator: its controls and an `HttpClient` that answers from it. Each call has its
 * own state.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const make = (
  options: Options = {}
): Effect.Effect<{ readonly service: Service; readonly client: HttpClient.HttpClient }> =>
  Effect.map(loadCore, (core) => {
    const simulator = new core.Simulator(options)
    return { service: makeService(simulator), client: makeClient(simulator, core.maxBodyBytes) }
  })

/**
 * The simulator with the given options, as an `HttpClient` layer plus its controls.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerWith = (options: Options): Layer.Layer<HttpClient.HttpClient | GridscaleSimulator> =>
  Layer.effectContext(
    Effect.map(
      make(options),
      ({ client, service }) =>
        Context.make(GridscaleSimulator, service).pipe(Context.add(HttpClient.HttpClient, client))
    )
  )

/**
 * The simulator with default options, as an `HttpClient` layer plus its controls.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layer: Layer.Layer<HttpClient.HttpClient | GridscaleSimulator> = layerWith({})

/**
 * The counters of the simulator in context.
 *
 * @since 0.1.0
 * @category Accessors
 */
export const counters: Effect.Effect<Counters, never, GridscaleSimulator> = Effect.flatMap(
  GridscaleSimulator,
  (s) => s.counters
)

/**
 * Every object of the simulator in context, as the API would show it now.
 *
 * @since 0.1.0
 * @category Accessors
 */
export const snapshot: Effect.Effect<StateSnapshot, never, GridscaleSimulator> = Effect.flatMap(
  GridscaleSimulator,
  (s) => s.snapshot
)

/**
 * Resets the simulator in context to its seeded state.
 *
 * @since 0.1.0
 * @category Accessors
 */
export const reset: Effect.Effect<void, never, GridscaleSimulator> = Effect.flatMap(GridscaleSimulator, (s) => s.reset)

/**
 * Makes the job of the next matching write fail.
 *
 * @since 0.1.0
 * @category Accessors
 */
export const failNextJob = (match?: RequestMatch): Effect.Effect<void, never, GridscaleSimulator> =>
  Effect.flatMap(GridscaleSimulator, (s) => s.failNextJob(match))

/**
 * Adds a fault rule to the simulator in context.
 *
 * @since 0.1.0
 * @category Accessors
 */
export const injectFault = (rule: FaultRule): Effect.Effect<void, never, GridscaleSimulator> =>
  Effect.flatMap(GridscaleSimulator, (s) => s.injectFault(rule))

/**
 * Removes every fault rule of the simulator in context.
 *
 * @since 0.1.0
 * @category Accessors
 */
export const clearFaults: Effect.Effect<void, never, GridscaleSimulator> = Effect.flatMap(
  GridscaleSimulator,
  (s) => s.clearFaults
)
