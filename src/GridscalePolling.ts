/**
 * Waits for the job behind a write: polls `GET /requests/{id}` on a `Schedule` until the API says
 * `done`, fails at once with `JobFailed` when it says `failed`, and gives up with `JobTimeout` at a
 * deadline. Interrupting the caller stops polling with no further request sent.
 *
 * `GridscaleConnection.asyncRequest` waits through the `GridscalePolling` of its layer, so a
 * polling layer of your own changes how every write waits.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Schedule from "effect/Schedule"
import type * as Schema from "effect/Schema"
import type * as Scope from "effect/Scope"
import * as GridscaleConfig from "./GridscaleConfig.js"
import type { GridscaleError } from "./GridscaleError.js"
import * as GridscaleResponse from "./GridscaleResponse.js"
import * as internal from "./internal/polling.js"
import * as Transport from "./internal/transport.js"

/**
 * The state of one job, as `/requests/{id}` tells it.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const RequestStatus: Schema.Schema<RequestStatus> = internal.RequestStatus

/**
 * @since 0.1.0
 * @category Models
 */
export interface RequestStatus {
  /** `pending`, `done` or `failed`. */
  readonly status: string
  /** What the API says about the job. */
  readonly message?: string | null | undefined
  /** When the job was created, ISO 8601. */
  readonly create_time?: string | null | undefined
}

/**
 * The reply of `GET /requests/{id}`: the status keyed by the request id.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const RequestStatusReply: Schema.Schema<{ readonly [id: string]: RequestStatus }> = internal.RequestStatusReply

/**
 * What a caller hears after each poll, e.g. to draw a progress line: the job's `requestId`, its
 * `status`, the `polls` sent so far and the `elapsedMillis` since the wait began.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Progress extends internal.Progress {}

/**
 * How one wait may differ from the polling policy: its `timeout` (the configured polling timeout by
 * default) and `onProgress`, called after every poll.
 *
 * @since 0.1.0
 * @category Models
 */
export interface AwaitOptions extends internal.AwaitOptions {}

/**
 * @since 0.1.0
 * @category Models
 */
export interface Service {
  /** Polls until the job is done; returns its final status. */
  readonly awaitRequest: (
    requestId: string,
    options?: AwaitOptions
  ) => Effect.Effect<RequestStatus, GridscaleError>
}

/**
 * @since 0.1.0
 * @category Tags
 */
export class GridscalePolling extends Context.Tag("effect-gridscale/GridscalePolling")<GridscalePolling, Service>() {}

/**
 * The delays between polls after the first: growing by `youngFactor` while the job is young (so
 * short jobs are seen soon), by `oldFactor` afterwards (so long jobs cost few polls), jittered, and
 * capped after the jitter so the cap always holds.
 *
 * @since 0.1.0
 * @category Schedules
 */
export const schedule: (policy: GridscaleConfig.PollingPolicy) => Schedule.Schedule<unknown> = internal.schedule

/**
 * How a poller sends `GET /requests/{id}`: decoded with the schema it is given, at the polls'
 * share of the rate budget.
 *
 * @since 0.2.0
 * @category Models
 */
export type Get = internal.Get

/**
 * Builds the poller on any way of sending a GET.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const makeWith = (get: Get, policy: GridscaleConfig.PollingPolicy): Service => ({
  awaitRequest: internal.make(get, policy)
})

const onTransport = (transport: Transport.Service, policy: GridscaleConfig.PollingPolicy): Service =>
  makeWith(Transport.pollGet(transport), policy)

/**
 * A poller with a transport of its own (its own rate budget). Inside a client, `layer` shares the
 * client's transport instead.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const make: Effect.Effect<
  Service,
  never,
  GridscaleConfig.GridscaleConfig | HttpClient.HttpClient | GridscaleResponse.GridscaleResponse | Scope.Scope
> = Effect.gen(function*() {
  const config = yield* GridscaleConfig.GridscaleConfig
  return onTransport(yield* Transport.make, config.polling)
})

/**
 * The default poller: it sends its GETs through the client's transport (the rate budget, retries
 * and timeouts the connection uses; built once per client) with the configured polling policy.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layer: Layer.Layer<GridscalePolling, never, GridscaleConfig.GridscaleConfig | HttpClient.HttpClient> =
  Layer.effect(
    GridscalePolling,
    Effect.gen(function*() {
      const config = yield* GridscaleConfig.GridscaleConfig
      return onTransport(yield* Transport.Transport, config.polling)
    })
  ).pipe(Layer.provide(Transport.layer), Layer.provide(GridscaleResponse.layer))

/**
 * Polls until the job is done, with the `GridscalePolling` in context.
 *
 * @since 0.1.0
 * @category Accessors
 */
export const awaitRequest = (
  requestId: string,
  options?: AwaitOptions
): Effect.Effect<RequestStatus, GridscaleError, GridscalePolling> =>
  Effect.flatMap(GridscalePolling, (polling) => polling.awaitRequest(requestId, options))
