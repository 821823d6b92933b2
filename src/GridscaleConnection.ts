/**
 * The authenticated connection to the gridscale API: base URL, auth headers, JSON bodies, a
 * timeout per attempt, retries that never create anything twice, and the account's rate budget
 * shared by every fiber using the layer. No state is shared between calls.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Predicate from "effect/Predicate"
import type * as Scope from "effect/Scope"
import type * as Tracer from "effect/Tracer"
import { GridscaleConfig } from "./GridscaleConfig.js"
import * as GridscaleError from "./GridscaleError.js"
import * as GridscalePolling from "./GridscalePolling.js"
import * as GridscaleResponse from "./GridscaleResponse.js"
import type * as Retry from "./internal/retry.js"
import * as Transport from "./internal/transport.js"

/**
 * @since 0.1.0
 * @category Models
 */
export type Method = Retry.Method

/**
 * How one request is sent: body, query, reply schema, timeout and rate-budget priority.
 *
 * @since 0.1.0
 * @category Models
 */
export interface RequestOptions<A = unknown, I = unknown> extends Transport.SendOptions<A, I> {}

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

// A stack trace per request costs more than the rest of the span; the caller's span has one.
const spanOptions = { captureStackTrace: false } as const

/** Puts a write's job id on its span and on the caller's (the operation's) span. */
const recordJob = (span: Tracer.Span, requestId: string) => {
  span.attribute("gridscale.request_id", requestId)
  if (span.parent._tag === "Some" && span.parent.value._tag === "Span") {
    span.parent.value.attribute("gridscale.request_id", requestId)
  }
}

/** `request_uuid` or `object_uuid` of a write's decoded reply, when it has one. */
const stringField = (value: unknown, key: "request_uuid" | "object_uuid"): string | undefined => {
  const field = Predicate.hasProperty(value, key) ? value[key] : undefined
  return typeof field === "string" && field.length > 0 ? field : undefined
}

const acceptedButUnreadable = (method: Method, reply: GridscaleResponse.Reply, what: string) =>
  new GridscaleError.ResponseDecodeError({
    method,
    path: reply.path,
    status: reply.status,
    outcomeUnknown: true,
    message: `${method} ${reply.path} was accepted but ${what}`
  })

/**
 * The connection on a transport and the poller its writes wait with. Both are captured here,
 * once: a poller looked up per call could belong to another client.
 */
const makeWith = (
  config: GridscaleConfig["Type"],
  transport: Transport.Service,
  polling: GridscalePolling.Service
): Service => {
  const withOperationTimeout = <A>(
    method: Method,
    path: string,
    progress: Transport.Progress,
    effect: Effect.Effect<A, GridscaleError.GridscaleError>
  ): Effect.Effect<A, GridscaleError.GridscaleError> =>
    Option.match(config.operationTimeout, {
      onNone: () => effect,
      onSome: (duration) =>
        Effect.timeoutFail(effect, {
          duration,
          onTimeout: () =>
            new GridscaleError.TransportError({
              method,
              path,
              reason: "OperationTimeout",
              // A write still waiting for the budget, or refused every time, was never carried out.
              outcomeUnknown: progress.mayHaveApplied,
              message: `${method} ${path}: the operation did not finish within ${Duration.format(duration)}`
            })
        })
    })

  /** One call of the connection: a span named `name` around `body`, within the operation timeout. */
  const traced = <A>(
    name: string,
    method: Method,
    path: string,
    body: (span: Tracer.Span, progress: Transport.Progress) => Effect.Effect<A, GridscaleError.GridscaleError>
  ): Effect.Effect<A, GridscaleError.GridscaleError> =>
    Effect.useSpan(name, spanOptions, (span) => {
      span.attribute("http.method", method)
      span.attribute("gridscale.path", path)
      const progress: Transport.Progress = { mayHaveApplied: false }
      return withOperationTimeout(method, path, progress, body(span, progress))
    })

  const request = <A = unknown, I = unknown>(method: Method, path: string, options?: RequestOptions<A, I>) =>
    traced(
      "GridscaleConnection.request",
      method,
      path,
      (span, progress) =>
        Effect.map(transport.send(method, path, options, { span, progress }), (success) => {
          const requestId = success.reply.headers["x-request-id"]
          if (requestId) span.attribute("gridscale.request_id", requestId)
          return success.value
        })
    )

  const awaitJob = (
    method: Method,
    span: Tracer.Span,
    success: Transport.Success<unknown>,
    options: AsyncRequestOptions<any, any> | undefined
  ): Effect.Effect<void, GridscaleError.GridscaleError> => {
    const { reply, value } = success
    // The job's id: `request_uuid` of the decoded body, else `X-Request-Id` (all a 204 has).
    const requestId = stringField(value, "request_uuid") ?? reply.headers["x-request-id"]
    if (requestId === undefined) {
      return Effect.fail(acceptedButUnreadable(method, reply, "its reply names no request id to wait for"))
    }
    // Ids from a reply go into paths: one that is not a plain id is the API's fault, not the caller's.
    if (!Transport.isSafeId(requestId)) {
      return Effect.fail(acceptedButUnreadable(method, reply, "its request id is not a plain id"))
    }
    const objectId = stringField(value, "object_uuid")
    if (objectId !== undefined && !Transport.isSafeId(objectId)) {
      return Effect.fail(acceptedButUnreadable(method, reply, "the object id it names is not a plain id"))
    }
    recordJob(span, requestId)
    return polling.awaitRequest(requestId, options?.polling).pipe(
      Effect.withParentSpan(span),
      // The write was accepted: whatever goes wrong while waiting, it may have been carried out.
      Effect.mapError((error) =>
        error._tag === "JobFailed" && objectId !== undefined && error.objectId === undefined
          ? new GridscaleError.JobFailed({
            ...error,
            objectId,
            message: `${error.message} (object ${objectId} may need deleting)`
          })
          : GridscaleError.withOutcomeUnknown(error)
      ),
      Effect.asVoid
    )
  }

  const asyncRequest = <A = unknown, I = unknown>(
    method: Method,
    path: string,
    options?: AsyncRequestOptions<A, I>
  ) =>
    traced(
      "GridscaleConnection.asyncRequest",
      method,
      path,
      (span, progress) =>
        Effect.flatMap(transport.send(method, path, options, { span, progress }), (success) =>
          success.alreadyGone
            ? Effect.succeed(success.value)
            : Effect.as(awaitJob(method, span, success, options), success.value))
    )

  return { request, asyncRequest }
}

/**
 * Builds the connection on the configuration, `HttpClient`, `GridscaleResponse` and
 * `GridscalePolling` in context, with a transport (and rate budget) of its own.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const make: Effect.Effect<
  Service,
  never,
  | GridscaleConfig
  | HttpClient.HttpClient
  | GridscaleResponse.GridscaleResponse
  | GridscalePolling.GridscalePolling
  | Scope.Scope
> = Effect.gen(function*() {
  return makeWith(yield* GridscaleConfig, yield* Transport.make, yield* GridscalePolling.GridscalePolling)
})

/**
 * The connection alone, waiting with the `GridscalePolling` provided to it (a poller of your own,
 * say) and with the `GridscaleResponse` provided to it. Its transport is built once per client,
 * so the default poller (`GridscalePolling.layer`) in the same client shares its rate budget.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerWithoutDependencies: Layer.Layer<
  GridscaleConnection,
  never,
  GridscaleConfig | HttpClient.HttpClient | GridscaleResponse.GridscaleResponse | GridscalePolling.GridscalePolling
> = Layer.effect(
  GridscaleConnection,
  Effect.gen(function*() {
    return makeWith(yield* GridscaleConfig, yield* Transport.Transport, yield* GridscalePolling.GridscalePolling)
  })
).pipe(Layer.provide(Transport.layer))

/**
 * The connection with the default `GridscaleResponse` and `GridscalePolling`, made in one effect
 * as the context `layer` provides: the poller sends through the connection's own transport, so
 * they share one rate budget. The rest of a client (the driver, say) can be made on it without a
 * graph of layers, whose machinery costs a program's start more than the services themselves.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const makeContext: Effect.Effect<
  Context.Context<GridscaleConnection | GridscalePolling.GridscalePolling | GridscaleResponse.GridscaleResponse>,
  never,
  GridscaleConfig | HttpClient.HttpClient | Scope.Scope
> = Effect.gen(function*() {
  const config = yield* GridscaleConfig
  const transport = yield* Effect.provideService(
    Transport.make,
    GridscaleResponse.GridscaleResponse,
    GridscaleResponse.make
  )
  const polling = GridscalePolling.makeWith(Transport.pollGet(transport), config.polling)
  return Context.make(GridscaleResponse.GridscaleResponse, GridscaleResponse.make).pipe(
    Context.add(GridscalePolling.GridscalePolling, polling),
    Context.add(GridscaleConnection, makeWith(config, transport, polling))
  )
})

/**
 * The connection with the default `GridscaleResponse` and `GridscalePolling`, which it also
 * provides; the poller sends through the connection's own transport, so they share one rate budget.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layer: Layer.Layer<
  GridscaleConnection | GridscalePolling.GridscalePolling | GridscaleResponse.GridscaleResponse,
  never,
  GridscaleConfig | HttpClient.HttpClient
> = Layer.scopedContext(makeContext)

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
