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
import type {
  LinkedIp,
  LinkedIpBrief,
  LinkedIsoimage as LinkedIsoImage,
  LinkedIsoimageBrief as LinkedIsoImageBrief,
  LinkedIsoimageUpdate as IsoImageLinkUpdate,
  LinkedNetwork,
  LinkedNetworkBrief,
  LinkedNetworkUpdate as NetworkLinkUpdate,
  LinkedStorage,
  LinkedStorageBrief,
  LinkedStorageUpdate as StorageLinkUpdate,
  Server,
  ServerCreate,
  ServerMetrics as ServerMetric,
  ServerPowerStatus as ServerPower,
  ServerPowerUpdate,
  ServerUpdate
} from "./generated/schemas.js"
import { type GridscaleError, JobTimeout } from "./GridscaleError.js"
import * as GridscalePolling from "./GridscalePolling.js"
import { Capacity, check, IdInput, Name, PositiveInt } from "./internal/check.js"
import { familyByKey } from "./internal/families.js"
import * as Resource from "./internal/resource.js"
import * as S from "./internal/schema.js"
import * as Network from "./Network.js"
import * as Storage from "./Storage.js"

/**
 * A server and what is linked to it (`ServerRelations`; the links themselves as `LinkedStorage`,
 * `LinkedIp`, `LinkedNetwork`, `LinkedIsoImage`, and their brief forms as the link lists hold
 * them), what `servers.create` and `servers.update` take, and the reply to a create. Generated
 * from the spec.
 *
 * @since 0.1.0
 * @category Schemas
 */
export {
  LinkedIp,
  LinkedIpBrief,
  LinkedIsoimage as LinkedIsoImage,
  LinkedIsoimageBrief as LinkedIsoImageBrief,
  LinkedNetwork,
  LinkedNetworkBrief,
  LinkedStorage,
  LinkedStorageBrief,
  Server,
  ServerCreate,
  ServerCreateResponse,
  ServerRelation as ServerRelations,
  ServerUpdate
} from "./generated/schemas.js"

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
 * Changes to a link: how a storage, a network or an ISO image is attached. Generated from the spec.
 *
 * @since 0.1.0
 * @category Schemas
 */
export {
  LinkedIsoimageUpdate as IsoImageLinkUpdate,
  LinkedNetworkUpdate as NetworkLinkUpdate,
  LinkedStorageUpdate as StorageLinkUpdate
} from "./generated/schemas.js"

/**
 * What `servers.provision` takes. Memory and `storageSize` are in GB; `template`, `location`,
 * `sshKeys` and `network` are ids. The storage made from the template needs a way in: at least one
 * SSH key, or a password (or both), as the API requires.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const ProvisionOptions = Schema.Struct({
  name: Name,
  cores: PositiveInt,
  memory: PositiveInt,
  template: IdInput,
  storageSize: Capacity,
  location: IdInput,
  storageType: Schema.optional(Storage.StorageType),
  sshKeys: Schema.optional(Schema.Array(IdInput)),
  /** The template's root (or admin) password: needed unless `sshKeys` names at least one key. */
  password: Schema.optional(Schema.String.pipe(Schema.minLength(1))),
  /** How `password` is given: as it is (`plain`, the default) or already hashed (`crypt`). */
  passwordType: Schema.optional(Schema.Literal("plain", "crypt")),
  /** Reserve and link a public IPv4 address. Default true. */
  ipv4: Schema.optional(Schema.Boolean),
  /** Reserve and link a public IPv6 address. Default false. */
  ipv6: Schema.optional(Schema.Boolean),
  /** A network to link; by default the location's public network when an address is linked. */
  network: Schema.optional(IdInput),
  /** Power the server on at the end. Default true. */
  start: Schema.optional(Schema.Boolean)
}).pipe(
  Schema.filter((options) =>
    (options.sshKeys !== undefined && options.sshKeys.length > 0) || options.password !== undefined ||
    { path: ["sshKeys"], message: "must name at least one SSH key when no password is given" }
  )
)

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
 * The power switch as `servers.power.get` reads it, what `servers.power.update` takes, and one
 * sample of `servers.metrics`. Generated from the spec.
 *
 * @since 0.2.0
 * @category Schemas
 */
export {
  ServerMetrics as ServerMetric,
  ServerPowerStatus as ServerPower,
  ServerPowerUpdate
} from "./generated/schemas.js"

/**
 * The `servers` operations of the `Gridscale` service: the shared ones, power, metrics, what is
 * linked to a server (`storages`, `ips`, `networks`, `isoImages`), and `provision`.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Operations extends Resource.Standard<Server, ServerCreate, ServerUpdate> {
  /** The server's usage over time. */
  readonly metrics: (id: string) => Effect.Effect<ReadonlyArray<ServerMetric>, Resource.LookupError>
  /** The power switch: read it, or flip it and wait for the job (see `start` and `stop` to wait for the server). */
  readonly power: {
    readonly get: (id: string) => Effect.Effect<ServerPower, Resource.LookupError>
    readonly update: (
      id: string,
      power: ServerPowerUpdate,
      options?: Resource.JobOptions
    ) => Effect.Effect<void, Resource.WriteError>
  }
  /** Powers the server on and waits until it reports `power: true`. Does nothing if it is on. */
  readonly start: (id: string, options?: Resource.JobOptions) => Effect.Effect<Server, Resource.WriteError>
  /** Cuts the server's power and waits until it reports `power: false`. Does nothing if it is off. */
  readonly stop: (id: string, options?: Resource.JobOptions) => Effect.Effect<Server, Resource.WriteError>
  /** Asks the operating system to shut down (ACPI) and waits until the server reports `power: false`. */
  readonly shutdown: (id: string, options?: Resource.JobOptions) => Effect.Effect<Server, Resource.WriteError>
  /** The storages attached to a server; `update` changes how one is linked (boot device, order). */
  readonly storages:
    & Resource.Links<LinkedStorage, LinkedStorageBrief, typeof StorageLink.Type>
    & Resource.ChildUpdates<LinkedStorage, StorageLinkUpdate>
  /** The IP addresses attached to a server. */
  readonly ips: Resource.Links<LinkedIp, LinkedIpBrief, {}>
  /** The networks a server is connected to; `update` changes the link (order, firewall). */
  readonly networks:
    & Resource.Links<LinkedNetwork, LinkedNetworkBrief, typeof NetworkLink.Type>
    & Resource.ChildUpdates<LinkedNetwork, NetworkLinkUpdate>
  /** The ISO image inserted in a server. */
  readonly isoImages:
    & Resource.Links<LinkedIsoImage, LinkedIsoImageBrief, {}>
    & Resource.ChildUpdates<LinkedIsoImage, IsoImageLinkUpdate>
  /** Same as `storages.list`. */
  readonly listStorages: (serverId: string) => Effect.Effect<ReadonlyArray<LinkedStorageBrief>, Resource.LookupError>
  /** Same as `storages.attach`. */
  readonly attachStorage: (
    serverId: string,
    storageId: string,
    link?: typeof StorageLink.Type,
    options?: Resource.JobOptions
  ) => Effect.Effect<void, Resource.WriteError>
  /** Same as `storages.detach`. */
  readonly detachStorage: (
    serverId: string,
    storageId: string,
    options?: Resource.JobOptions
  ) => Effect.Effect<void, Resource.WriteError>
  /** Same as `storages.update`. */
  readonly updateStorageLink: (
    serverId: string,
    storageId: string,
    patch: StorageLinkUpdate,
    options?: Resource.JobOptions
  ) => Effect.Effect<LinkedStorage, Resource.WriteError>
  /** Same as `ips.list`. */
  readonly listIps: (serverId: string) => Effect.Effect<ReadonlyArray<LinkedIpBrief>, Resource.LookupError>
  /** Same as `ips.attach`. */
  readonly attachIp: (
    serverId: string,
    ipId: string,
    options?: Resource.JobOptions
  ) => Effect.Effect<void, Resource.WriteError>
  /** Same as `ips.detach`. */
  readonly detachIp: (
    serverId: string,
    ipId: string,
    options?: Resource.JobOptions
  ) => Effect.Effect<void, Resource.WriteError>
  /** Same as `networks.list`. */
  readonly listNetworks: (serverId: string) => Effect.Effect<ReadonlyArray<LinkedNetworkBrief>, Resource.LookupError>
  /** Same as `networks.attach`. */
  readonly attachNetwork: (
    serverId: string,
    networkId: string,
    link?: typeof NetworkLink.Type,
    options?: Resource.JobOptions
  ) => Effect.Effect<void, Resource.WriteError>
  /** Same as `networks.detach`. */
  readonly detachNetwork: (
    serverId: string,
    networkId: string,
    options?: Resource.JobOptions
  ) => Effect.Effect<void, Resource.WriteError>
  /** Same as `networks.update`. */
  readonly updateNetworkLink: (
    serverId: string,
    networkId: string,
    patch: NetworkLinkUpdate,
    options?: Resource.JobOptions
  ) => Effect.Effect<LinkedNetwork, Resource.WriteError>
  /** Same as `isoImages.list`. */
  readonly listIsoImages: (
    serverId: string
  ) => Effect.Effect<ReadonlyArray<LinkedIsoImageBrief>, Resource.LookupError>
  /** Same as `isoImages.attach`. */
  readonly attachIsoImage: (
    serverId: string,
    isoImageId: string,
    options?: Resource.JobOptions
  ) => Effect.Effect<void, Resource.WriteError>
  /** Same as `isoImages.detach`. */
  readonly detachIsoImage: (
    serverId: string,
    isoImageId: string,
    options?: Resource.JobOptions
  ) => Effect.Effect<void, Resource.WriteError>
  /** Same as `isoImages.update`. */
  readonly updateIsoImageLink: (
    serverId: string,
    isoImageId: string,
    patch: IsoImageLinkUpdate,
    options?: Resource.JobOptions
  ) => Effect.Effect<LinkedIsoImage, Resource.WriteError>
  /**
   * Makes a ready server: creates the server, a storage from the template and the IP addresses
   * (at the same time), links them, and powers it on. If any step fails or the caller interrupts,
   * everything made so far is powered off and deleted again; see `CleanupFailed`.
   */
  readonly provision: (
    options: ProvisionOptions,
    jobOptions?: Resource.JobOptions
  ) => Effect.Effect<Server, Resource.WriteError>
}

/** The server has not yet reported the power wanted. */
class PowerPending extends Data.TaggedError("PowerPending") {}

/**
 * Builds the `servers` operations.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const makeOperations = (deps: Resource.Dependencies): Operations => {
  const { config, connection } = deps
  const family = familyByKey["servers"]!
  const base = Resource.make(deps, family)
  const linked = (key: string) => Resource.make(deps, familyByKey[`servers.${key}`]!).operations
  const storages = linked("storages")
  const ips = linked("ips")
  const networks = linked("networks")
  const isoImages = linked("isoImages")

  /**
   * Re-reads the server on the polling schedule until its power is `want`, within the deadline.
   * `jobId` is the power change's request id: a timeout names the job, as every `JobTimeout` does.
   * The reads spend the polls' share of the rate budget, as job polls do.
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
    return base.fetch([id], { priority: "poll" }).pipe(
      Effect.filterOrFail((server: Server) => server.power === want, () => new PowerPending()),
      Effect.retry({
        schedule: GridscalePolling.schedule(config.polling),
        while: (error) => error._tag === "PowerPending"
      }),
      Effect.catchTag("PowerPending", () => Effect.fail(timedOut())),
      Effect.timeoutFail({ duration: timeout, onTimeout: timedOut })
    )
  }

  const powerWith = (operation: "start" | "stop" | "shutdown", want: boolean, segment: "power" | "shutdown") =>
    Effect.fn(Resource.spanName(family, operation))(
      function*(id: string, options?: Resource.JobOptions): Effect.fn.Return<Server, Resource.WriteError> {
        const path = yield* Resource.fillPath(Resource.operation(family.operations["get"]!), [id])
        const current: Server = yield* base.fetch([id])
        // Already there: the API would refuse the change or do nothing.
        if (current.power === want) return current
        // A 204 names its job only in a header the connection does not hand back; the poller
        // tells each poll's job id to `onProgress`, so the id is taken from there.
        let jobId: string | undefined
        const onProgress = (progress: GridscalePolling.Progress) => {
          jobId = progress.requestId
          return options?.onProgress ? options.onProgress(progress) : Effect.void
        }
        yield* connection.asyncRequest("PATCH", `${path}/${segment}`, {
          body: segment === "power" ? { power: want } : {},
          polling: { ...options, onProgress }
        })
        return yield* awaitPower(id, jobId ?? "unknown", want, options)
      }
    )

  const attachIp = ips["attach"]!
  const attachIsoImage = isoImages["attach"]!

  const operations = {
    ...Resource.nest(base.operations),
    start: powerWith("start", true, "power"),
    stop: powerWith("stop", false, "power"),
    shutdown: powerWith("shutdown", false, "shutdown"),
    storages,
    ips,
    networks,
    isoImages,
    listStorages: storages["list"]!,
    attachStorage: storages["attach"]!,
    detachStorage: storages["detach"]!,
    updateStorageLink: storages["update"]!,
    listIps: ips["list"]!,
    attachIp: (serverId: string, ipId: string, options?: Resource.JobOptions) =>
      attachIp(serverId, ipId, undefined, options),
    detachIp: ips["detach"]!,
    listNetworks: networks["list"]!,
    attachNetwork: networks["attach"]!,
    detachNetwork: networks["detach"]!,
    updateNetworkLink: networks["update"]!,
    listIsoImages: isoImages["list"]!,
    attachIsoImage: (serverId: string, isoImageId: string, options?: Resource.JobOptions) =>
      attachIsoImage(serverId, isoImageId, undefined, options),
    detachIsoImage: isoImages["detach"]!,
    updateIsoImageLink: isoImages["update"]!
    // The operations are built from data; `Operations` says their types, and the test that calls
    // each of the 148 operations through the service keeps the two in step.
  } as unknown as Omit<Operations, "provision">
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
            template: {
              template_uuid: input.template,
              ...(input.sshKeys !== undefined && input.sshKeys.length > 0 ? { sshkeys: input.sshKeys } : {}),
              ...(input.password !== undefined
                ? { password: input.password, password_type: input.passwordType ?? "plain" }
                : {})
            }
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
