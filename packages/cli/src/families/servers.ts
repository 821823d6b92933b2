/**
 * `gridscale servers`: list, show, create, change and delete servers, power them on and off, and
 * provision a ready one in one go.
 */
import * as Command from "@effect/cli/Command"
import * as Options from "@effect/cli/Options"
import * as Gridscale from "effect-gridscale/Gridscale"
import * as GridscaleConnection from "effect-gridscale/GridscaleConnection"
import * as Server from "effect-gridscale/Server"
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import {
  connectionOptions,
  createVerb,
  deleteVerb,
  type Family,
  getVerb,
  idArg,
  integer,
  jobOptions,
  jobOptionsOf,
  labelsOption,
  listVerb,
  locationOption,
  optionalName,
  orUndefined,
  passwordOptions,
  present,
  printItem,
  repeated,
  safeId,
  text,
  updateVerb,
  type Verb,
  verb,
  withClient
} from "../commands.js"
import { family } from "../generated/families/servers.js"
import { field, printJson, withProgress } from "../output.js"
import { callDriver, verbsOf } from "./generic.js"

/** Servers as the CLI shows them. */
export const servers: Family<Server.Server> = {
  cli: "servers",
  title: "server",
  schema: Server.Server,
  path: "/objects/servers",
  columns: [
    field("object_uuid", "ID"),
    field("name"),
    field("cores"),
    field("memory", "MEMORY (GB)"),
    { title: "POWER", value: (s) => (s.power === true ? "on" : s.power === false ? "off" : undefined) },
    field("status"),
    field("location_name", "LOCATION")
  ]
}

const powerVerb = (name: "start" | "stop") =>
  verb(
    name,
    name === "start"
      ? "Power a server on and wait until it reports power on."
      : "Cut a server's power (not a clean shutdown) and wait until it reports power off.",
    (path) =>
      Command.make(
        path,
        { ...connectionOptions, ...jobOptions, id: idArg("server") },
        withClient((options) =>
          Effect.gen(function*() {
            const power = name === "start"
            if (options.noWait) {
              const connection = yield* GridscaleConnection.GridscaleConnection
              const id = yield* safeId(options.id)
              yield* connection.request("PATCH", `${servers.path}/${id}/power`, { body: { power } })
              return yield* options.json
                ? printJson({ object_uuid: options.id, power, awaited: false })
                : Console.log(`server ${options.id}: power ${power ? "on" : "off"} requested (not awaited)`)
            }
            const g = yield* Gridscale.Gridscale
            const server = yield* withProgress(
              `${power ? "starting" : "stopping"} server ${options.id}`,
              options.json,
              (onProgress) => g.servers[name](options.id, jobOptionsOf(options, onProgress))
            )
            yield* options.json
              ? printItem(servers, true, server)
              : Console.log(`server ${options.id}: power ${server.power ? "on" : "off"}`)
          })
        )
      )
  )

const shutdownVerb = verb(
  "shutdown",
  "Ask a server's operating system to shut down (ACPI) and wait until it reports power off.",
  (path) =>
    Command.make(
      path,
      { ...connectionOptions, timeout: jobOptions.timeout, id: idArg("server") },
      withClient((options) =>
        Effect.gen(function*() {
          const server = yield* withProgress(
            `shutting down server ${options.id}`,
            options.json,
            (onProgress) => callDriver("servers", "shutdown", [options.id, jobOptionsOf(options, onProgress)])
          )
          yield* options.json
            ? printItem(servers, true, server)
            : Console.log(`server ${options.id}: power ${server.power ? "on" : "off"}`)
        })
      )
    )
)

const storageType = Options.choice("storage-type", ["storage", "storage_high", "storage_insane"])

const provisionVerb = verb(
  "provision",
  "Make a ready server in one go: the server, a boot storage from a template, a public address, linked and " +
    "powered on. If a step fails, everything made so far is removed again.",
  (path) =>
    Command.make(
      path,
      {
        ...connectionOptions,
        timeout: jobOptions.timeout,
        name: text("name", "NAME").pipe(Options.withDescription("The server's name.")),
        cores: integer("cores").pipe(Options.withDescription("CPU cores. Default 1."), Options.withDefault(1)),
        memory: integer("memory").pipe(Options.withDescription("Memory in GB. Default 2."), Options.withDefault(2)),
        template: text("template", "ID").pipe(Options.withDescription("The template's object_uuid to install.")),
        storageSize: integer("storage-size").pipe(
          Options.withDescription("The boot storage's size in GB. Default 10."),
          Options.withDefault(10)
        ),
        location: text("location", "ID").pipe(Options.withDescription("The location's object_uuid.")),
        storageType: storageType.pipe(
          Options.withDescription("The boot storage's performance class. Default: storage."),
          Options.optional
        ),
        sshKeys: repeated("ssh-key", "ID", "An SSH key's object_uuid to install (or give a password)."),
        ...passwordOptions,
        noIpv4: Options.boolean("no-ipv4").pipe(Options.withDescription("Do not reserve a public IPv4 address.")),
        ipv6: Options.boolean("ipv6").pipe(Options.withDescription("Also reserve a public IPv6 address.")),
        network: text("network", "ID").pipe(
          Options.withDescription("A network's object_uuid to link. Default: the location's public network."),
          Options.optional
        ),
        noStart: Options.boolean("no-start").pipe(Options.withDescription("Leave the server powered off."))
      },
      withClient((options) =>
        Effect.gen(function*() {
          const g = yield* Gridscale.Gridscale
          const server = yield* withProgress(
            `provisioning ${options.name}`,
            options.json,
            (onProgress) =>
              g.servers.provision(
                present({
                  name: options.name,
                  cores: options.cores,
                  memory: options.memory,
                  template: options.template,
                  storageSize: options.storageSize,
                  location: options.location,
                  storageType: orUndefined(options.storageType),
                  sshKeys: options.sshKeys,
                  password: Option.getOrUndefined(Option.map(options.password, Redacted.value)),
                  passwordType: orUndefined(options.passwordType),
                  ipv4: options.noIpv4 ? false : undefined,
                  ipv6: options.ipv6 ? true : undefined,
                  network: orUndefined(options.network),
                  start: options.noStart ? false : undefined
                }),
                jobOptionsOf(options, onProgress)
              )
          )
          yield* printItem(servers, options.json, server)
        })
      )
    )
)

/** Hand-written verbs, with friendlier flags than the generated ones. */
const curated: ReadonlyArray<Verb> = [
  listVerb(servers, (g) => g.servers.list(), (g, l) => g.servers.listByLocation(l)),
  getVerb(servers, (g, id) => g.servers.get(id)),
  createVerb(servers, {
    name: text("name", "NAME").pipe(Options.withDescription("The server's name.")),
    cores: integer("cores").pipe(Options.withDescription("CPU cores. Default 1."), Options.withDefault(1)),
    memory: integer("memory").pipe(Options.withDescription("Memory in GB. Default 2."), Options.withDefault(2)),
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
    read: (g, _, id) => g.servers.get(id)
  }),
  updateVerb(servers, {
    name: optionalName,
    cores: integer("cores").pipe(Options.withDescription("CPU cores (the server must be off)."), Options.optional),
    memory: integer("memory").pipe(
      Options.withDescription("Memory in GB (the server must be off)."),
      Options.optional
    )
  }, {
    input: Server.ServerUpdate,
    build: (o) => present({ name: orUndefined(o.name), cores: orUndefined(o.cores), memory: orUndefined(o.memory) }),
    update: (g, id, patch, jobOptions) => g.servers.update(id, patch, jobOptions)
  }),
  deleteVerb(servers, (g, id, jobOptions) => g.servers.delete(id, jobOptions)),
  powerVerb("start"),
  powerVerb("stop"),
  shutdownVerb,
  provisionVerb
]

/** The verbs of `gridscale servers`: the hand-written ones, and the generated ones for the rest. */
export const verbs: ReadonlyArray<Verb> = verbsOf(family, curated, ["set-power"])
