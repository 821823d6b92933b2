/**
 * The `gridscale` command tree, built with `@effect/cli` on the `effect-gridscale` driver.
 *
 * @since 0.1.0
 */
import * as Args from "@effect/cli/Args"
import * as CliApp from "@effect/cli/CliApp"
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as ValidationError from "@effect/cli/ValidationError"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Gridscale from "effect-gridscale/Gridscale"
import * as GridscaleConfig from "effect-gridscale/GridscaleConfig"
import * as GridscaleConnection from "effect-gridscale/GridscaleConnection"
import * as GridscaleError from "effect-gridscale/GridscaleError"
import * as GridscalePolling from "effect-gridscale/GridscalePolling"
import * as Ip from "effect-gridscale/Ip"
import * as IsoImage from "effect-gridscale/IsoImage"
import * as Location from "effect-gridscale/Location"
import * as Network from "effect-gridscale/Network"
import * as Server from "effect-gridscale/Server"
import * as Snapshot from "effect-gridscale/Snapshot"
import * as SshKey from "effect-gridscale/SshKey"
import * as Storage from "effect-gridscale/Storage"
import * as Template from "effect-gridscale/Template"
import * as Cause from "effect/Cause"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import type * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { exitCodeOf, exitCodes } from "./exitCodes.js"
import { type Column, encoder, field, printJson, renderFields, renderTable, withProgress } from "./output.js"

/**
 * The version `gridscale --version` prints.
 *
 * @since 0.1.0
 */
export const version = "0.1.0"

// ---------------------------------------------------------------------------------------------
// Options every command takes

const connectionOptions = {
  json: Options.boolean("json").pipe(
    Options.withDescription("Print JSON (objects as the API shows them) instead of a table.")
  ),
  userId: Options.text("user-id").pipe(
    Options.withDescription("The user UUID. Default: the GRIDSCALE_UUID environment variable."),
    Options.optional
  ),
  token: Options.redacted("token").pipe(
    Options.withDescription(
      "The API token. Default: GRIDSCALE_TOKEN (prefer it: a flag shows in the process list)."
    ),
    Options.optional
  ),
  apiUrl: Options.text("api-url").pipe(
    Options.withDescription("The API URL. Default: GRIDSCALE_URL, else https://api.gridscale.io."),
    Options.optional
  )
}

const jobOptions = {
  // A flag present means true, so the default (wait) is the absence of --no-wait.
  noWait: Options.boolean("no-wait", { negationNames: ["wait"] }).pipe(
    Options.withDescription(
      "Return once the API accepted the write, without waiting for its job. By default (--wait) the command " +
        "waits, with a progress line on a terminal."
    )
  ),
  timeout: Options.integer("timeout").pipe(
    Options.withDescription("Seconds to wait for the job before failing with JobTimeout. Default 300."),
    Options.optional
  )
}

interface ConnectionOptions {
  readonly json: boolean
  readonly userId: Option.Option<string>
  readonly token: Option.Option<Redacted.Redacted<string>>
  readonly apiUrl: Option.Option<string>
}

/** The configuration from the flags, falling back on GRIDSCALE_UUID, GRIDSCALE_TOKEN, GRIDSCALE_URL. */
const configLayer = (options: ConnectionOptions) =>
  Layer.effect(
    GridscaleConfig.GridscaleConfig,
    Effect.gen(function*() {
      const userId = Option.isSome(options.userId) ? options.userId.value : yield* Config.string("GRIDSCALE_UUID")
      const token = Option.isSome(options.token) ? options.token.value : yield* Config.redacted("GRIDSCALE_TOKEN")
      const apiUrl = Option.isSome(options.apiUrl)
        ? options.apiUrl
        : yield* Config.option(Config.string("GRIDSCALE_URL"))
      return yield* GridscaleConfig.make({
        userId,
        token,
        ...Option.match(apiUrl, { onNone: () => ({}), onSome: (apiUrl) => ({ apiUrl }) })
      })
    })
  )

type Client = Gridscale.Gridscale | GridscaleConnection.GridscaleConnection | GridscalePolling.GridscalePolling

/** A command handler that runs with the client built from its flags. */
const withClient = <O extends ConnectionOptions, E>(
  f: (options: O) => Effect.Effect<void, E, Client>
) =>
(options: O): Effect.Effect<void, E | ConfigError.ConfigError, HttpClient.HttpClient> =>
  f(options).pipe(Effect.provide(Gridscale.layer.pipe(Layer.provide(configLayer(options)))))

const idArg = (noun: string) => Args.text({ name: "id" }).pipe(Args.withDescription(`The ${noun}'s object_uuid.`))

const locationOption = Options.text("location").pipe(
  Options.withDescription("The location's object_uuid (see `gridscale locations list`)."),
  Options.optional
)

const labelsOption = Options.text("label").pipe(
  Options.withDescription("A label; repeat for more."),
  Options.repeated
)

/** Leaves out the fields that were not given. */
const present = <A extends Record<string, unknown>>(input: A): { [K in keyof A]: Exclude<A[K], undefined> } =>
  Object.fromEntries(
    Object.entries(input).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0))
  ) as any

const orUndefined = <A>(option: Option.Option<A>): A | undefined => Option.getOrUndefined(option)

// ---------------------------------------------------------------------------------------------
// The families

interface Family<A, I> {
  /** The command name and the driver property's meaning: `servers`. */
  readonly name: string
  /** One of them, in messages: `server`. */
  readonly noun: string
  readonly schema: Schema.Schema<A, I, never>
  readonly columns: ReadonlyArray<Column>
  /** The collection path, for writes sent without waiting. */
  readonly path: string
}

const printItems = <A, I>(family: Family<A, I>, json: boolean, items: ReadonlyArray<A>) => {
  const encode = encoder(family.schema)
  const encoded = items.map(encode)
  return json
    ? printJson(encoded)
    : Console.log(encoded.length === 0 ? `no ${family.name}` : renderTable(family.columns, encoded))
}

const printItem = <A, I>(family: Family<A, I>, json: boolean, item: A) => {
  const encoded = encoder(family.schema)(item)
  return json ? printJson(encoded) : Console.log(renderFields(encoded))
}

const listCommand = <A, I>(
  family: Family<A, I>,
  list: (gridscale: Gridscale.Service) => Effect.Effect<ReadonlyArray<A>, GridscaleError.GridscaleError>
) =>
  Command.make(
    "list",
    connectionOptions,
    withClient((options) =>
      Effect.gen(function*() {
        const gridscale = yield* Gridscale.Gridscale
        const items = yield* list(gridscale)
        yield* printItems(family, options.json, items)
      })
    )
  ).pipe(Command.withDescription(`List the ${family.name}.`))

const getCommand = <A, I>(
  family: Family<A, I>,
  get: (gridscale: Gridscale.Service, id: string) => Effect.Effect<A, GridscaleError.GridscaleError>
) =>
  Command.make(
    "get",
    { ...connectionOptions, id: idArg(family.noun) },
    withClient((options) =>
      Effect.gen(function*() {
        const gridscale = yield* Gridscale.Gridscale
        yield* printItem(family, options.json, yield* get(gridscale, options.id))
      })
    )
  ).pipe(Command.withDescription(`Show one ${family.noun}.`))

/** Checks input as the driver would, for writes the CLI sends itself (`--no-wait`). */
const checked = <A, I>(schema: Schema.Schema<A, I, never>, input: unknown) =>
  Schema.decodeUnknown(schema)(input).pipe(
    Effect.mapError((error) => {
      const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
      const first = issues[0]
      const fieldName = first && first.path.length > 0 ? first.path.join(".") : "input"
      return new GridscaleError.InvalidInput({
        field: fieldName,
        message: issues.map((i) => `${i.path.length > 0 ? i.path.join(".") : "input"}: ${i.message}`).join("; ")
      })
    })
  )

const NotAwaited = Schema.Struct({ object_uuid: Schema.String, request_uuid: Schema.String })

const printNotAwaited = (family: { readonly noun: string }, json: boolean, reply: typeof NotAwaited.Type) =>
  json
    ? printJson({ object_uuid: reply.object_uuid, request_uuid: reply.request_uuid })
    : Console.log(
      `${family.noun} ${reply.object_uuid} accepted; job ${reply.request_uuid} not awaited ` +
        `(gridscale jobs wait ${reply.request_uuid})`
    )

/** A create: through the driver when waiting, else one POST with its reply printed. */
const createCommand = <A, I, C, CI, Config extends Command.Command.Config, P>(
  family: Family<A, I>,
  config: Config,
  spec: {
    readonly input: Schema.Schema<C, CI, never>
    readonly build: (options: Command.Command.ParseConfig<Config>) => P
    readonly path?: (options: Command.Command.ParseConfig<Config>) => string
    readonly create: (
      gridscale: Gridscale.Service,
      options: Command.Command.ParseConfig<Config>,
      input: C,
      jobOptions: Gridscale.JobOptions
    ) => Effect.Effect<A, GridscaleError.GridscaleError>
  }
) =>
  Command.make(
    "create",
    { ...connectionOptions, ...jobOptions, ...config },
    withClient((options: any) =>
      Effect.gen(function*() {
        const input = yield* checked(spec.input, spec.build(options))
        if (options.noWait) {
          const connection = yield* GridscaleConnection.GridscaleConnection
          const path = spec.path ? spec.path(options) : family.path
          const reply = yield* connection.request("POST", path, { body: input, schema: NotAwaited })
          return yield* printNotAwaited(family, options.json, reply)
        }
        const gridscale = yield* Gridscale.Gridscale
        const item = yield* withProgress(
          `creating ${family.noun}`,
          { quiet: options.json, timeoutSeconds: orUndefined<number>(options.timeout) },
          (jobOptions) => spec.create(gridscale, options, input, jobOptions)
        )
        yield* printItem(family, options.json, item)
      })
    )
  ).pipe(Command.withDescription(`Create a ${family.noun}.`))

const deleteCommand = <A, I>(
  family: Family<A, I>,
  remove: (
    gridscale: Gridscale.Service,
    id: string,
    jobOptions: Gridscale.JobOptions
  ) => Effect.Effect<void, GridscaleError.GridscaleError>
) =>
  Command.make(
    "delete",
    { ...connectionOptions, ...jobOptions, id: idArg(family.noun) },
    withClient((options) =>
      Effect.gen(function*() {
        if (options.noWait) {
          const connection = yield* GridscaleConnection.GridscaleConnection
          yield* connection.request("DELETE", `${family.path}/${yield* safeId(options.id)}`)
        } else {
          const gridscale = yield* Gridscale.Gridscale
          yield* withProgress(
            `deleting ${family.noun} ${options.id}`,
            { quiet: options.json, timeoutSeconds: orUndefined(options.timeout) },
            (jobOptions) => remove(gridscale, options.id, jobOptions)
          )
        }
        yield* options.json
          ? printJson({ deleted: options.id, awaited: !options.noWait })
          : Console.log(`deleted ${family.noun} ${options.id}${options.noWait ? " (job not awaited)" : ""}`)
      })
    )
  ).pipe(Command.withDescription(`Delete a ${family.noun}.`))

/** A change: checked, sent through the driver (which waits for its job), the object printed as it then is. */
const updateCommand = <A, I, U, UI, Config extends Command.Command.Config>(
  family: Family<A, I>,
  config: Config,
  spec: {
    readonly input: Schema.Schema<U, UI, never>
    readonly build: (options: Command.Command.ParseConfig<Config>) => Record<string, unknown>
    readonly update: (
      gridscale: Gridscale.Service,
      id: string,
      patch: U,
      jobOptions: Gridscale.JobOptions
    ) => Effect.Effect<A, GridscaleError.GridscaleError>
  }
) =>
  Command.make(
    "update",
    { ...connectionOptions, timeout: jobOptions.timeout, id: idArg(family.noun), ...config },
    withClient((options: any) =>
      Effect.gen(function*() {
        const fields = spec.build(options)
        if (Object.keys(fields).length === 0) {
          return yield* new GridscaleError.InvalidInput({ field: "patch", message: "nothing to change: give a flag" })
        }
        const patch = yield* checked(spec.input, fields)
        const gridscale = yield* Gridscale.Gridscale
        const item = yield* withProgress(
          `updating ${family.noun} ${options.id}`,
          { quiet: options.json, timeoutSeconds: orUndefined<number>(options.timeout) },
          (jobOptions) => spec.update(gridscale, options.id, patch, jobOptions)
        )
        yield* printItem(family, options.json, item)
      })
    )
  ).pipe(Command.withDescription(`Change a ${family.noun}; only the fields given change.`))

const optionalName = Options.text("name").pipe(Options.withDescription("The new name."), Options.optional)

/** An id the CLI puts into a path itself: the driver's rule (letters, digits, `-`, 1 to 64). */
const safeId = (id: string) =>
  /^[A-Za-z0-9-]{1,64}$/.test(id)
    ? Effect.succeed(id)
    : Effect.fail(new GridscaleError.InvalidInput({ field: "id", message: `not an id: ${JSON.stringify(id)}` }))

const familyCommand = (family: { readonly name: string }, description: string) =>
  Command.make(family.name).pipe(Command.withDescription(description))

const uuid = field("object_uuid", "ID")
const name = field("name")
const location = field("location_name", "LOCATION")
const status = field("status")

// servers ---------------------------------------------------------------------------------------

const servers: Family<Server.Server, any> = {
  name: "servers",
  noun: "server",
  schema: Server.Server,
  path: "/objects/servers",
  columns: [
    uuid,
    name,
    field("cores"),
    field("memory", "MEMORY (GB)"),
    {
      title: "POWER",
      value: (s) => (s.power === true ? "on" : s.power === false ? "off" : undefined)
    },
    status,
    location
  ]
}

const byLocation = <A>(
  all: (g: Gridscale.Service) => Effect.Effect<ReadonlyArray<A>, GridscaleError.GridscaleError>,
  at: (g: Gridscale.Service, location: string) => Effect.Effect<ReadonlyArray<A>, GridscaleError.GridscaleError>
) =>
(g: Gridscale.Service, location: Option.Option<string>) => Option.isSome(location) ? at(g, location.value) : all(g)

const withLocationList = <A, I>(
  family: Family<A, I>,
  list: (g: Gridscale.Service, location: Option.Option<string>) => Effect.Effect<
    ReadonlyArray<A>,
    GridscaleError.GridscaleError
  >
) =>
  Command.make(
    "list",
    { ...connectionOptions, location: locationOption },
    withClient((options) =>
      Effect.gen(function*() {
        const gridscale = yield* Gridscale.Gridscale
        yield* printItems(family, options.json, yield* list(gridscale, options.location))
      })
    )
  ).pipe(Command.withDescription(`List the ${family.name} (of one location with --location).`))

const powerCommand = (verb: "start" | "stop") =>
  Command.make(
    verb,
    { ...connectionOptions, ...jobOptions, id: idArg("server") },
    withClient((options) =>
      Effect.gen(function*() {
        const power = verb === "start"
        if (options.noWait) {
          const connection = yield* GridscaleConnection.GridscaleConnection
          yield* connection.request("PATCH", `${servers.path}/${yield* safeId(options.id)}/power`, { body: { power } })
          return yield* options.json
            ? printJson({ object_uuid: options.id, power, awaited: false })
            : Console.log(`server ${options.id}: power ${power ? "on" : "off"} requested (not awaited)`)
        }
        const gridscale = yield* Gridscale.Gridscale
        const server = yield* withProgress(
          `${power ? "starting" : "stopping"} server ${options.id}`,
          { quiet: options.json, timeoutSeconds: orUndefined(options.timeout) },
          (jobOptions) => gridscale.servers[verb](options.id, jobOptions)
        )
        yield* options.json ? printItem(servers, true, server) : Console.log(
          `server ${options.id}: power ${server.power ? "on" : "off"}`
        )
      })
    )
  ).pipe(
    Command.withDescription(
      verb === "start"
        ? "Power a server on and wait until it reports power on."
        : "Cut a server's power (not a clean shutdown) and wait until it reports power off."
    )
  )

const provisionCommand = Command.make(
  "provision",
  {
    ...connectionOptions,
    timeout: jobOptions.timeout,
    name: Options.text("name").pipe(Options.withDescription("The server's name.")),
    cores: Options.integer("cores").pipe(Options.withDescription("CPU cores."), Options.withDefault(1)),
    memory: Options.integer("memory").pipe(Options.withDescription("Memory in GB."), Options.withDefault(2)),
    template: Options.text("template").pipe(Options.withDescription("The template's object_uuid to install.")),
    storageSize: Options.integer("storage-size").pipe(
      Options.withDescription("The boot storage's size in GB. Default 10."),
      Options.withDefault(10)
    ),
    location: Options.text("location").pipe(Options.withDescription("The location's object_uuid.")),
    storageType: Options.choice("storage-type", ["storage", "storage_high", "storage_insane"]).pipe(
      Options.withDescription("The boot storage's performance class. Default: storage."),
      Options.optional
    ),
    sshKeys: Options.text("ssh-key").pipe(
      Options.withDescription("An SSH key's object_uuid to install; repeat for more."),
      Options.repeated
    ),
    noIpv4: Options.boolean("no-ipv4").pipe(Options.withDescription("Do not reserve a public IPv4 address.")),
    ipv6: Options.boolean("ipv6").pipe(Options.withDescription("Also reserve a public IPv6 address.")),
    network: Options.text("network").pipe(
      Options.withDescription("A network's object_uuid to link. Default: the location's public network."),
      Options.optional
    ),
    noStart: Options.boolean("no-start").pipe(Options.withDescription("Leave the server powered off."))
  },
  withClient((options) =>
    Effect.gen(function*() {
      const gridscale = yield* Gridscale.Gridscale
      const server = yield* withProgress(
        `provisioning ${options.name}`,
        { quiet: options.json, timeoutSeconds: orUndefined(options.timeout) },
        (jobOptions) =>
          gridscale.servers.provision(
            present({
              name: options.name,
              cores: options.cores,
              memory: options.memory,
              template: options.template,
              storageSize: options.storageSize,
              location: options.location,
              storageType: orUndefined(options.storageType),
              sshKeys: options.sshKeys,
              ipv4: options.noIpv4 ? false : undefined,
              ipv6: options.ipv6 ? true : undefined,
              network: orUndefined(options.network),
              start: options.noStart ? false : undefined
            }),
            jobOptions
          )
      )
      yield* printItem(servers, options.json, server)
    })
  )
).pipe(
  Command.withDescription(
    "Make a ready server in one go: the server, a boot storage from a template, a public address, linked and " +
      "powered on. If a step fails, everything made so far is removed again."
  )
)

const serversCommand = familyCommand(servers, "Servers: virtual machines.").pipe(
  Command.withSubcommands([
    withLocationList(servers, byLocation((g) => g.servers.list(), (g, l) => g.servers.listByLocation(l))),
    getCommand(servers, (g, id) => g.servers.get(id)),
    createCommand(servers, {
      name: Options.text("name").pipe(Options.withDescription("The server's name.")),
      cores: Options.integer("cores").pipe(Options.withDescription("CPU cores."), Options.withDefault(1)),
      memory: Options.integer("memory").pipe(Options.withDescription("Memory in GB."), Options.withDefault(2)),
      location: locationOption,
      labels: labelsOption
    }, {
      input: Server.ServerCreate,
      build: (o) =>
        present({
          name: o.name,
          cores: o.cores,
          memory: o.memory,
          location_uuid: orUndefined(o.location),
          labels: o.labels
        }),
      create: (g, _, input, jobOptions) => g.servers.create(input, jobOptions)
    }),
    updateCommand(servers, {
      name: optionalName,
      cores: Options.integer("cores").pipe(
        Options.withDescription("CPU cores (the server must be off)."),
        Options.optional
      ),
      memory: Options.integer("memory").pipe(
        Options.withDescription("Memory in GB (the server must be off)."),
        Options.optional
      )
    }, {
      input: Server.ServerUpdate,
      build: (o) => present({ name: orUndefined(o.name), cores: orUndefined(o.cores), memory: orUndefined(o.memory) }),
      update: (g, id, patch, jobOptions) => g.servers.update(id, patch, jobOptions)
    }),
    deleteCommand(servers, (g, id, jobOptions) => g.servers.delete(id, jobOptions)),
    powerCommand("start"),
    powerCommand("stop"),
    provisionCommand
  ])
)

// storages --------------------------------------------------------------------------------------

const storages: Family<Storage.Storage, any> = {
  name: "storages",
  noun: "storage",
  schema: Storage.Storage,
  path: "/objects/storages",
  columns: [uuid, name, field("capacity", "CAPACITY (GB)"), field("storage_type", "TYPE"), status, location]
}

const storagesCommand = familyCommand(storages, "Storages: block devices for servers.").pipe(
  Command.withSubcommands([
    withLocationList(storages, byLocation((g) => g.storages.list(), (g, l) => g.storages.listByLocation(l))),
    getCommand(storages, (g, id) => g.storages.get(id)),
    createCommand(storages, {
      name: Options.text("name").pipe(Options.withDescription("The storage's name.")),
      capacity: Options.integer("capacity").pipe(Options.withDescription("Size in GB, 1 to 4096.")),
      location: locationOption,
      storageType: Options.choice("storage-type", ["storage", "storage_high", "storage_insane"]).pipe(
        Options.withDescription("Performance class. Default: storage."),
        Options.optional
      ),
      template: Options.text("template").pipe(
        Options.withDescription("Install this template's object_uuid onto the storage."),
        Options.optional
      ),
      sshKeys: Options.text("ssh-key").pipe(
        Options.withDescription("With --template: an SSH key's object_uuid to install; repeat for more."),
        Options.repeated
      ),
      hostname: Options.text("hostname").pipe(
        Options.withDescription("With --template: the hostname."),
        Options.optional
      ),
      labels: labelsOption
    }, {
      input: Storage.StorageCreate,
      build: (o) =>
        present({
          name: o.name,
          capacity: o.capacity,
          location_uuid: orUndefined(o.location),
          storage_type: orUndefined(o.storageType),
          labels: o.labels,
          template: Option.isSome(o.template)
            ? present({
              template_uuid: o.template.value,
              sshkeys: o.sshKeys,
              hostname: orUndefined(o.hostname)
            })
            : undefined
        }),
      create: (g, _, input, jobOptions) => g.storages.create(input, jobOptions)
    }),
    updateCommand(storages, {
      name: optionalName,
      capacity: Options.integer("capacity").pipe(
        Options.withDescription("The new size in GB (storages only grow)."),
        Options.optional
      )
    }, {
      input: Storage.StorageUpdate,
      build: (o) => present({ name: orUndefined(o.name), capacity: orUndefined(o.capacity) }),
      update: (g, id, patch, jobOptions) => g.storages.update(id, patch, jobOptions)
    }),
    deleteCommand(storages, (g, id, jobOptions) => g.storages.delete(id, jobOptions))
  ])
)

// ips -------------------------------------------------------------------------------------------

const ips: Family<Ip.Ip, any> = {
  name: "ips",
  noun: "IP address",
  schema: Ip.Ip,
  path: "/objects/ips",
  columns: [uuid, field("ip", "ADDRESS"), field("prefix"), field("family"), name, status, location]
}

const ipsCommand = familyCommand(ips, "IP addresses: public IPv4 and IPv6 addresses.").pipe(
  Command.withSubcommands([
    withLocationList(ips, byLocation((g) => g.ips.list(), (g, l) => g.ips.listByLocation(l))),
    getCommand(ips, (g, id) => g.ips.get(id)),
    createCommand(ips, {
      family: Options.choice("family", ["4", "6"]).pipe(
        Options.withDescription("4 for IPv4, 6 for IPv6. Default 4."),
        Options.withDefault("4" as const)
      ),
      name: Options.text("name").pipe(Options.withDescription("A name for the address."), Options.optional),
      location: locationOption,
      failover: Options.boolean("failover").pipe(Options.withDescription("A failover address.")),
      reverseDns: Options.text("reverse-dns").pipe(Options.withDescription("The PTR record."), Options.optional),
      labels: labelsOption
    }, {
      input: Ip.IpCreate,
      build: (o) =>
        present({
          family: Number(o.family),
          name: orUndefined(o.name),
          location_uuid: orUndefined(o.location),
          failover: o.failover ? true : undefined,
          reverse_dns: orUndefined(o.reverseDns),
          labels: o.labels
        }),
      create: (g, _, input, jobOptions) => g.ips.create(input, jobOptions)
    }),
    deleteCommand(ips, (g, id, jobOptions) => g.ips.delete(id, jobOptions))
  ])
)

// networks --------------------------------------------------------------------------------------

const networks: Family<Network.Network, any> = {
  name: "networks",
  noun: "network",
  schema: Network.Network,
  path: "/objects/networks",
  columns: [uuid, name, field("public_net", "PUBLIC"), field("l2security", "L2SECURITY"), status, location]
}

const networksCommand = familyCommand(networks, "Networks: the public network and private networks.").pipe(
  Command.withSubcommands([
    withLocationList(networks, byLocation((g) => g.networks.list(), (g, l) => g.networks.listByLocation(l))),
    getCommand(networks, (g, id) => g.networks.get(id)),
    createCommand(networks, {
      name: Options.text("name").pipe(Options.withDescription("The network's name.")),
      location: locationOption,
      l2security: Options.boolean("l2security").pipe(Options.withDescription("Turn on MAC spoofing protection.")),
      labels: labelsOption
    }, {
      input: Network.NetworkCreate,
      build: (o) =>
        present({
          name: o.name,
          location_uuid: orUndefined(o.location),
          l2security: o.l2security ? true : undefined,
          labels: o.labels
        }),
      create: (g, _, input, jobOptions) => g.networks.create(input, jobOptions)
    }),
    updateCommand(networks, { name: optionalName }, {
      input: Network.NetworkUpdate,
      build: (o) => present({ name: orUndefined(o.name) }),
      update: (g, id, patch, jobOptions) => g.networks.update(id, patch, jobOptions)
    }),
    deleteCommand(networks, (g, id, jobOptions) => g.networks.delete(id, jobOptions))
  ])
)

// sshkeys ---------------------------------------------------------------------------------------

const sshKeys: Family<SshKey.SshKey, any> = {
  name: "sshkeys",
  noun: "SSH key",
  schema: SshKey.SshKey,
  path: "/objects/sshkeys",
  columns: [uuid, name, {
    title: "KEY",
    value: (k) => (typeof k.sshkey === "string" && k.sshkey.length > 40 ? `${k.sshkey.slice(0, 37)}...` : k.sshkey)
  }]
}

const sshKeysCommand = familyCommand(sshKeys, "SSH keys: public keys to install on servers.").pipe(
  Command.withSubcommands([
    listCommand(sshKeys, (g) => g.sshKeys.list()),
    getCommand(sshKeys, (g, id) => g.sshKeys.get(id)),
    createCommand(sshKeys, {
      name: Options.text("name").pipe(Options.withDescription("The key's name.")),
      key: Options.text("key").pipe(
        Options.withDescription("The public key, as in ~/.ssh/id_ed25519.pub."),
        Options.orElse(
          Options.fileText("key-file").pipe(
            Options.withDescription("A file holding the public key."),
            Options.map(([, content]) => content)
          )
        )
      ),
      labels: labelsOption
    }, {
      input: SshKey.SshKeyCreate,
      build: (o) => present({ name: o.name, sshkey: o.key.trim(), labels: o.labels }),
      create: (g, _, input, jobOptions) => g.sshKeys.create(input, jobOptions)
    }),
    deleteCommand(sshKeys, (g, id, jobOptions) => g.sshKeys.delete(id, jobOptions))
  ])
)

// templates -------------------------------------------------------------------------------------

const templates: Family<Template.Template, any> = {
  name: "templates",
  noun: "template",
  schema: Template.Template,
  path: "/objects/templates",
  columns: [uuid, name, field("ostype", "OS"), field("version"), field("capacity", "CAPACITY (GB)"), {
    title: "PRIVATE",
    value: (t) => t.private
  }]
}

const templatesCommand = familyCommand(templates, "Templates: operating system images to install on storages.").pipe(
  Command.withSubcommands([
    withLocationList(templates, byLocation((g) => g.templates.list(), (g, l) => g.templates.listByLocation(l))),
    getCommand(templates, (g, id) => g.templates.get(id)),
    createCommand(templates, {
      name: Options.text("name").pipe(Options.withDescription("The template's name.")),
      snapshot: Options.text("snapshot").pipe(Options.withDescription("The snapshot's object_uuid to make it from.")),
      labels: labelsOption
    }, {
      input: Template.TemplateCreate,
      build: (o) => present({ name: o.name, snapshot_uuid: o.snapshot, labels: o.labels }),
      create: (g, _, input, jobOptions) => g.templates.create(input, jobOptions)
    }),
    deleteCommand(templates, (g, id, jobOptions) => g.templates.delete(id, jobOptions))
  ])
)

// locations -------------------------------------------------------------------------------------

const locations: Family<Location.Location, any> = {
  name: "locations",
  noun: "location",
  schema: Location.Location,
  path: "/objects/locations",
  columns: [uuid, name, field("iata", "IATA"), field("country")]
}

const locationsCommand = familyCommand(locations, "Locations: the data centres.").pipe(
  Command.withSubcommands([
    listCommand(locations, (g) => g.locations.list()),
    getCommand(locations, (g, id) => g.locations.get(id))
  ])
)

// isoimages -------------------------------------------------------------------------------------

const isoImages: Family<IsoImage.IsoImage, any> = {
  name: "isoimages",
  noun: "ISO image",
  schema: IsoImage.IsoImage,
  path: "/objects/isoimages",
  columns: [uuid, name, field("version"), field("private"), status, location]
}

const isoImagesCommand = familyCommand(isoImages, "ISO images: bootable images to insert into servers.").pipe(
  Command.withSubcommands([
    withLocationList(isoImages, byLocation((g) => g.isoImages.list(), (g, l) => g.isoImages.listByLocation(l))),
    getCommand(isoImages, (g, id) => g.isoImages.get(id)),
    deleteCommand(isoImages, (g, id, jobOptions) => g.isoImages.delete(id, jobOptions))
  ])
)

// snapshots -------------------------------------------------------------------------------------

const snapshots: Family<Snapshot.Snapshot, any> = {
  name: "snapshots",
  noun: "snapshot",
  schema: Snapshot.Snapshot,
  path: "/objects/storages",
  columns: [uuid, name, field("capacity", "CAPACITY (GB)"), field("parent_name", "STORAGE"), status]
}

const storageArg = Args.text({ name: "storage-id" }).pipe(Args.withDescription("The storage's object_uuid."))

const snapshotsCommand = familyCommand(snapshots, "Snapshots: point-in-time copies of a storage.").pipe(
  Command.withSubcommands([
    Command.make(
      "list",
      { ...connectionOptions, storage: storageArg },
      withClient((options) =>
        Effect.gen(function*() {
          const gridscale = yield* Gridscale.Gridscale
          yield* printItems(snapshots, options.json, yield* gridscale.snapshots.list(options.storage))
        })
      )
    ).pipe(Command.withDescription("List the snapshots of a storage.")),
    Command.make(
      "get",
      { ...connectionOptions, storage: storageArg, id: idArg("snapshot") },
      withClient((options) =>
        Effect.gen(function*() {
          const gridscale = yield* Gridscale.Gridscale
          yield* printItem(snapshots, options.json, yield* gridscale.snapshots.get(options.storage, options.id))
        })
      )
    ).pipe(Command.withDescription("Show one snapshot of a storage.")),
    createCommand(snapshots, {
      storage: storageArg,
      name: Options.text("name").pipe(Options.withDescription("The snapshot's name."), Options.optional),
      labels: labelsOption
    }, {
      input: Snapshot.SnapshotCreate,
      build: (o) => present({ name: orUndefined(o.name), labels: o.labels }),
      path: (o) => `/objects/storages/${o.storage}/snapshots`,
      create: (g, o, input, jobOptions) => g.snapshots.create(o.storage, input, jobOptions)
    }),
    Command.make(
      "delete",
      { ...connectionOptions, ...jobOptions, storage: storageArg, id: idArg("snapshot") },
      withClient((options) =>
        Effect.gen(function*() {
          if (options.noWait) {
            const connection = yield* GridscaleConnection.GridscaleConnection
            const path = `/objects/storages/${yield* safeId(options.storage)}/snapshots/${yield* safeId(options.id)}`
            yield* connection.request("DELETE", path)
          } else {
            const gridscale = yield* Gridscale.Gridscale
            yield* withProgress(
              `deleting snapshot ${options.id}`,
              { quiet: options.json, timeoutSeconds: orUndefined(options.timeout) },
              (jobOptions) => gridscale.snapshots.delete(options.storage, options.id, jobOptions)
            )
          }
          yield* options.json
            ? printJson({ deleted: options.id, awaited: !options.noWait })
            : Console.log(`deleted snapshot ${options.id}${options.noWait ? " (job not awaited)" : ""}`)
        })
      )
    ).pipe(Command.withDescription("Delete a snapshot of a storage."))
  ])
)

// jobs ------------------------------------------------------------------------------------------

const jobsCommand = Command.make("jobs").pipe(
  Command.withDescription("Jobs: the requests behind writes (for writes sent with --no-wait)."),
  Command.withSubcommands([
    Command.make(
      "wait",
      {
        ...connectionOptions,
        timeout: jobOptions.timeout,
        id: Args.text({ name: "request-id" }).pipe(Args.withDescription("The request_uuid a write returned."))
      },
      withClient((options) =>
        Effect.gen(function*() {
          const polling = yield* GridscalePolling.GridscalePolling
          const status = yield* withProgress(
            `job ${options.id}`,
            { quiet: options.json, timeoutSeconds: orUndefined(options.timeout) },
            (jobOptions) => polling.awaitRequest(options.id, jobOptions)
          )
          yield* options.json
            ? printJson({ request_uuid: options.id, ...status })
            : Console.log(`job ${options.id}: ${status.status}`)
        })
      )
    ).pipe(Command.withDescription("Wait until a job is done; fails with JobFailed or JobTimeout."))
  ])
)

// ---------------------------------------------------------------------------------------------

/**
 * The root command: `gridscale <family> <operation>`.
 *
 * @since 0.1.0
 */
export const command = Command.make("gridscale").pipe(
  Command.withDescription(
    "Manage gridscale resources. Credentials come from GRIDSCALE_UUID and GRIDSCALE_TOKEN (or --user-id and " +
      "--token), the API URL from GRIDSCALE_URL (or --api-url)."
  ),
  Command.withSubcommands([
    serversCommand,
    storagesCommand,
    snapshotsCommand,
    ipsCommand,
    networksCommand,
    sshKeysCommand,
    templatesCommand,
    isoImagesCommand,
    locationsCommand,
    jobsCommand
  ])
)

const cli = Command.run(command, { name: "gridscale", version })

const describe = (error: unknown): { readonly code: number; readonly message: string; readonly json: unknown } => {
  if (GridscaleError.isGridscaleError(error)) {
    // `message` is not an own field of these errors: name it, then the plain fields.
    const json = { _tag: error._tag, message: error.message, ...(error as object) }
    return { code: exitCodeOf(error), message: `${error._tag}: ${error.message}`, json }
  }
  if (ConfigError.isConfigError(error)) {
    const text = String(error)
    const hint = /GRIDSCALE_(UUID|TOKEN)/.test(text)
      ? "\nSet GRIDSCALE_UUID and GRIDSCALE_TOKEN, or pass --user-id and --token."
      : ""
    return {
      code: exitCodes.Configuration,
      message: `Configuration: ${text}${hint}`,
      json: { _tag: "ConfigError", message: text }
    }
  }
  return {
    code: exitCodes.Unexpected,
    message: `Unexpected: ${String(error)}`,
    json: { _tag: "Unexpected", message: String(error) }
  }
}

/**
 * Runs the CLI on `argv` (as `process.argv`: the first two entries are skipped) and answers the
 * exit status. Errors are printed to standard error (as JSON with `--json`), never thrown.
 *
 * @since 0.1.0
 */
export const run = (
  argv: ReadonlyArray<string>
): Effect.Effect<number, never, HttpClient.HttpClient | CliApp.CliApp.Environment> => {
  const json = argv.includes("--json")
  return cli(argv).pipe(
    Effect.as(exitCodes.Success as number),
    Effect.catchAllCause((cause) => {
      if (Cause.isInterruptedOnly(cause)) return Effect.succeed(exitCodes.Interrupted as number)
      const failure = Cause.failureOption(cause)
      if (Option.isSome(failure) && ValidationError.isValidationError(failure.value)) {
        // @effect/cli has printed the problem and the help already.
        return Effect.succeed(exitCodes.Usage as number)
      }
      const described = Option.isSome(failure)
        ? describe(failure.value)
        : {
          code: exitCodes.Unexpected,
          message: Cause.pretty(cause),
          json: { _tag: "Unexpected", message: Cause.pretty(cause) }
        }
      return (json ? Console.error(JSON.stringify({ error: described.json })) : Console.error(described.message)).pipe(
        Effect.as(described.code)
      )
    })
  )
}
