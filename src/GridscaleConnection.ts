/**
 * The authenticated connection to the gridscale API: base URL, auth headers, JSON bodies, a
 * timeout per attempt, retries that never create anything twice, and the account's rate budget
 * shared by every fiber using the layer. No state is shared between calls.
 *
 * @since 0.1.0
 */
import * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Chunk from "effect/Chunk"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import type * as Schema from "effect/Schema"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type * as Tracer from "effect/Tracer"
import { GridscaleConfig } from "./GridscaleConfig.js"
import * as GridscaleError from "./GridscaleError.js"
import * as GridscalePolling from "./GridscalePolling.js"
import * as GridscaleResponse from "./GridscaleResponse.js"
import { describe } from "./internal/input.js"
import * as RateBudget from "./internal/rateBudget.js"

/**
 * @since 0.1.0
 * @category Models
 */
export type Method = "GET" | "POST" | "PATCH" | "PUT" | "DELETE"

/**
 * @since 0.1.0
 * @category Models
 */
export interface RequestOptions<A = unknown, I = unknown> {
  /** Sent as JSON with `Content-Type: application/json`. */
  readonly body?: unknown
  /** Query parameters; `undefined` values are left out. */
  readonly urlParams?: Readonly<Record<string, string | number | boolean | undefined>> | undefined
  /** Decodes the reply body (`undefined` for a 204 or an empty body). */
  readonly schema?: Schema.Schema<A, I, never> | undefined
  /** Timeout of one attempt, instead of the configured one. */
  readonly timeout?: Duration.DurationInput | undefined
  /** `"poll"` for job polls, which may take only a share of the rate budget. Default `"normal"`. */
  readonly priority?: RateBudget.Priority | undefined
}

/**
 * @since 0.1.0
 * @category Models
 */
export interface AsyncRequestOptions<A = unknown, I = unknown> extends RequestOptions<A, I> {
  /** How to wait for the job. */
  readonly polling?: GridscalePolling.AwaitOptions | undefined
}

/**
 * @since 0.1.0
 * @category Models
 */
export interface Service {
  /** Sends one request (retried per the rules) and returns its decoded body. */
  readonly request: <A = unknown, I = unknown>(
    method: Method,
    path: string,
    options?: RequestOptions<A, I>
  ) => Effect.Effect<A, GridscaleError.GridscaleError>
  /**
   * Sends a write, waits until its job is done, and returns the write's own reply (for a create,
   * `{ request_uuid, object_uuid }`).
   */
  readonly asyncRequest: <A = unknown, I = unknown>(
    method: Method,
    path: string,
    options?: AsyncRequestOptions<A, I>
  ) => Effect.Effect<A, GridscaleError.GridscaleError>
}

/**
 * @since 0.1.0
 * @category Tags
 */
export class GridscaleConnection
  extends Context.Tag("effect-gridscale/GridscaleConnection")<GridscaleConnection, Service>()
{}

// Path segments are ids (letters, digits, '-') and the API's own words (which have '_').
const safePath = /^(\/[A-Za-z0-9_-]{1,64})+\/?$/

const pathError = (path: string): GridscaleError.InvalidInput | undefined =>
  safePath.test(path)
    ? undefined
    : new GridscaleError.InvalidInput({
      field: "path",
      message: `the path ${describe(path)} is not a plain API path (segments of letters, digits, '-' or '_')`
    })

/** One attempt's failure, with what the retry policy needs to know about it. */
class AttemptFailure {
  constructor(
    readonly error: GridscaleError.GridscaleError,
    readonly retryable: boolean,
    readonly delay: Duration.Duration = Duration.zero
  ) {}
}

interface Attempt {
  readonly method: Method
  readonly path: string
  /** Which try this is, from 1. */
  readonly number: number
}

const isIdempotent = (method: Method) => method !== "POST"

const transportError = (
  attempt: Attempt,
  reason: GridscaleError.TransportReason,
  detail: string,
  requestId?: string
) =>
  new GridscaleError.TransportError({
    method: attempt.method,
    path: attempt.path,
    reason,
    // A refused connection sent nothing; anything else may have reached the API.
    outcomeUnknown: attempt.method !== "GET" && reason !== "ConnectionRefused",
    message: `${attempt.method} ${attempt.path}: ${detail}`,
    ...(requestId !== undefined ? { requestId } : {})
  })

const errorCodes = (cause: unknown): ReadonlyArray<string> => {
  const codes: Array<string> = []
  let current: unknown = cause
  for (let depth = 0; depth < 5 && typeof current === "object" && current !== null; depth++) {
    const record = current as { code?: unknown; cause?: unknown; message?: unknown }
    if (typeof record.code === "string") codes.push(record.code)
    if (typeof record.message === "string") codes.push(record.message)
    current = record.cause
  }
  return codes
}

const transportReason = (cause: unknown): GridscaleError.TransportReason => {
  const codes = errorCodes(cause).join(" ")
  if (/ECONNREFUSED/.test(codes)) return "ConnectionRefused"
  if (/ECONNRESET|EPIPE|UND_ERR_SOCKET|socket hang up|other side closed|terminated/i.test(codes)) {
    return "ConnectionReset"
  }
  if (/ETIMEDOUT|UND_ERR_.*TIMEOUT/.test(codes)) return "Timeout"
  return "Other"
}

const fromHttpClientError = (attempt: Attempt, error: HttpClientError.HttpClientError): AttemptFailure => {
  if (error._tag === "RequestError" && error.reason !== "Transport") {
    const field = error.reason === "Encode" ? "body" : "path"
    return new AttemptFailure(
      new GridscaleError.InvalidInput({ field, message: `the request's ${field} could not be encoded` }),
      false
    )
  }
  const reason = error._tag === "ResponseError" ? "TruncatedBody" : transportReason(error.cause)
  const detail = reason === "ConnectionRefused"
    ? "the connection was refused"
    : reason === "ConnectionReset"
    ? "the connection was reset before a reply"
    : reason === "TruncatedBody"
    ? "the reply's body was cut short"
    : `the request failed in transport (${errorCodes(error.cause).slice(0, 2).join(": ") || error.reason})`
  return new AttemptFailure(
    transportError(attempt, reason, detail),
    isIdempotent(attempt.method) || reason === "ConnectionRefused"
  )
}

const decodeUtf8 = (chunks: ReadonlyArray<Uint8Array>): string => {
  const bytes = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0))
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.length
  }
  return new TextDecoder().decode(bytes)
}

/** `Retry-After` in seconds or as an HTTP date, else `RateLimit-Reset` in Unix ms. */
const requestedDelay = (headers: Readonly<Record<string, string>>, now: number): Duration.Duration => {
  const retryAfter = headers["retry-after"]
  if (retryAfter !== undefined) {
    const seconds = Number(retryAfter)
    const millis = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(retryAfter) - now
    if (Number.isFinite(millis)) return Duration.millis(Math.min(Math.max(millis, 0), 61_000))
  }
  const reset = Number(headers["ratelimit-reset"])
  if (headers["ratelimit-reset"] !== undefined && Number.isFinite(reset) && reset > now) {
    return Duration.millis(Math.min(reset - now, 61_000))
  }
  return Duration.zero
}

const isRetryableStatus = (method: Method, status: number) => {
  if (status === 429 || status === 503 || status === 424) return true
  // Anything else says nothing about whether a POST was carried out: re-sending it could create twice.
  return isIdempotent(method) && (status === 409 || (status >= 500 && status <= 599))
}

/**
 * The retry schedule: exponential and jittered from `baseDelay`, capped at `maxDelay`, bounded in
 * retries and elapsed time, and never shorter than what the API asked for.
 */
const retrySchedule = (policy: GridscaleConfig["Type"]["retry"]) =>
  Schedule.exponential(policy.baseDelay, 2).pipe(
    Schedule.jittered,
    Schedule.modifyDelay((_, delay) => Duration.min(delay, policy.maxDelay)),
    Schedule.intersect(Schedule.recurs(policy.maxRetries)),
    Schedule.intersect(Schedule.identity<AttemptFailure>()),
    Schedule.modifyDelay(([, failure], delay) => Duration.max(delay, failure.delay)),
    Schedule.upTo(policy.maxElapsed),
    Schedule.whileInput((failure: AttemptFailure) => failure.retryable)
  )

/** The class of effect's live clock: a clock of any other class (`TestClock`) gets `Effect.timeoutFail`. */
const LiveClock = Clock.make().constructor
const maxTimerMillis = 2 ** 31 - 1

const mayHaveApplied = (error: GridscaleError.GridscaleError) => "outcomeUnknown" in error && error.outcomeUnknown

const withEarlierAmbiguity = (
  error: GridscaleError.GridscaleError,
  ambiguous: GridscaleError.GridscaleError | undefined
): GridscaleError.GridscaleError => {
  if (ambiguous === undefined || mayHaveApplied(error)) return error
  return "outcomeUnknown" in error ? GridscaleError.withOutcomeUnknown(error) : ambiguous
}

interface Success<A> {
  readonly value: A
  readonly reply: GridscaleResponse.Reply
  /** How many attempts it took. */
  readonly attempts: number
  /** True when a retried DELETE found the object gone: there is no job left to wait for. */
  readonly alreadyGone?: boolean
}

/** Records on a request's span how it ended: status, attempts and the reply's request id. */
const recordReply = (span: Tracer.Span, { attempts, reply }: Success<unknown>) => {
  span.attribute("http.response.status_code", reply.status)
  span.attribute("gridscale.attempts", attempts)
  const requestId = reply.headers["x-request-id"]
  if (requestId) span.attribute("gridscale.request_id", requestId)
}

/** Puts a write's job id on its span and on the caller's (the operation's) span. */
const recordJob = (span: Tracer.Span, requestId: string) => {
  span.attribute("gridscale.request_id", requestId)
  if (span.parent._tag === "Some" && span.parent.value._tag === "Span") {
    span.parent.value.attribute("gridscale.request_id", requestId)
  }
}

// A stack trace per request costs more than the rest of the span; the caller's span has one.
const spanOptions = { captureStackTrace: false } as const

/**
 * How `makeWith` can differ from the default connection.
 *
 * @since 0.1.0
 * @category Models
 */
export interface MakeOptions {
  /**
   * Builds the poller `asyncRequest` waits with, from the connection's own way of sending a GET.
   * Default: `GridscalePolling.makeWith` with the configured polling policy.
   */
  readonly polling?:
    | ((
      request: <A, I>(path: string, options: RequestOptions<A, I>) => Effect.Effect<A, GridscaleError.GridscaleError>,
      policy: GridscaleConfig["Type"]["polling"]
    ) => GridscalePolling.Service)
    | undefined
}

/**
 * Builds the connection with options.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const makeWith = (options: MakeOptions): Effect.Effect<
  Service,
  never,
  GridscaleConfig | HttpClient.HttpClient | GridscaleResponse.GridscaleResponse | Scope.Scope
> =>
  Effect.gen(function*() {
    const config = yield* GridscaleConfig
    const response = yield* GridscaleResponse.GridscaleResponse
    const budget = yield* RateBudget.make(config.rate)
    const retries = retrySchedule(config.retry)
    // Every request starts from this one, so the auth headers are built once, not per request.
    const baseRequest = HttpClientRequest.get(config.apiUrl).pipe(
      HttpClientRequest.setHeaders({
        "X-Auth-UserId": config.userId,
        "X-Auth-Token": Redacted.value(config.token)
      }),
      HttpClientRequest.acceptJson
    )
    const client = (yield* HttpClient.HttpClient).pipe(
      // The platform's span records every header, the token's among them, and costs more than
      // the rest of a request; the connection's own span says what matters (method, path, status,
      // request id) and never holds a header.
      HttpClient.withTracerDisabledWhen(() => true),
      // Each request gets an AbortController of its own, aborted when the scope it runs in closes.
      HttpClient.withScope
    )

    const readBody = (
      res: HttpClientResponse.HttpClientResponse,
      headers: Readonly<Record<string, string>>,
      attempt: Attempt
    ) => {
      const declared = Number(headers["content-length"])
      const tooLarge = () =>
        new AttemptFailure(
          new GridscaleError.ResponseDecodeError({
            method: attempt.method,
            path: attempt.path,
            status: res.status,
            outcomeUnknown: attempt.method !== "GET",
            message: `${attempt.method} ${attempt.path} answered with a body over ${config.maxResponseBytes} bytes`
          }),
          false
        )
      if (res.status === 204 || declared === 0) return Effect.succeed("")
      if (Number.isFinite(declared) && declared > config.maxResponseBytes) return Effect.fail(tooLarge())
      if (Number.isFinite(declared)) return Effect.mapError(res.text, (e) => fromHttpClientError(attempt, e))
      // No length given: count while reading, so an endless body is refused before it is read whole.
      return res.stream.pipe(
        Stream.catchAll((e) =>
          e._tag === "ResponseError" && e.reason === "EmptyBody"
            ? Stream.empty
            : Stream.fail(fromHttpClientError(attempt, e))
        ),
        Stream.mapAccumEffect(0, (total, chunk: Uint8Array) =>
          total + chunk.length > config.maxResponseBytes
            ? Effect.fail(tooLarge())
            : Effect.succeed([total + chunk.length, chunk] as const)),
        Stream.runCollect,
        Effect.map((chunks) => decodeUtf8(Chunk.toReadonlyArray(chunks)))
      )
    }

    const toReply = (res: HttpClientResponse.HttpClientResponse, attempt: Attempt) => {
      // Read once: some clients build the headers anew on every read.
      const headers = res.headers
      return Effect.map(readBody(res, headers, attempt), (body): GridscaleResponse.Reply => ({
        status: res.status,
        method: attempt.method,
        path: attempt.path,
        headers,
        body
      }))
    }

    /**
     * One exchange, the request and the reading of its reply, within `timeout`. On effect's live
     * clock a timer aborts the request through its `AbortSignal` (every @effect/platform client
     * ends the request and its body on it), which costs no fiber; on any other clock
     * (`TestClock`) it is `Effect.timeoutFail`. A failed or interrupted exchange is aborted too,
     * so no connection is left holding an unread body.
     */
    const exchange = (
      request: HttpClientRequest.HttpClientRequest,
      attempt: Attempt,
      timeout: Duration.Duration,
      clock: Clock.Clock
    ): Effect.Effect<GridscaleResponse.Reply, AttemptFailure> =>
      Effect.flatMap(Scope.make(), (scope) => {
        const onTimeout = () =>
          new AttemptFailure(
            transportError(attempt, "Timeout", `no complete reply within ${Duration.format(timeout)}`),
            isIdempotent(attempt.method)
          )
        const millis = Duration.toMillis(timeout)
        const live = clock.constructor === LiveClock && millis <= maxTimerMillis
        let timedOut = false
        const timer = live
          ? setTimeout(() => {
            timedOut = true
            Effect.runFork(Scope.close(scope, Exit.void))
          }, millis)
          : undefined
        const reply = Effect.flatMap(
          Effect.mapError(client.execute(request), (e) => fromHttpClientError(attempt, e)),
          (res) => toReply(res, attempt)
        )
        const run = Effect.onExit(Scope.extend(reply, scope), (exit) => {
          clearTimeout(timer)
          return Exit.isSuccess(exit) ? Effect.void : Scope.close(scope, exit)
        })
        return live
          ? Effect.mapError(run, (failure) => timedOut ? onTimeout() : failure)
          : Effect.timeoutFail(run, { duration: timeout, onTimeout })
      })

    const classify = <A, I>(
      reply: GridscaleResponse.Reply,
      attempt: Attempt,
      schema: Schema.Schema<A, I, never> | undefined,
      now: number
    ): Effect.Effect<Success<A>, AttemptFailure> => {
      if (response.isSuccess(reply.status)) {
        const decoded: Effect.Effect<unknown, AttemptFailure | GridscaleError.ResponseDecodeError> =
          schema === undefined
            ? parseJson(reply, attempt)
            : response.decode(reply, schema, { outcomeUnknown: attempt.method !== "GET" })
        return Effect.mapBoth(decoded, {
          onSuccess: (value) => ({ value: value as A, reply, attempts: attempt.number }),
          // A body that is not JSON is worth another read (a POST excepted: it would create twice);
          // a schema mismatch will not change.
          onFailure: (error) =>
            error instanceof AttemptFailure
              ? error
              : new AttemptFailure(error, isIdempotent(attempt.method) && error.field === undefined)
        })
      }
      if (reply.status === 404 && attempt.method === "DELETE" && attempt.number > 1) {
        // The first attempt may have deleted it before its reply was lost.
        return Effect.succeed({ value: undefined as A, reply, attempts: attempt.number, alreadyGone: true })
      }
      return Effect.fail(
        new AttemptFailure(
          response.parseError(reply),
          isRetryableStatus(attempt.method, reply.status),
          requestedDelay(reply.headers, now)
        )
      )
    }

    const parseJson = (reply: GridscaleResponse.Reply, attempt: Attempt) => {
      if (reply.body.trim().length === 0) return Either.right(undefined)
      return Either.try({
        try: () => JSON.parse(reply.body) as unknown,
        catch: () =>
          new AttemptFailure(
            new GridscaleError.ResponseDecodeError({
              method: attempt.method,
              path: attempt.path,
              status: reply.status,
              outcomeUnknown: attempt.method !== "GET",
              message: `${attempt.method} ${attempt.path} answered ${reply.status} with a body that is not JSON`,
              ...(reply.headers["x-request-id"] ? { requestId: reply.headers["x-request-id"] } : {})
            }),
            isIdempotent(attempt.method)
          )
      })
    }

    const buildRequest = (method: Method, path: string, options: RequestOptions<any, any> | undefined) =>
      Either.try({
        try: () => {
          let request = HttpClientRequest.appendUrl(HttpClientRequest.setMethod(baseRequest, method), path)
          if (options?.urlParams !== undefined) {
            for (const [key, value] of Object.entries(options.urlParams)) {
              if (value !== undefined) request = HttpClientRequest.setUrlParam(request, key, String(value))
            }
          }
          if (options?.body !== undefined) {
            request = HttpClientRequest.setBody(request, HttpBody.unsafeJson(options.body))
          }
          return request
        },
        // A body JSON cannot encode (a BigInt, a cycle) is the caller's input, not a defect.
        catch: (cause) =>
          new GridscaleError.InvalidInput({
            field: "body",
            message: `the request body cannot be sent as JSON: ${
              cause instanceof Error ? cause.message : String(cause)
            }`
          })
      })

    const attemptOnce = <A, I>(
      request: HttpClientRequest.HttpClientRequest,
      attempt: Attempt,
      options: RequestOptions<A, I> | undefined
    ): Effect.Effect<Success<A>, AttemptFailure> =>
      Effect.clockWith((clock) => {
        const timeout = options?.timeout === undefined ? config.timeout : Duration.decode(options.timeout)
        const exchanged = Effect.zipRight(
          budget.acquire(options?.priority ?? "normal", clock),
          exchange(request, attempt, timeout, clock)
        )
        return Effect.flatMap(exchanged, (reply) => {
          const now = clock.unsafeCurrentTimeMillis()
          budget.observe(reply.headers, now)
          return classify(reply, attempt, options?.schema, now)
        })
      })

    const send = <A, I>(
      method: Method,
      path: string,
      options: RequestOptions<A, I> | undefined
    ): Effect.Effect<Success<A>, GridscaleError.GridscaleError> =>
      Effect.suspend(() => {
        const invalidPath = pathError(path)
        if (invalidPath !== undefined) return Effect.fail(invalidPath)
        const built = buildRequest(method, path, options)
        if (Either.isLeft(built)) return Effect.fail(built.left)
        let number = 0
        // The first attempt that may have carried the write out: a later, clearer failure
        // (a 429, say) must not hide that the write may have happened.
        let ambiguous: GridscaleError.GridscaleError | undefined
        const noteFailure = (failure: AttemptFailure) => {
          if (method !== "GET" && mayHaveApplied(failure.error)) ambiguous ??= failure.error
          return failure.retryable
            ? Effect.logDebug(`gridscale: retrying after ${failure.error.message}`)
            : Effect.void
        }
        const next = Effect.suspend(() => attemptOnce(built.right, { method, path, number: ++number }, options))
        // The retry schedule is set up only once an attempt has failed (most never do), and it is
        // handed that failure first, as if it had watched from the start.
        const retryAfter = (first: AttemptFailure) => {
          let pending: AttemptFailure | undefined = first
          return Effect.retry(
            Effect.suspend(() => {
              if (pending === undefined) return Effect.tapError(next, noteFailure)
              const failure = pending
              pending = undefined
              return Effect.fail(failure)
            }),
            retries
          )
        }
        return Effect.catchAll(next, (first) =>
          noteFailure(first).pipe(
            Effect.zipRight(first.retryable ? retryAfter(first) : Effect.fail(first)),
            Effect.mapError((failure) => withEarlierAmbiguity(failure.error, ambiguous))
          ))
      })

    const withOperationTimeout = <A>(
      method: Method,
      path: string,
      effect: Effect.Effect<A, GridscaleError.GridscaleError>
    ): Effect.Effect<A, GridscaleError.GridscaleError> =>
      Option.match(config.operationTimeout, {
        onNone: () => effect,
        onSome: (duration) =>
          Effect.timeoutFail(effect, {
            duration,
            onTimeout: () =>
              transportError(
                { method, path, number: 0 },
                "OperationTimeout",
                `the operation did not finish within ${Duration.format(duration)}`
              )
          })
      })

    /**
     * One call of the connection: a span named `name` with the method and path, around `body`
     * within the operation timeout. The span is not made the current one (leaving the context
     * alone saves a good part of its cost); a body that runs spans below it says so itself.
     */
    const traced = <A>(
      name: string,
      method: Method,
      path: string,
      body: (span: Tracer.Span) => Effect.Effect<A, GridscaleError.GridscaleError>
    ): Effect.Effect<A, GridscaleError.GridscaleError> =>
      Effect.useSpan(name, spanOptions, (span) => {
        span.attribute("http.method", method)
        span.attribute("gridscale.path", path)
        return withOperationTimeout(method, path, body(span))
      })

    const request = <A = unknown, I = unknown>(method: Method, path: string, options?: RequestOptions<A, I>) =>
      traced(
        "GridscaleConnection.request",
        method,
        path,
        (span) =>
          Effect.map(send(method, path, options), (success) => {
            recordReply(span, success)
            return success.value
          })
      )

    // Always this connection's own poller: one found in the context could belong to another client.
    const polling = (options.polling ?? GridscalePolling.makeWith)(
      (path, options) => Effect.map(send("GET", path, options), ({ value }) => value),
      config.polling
    )

    /** The job's id: `request_uuid` of the decoded body, else `X-Request-Id` (all a 204 has). */
    const requestIdOf = (value: unknown, reply: GridscaleResponse.Reply): string | undefined => {
      const fromBody = Predicate.hasProperty(value, "request_uuid") ? value.request_uuid : undefined
      return typeof fromBody === "string" && fromBody.length > 0 ? fromBody : reply.headers["x-request-id"]
    }

    const asyncRequest = <A = unknown, I = unknown>(
      method: Method,
      path: string,
      options?: AsyncRequestOptions<A, I>
    ) =>
      traced("GridscaleConnection.asyncRequest", method, path, (span) =>
        Effect.flatMap(send(method, path, options), (success) => {
          recordReply(span, success)
          const { alreadyGone, reply, value } = success
          if (alreadyGone) return Effect.succeed(value)
          const requestId = requestIdOf(value, reply)
          if (requestId === undefined) {
            return Effect.fail(
              new GridscaleError.ResponseDecodeError({
                method,
                path,
                status: reply.status,
                outcomeUnknown: true,
                message: `${method} ${path} was accepted but its reply names no request id to wait for`
              })
            )
          }
          recordJob(span, requestId)
          // The write was accepted: whatever goes wrong while waiting, it may have been carried out.
          return polling.awaitRequest(requestId, options?.polling).pipe(
            Effect.withParentSpan(span),
            Effect.mapError(GridscaleError.withOutcomeUnknown),
            Effect.as(value)
          )
        }))

    return { request, asyncRequest }
  })

/**
 * Builds the connection.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const make: Effect.Effect<
  Service,
  never,
  GridscaleConfig | HttpClient.HttpClient | GridscaleResponse.GridscaleResponse | Scope.Scope
> = makeWith({})

/**
 * The connection alone, on a `GridscaleResponse` provided elsewhere.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerWithoutDependencies: Layer.Layer<
  GridscaleConnection,
  never,
  GridscaleConfig | HttpClient.HttpClient | GridscaleResponse.GridscaleResponse
> = Layer.scoped(GridscaleConnection, make)

/**
 * The connection with the default `GridscaleResponse` and `GridscalePolling`, which it also provides.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layer: Layer.Layer<
  GridscaleConnection | GridscalePolling.GridscalePolling | GridscaleResponse.GridscaleResponse,
  never,
  GridscaleConfig | HttpClient.HttpClient
> = Layer.suspend(() =>
  // Suspended: GridscalePolling imports this module, so its layer may not exist yet when this
  // module is evaluated (when a program imports GridscalePolling first).
  GridscalePolling.layer.pipe(
    Layer.provideMerge(layerWithoutDependencies),
    Layer.provideMerge(GridscaleResponse.layer)
  )
)

/**
 * Sends one request with the `GridscaleConnection` in context.
 *
 * @since 0.1.0
 * @category Accessors
 */
export const request = <A = unknown, I = unknown>(
  method: Method,
  path: string,
  options?: RequestOptions<A, I>
): Effect.Effect<A, GridscaleError.GridscaleError, GridscaleConnection> =>
  Effect.flatMap(GridscaleConnection, (connection) => connection.request(method, path, options))

/**
 * Sends a write and waits for its job, with the `GridscaleConnection` in context.
 *
 * @since 0.1.0
 * @category Accessors
 */
export const asyncRequest = <A = unknown, I = unknown>(
  method: Method,
  path: string,
  options?: AsyncRequestOptions<A, I>
): Effect.Effect<A, GridscaleError.GridscaleError, GridscaleConnection> =>
  Effect.flatMap(GridscaleConnection, (connection) => connection.asyncRequest(method, path, options))
