/**
 * The machinery behind `GridscaleConnection`: one exchange with the API (request, per-attempt
 * timeout, body limits, reply), the rate budget before it and the retries around it. The
 * connection and the default poller both send through the `Transport` of their layer, so one
 * client has one rate budget.
 */
import * as FetchHttpClient from "@effect/platform/FetchHttpClient"
import * as HttpBody from "@effect/platform/HttpBody"
import * as HttpClient from "@effect/platform/HttpClient"
import type * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import type * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Chunk from "effect/Chunk"
import * as Context from "effect/Context"
import * as DateTime from "effect/DateTime"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Either from "effect/Either"
import * as Exit from "effect/Exit"
import * as FiberRef from "effect/FiberRef"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type * as Schedule from "effect/Schedule"
import type * as Schema from "effect/Schema"
import * as Scope from "effect/Scope"
import * as Stream from "effect/Stream"
import type * as Tracer from "effect/Tracer"
import { GridscaleConfig } from "../GridscaleConfig.js"
import * as GridscaleError from "../GridscaleError.js"
import * as GridscaleResponse from "../GridscaleResponse.js"
import * as InFlight from "./inFlight.js"
import { describe, safeSegment } from "./input.js"
import * as RateBudget from "./rateBudget.js"
import * as Retry from "./retry.js"
import * as Timeout from "./timeout.js"

/** How one request is sent. */
export interface SendOptions<A = unknown, I = unknown> {
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

/** What a sent request came to. */
export interface Success<A> {
  readonly value: A
  readonly reply: GridscaleResponse.Reply
  /** How many attempts it took. */
  readonly attempts: number
  /** True when a retried DELETE found the object gone: there is no job left to wait for. */
  readonly alreadyGone: boolean
}

/**
 * What a caller may learn of a write while it is under way: whether it may have been carried out.
 * The operation timeout reads it to tell whether a write it cut short may have happened.
 */
export interface Progress {
  mayHaveApplied: boolean
}

/** Where a request belongs: the span it reports to and the write it is part of. */
export interface SendContext {
  /** The caller's span: the request's status and attempts go on it, and `traceparent` names it. */
  readonly span?: Tracer.Span | undefined
  readonly progress?: Progress | undefined
}

/** The transport of one client. */
export interface Service {
  /** Sends a request, retried per the rules, and decodes its reply. */
  readonly send: <A, I>(
    method: Retry.Method,
    path: string,
    options: SendOptions<A, I> | undefined,
    context?: SendContext
  ) => Effect.Effect<Success<A>, GridscaleError.GridscaleError>
}

/** How the default poller sends its GETs on a transport: the decoded value alone. */
export const pollGet = (transport: Service) =>
<A, I>(
  path: string,
  options: SendOptions<A, I>
): Effect.Effect<A, GridscaleError.GridscaleError> =>
  Effect.map(transport.send("GET", path, options), (success) => success.value)

/** The transport a client's connection and its default poller share. */
export class Transport extends Context.Tag("effect-gridscale/internal/Transport")<Transport, Service>() {}

// Path segments are ids (letters, digits, '-'), the API's own words (which have '_') and labels,
// which the driver sends percent-encoded.
const safePath = /^(\/[A-Za-z0-9_%.~-]{1,192})+\/?$/

const pathError = (path: string): GridscaleError.InvalidInput | undefined =>
  safePath.test(path) && !/%(?![0-9A-Fa-f]{2})|%2[fF]|(^|\/)\.\.?(\/|$)/.test(path)
    ? undefined
    : new GridscaleError.InvalidInput({
      field: "path",
      message: `the path ${describe(path)} is not a plain API path (segments of letters, digits, '-' or '_')`
    })

interface Attempt {
  readonly method: Retry.Method
  readonly path: string
  /** Which try this is, from 1. */
  readonly number: number
}

const transportError = (
  attempt: Pick<Attempt, "method" | "path">,
  reason: GridscaleError.TransportReason,
  detail: string,
  outcomeUnknown: boolean
) =>
  new GridscaleError.TransportError({
    method: attempt.method,
    path: attempt.path,
    reason,
    outcomeUnknown,
    message: `${attempt.method} ${attempt.path}: ${detail}`
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

const fromHttpClientError = (
  attempt: Attempt,
  error: HttpClientError.HttpClientError,
  origin: string
): Retry.AttemptFailure => {
  if (error._tag === "RequestError" && error.reason !== "Transport") {
    const field = error.reason === "Encode" ? "body" : "path"
    return new Retry.AttemptFailure(
      new GridscaleError.InvalidInput({ field, message: `the request's ${field} could not be encoded` }),
      false
    )
  }
  const reason = error._tag === "ResponseError" ? "TruncatedBody" : transportReason(error.cause)
  const detail = reason === "ConnectionRefused"
    ? `the connection to ${origin} was refused`
    : reason === "ConnectionReset"
    ? `the connection to ${origin} was reset before a reply`
    : reason === "TruncatedBody"
    ? "the reply's body was cut short"
    : `the request to ${origin} failed in transport (${errorCodes(error.cause).slice(0, 2).join(": ") || error.reason})`
  // A refused connection sent nothing; anything else may have reached the API.
  const sent = reason !== "ConnectionRefused"
  return new Retry.AttemptFailure(
    transportError(attempt, reason, detail, sent && attempt.method !== "GET"),
    Retry.isIdempotent(attempt.method) || !sent
  )
}

const noPlatformSpan = () => true

const decodeUtf8 = (chunks: ReadonlyArray<Uint8Array>): string => {
  const bytes = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.length, 0))
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.length
  }
  return new TextDecoder().decode(bytes)
}

/** The W3C trace context of a span, so the API's side of a trace can join ours. */
const traceparent = (span: Tracer.Span): string => `00-${span.traceId}-${span.spanId}-${span.sampled ? "01" : "00"}`

/** A reply's id (`request_uuid`, `object_uuid`, `X-Request-Id`) fit to go into a path. */
export const isSafeId = (value: unknown): value is string => typeof value === "string" && safeSegment.test(value)

/** Builds the transport on the configuration, the `HttpClient` and the `GridscaleResponse` in context. */
export const make: Effect.Effect<
  Service,
  never,
  GridscaleConfig | HttpClient.HttpClient | GridscaleResponse.GridscaleResponse | Scope.Scope
> = Effect.gen(function*() {
  const config = yield* GridscaleConfig
  const response = yield* GridscaleResponse.GridscaleResponse
  const budget = yield* RateBudget.make(config.rate)
  const inFlight = InFlight.make(config.rate.maxInFlight)
  const origin = new URL(config.apiUrl).origin
  // Every request starts from this one, so the auth headers are built once, not per request.
  const baseRequest = HttpClientRequest.get(config.apiUrl).pipe(
    HttpClientRequest.setHeaders({
      "X-Auth-UserId": config.userId,
      "X-Auth-Token": Redacted.value(config.token)
    }),
    HttpClientRequest.acceptJson
  )
  // Each request gets an AbortController of its own, aborted when the scope it runs in closes.
  const client = HttpClient.withScope(yield* HttpClient.HttpClient)

  // fetch follows redirects by default, headers and all: a redirect must never carry the token to
  // another origin. The platform's other clients do not follow redirects. One wrapper per fetch
  // function, so a call allocates none.
  const withoutRedirects = new WeakMap<typeof globalThis.fetch, typeof globalThis.fetch>()
  const fetchWithoutRedirects = (fetch: typeof globalThis.fetch): typeof globalThis.fetch => {
    let wrapped = withoutRedirects.get(fetch)
    if (wrapped === undefined) {
      wrapped = (input, init) => fetch(input, { ...init, redirect: "manual" })
      withoutRedirects.set(fetch, wrapped)
    }
    return wrapped
  }
  /**
   * The context an exchange runs in: the caller's, with the exchange's scope and a fetch that
   * follows no redirects, and no span of the platform's: that span records every header, the
   * token's among them, and costs more than the rest of a request (the connection's own span says
   * what matters and sends `traceparent`). The exchange runs in a fiber of its own (see
   * `Timeout.timeoutFail`), so all this is set there once instead of being provided and restored.
   */
  const inExchangeContext = <A, E>(
    scope: Scope.Scope,
    effect: Effect.Effect<A, E, Scope.Scope>
  ): Effect.Effect<A, E> =>
    Effect.zipRight(
      Effect.zipRight(
        FiberRef.update(FiberRef.currentContext, (context) =>
          Context.add(
            Context.add(context, Scope.Scope, scope),
            FetchHttpClient.Fetch,
            fetchWithoutRedirects(
              Option.getOrElse(Context.getOption(context, FetchHttpClient.Fetch), () => globalThis.fetch)
            )
          )),
        FiberRef.set(HttpClient.currentTracerDisabledWhen, noPlatformSpan)
      ),
      // The lines above put the Scope in the context, where the type cannot see it.
      effect as Effect.Effect<A, E>
    )

  const readBody = (
    res: HttpClientResponse.HttpClientResponse,
    headers: Readonly<Record<string, string>>,
    attempt: Attempt
  ) => {
    const declared = Number(headers["content-length"])
    const tooLarge = () =>
      new Retry.AttemptFailure(
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
    if (Number.isFinite(declared)) return Effect.mapError(res.text, (e) => fromHttpClientError(attempt, e, origin))
    // No length given: count while reading, so an endless body is refused before it is read whole.
    return res.stream.pipe(
      Stream.catchAll((e) =>
        e._tag === "ResponseError" && e.reason === "EmptyBody"
          ? Stream.empty
          : Stream.fail(fromHttpClientError(attempt, e, origin))
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
   * One exchange, the request and the reading of its reply, within `timeout`, on whatever clock
   * and `HttpClient` the caller has: the timeout interrupts the exchange, and closing its scope
   * aborts the request's `AbortSignal`, so the socket is let go too. A failed or interrupted
   * exchange is aborted the same way, so no connection is left holding an unread body.
   */
  const exchange = (
    request: HttpClientRequest.HttpClientRequest,
    attempt: Attempt,
    timeout: Duration.Duration,
    sending: () => void
  ): Effect.Effect<GridscaleResponse.Reply, Retry.AttemptFailure> =>
    Effect.flatMap(Scope.make(), (scope) => {
      const claim = InFlight.claim()
      const reply = Effect.flatMap(
        Effect.mapError(client.execute(request), (e) => fromHttpClientError(attempt, e, origin)),
        (res) => toReply(res, attempt)
      )
      const timed = Timeout.timeoutFail(inExchangeContext(scope, reply), timeout, () =>
        new Retry.AttemptFailure(
          transportError(
            attempt,
            "Timeout",
            `no complete reply within ${Duration.format(timeout)}`,
            attempt.method !== "GET"
          ),
          Retry.isIdempotent(attempt.method)
        ))
      // Waiting for a place sends nothing; the attempt's timeout starts once the request goes.
      return Effect.flatMap(inFlight.enter(claim), () => {
        sending()
        return timed
      }).pipe(
        Effect.onExit((exit) => {
          if (Exit.isSuccess(exit)) {
            inFlight.leave(claim)
            return Effect.void
          }
          return Effect.ensuring(Scope.close(scope, exit), Effect.sync(() => inFlight.leave(claim)))
        })
      )
    })

  const decodeFailure = (reply: GridscaleResponse.Reply, attempt: Attempt, message: string) =>
    new GridscaleError.ResponseDecodeError({
      method: attempt.method,
      path: attempt.path,
      status: reply.status,
      outcomeUnknown: attempt.method !== "GET",
      message: `${attempt.method} ${attempt.path} answered ${reply.status} ${message}`,
      ...(isSafeId(reply.headers["x-request-id"]) ? { requestId: reply.headers["x-request-id"] } : {})
    })

  const parseJson = (reply: GridscaleResponse.Reply, attempt: Attempt) => {
    if (reply.body.trim().length === 0) return Either.right(undefined)
    return Either.try({
      try: () => JSON.parse(reply.body) as unknown,
      catch: () =>
        new Retry.AttemptFailure(
          decodeFailure(reply, attempt, "with a body that is not JSON"),
          Retry.isIdempotent(attempt.method)
        )
    })
  }

  const classify = <A, I>(
    reply: GridscaleResponse.Reply,
    attempt: Attempt,
    schema: Schema.Schema<A, I, never> | undefined,
    now: number,
    mayHaveApplied: boolean
  ): Effect.Effect<Success<A>, Retry.AttemptFailure> => {
    if (response.isSuccess(reply.status)) {
      const decoded: Effect.Effect<unknown, Retry.AttemptFailure | GridscaleError.ResponseDecodeError> =
        schema === undefined
          ? parseJson(reply, attempt)
          : response.decode(reply, schema, { outcomeUnknown: attempt.method !== "GET" })
      return Effect.mapBoth(decoded, {
        onSuccess: (value) => ({ value: value as A, reply, attempts: attempt.number, alreadyGone: false }),
        // A body that is not JSON is worth another read (a POST excepted: it would create twice);
        // a schema mismatch will not change.
        onFailure: (error) =>
          error instanceof Retry.AttemptFailure
            ? error
            : new Retry.AttemptFailure(error, Retry.isIdempotent(attempt.method) && error.field === undefined)
      })
    }
    if (reply.status === 404 && attempt.method === "DELETE" && mayHaveApplied) {
      // An earlier attempt may have deleted it before its reply was lost.
      return Effect.succeed({ value: undefined as A, reply, attempts: attempt.number, alreadyGone: true })
    }
    const retryAt = Retry.requestedRetryAt(reply.status, reply.headers, now)
    return Effect.fail(
      new Retry.AttemptFailure(
        response.parseError(reply),
        Retry.isRetryableStatus(attempt.method, reply.status),
        retryAt
      )
    )
  }

  const buildRequest = (method: Retry.Method, path: string, options: SendOptions<any, any> | undefined) =>
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
          message: `the request body cannot be sent as JSON: ${cause instanceof Error ? cause.message : String(cause)}`
        })
    })

  /**
   * The error a write's caller gets: when an earlier attempt may have carried it out, a later and
   * clearer failure (a 429, say) must not hide that.
   */
  const withEarlierAmbiguity = (
    error: GridscaleError.GridscaleError,
    ambiguous: GridscaleError.GridscaleError | undefined
  ) =>
    ambiguous === undefined || Retry.mayHaveApplied(error)
      ? error
      : "outcomeUnknown" in error
      ? GridscaleError.withOutcomeUnknown(error)
      : ambiguous

  /** The final error, with when the API asked to come back if that was past what the policy allows. */
  const finalError = (failure: Retry.AttemptFailure, deadline: number): GridscaleError.GridscaleError => {
    const error = failure.error
    if (failure.retryAt === undefined || failure.retryAt <= deadline || !("status" in error)) return error
    const retryAt = DateTime.unsafeMake(failure.retryAt)
    const { _tag, ...fields } = error
    // The same class with one more field: the error the caller gets is still the API's.
    const Class = error.constructor as new(fields: object) => GridscaleError.GridscaleError
    return new Class({
      ...fields,
      message: `${error.message}; it asked to be tried again at ${DateTime.formatIso(retryAt)}, ` +
        "later than the retry policy waits",
      retryAt
    })
  }

  /**
   * `Effect.retry(attempt, schedule)` after the first attempt failed with `first`: the schedule
   * sees `first` as the first failure, as it would have. Most calls succeed at once, and setting a
   * schedule up costs more than the rest of the retry logic, so it is set up only when needed.
   */
  const retried = <A>(
    attempt: Effect.Effect<A, Retry.AttemptFailure>,
    first: Retry.AttemptFailure,
    schedule: Schedule.Schedule<number, Retry.AttemptFailure>
  ): Effect.Effect<A, Retry.AttemptFailure> => {
    let replayed = false
    const again = Effect.suspend(() => {
      if (replayed) return attempt
      replayed = true
      return Effect.fail(first)
    })
    return Effect.retry(again, schedule)
  }

  const send = <A, I>(
    method: Retry.Method,
    path: string,
    options: SendOptions<A, I> | undefined,
    context?: SendContext
  ): Effect.Effect<Success<A>, GridscaleError.GridscaleError> =>
    Effect.suspend(() => {
      const invalidPath = pathError(path)
      if (invalidPath !== undefined) return Effect.fail(invalidPath)
      const built = buildRequest(method, path, options)
      if (Either.isLeft(built)) return Effect.fail(built.left)
      const span = context?.span
      const progress = context?.progress ?? { mayHaveApplied: false }
      const request = span === undefined
        ? built.right
        : HttpClientRequest.setHeader(built.right, "traceparent", traceparent(span))
      const timeout = options?.timeout === undefined ? config.timeout : Duration.decode(options.timeout)
      let number = 0
      let ambiguous: GridscaleError.GridscaleError | undefined
      return Effect.clockWith((clock) => {
        const attempt = Effect.zipRight(
          // Waiting for the budget sends nothing: only the operation timeout or an interrupt ends it.
          budget.acquire(options?.priority ?? "normal", clock),
          Effect.suspend(() => {
            const current: Attempt = { method, path, number: ++number }
            const before = progress.mayHaveApplied
            return exchange(request, current, timeout, () => {
              if (method !== "GET") progress.mayHaveApplied = true
            }).pipe(
              Effect.flatMap((reply) => {
                const now = clock.unsafeCurrentTimeMillis()
                budget.observe(reply.headers, now)
                return classify(reply, current, options?.schema, now, before)
              }),
              Effect.tapError((failure) =>
                Effect.sync(() => {
                  if (method === "GET") return
                  // An answer that says the request was not carried out leaves the write as it was.
                  if (Retry.mayHaveApplied(failure.error)) ambiguous ??= failure.error
                  else progress.mayHaveApplied = before
                })
              )
            )
          })
        )
        const startedAt = clock.unsafeCurrentTimeMillis()
        return attempt.pipe(
          Effect.catchAll((first) =>
            retried(attempt, first, Retry.schedule(config.retry, { method, path, startedAt }))
          ),
          Effect.mapBoth({
            onFailure: (failure) =>
              withEarlierAmbiguity(
                finalError(failure, startedAt + Duration.toMillis(config.retry.maxElapsed)),
                ambiguous
              ),
            onSuccess: (success) => {
              if (span !== undefined) {
                span.attribute("http.response.status_code", success.reply.status)
                span.attribute("gridscale.attempts", success.attempts)
              }
              return success
            }
          })
        )
      })
    })

  return { send }
})

/** The transport, for the connection and the default poller of one client. */
export const layer: Layer.Layer<
  Transport,
  never,
  GridscaleConfig | HttpClient.HttpClient | GridscaleResponse.GridscaleResponse
> = Layer.scoped(Transport, make)
