/**
 * Servers: virtual machines with cores and memory, to which storages, IP addresses, networks and
 * ISO images are linked. Also `provision`, which makes a ready server in one call.
 *
 * @since 0.1.0
 */
import * as Data from "effect/Data"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import * as Schema from "effect/Schema"
import * as Scope from "effect/Scope"
import { type GridscaleError, JobTimeout } from "./GridscaleError.js"
import * as GridscalePolling from "./GridscalePolling.js"
import { check, IdInput, Labels, Name, PositiveInt } from "./internal/check.js"
import { checkId } from "./internal/input.js"
import * as Resource from "./internal/resource.js"
import * as S from "./internal/schema.js"
import * as Network from "./Network.js"
import * as Storage from "./Storage.js"

/**
 * A storage linked to a server.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const LinkedStorage = S.open("LinkedStorage", {
  object_uuid: S.Id,
  object_name: S.optionalString,
  storage_type: S.optionalString,
  capacity: S.optionalNumber,
  bootdevice: S.optionalBoolean,
  bus: S.optionalNumber,
  controller: S.optionalNumber,
  target: S.optionalNumber,
  lun: S.optionalNumber,
  license_product_no: S.optionalNumber,
  last_used_template: S.optionalString,
  server_uuid: S.optionalString,
  create_time: Schema.optional(S.Timestamp)
})

/**
 * @since 0.1.0
 * @category Models
 */
export type LinkedStorage = typeof LinkedStorage.Type

/**
 * An IP address linked to a server.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const LinkedIp = S.open("LinkedIp", {
  object_uuid: S.Id,
  ip: S.optionalString,
  prefix: S.optionalString,
  family: S.optionalNumberOrString,
  server_uuid: S.optionalString,
  create_time: Schema.optional(S.Timestamp)
})

/**
 * @since 0.1.0
 * @category Models
 */
export type LinkedIp = typeof LinkedIp.Type

/**
 * A network linked to a server.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const LinkedNetwork = S.open("LinkedNetwork", {
  object_uuid: S.Id,
  object_name: S.optionalString,
  network_uuid: S.optionalString,
  network_type: S.optionalString,
  mac: S.optionalString,
  bootdevice: S.optionalBoolean,
  ordering: S.optionalNumberOrString,
  public_net: S.optionalBoolean,
  l2security: S.optionalBoolean,
  l3security: S.optional(Schema.Array(Schema.String)),
  // The spec says a string; replies carry null, and rule sets are objects.
  firewall: Schema.optional(Schema.Unknown),
  firewall_template_uuid: S.optionalString,
  server_uuid: S.optionalString,
  create_time: Schema.optional(S.Timestamp)
})

/**
 * @since 0.1.0
 * @category Models
 */
export type LinkedNetwork = typeof LinkedNetwork.Type

/**
 * An ISO image inserted into a server.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const LinkedIsoImage = S.open("LinkedIsoImage", {
  object_uuid: S.Id,
  object_name: S.optionalString,
  bootdevice: S.optionalBoolean,
  private: S.optionalBoolean,
  server_uuid: S.optionalString,
  create_time: Schema.optional(S.Timestamp)
})

/**
 * @since 0.1.0
 * @category Models
 */
export type LinkedIsoImage = typeof LinkedIsoImage.Type

/**
 * What is linked to a server, as the server shows it.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const ServerRelations = S.open("ServerRelations", {
  storages: S.optional(Schema.Array(LinkedStorage)),
  public_ips: S.optional(Schema.Array(LinkedIp)),
  networks: S.optional(Schema.Array(LinkedNetwork)),
  isoimages: S.optional(Schema.Array(LinkedIsoImage))
})

/**
 * A server.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const Server = S.open("Server", {
  object_uuid: S.Id,
  name: S.optionalString,
  status: S.optionalString,
  cores: S.optionalNumber,
  memory: S.optionalNumber,
  power: S.optionalBoolean,
  legacy: S.optionalBoolean,
  hardware_profile: S.optionalString,
  availability_zone: S.optionalString,
  auto_recovery: S.optional(Schema.Union(Schema.Boolean, Schema.String)),
  console_token: S.optionalString,
  usage_in_minutes_cores: S.optionalNumber,
  usage_in_minutes_memory: S.optionalNumber,
  current_price: S.optionalNumberOrString,
  labels: S.optionalLabels,
  relations: S.optional(ServerRelations),
  ...S.locationFields,
  ...S.times
})

/**
 * @since 0.1.0
 * @category Models
 */
export type Server = typeof Server.Type

/**
 * The virtual hardware a server emulates.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const HardwareProfile = Schema.Literal(
  "default",
  "nested",
  "legacy",
  "cisco_csr",
  "sophos_utm",
  "f5_bigip",
  "q35",
  "q35_nested"
)

/**
 * What `servers.create` takes. Memory is in GB.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const ServerCreate = Schema.Struct({
  name: Name,
  cores: PositiveInt,
  memory: PositiveInt,
  location_uuid: Schema.optional(IdInput),
  labels: Schema.optional(Labels),
  availability_zone: Schema.optional(Schema.String),
  auto_recovery: Schema.optional(Schema.Boolean),
  hardware_profile: Schema.optional(HardwareProfile)
})

/**
 * @since 0.1.0
 * @category Models
 */
export type ServerCreate = typeof ServerCreate.Type

/**
 * What `servers.update` takes.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const ServerUpdate = Schema.Struct({
  name: Schema.optional(Name),
  cores: Schema.optional(PositiveInt),
  memory: Schema.optional(PositiveInt),
  labels: Schema.optional(Labels),
  availability_zone: Schema.optional(Schema.String),
  auto_recovery: Schema.optional(Schema.Boolean)
})

/**
 * @since 0.1.0
 * @category Models
 */
export type ServerUpdate = typeof ServerUpdate.Type

/**
 * The 202 reply to `POST /objects/servers`.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const ServerCreateResponse = S.open("ServerCreateResponse", {
  request_uuid: S.Id,
  object_uuid: S.Id,
  server_uuid: S.optionalString,
  network_uuids: S.optional(Schema.Array(Schema.String)),
  storage_uuids: S.optional(Schema.Array(Schema.String)),
  ipaddr_uuids: S.optional(Schema.Array(Schema.String))
})

/**
 * How a storage is linked: `bootdevice` makes the server boot from it.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const StorageLink = Schema.Struct({
  bootdevice: Schema.optional(Schema.Boolean)
})

/**
 * How a network is linked.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const NetworkLink = Schema.Struct({
  ordering: Schema.optional(Schema.Int.pipe(Schema.nonNegative())),
  bootdevice: Schema.optional(Schema.Boolean),
  l3security: Schema.optional(Schema.Array(Schema.String)),
  firewall_template_uuid: Schema.optional(IdInput)
})

/**
 * A change to how a storage is linked.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const StorageLinkUpdate = Schema.Struct({
  ordering: Schema.optional(Schema.Int.pipe(Schema.nonNegative())),
  bootdevice: Schema.optional(Schema.Boolean),
  l3security: Schema.optional(Schema.Array(Schema.String))
})

/**
 * A change to how an ISO image is inserted.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const IsoImageLinkUpdate = Schema.Struct({
  bootdevice: Schema.optional(Schema.Boolean),
  name: Schema.optional(Name)
})

/**
 * What `servers.provision` takes. Memory and `storageSize` are in GB; `template`, `location`,
 * `sshKeys` and `network` are ids.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const ProvisionOptions = Schema.Struct({
  name: Name,
  cores: PositiveInt,
  memory: PositiveInt,
  template: IdInput,
  storageSize: Storage.StorageCreate.fields.capacity,
  location: IdInput,
  storageType: Schema.optional(Storage.StorageType),
  sshKeys: Schema.optional(Schema.Array(IdInput)),
  /** Reserve and link a public IPv4 address. Default true. */
  ipv4: Schema.optional(Schema.Boolean),
  /** Reserve and link a public IPv6 address. Default false. */
  ipv6: Schema.optional(Schema.Boolean),
  /** A network to link; by default the location's public network when an address is linked. */
  network: Schema.optional(IdInput),
  /** Power the server on at the end. Default true. */
  start: Schema.optional(Schema.Boolean)
})

/**
 * @since 0.1.0
 * @category Models
 */
export type ProvisionOptions = typeof ProvisionOptions.Encoded

/**
 * A step of `provision`'s clean-up that failed. `provision` fails with the error that stopped it;
 * clean-up failures are logged and added to the same `Cause` as defects of this type, so that
 * `Effect.catchTag` sees the original error and `Cause.pretty` shows both.
 *
 * @since 0.1.0
 * @category Errors
 */
export class CleanupFailed extends Data.TaggedError("CleanupFailed")<{
  readonly message: string
  readonly step: string
  readonly objectId: string
  readonly error: GridscaleError
}> {}

/**
 * The `servers` operations of the `Gridscale` service.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Operations {
  readonly list: () => Effect.Effect<ReadonlyArray<Server>, GridscaleError>
  readonly listByLocation: (locationId: string) => Effect.Effect<ReadonlyArray<Server>, GridscaleError>
  readonly get: (id: string) => Effect.Effect<Server, GridscaleError>
  readonly create: (input: ServerCreate, options?: Resource.JobOptions) => Effect.Effect<Server, GridscaleError>
  readonly update: (
    id: string,
    patch: ServerUpdate,
    options?: Resource.JobOptions
  ) => Effect.Effect<Server, GridscaleError>
  readonly delete: (id: string, options?: Resource.JobOptions) => Effect.Effect<void, GridscaleError>
  readonly events: (id: string) => Effect.Effect<ReadonlyArray<typeof S.Event.Type>, GridscaleError>
  /** Powers the server on and waits until it reports `power: true`. Does nothing if it is on. */
  readonly start: (id: string, options?: Resource.JobOptions) => Effect.Effect<Server, GridscaleError>
  /** Cuts the server's power and waits until it reports `power: false`. Does nothing if it is off. */
  readonly stop: (id: string, options?: Resource.JobOptions) => Effect.Effect<Server, GridscaleError>
  /** Asks the operating system to shut down (ACPI) and waits until the server reports `power: false`. */
  readonly shutdown: (id: string, options?: Resource.JobOptions) => Effect.Effect<Server, GridscaleError>
  readonly listStorages: (serverId: string) => Effect.Effect<ReadonlyArray<LinkedStorage>, GridscaleError>
  readonly attachStorage: (
    serverId: string,
    storageId: string,
    link?: typeof StorageLink.Type,
    options?: Resource.JobOptions
  ) => Effect.Effect<void, GridscaleError>
  readonly detachStorage: (
    serverId: string,
    storageId: string,
    options?: Resource.JobOptions
  ) => Effect.Effect<void, GridscaleError>
  /** Changes how a storage is linked (boot device, order) and returns the link as it then is. */
  readonly updateStorageLink: (
    serverId: string,
    storageId: string,
    patch: typeof StorageLinkUpdate.Type,
    options?: Resource.JobOptions
  ) => Effect.Effect<LinkedStorage, GridscaleError>
  readonly listIps: (serverId: string) => Effect.Effect<ReadonlyArray<LinkedIp>, GridscaleError>
  readonly attachIp: (
    serverId: string,
    ipId: string,
    options?: Resource.JobOptions
  ) => Effect.Effect<void, GridscaleError>
  readonly detachIp: (
    serverId: string,
    ipId: string,
    options?: Resource.JobOptions
  ) => Effect.Effect<void, GridscaleError>
  readonly listNetworks: (serverId: string) => Effect.Effect<ReadonlyArray<LinkedNetwork>, GridscaleError>
  readonly attachNetwork: (
    serverId: string,
    networkId: string,
    link?: typeof NetworkLink.Type,
    options?: Resource.JobOptions
  ) => Effect.Effect<void, GridscaleError>
  readonly detachNetwork: (
    serverId: string,
    networkId: string,
    options?: Resource.JobOptions
  ) => Effect.Effect<void, GridscaleError>
  /** Changes how a network is linked and returns the link as it then is. */
  readonly updateNetworkLink: (
    serverId: string,
    networkId: string,
    patch: typeof NetworkLink.Type,
    options?: Resource.JobOptions
  ) => Effect.Effect<LinkedNetwork, GridscaleError>
  readonly listIsoImages: (serverId: string) => Effect.Effect<ReadonlyArray<LinkedIsoImage>, GridscaleError>
  readonly attachIsoImage: (
    serverId: string,
    isoImageId: string,
    options?: Resource.JobOptions
  ) => Effect.Effect<void, GridscaleError>
  readonly detachIsoImage: (
    serverId: string,
    isoImageId: string,
    options?: Resource.JobOptions
  ) => Effect.Effect<void, GridscaleError>
  /** Changes how an ISO image is inserted and returns the link as it then is. */
  readonly updateIsoImageLink: (
    serverId: string,
    isoImageId: string,
    patch: typeof IsoImageLinkUpdate.Type,
    options?: Resource.JobOptions
  ) => Effect.Effect<LinkedIsoImage, GridscaleError>
  /**
   * Makes a ready server: creates the server, a storage from the template and the IP addresses
   * (at the same time), links them, and powers it on. If any step fails or the caller interrupts,
   * everything made so far is powered off and deleted again; see `CleanupFailed`.
   */
  readonly provision: (
    options: ProvisionOptions,
    jobOptions?: Resource.JobOptions
  ) => Effect.Effect<Server, GridscaleError>
}

/**
 * The family's description.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const family: Resource.Family<Server> = {
  name: "servers",
  path: "/objects/servers",
  plural: "servers",
  singular: "server",
  item: Server
}

/** Where a kind of object linked to servers lives: its path segment and its id's input name. */
interface RelationPath {
  readonly segment: "storages" | "ips" | "networks" | "isoimages"
  readonly idField: string
  /** The span attribute naming the linked object's id. */
  readonly attribute: string
}

/** A kind of object linked to servers: also the key of its list reply and its schema. */
interface Relation<A> extends RelationPath {
  readonly key: string
  /** The key of a single link's reply. */
  readonly single: string
  readonly item: Schema.Schema<A, any, never>
}

const relations = {
  storages: {
    segment: "storages",
    key: "storage_relations",
    single: "storage_relation",
    idField: "storageId",
    attribute: "gridscale.storage.id",
    item: LinkedStorage
  },
  ips: {
    segment: "ips",
    key: "ip_relations",
    single: "ip_relation",
    idField: "ipId",
    attribute: "gridscale.ip.id",
    item: LinkedIp
  },
  networks: {
    segment: "networks",
    key: "network_relations",
    single: "network_relation",
    idField: "networkId",
    attribute: "gridscale.network.id",
    item: LinkedNetwork
  },
  isoimages: {
    segment: "isoimages",
    key: "isoimage_relations",
    single: "isoimage_relation",
    idField: "isoImageId",
    attribute: "gridscale.isoimage.id",
    item: LinkedIsoImage
  }
} as const

/** The server has not yet reported the power wanted. */
class PowerPending extends Data.TaggedError("PowerPending") {}

const withPolling = (options: Resource.JobOptions | undefined) => (options ? { polling: options } : {})

/**
 * Builds the `servers` operations.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const makeOperations = (deps: Resource.Dependencies): Operations => {
  const { config, connection } = deps
  const base = Resource.make(deps, family)

  /** A read of the server's power that spends the polls' share of the rate budget, as job polls do. */
  const readPower = (id: string) =>
    connection.request("GET", base.pathOf(id), { schema: S.under(family.singular, Server), priority: "poll" })

  /**
   * Re-reads the server on the polling schedule until its power is `want`, within the deadline.
   * `jobId` is the power change's request id: a timeout names the job, as every `JobTimeout` does.
   */
  const awaitPower = (id: string, jobId: string, want: boolean, options?: Resource.JobOptions) => {
    const timeout = Duration.decode(options?.timeout ?? config.polling.timeout)
    const timedOut = () =>
      new JobTimeout({
        message: `server ${id} did not report power ${want ? "on" : "off"} within ${
          Duration.format(timeout)
        } after job ${jobId} finished`,
        requestId: jobId,
        timeoutMillis: Duration.toMillis(timeout)
      })
    return readPower(id).pipe(
      Effect.filterOrFail((server) => server.power === want, () => new PowerPending()),
      Effect.retry({
        schedule: GridscalePolling.schedule(config.polling),
        while: (error) => error._tag === "PowerPending"
      }),
      Effect.catchTag("PowerPending", () => Effect.fail(timedOut())),
      Effect.timeoutFail({ duration: timeout, onTimeout: timedOut })
    )
  }

  const powerWith = (
    operation: "start" | "stop" | "shutdown",
    want: boolean,
    send: (path: string) => {
      readonly path: string
      readonly body: unknown
    }
  ) =>
    Effect.fn(Resource.spanName(family, operation))(
      function*(id: string, options?: Resource.JobOptions): Effect.fn.Return<Server, GridscaleError> {
        const checked = yield* base.useId(id)
        const current = yield* base.fetch(checked)
        // Already there: the API would refuse the change or do nothing.
        if (current.power === want) return current
        const request = send(base.pathOf(checked))
        // A 204 names its job only in a header the connection does not hand back; the poller
        // tells each poll's job id to `onProgress`, so the id is taken from there.
        let jobId: string | undefined
        const onProgress = (progress: GridscalePolling.Progress) => {
          jobId = progress.requestId
          return options?.onProgress ? options.onProgress(progress) : Effect.void
        }
        yield* connection.asyncRequest("PATCH", request.path, {
          body: request.body,
          polling: { ...options, onProgress }
        })
        return yield* awaitPower(checked, jobId ?? "unknown", want, options)
      }
    )

  const start = powerWith("start", true, (path) => ({ path: `${path}/power`, body: { power: true } }))
  const stop = powerWith("stop", false, (path) => ({ path: `${path}/power`, body: { power: false } }))
  const shutdown = powerWith("shutdown", false, (path) => ({ path: `${path}/shutdown`, body: {} }))

  /** The path of a server's relation collection, with the server's id checked and recorded. */
  const relationPath = (serverId: string, relation: RelationPath) =>
    Effect.map(base.useId(serverId, "serverId"), (id) => `${base.pathOf(id)}/${relation.segment}`)

  const memberPath = (serverId: string, relation: RelationPath, id: string) =>
    Effect.flatMap(relationPath(serverId, relation), (path) =>
      checkId(relation.idField, id).pipe(
        Effect.tap((checked) => Effect.annotateCurrentSpan(relation.attribute, checked)),
        Effect.map((checked) => `${path}/${checked}`)
      ))

  const listOf = <A>(name: string, relation: Relation<A>) => {
    const schema = S.arrayUnder(relation.key, relation.item)
    return Effect.fn(Resource.spanName(family, name))(
      function*(serverId: string): Effect.fn.Return<ReadonlyArray<A>, GridscaleError> {
        return yield* connection.request("GET", yield* relationPath(serverId, relation), { schema })
      }
    )
  }

  const attachOf = <L, I>(name: string, relation: RelationPath, link: Schema.Schema<L, I, never>) =>
    Effect.fn(Resource.spanName(family, name))(
      function*(serverId: string, id: string, settings?: L, jobOptions?: Resource.JobOptions) {
        const path = yield* relationPath(serverId, relation)
        const objectId = yield* checkId(relation.idField, id)
        yield* Effect.annotateCurrentSpan(relation.attribute, objectId)
        const extra = yield* check(link, "link")(settings ?? {})
        yield* connection.asyncRequest("POST", path, {
          body: { ...extra, object_uuid: objectId },
          ...withPolling(jobOptions)
        })
      }
    )

  const detachOf = (name: string, relation: RelationPath) =>
    Effect.fn(Resource.spanName(family, name))(
      function*(serverId: string, id: string, options?: Resource.JobOptions): Effect.fn.Return<void, GridscaleError> {
        yield* connection.asyncRequest("DELETE", yield* memberPath(serverId, relation, id), withPolling(options))
      }
    )

  const updateOf = <A, P, I>(name: string, relation: Relation<A>, patchSchema: Schema.Schema<P, I, never>) => {
    const schema = S.under(relation.single, relation.item)
    return Effect.fn(Resource.spanName(family, name))(
      function*(
        serverId: string,
        id: string,
        patch: P,
        options?: Resource.JobOptions
      ): Effect.fn.Return<A, GridscaleError> {
        const path = yield* memberPath(serverId, relation, id)
        const body = yield* check(patchSchema, "patch")(patch)
        yield* connection.asyncRequest("PATCH", path, { body, ...withPolling(options) })
        return yield* connection.request("GET", path, { schema })
      }
    )
  }

  const noLink = Schema.Struct({})
  const attachIp = attachOf("attachIp", relations.ips, noLink)
  const attachIsoImage = attachOf("attachIsoImage", relations.isoimages, noLink)

  const operations: Omit<Operations, "provision"> = {
    list: base.list,
    listByLocation: base.listByLocation,
    get: base.get,
    create: base.createWith(ServerCreate),
    update: base.updateWith(ServerUpdate),
    delete: base.remove,
    events: base.events,
    start,
    stop,
    shutdown,
    listStorages: listOf("listStorages", relations.storages),
    attachStorage: attachOf("attachStorage", relations.storages, StorageLink),
    detachStorage: detachOf("detachStorage", relations.storages),
    updateStorageLink: updateOf("updateStorageLink", relations.storages, StorageLinkUpdate),
    listIps: listOf("listIps", relations.ips),
    attachIp: (serverId, ipId, options) => attachIp(serverId, ipId, undefined, options),
    detachIp: detachOf("detachIp", relations.ips),
    listNetworks: listOf("listNetworks", relations.networks),
    attachNetwork: attachOf("attachNetwork", relations.networks, NetworkLink),
    detachNetwork: detachOf("detachNetwork", relations.networks),
    updateNetworkLink: updateOf("updateNetworkLink", relations.networks, NetworkLink),
    listIsoImages: listOf("listIsoImages", relations.isoimages),
    attachIsoImage: (serverId, isoImageId, options) => attachIsoImage(serverId, isoImageId, undefined, options),
    detachIsoImage: detachOf("detachIsoImage", relations.isoimages),
    updateIsoImageLink: updateOf("updateIsoImageLink", relations.isoimages, IsoImageLinkUpdate)
  }
  return { ...operations, provision: makeProvision(deps, operations) }
}

/**
 * `provision`, step by step. Every object it creates is tracked in a `Scope` the moment the API
 * has answered the create; every link and the power-on register their undo before they are sent.
 * If the scope closes with a failure or an interruption, the undos run in reverse order,
 * uninterruptibly: power off, unlink, delete. A create that was already sent when the caller
 * interrupted is let finish first, for at most the per-attempt timeout, so that what it made is
 * known and removed. Clean-up steps treat "already gone" as done.
 */
const makeProvision = (deps: Resource.Dependencies, servers: Omit<Operations, "provision">) => {
  const { config, connection, polling } = deps
  const networks = Network.makeOperations(deps)

  /** Reports a failed clean-up step: logged, and kept in the cause as a `CleanupFailed` defect. */
  const cleanup = (step: string, objectId: string, undo: Effect.Effect<unknown, GridscaleError>) =>
    undo.pipe(
      Effect.catchTag("ResourceNotFound", () => Effect.void),
      Effect.catchAll((error) => {
        const failure = new CleanupFailed({
          message: `provision could not ${step} ${objectId} while cleaning up: ${error.message}`,
          step,
          objectId,
          error
        })
        return Effect.logWarning(failure.message).pipe(Effect.zipRight(Effect.die(failure)))
      }),
      Effect.withSpan(`Gridscale.servers.provision.cleanup`, { attributes: { step, "gridscale.object.id": objectId } })
    )

  /**
   * Sends a create and, once the API has answered, registers deleting the object as an undo in
   * the provision's scope, then waits for the create's job.
   */
  const created = (kind: string, path: string, body: unknown, jobOptions?: Resource.JobOptions) =>
    Effect.uninterruptibleMask((restore) =>
      Effect.gen(function*() {
        const scope = yield* Effect.scope
        const track = (reply: Resource.Created) =>
          Scope.addFinalizerExit(
            scope,
            (exit) =>
              Exit.isFailure(exit)
                ? cleanup(
                  `delete ${kind}`,
                  reply.object_uuid,
                  connection.asyncRequest("DELETE", `${path}/${reply.object_uuid}`)
                )
                : Effect.void
          )
        // A daemon, so that interrupting provision does not interrupt the create with it: `settle`
        // decides how long it may go on.
        const sending = yield* Effect.forkDaemon(
          restore(connection.request("POST", path, { body, schema: S.CreateResponse }))
        )
        const exit = yield* restore(Fiber.await(sending)).pipe(Effect.onInterrupt(() => settle(kind, sending, track)))
        const reply = yield* exit
        yield* track(reply)
        return reply
      })
    ).pipe(
      Effect.tap((reply) => polling.awaitRequest(reply.request_uuid, jobOptions)),
      Effect.map((reply) => reply.object_uuid)
    )

  /**
   * Interrupted while a create is in flight: the API may be making the object right now, so the
   * create is let finish, for at most the per-attempt timeout, and what it made is tracked for
   * deletion. A create still unanswered then is abandoned; its outcome is unknown, so it is logged.
   */
  const settle = (
    kind: string,
    sending: Fiber.Fiber<Resource.Created, GridscaleError>,
    track: (reply: Resource.Created) => Effect.Effect<void>
  ) =>
    Fiber.await(sending).pipe(
      Effect.timeout(config.timeout),
      Effect.flatMap((exit) => (Exit.isSuccess(exit) ? track(exit.value) : Effect.void)),
      Effect.catchTag("TimeoutException", () =>
        Fiber.interrupt(sending).pipe(
          Effect.zipRight(Effect.logWarning(
            `provision was interrupted while creating a ${kind}; the create did not finish within ` +
              `${Duration.format(config.timeout)} and was abandoned, so a ${kind} may be left behind`
          ))
        ))
    )

  /** Registers an undo that runs only if provisioning fails, then does the step. */
  const undoable = <A>(
    step: Effect.Effect<A, GridscaleError>,
    undo: { readonly step: string; readonly objectId: string; readonly effect: Effect.Effect<unknown, GridscaleError> }
  ) =>
    Effect.addFinalizer((exit) => Exit.isFailure(exit) ? cleanup(undo.step, undo.objectId, undo.effect) : Effect.void)
      .pipe(Effect.zipRight(step))

  /** The location's public network, which public addresses need to be reachable. */
  const publicNetwork = (location: string) =>
    networks.list().pipe(
      Effect.map((all) =>
        all.find((network) =>
          network.public_net === true && (network.location_uuid == null || network.location_uuid === location)
        )
      )
    )

  return Effect.fn("Gridscale.servers.provision")(
    function*(options: ProvisionOptions, jobOptions?: Resource.JobOptions): Effect.fn.Return<Server, GridscaleError> {
      const input = yield* check(ProvisionOptions, "options")(options)
      const families: ReadonlyArray<4 | 6> = [
        ...(input.ipv4 ?? true ? [4 as const] : []),
        ...(input.ipv6 ?? false ? [6 as const] : [])
      ]
      return yield* Effect.scoped(Effect.gen(function*() {
        const [serverId, storageId, ...ipIds] = yield* Effect.all([
          created("server", "/objects/servers", {
            name: input.name,
            cores: input.cores,
            memory: input.memory,
            location_uuid: input.location
          }, jobOptions),
          created("storage", "/objects/storages", {
            name: input.name,
            capacity: input.storageSize,
            location_uuid: input.location,
            ...(input.storageType ? { storage_type: input.storageType } : {}),
            template: { template_uuid: input.template, sshkeys: input.sshKeys ?? [] }
          }, jobOptions),
          ...families.map((ipFamily) =>
            created(
              "ip",
              "/objects/ips",
              { family: ipFamily, name: input.name, location_uuid: input.location },
              jobOptions
            )
          )
        ], { concurrency: "unbounded" })
        yield* Effect.annotateCurrentSpan("gridscale.server.id", serverId)

        yield* undoable(servers.attachStorage(serverId, storageId, { bootdevice: true }, jobOptions), {
          step: "detach storage",
          objectId: storageId,
          effect: servers.detachStorage(serverId, storageId)
        })
        for (const ipId of ipIds) {
          yield* undoable(servers.attachIp(serverId, ipId, jobOptions), {
            step: "detach ip",
            objectId: ipId,
            effect: servers.detachIp(serverId, ipId)
          })
        }
        const networkId = input.network ??
          (ipIds.length > 0 ? (yield* publicNetwork(input.location))?.object_uuid : undefined)
        if (networkId !== undefined) {
          yield* undoable(servers.attachNetwork(serverId, networkId, {}, jobOptions), {
            step: "detach network",
            objectId: networkId,
            effect: servers.detachNetwork(serverId, networkId)
          })
        }
        if (input.start ?? true) {
          yield* undoable(servers.start(serverId, jobOptions), {
            step: "power off server",
            objectId: serverId,
            // Unconditionally: a power-on job may still be pending, so the server may read "off"
            // now and turn on later. Then wait until it reports off.
            effect: connection.asyncRequest("PATCH", `/objects/servers/${serverId}/power`, { body: { power: false } })
              .pipe(Effect.zipRight(servers.stop(serverId)))
          })
        }
        return yield* servers.get(serverId)
      }))
    }
  )
}
