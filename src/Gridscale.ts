/**
 * The driver: typed operations on gridscale's resources, one property per family
 * (`servers`, `storages`, `snapshots`, `ips`, `networks`, `sshKeys`, `templates`, `locations`,
 * `isoImages`). `Gridscale.layer` is the whole live client.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as GridscaleConfig from "./GridscaleConfig.js"
import * as GridscaleConnection from "./GridscaleConnection.js"
import type { GridscaleError } from "./GridscaleError.js"
import * as GridscalePolling from "./GridscalePolling.js"
import type * as GridscaleResponse from "./GridscaleResponse.js"
import type * as Resource from "./internal/resource.js"
import * as S from "./internal/schema.js"
import * as Ip from "./Ip.js"
import * as IsoImage from "./IsoImage.js"
import * as Location from "./Location.js"
import * as Network from "./Network.js"
import * as Server from "./Server.js"
import * as Snapshot from "./Snapshot.js"
import * as SshKey from "./SshKey.js"
import * as Storage from "./Storage.js"
import * as Template from "./Template.js"

/**
 * @since 0.1.0
 * @category Models
 */
export interface Service {
  /** Servers: CRUD, power, relations, `provision`. */
  readonly servers: Server.Operations
  /** Storages: CRUD, clones, imports from backups; their snapshots, schedules and backups. */
  readonly storages: Storage.Operations
  /** The same as `storages.snapshots`, where it was before 0.2. */
  readonly snapshots: Snapshot.Operations
  /** IPv4 and IPv6 addresses. */
  readonly ips: Ip.Operations
  /** Networks, the public one included. */
  readonly networks: Network.Operations
  /** SSH public keys. */
  readonly sshKeys: SshKey.Operations
  /** Templates to create storages from. */
  readonly templates: Template.Operations
  /** Locations (data centres). */
  readonly locations: Location.Operations
  /** ISO images to boot servers from. */
  readonly isoImages: IsoImage.Operations
}

/**
 * @since 0.1.0
 * @category Tags
 */
export class Gridscale extends Context.Tag("effect-gridscale/Gridscale")<Gridscale, Service>() {}

/**
 * How long to wait for the jobs an operation starts, and what to hear after each poll. Every
 * operation that waits for a job takes it as its last argument.
 *
 * @since 0.1.0
 * @category Models
 */
export type JobOptions = Resource.JobOptions

/**
 * One entry of an object's event log, as `events(id)` returns them.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const Event = S.Event

/**
 * @since 0.1.0
 * @category Models
 */
export type Event = typeof S.Event.Type

/**
 * The 202 reply to a create: `{ request_uuid, object_uuid }`.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const CreateResponse = S.CreateResponse

/**
 * Builds the driver on the connection, the poller and the configuration in context.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const make: Effect.Effect<
  Service,
  never,
  GridscaleConnection.GridscaleConnection | GridscalePolling.GridscalePolling | GridscaleConfig.GridscaleConfig
> = Effect.gen(function*() {
  const deps: Resource.Dependencies = {
    connection: yield* GridscaleConnection.GridscaleConnection,
    polling: yield* GridscalePolling.GridscalePolling,
    config: yield* GridscaleConfig.GridscaleConfig
  }
  const storages = Storage.makeOperations(deps)
  return {
    servers: Server.makeOperations(deps),
    storages,
    snapshots: storages.snapshots,
    ips: Ip.makeOperations(deps),
    networks: Network.makeOperations(deps),
    sshKeys: SshKey.makeOperations(deps),
    templates: Template.makeOperations(deps),
    locations: Location.makeOperations(deps),
    isoImages: IsoImage.makeOperations(deps)
  }
})

/**
 * The driver alone, on core services provided elsewhere.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerWithoutDependencies: Layer.Layer<
  Gridscale,
  never,
  GridscaleConnection.GridscaleConnection | GridscalePolling.GridscalePolling | GridscaleConfig.GridscaleConfig
> = Layer.effect(Gridscale, make)

/**
 * The whole live client: the driver and every core service (connection, polling, response
 * handling), on a configuration and an `HttpClient` of your choice.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layer: Layer.Layer<
  | Gridscale
  | GridscaleConnection.GridscaleConnection
  | GridscalePolling.GridscalePolling
  | GridscaleResponse.GridscaleResponse,
  never,
  GridscaleConfig.GridscaleConfig | HttpClient.HttpClient
> = layerWithoutDependencies.pipe(Layer.provideMerge(GridscaleConnection.layer))

/**
 * The whole live client with its configuration read from `GRIDSCALE_UUID`, `GRIDSCALE_TOKEN` and
 * `GRIDSCALE_URL` (see `GridscaleConfig.layerConfig`); only the `HttpClient` is left to provide.
 *
 * @since 0.1.0
 * @category Layers
 */
export const layerConfig = (
  options?: Parameters<typeof GridscaleConfig.layerConfig>[0]
): Layer.Layer<
  | Gridscale
  | GridscaleConnection.GridscaleConnection
  | GridscalePolling.GridscalePolling
  | GridscaleResponse.GridscaleResponse,
  ConfigError.ConfigError,
  HttpClient.HttpClient
> => layer.pipe(Layer.provide(GridscaleConfig.layerConfig(options)))

/**
 * Runs a function of the driver in context.
 *
 * @since 0.1.0
 * @category Accessors
 */
export const use = <A, E, R>(f: (gridscale: Service) => Effect.Effect<A, E, R>): Effect.Effect<A, E, R | Gridscale> =>
  Effect.flatMap(Gridscale, f)

/**
 * Makes a ready server with the driver in context; see `Server.Operations.provision`.
 *
 * @since 0.1.0
 * @category Accessors
 */
export const provision = (
  options: Server.ProvisionOptions,
  jobOptions?: JobOptions
): Effect.Effect<Server.Server, GridscaleError, Gridscale> =>
  Effect.flatMap(Gridscale, (gridscale) => gridscale.servers.provision(options, jobOptions))
