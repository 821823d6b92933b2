/**
 * The driver: typed operations on every resource family of gridscale's API (spec 1.0.24, all 148
 * operations), one property per family (`servers`, `storages`, `loadBalancers`, `paas.services`,
 * `objectStorage.accessKeys`, ...). `Gridscale.layer` is the whole live client.
 *
 * @since 0.1.0
 */
import type * as HttpClient from "@effect/platform/HttpClient"
import type * as ConfigError from "effect/ConfigError"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Scope from "effect/Scope"
import type * as Models from "./generated/schemas.js"
import * as GridscaleConfig from "./GridscaleConfig.js"
import * as GridscaleConnection from "./GridscaleConnection.js"
import { type GridscaleError, ResponseDecodeError } from "./GridscaleError.js"
import * as GridscalePolling from "./GridscalePolling.js"
import type * as GridscaleResponse from "./GridscaleResponse.js"
import * as Families from "./internal/families.js"
import * as Resource from "./internal/resource.js"
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
 * PaaS services: the shared operations, their metrics, and new credentials on demand.
 *
 * @since 0.2.0
 * @category Models
 */
export interface PaasServiceOperations extends
  Resource.Crud<
    Models.PaasService,
    Models.PaasServiceCreate,
    Models.PaasServiceUpdate
  >
{
  /** The service's usage over time. */
  readonly metrics: (id: string) => Effect.Effect<ReadonlyArray<Models.PaasServiceMetrics>, Resource.LookupError>
  /** Replaces the service's credentials and waits for the job; `get` shows the new ones. */
  readonly renewCredentials: (id: string, options?: JobOptions) => Effect.Effect<void, Resource.WriteError>
}

/**
 * Object storage access keys: the secret is in the reply to `create` only.
 *
 * @since 0.2.0
 * @category Models
 */
export interface AccessKeyOperations
  extends Resource.Lists<Models.AccessKey>, Resource.Gets<Models.AccessKey>, Resource.Deletes
{
  /** Makes a new key pair and returns it, secret included (the only time the API shows it). */
  readonly create: (options?: JobOptions) => Effect.Effect<Models.AccessKeyCreateResponse, Resource.WriteError>
}

/**
 * Labels in use on the account. A label is free text: it goes into its path percent-encoded.
 *
 * @since 0.2.0
 * @category Models
 */
export interface LabelOperations extends Resource.Lists<Models.Label> {
  /** One label, with the objects carrying it. */
  readonly get: (label: string) => Effect.Effect<Models.Label, Resource.LookupError>
}

/**
 * The lists of deleted objects, one per family that keeps them.
 *
 * @since 0.2.0
 * @category Models
 */
export interface DeletedOperations {
  readonly servers: Resource.Lists<Models.Server>
  readonly storages: Resource.Lists<Models.Storage>
  readonly snapshots: Resource.Lists<Models.Snapshot>
  readonly networks: Resource.Lists<Models.Network>
  readonly ips: Resource.Lists<Models.IpBrief>
  readonly isoImages: Resource.Lists<Models.Isoimage>
  readonly templates: Resource.Lists<Models.Template>
  readonly paasServices: Resource.Lists<Models.PaasService>
  readonly loadBalancers: Resource.Lists<Models.Loadbalancer>
}

/**
 * The driver: one property per family of the API, each with typed operations. Every operation is
 * a span named after its path here (`Gridscale.servers.create`, `Gridscale.paas.services.create`).
 *
 * @since 0.1.0
 * @category Models
 */
export interface Service {
  /** Servers: CRUD, power, metrics, what is linked to them, `provision`. */
  readonly servers: Server.Operations
  /** Storages: CRUD, clones, imports from backups; their snapshots, schedules and backups. */
  readonly storages: Storage.Operations
  /** The same as `storages.snapshots`, where it was before 0.2. */
  readonly snapshots: Snapshot.Operations
  /** IPv4 and IPv6 addresses. */
  readonly ips: Ip.Operations
  /** Networks, the public one included. */
  readonly networks: Network.Operations
  /** Firewall templates: rule sets applied where a server connects to a network. */
  readonly firewalls:
    & Resource.Crud<Models.Firewall, Models.FirewallCreate, Models.FirewallUpdate>
    & Resource.HasEvents
  /** Load balancers that forward ports of their public addresses to servers. */
  readonly loadBalancers:
    & Resource.Crud<Models.Loadbalancer, Models.LoadbalancerCreate, Models.LoadbalancerUpdate>
    & Resource.HasEvents
  /** SSH public keys. */
  readonly sshKeys: SshKey.Operations
  /** Templates to create storages from. */
  readonly templates: Template.Operations
  /** Locations (data centres). */
  readonly locations: Location.Operations
  /** ISO images to boot servers from. */
  readonly isoImages: IsoImage.Operations
  /** Managed services (PaaS): the services, the templates they are made from, their security zones. */
  readonly paas: {
    readonly services: PaasServiceOperations
    readonly templates: Resource.Lists<Models.PaasServiceTemplate>
    readonly securityZones: Resource.Crud<
      Models.PaasSecurityZone,
      Models.PaasSecurityZoneCreate,
      Models.PaasSecurityZoneUpdate,
      Models.PaasSecurityZones
    >
  }
  /** Object storage: S3 access keys and the buckets. */
  readonly objectStorage: {
    readonly accessKeys: AccessKeyOperations
    readonly buckets: Resource.Lists<Models.Bucket>
  }
  /** The marketplace: applications published or made from a snapshot. */
  readonly marketplace: {
    readonly applications:
      & Resource.Crud<
        Models.MarketplaceApplication,
        Models.CreateMarketplaceApplicationPayload,
        Models.MarketplaceApplicationUpdate
      >
      & Resource.HasEvents
  }
  /** Labels in use on the account. */
  readonly labels: LabelOperations
  /** The account's event log: every change to every object. */
  readonly events: Resource.Lists<Models.Event>
  /** Objects deleted from the account, per family. */
  readonly deleted: DeletedOperations
  /** Jobs by request id: what `GridscalePolling` polls. */
  readonly requests: {
    /** The status of a job; `ResourceNotFound` for an unknown id. */
    readonly get: (requestId: string) => Effect.Effect<Models.Request, Resource.LookupError>
  }
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
 * What a read without input can fail with (`list()`): the API's errors, `TransportError`,
 * `ResponseDecodeError`. No `InvalidInput` (it sends nothing of the caller's), no job errors.
 *
 * @since 0.2.0
 * @category Errors
 */
export type ReadError = Resource.ReadError

/**
 * What a read by id can fail with (`get(id)`, `events(id)`): a `ReadError`, or `InvalidInput`
 * for an id that is not a safe path segment.
 *
 * @since 0.2.0
 * @category Errors
 */
export type LookupError = Resource.LookupError

/**
 * What a write can fail with: any `GridscaleError`, its job's `JobFailed` and `JobTimeout`
 * included.
 *
 * @since 0.2.0
 * @category Errors
 */
export type WriteError = Resource.WriteError

/**
 * The shapes families' operations share, to type a family: `Crud<Model, Create, Update>` (list,
 * get, create, update, delete), `HasEvents`, `ListsByLocation`, the `Child*` forms for a family
 * under another, and `Links` for what is linked to a server.
 *
 * @since 0.2.0
 * @category Models
 */
export type {
  ChildCreates,
  ChildCrud,
  ChildDeletes,
  ChildGets,
  ChildLists,
  ChildUpdates,
  Creates,
  Crud,
  Deletes,
  Gets,
  HasEvents,
  Links,
  Lists,
  ListsByLocation,
  Standard,
  Updates
} from "./internal/resource.js"

/**
 * One entry of an event log, as `events(id)` and `events.list()` return them, and the 202 reply to
 * a create, `{ request_uuid, object_uuid }`. Generated from the spec.
 *
 * @since 0.1.0
 * @category Schemas
 */
export { CreateResponse, Event } from "./generated/schemas.js"

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
  const built: Record<string, any> = {
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
  // Every other family has only operations of shared shapes: built from its overlay entry alone.
  const byModule = new Set(Object.keys(built))
  for (const family of Families.families) {
    if (byModule.has(family.key.split(".")[0]!)) continue
    Resource.setPath(built, family.key, Resource.operationsOf(deps, family.key))
  }
  const paasServices = Resource.make(deps, Families.familyByKey["paas.services"]!)
  const renew = paasServices.write("renewCredentials", { body: {} })
  Resource.setPath(
    built,
    "paas.services.renewCredentials",
    (id: string, options?: JobOptions) => renew([id], undefined, options)
  )
  const requests = built["requests"].get as (id: string) => Effect.Effect<Record<string, Models.Request>, any>
  // The reply keys the status by the job's id: the caller wants the status.
  built["requests"].get = (id: string) =>
    Effect.flatMap(requests(id), (reply) => {
      const status = reply[id]
      return status !== undefined ? Effect.succeed(status) : Effect.fail(
        new ResponseDecodeError({
          method: "GET",
          path: `/requests/${id}`,
          status: 200,
          field: id,
          outcomeUnknown: false,
          message: `the reply to GET /requests/${id} holds no status for that job`
        })
      )
    })
  // Built from data: `Service` says the types, and the test that calls each of the spec's
  // operations through it keeps the two in step.
  return built as Service
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
 * The whole live client made in one effect, as the context `layer` provides: the driver on
 * `GridscaleConnection.makeContext`. For a program that builds its services itself, without a
 * graph of layers.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const makeContext: Effect.Effect<
  Context.Context<
    | Gridscale
    | GridscaleConnection.GridscaleConnection
    | GridscalePolling.GridscalePolling
    | GridscaleResponse.GridscaleResponse
  >,
  never,
  GridscaleConfig.GridscaleConfig | HttpClient.HttpClient | Scope.Scope
> = Effect.flatMap(
  GridscaleConnection.makeContext,
  (context) => Effect.map(Effect.provide(make, context), (gridscale) => Context.add(context, Gridscale, gridscale))
)

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
> = Layer.scopedContext(makeContext)

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
