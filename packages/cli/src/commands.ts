/**
 * The pieces every family's commands are built from: the flags all commands share, the client
 * built from them, and the shared verbs (list, get, create, update, delete, events, attach, detach).
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Options from "@effect/cli/Options"
import * as ValidationError from "@effect/cli/ValidationError"
import type * as HttpClient from "@effect/platform/HttpClient"
import * as Gridscale from "effect-gridscale/Gridscale"
import * as GridscaleConfig from "effect-gridscale/GridscaleConfig"
import * as GridscaleConnection from "effect-gridscale/GridscaleConnection"
import * as GridscaleError from "effect-gridscale/GridscaleError"
import * as GridscalePolling from "effect-gridscale/GridscalePolling"
import * as Config from "effect/Config"
import * as ConfigError from "effect/ConfigError"
import * as Console from "effect/Console"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as ParseResult from "effect/ParseResult"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import { ConfigurationProblem } from "./errors.js"
import { type Column, printJson, printList, renderFields, withProgress } from "./output.js"
import type { Streams } from "./streams.js"

// ---------------------------------------------------------------------------------------------
// Words

/** `a server`, `an IP address`, `an SSH key`: the article a noun takes when read aloud. */
export const withArticle = (noun: string): string => {
  const first = noun.split(" ")[0] ?? noun
  // An acronym is read letter by letter: "an SSH key", "an FTP", but "a PaaS service".
  const acronym = first.length > 1 && first === first.toUpperCase()
  const vowelSound = acronym ? /^[AEFHILMNORSX]/.test(first) : /^[aeiou]/i.test(first)
  return `${vowelSound ? "an" : "a"} ${noun}`
}

/** `servers`, `IP addresses`: the plural of a family's noun. */
export const plural = (noun: string): string => /(s|sh|ch|x)$/.test(noun) ? `${noun}es` : `${noun}s`

// ---------------------------------------------------------------------------------------------
// Flags

/** An integer flag whose error reads `--cores: 'two' is not an integer`. */
export const integer = (name: string) =>
  Options.text(name).pipe(
    Options.withPseudoName("N"),
    Options.mapEffect((text) =>
      /^-?\d+$/.test(text.trim())
        ? Effect.succeed(Number(text.trim()))
        : Effect.fail(ValidationError.invalidValue(HelpDoc.p(`--${name}: '${text}' is not an integer`)))
    )
  )

/** A text flag with a placeholder. */
export const text = (name: string, placeholder = "TEXT") => Options.text(name).pipe(Options.withPseudoName(placeholder))

/** A flag that may be given any number of times, shown as optional. */
export const repeated = (name: string, placeholder: string, description: string) =>
  Options.text(name).pipe(
    Options.withPseudoName(placeholder),
    Options.withDescription(`${description} Repeat for more.`),
    Options.repeated,
    // Zero times is fine; the default only makes the usage line show it as optional.
    Options.withDefault([] as Array<string>)
  )

/** Flags every command takes: the output format and where the API is. */
export const connectionOptions = {
  json: Options.boolean("json").pipe(
    Options.withDescription("Print JSON (objects as the API shows them) instead of text.")
  ),
  userId: text("user-id", "UUID").pipe(
    Options.withDescription("The user UUID. Default: GRIDSCALE_UUID."),
    Options.optional
  ),
  token: Options.redacted("token").pipe(
    Options.withPseudoName("TOKEN"),
    Options.withDescription("The API token. Default: GRIDSCALE_TOKEN (prefer it: a flag shows in the process list)."),
    Options.optional
  ),
  apiUrl: text("api-url", "URL").pipe(
    Options.withDescription("The API URL. Default: GRIDSCALE_URL, else https://api.gridscale.io."),
    Options.optional
  ),
  allowInsecureHttp: Options.boolean("allow-insecure-http").pipe(
    Options.withDescription(
      "Allow a plain http:// API URL to a host other than loopback (the token then travels unencrypted)."
    )
  )
}

/** Flags of commands that print lists. */
export const listOptions = {
  quiet: Options.boolean("quiet").pipe(
    Options.withAlias("q"),
    Options.withDescription("Print only the ids, one a line.")
  ),
  noHeader: Options.boolean("no-header").pipe(Options.withDescription("Leave out the table's heading line."))
}

/** Flags of commands that start a job. */
export const jobOptions = {
  // A flag present means true, so the default (wait) is the absence of --no-wait.
  noWait: Options.boolean("no-wait", { negationNames: ["wait"] }).pipe(
    Options.withDescription(
      "Return once the API accepted the write, without waiting for its job (default: wait, with a progress " +
        "line on a terminal)."
    )
  ),
  timeout: integer("timeout").pipe(
    Options.withPseudoName("SECONDS"),
    Options.withDescription("How long to wait for the job before failing with JobTimeout. Default 300."),
    Options.optional
  )
}

/** The flags of `--location`. */
export const locationOption = text("location", "ID").pipe(
  Options.withDescription("The location's object_uuid (see `gridscale locations list`)."),
  Options.optional
)

/** `--label`, on every create. */
export const labelsOption = repeated("label", "LABEL", "A label.")

/**
 * `--password` or `--password-file`, for storages made from a template: the root (or admin)
 * password. Redacted: never printed. The file form keeps it out of the process list.
 */
export const passwordOptions = {
  password: Options.redacted("password").pipe(
    Options.withPseudoName("PASSWORD"),
    Options.withDescription("The template's root password (prefer --password-file: a flag shows in the process list)."),
    Options.orElse(
      Options.fileText("password-file").pipe(
        Options.withDescription("A file holding the template's root password."),
        Options.map(([, content]) => Redacted.make(content.replace(/\r?\n$/, "")))
      )
    ),
    Options.optional
  ),
  passwordType: Options.choice("password-type", ["plain", "crypt"]).pipe(
    Options.withDescription("How the password is given: as it is (plain, the default) or hashed (crypt)."),
    Options.optional
  )
}

/** An object's id as an argument. */
export const idArg = (noun: string, name = "id") => Args.text({ name }).pipe(Args.withDescription(`The ${noun}'s id.`))

// ---------------------------------------------------------------------------------------------
// The client

/** The parsed values of `connectionOptions`. */
export interface ConnectionOptions {
  readonly json: boolean
  readonly userId: Option.Option<string>
  readonly token: Option.Option<Redacted.Redacted<string>>
  readonly apiUrl: Option.Option<string>
  readonly allowInsecureHttp: boolean
}

const sources = {
  userId: { env: "GRIDSCALE_UUID", flag: "--user-id" },
  token: { env: "GRIDSCALE_TOKEN", flag: "--token" },
  apiUrl: { env: "GRIDSCALE_URL", flag: "--api-url" }
} as const

/** Says which variable or flag a configuration error is about, and what the CLI offers to fix it. */
const configurationProblem = (options: ConnectionOptions) => (error: ConfigError.ConfigError): ConfigurationProblem => {
  if (ConfigError.isMissingData(error)) {
    const name = error.path.join(".")
    return new ConfigurationProblem({
      message: `${name} is not set. Set GRIDSCALE_UUID and GRIDSCALE_TOKEN (and GRIDSCALE_URL for another API), ` +
        "or pass --user-id and --token."
    })
  }
  if (ConfigError.isInvalidData(error)) {
    const key = error.path[0] as keyof typeof sources | undefined
    const source = key !== undefined && key in sources ? sources[key] : undefined
    const flagGiven = key === "userId"
      ? Option.isSome(options.userId)
      : key === "token"
      ? Option.isSome(options.token)
      : Option.isSome(options.apiUrl)
    const given = source === undefined ? error.path.join(".") : flagGiven ? source.flag : source.env
    const message = error.message.replace(/,? or set allowInsecureHttp$/, ", or pass --allow-insecure-http")
    return new ConfigurationProblem({ message: `${given}: ${message}` })
  }
  return new ConfigurationProblem({ message: String(error) })
}

/** The configuration from the flags, falling back on GRIDSCALE_UUID, GRIDSCALE_TOKEN, GRIDSCALE_URL. */
export const configOf = (options: ConnectionOptions) =>
  Effect.gen(function*() {
    const userId = Option.isSome(options.userId) ? options.userId.value : yield* Config.string("GRIDSCALE_UUID")
    const token = Option.isSome(options.token) ? options.token.value : yield* Config.redacted("GRIDSCALE_TOKEN")
    const apiUrl = Option.isSome(options.apiUrl)
      ? options.apiUrl
      : yield* Config.option(Config.string("GRIDSCALE_URL"))
    return yield* GridscaleConfig.make({
      userId,
      token,
      allowInsecureHttp: options.allowInsecureHttp,
      ...Option.match(apiUrl, { onNone: () => ({}), onSome: (apiUrl) => ({ apiUrl }) })
    })
  }).pipe(Effect.mapError(configurationProblem(options)))

/** What a command handler runs with. */
export type Client =
  | Gridscale.Gridscale
  | GridscaleConnection.GridscaleConnection
  | GridscalePolling.GridscalePolling
  | GridscaleConfig.GridscaleConfig
  | Streams

/** Names the API's host in an error that had no reply, so a refused connection says where to. */
const withHost = <E>(error: E): Effect.Effect<E, never, GridscaleConfig.GridscaleConfig> =>
  Effect.map(GridscaleConfig.GridscaleConfig, (config) => {
    if (!(error instanceof GridscaleError.TransportError)) return error
    const host = new URL(config.apiUrl).host
    if (error.message.includes(host)) return error
    return new GridscaleError.TransportError({ ...error, message: `${error.message} (API at ${host})` }) as E
  })

/**
 * The services of a command's client, built from the flags: what `Gridscale.layer` provides, made
 * by the constructor the layer is made of, in one effect: a graph of layers (a scope, a memo map
 * and fibers for each) cost every start about 25 ms, as code that runs once and so runs cold.
 */
export const clientOf = (options: ConnectionOptions) =>
  Effect.gen(function*() {
    const config = yield* configOf(options)
    const client = yield* Effect.provideService(Gridscale.makeContext, GridscaleConfig.GridscaleConfig, config)
    return Context.add(client, GridscaleConfig.GridscaleConfig, config)
  })

/** A command handler that runs with the client built from its flags. */
export const withClient = <O extends ConnectionOptions, E>(
  f: (options: O) => Effect.Effect<void, E, Client>
) =>
(options: O): Effect.Effect<void, E | ConfigurationProblem, HttpClient.HttpClient | Streams> =>
  Effect.scoped(
    Effect.flatMap(clientOf(options), (client) =>
      f(options).pipe(
        Effect.catchAll((error: E) => Effect.flatMap(withHost(error), Effect.fail)),
        Effect.provide(client)
      ))
  )

/** Leaves out the fields that were not given. */
export const present = <A extends Record<string, unknown>>(input: A): { [K in keyof A]: Exclude<A[K], undefined> } =>
  Object.fromEntries(
    Object.entries(input).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0))
  ) as any

/** The value of an optional flag, or undefined. */
export const orUndefined = <A>(option: Option.Option<A>): A | undefined => Option.getOrUndefined(option)

/** Checks input against the family's schema before anything is sent, as the driver does. */
export const checked = <A, I>(schema: Schema.Schema<A, I, never>, input: unknown, name = "input") =>
  Schema.decodeUnknown(schema)(input).pipe(
    Effect.mapError((error) => {
      const issues = ParseResult.ArrayFormatter.formatErrorSync(error)
      const first = issues[0]
      const fieldName = first && first.path.length > 0 ? `${name}.${first.path.join(".")}` : name
      return new GridscaleError.InvalidInput({
        field: fieldName,
        message: issues.map((i) => `${i.path.length > 0 ? i.path.join(".") : name}: ${i.message}`).join("; ")
      })
    })
  )

/** An id the CLI puts into a path itself: the driver's rule (letters, digits, `-`, 1 to 64). */
export const safeId = (id: string, field = "id") =>
  /^[A-Za-z0-9-]{1,64}$/.test(id)
    ? Effect.succeed(id)
    : Effect.fail(new GridscaleError.InvalidInput({ field, message: `${field}: not an id: ${JSON.stringify(id)}` }))

// ---------------------------------------------------------------------------------------------
// Families and their shared verbs

/** What the CLI knows of one family: its words, its table, and how to turn objects back into JSON. */
export interface Family<A> {
  /** The command: `servers`. */
  readonly cli: string
  /** One of them, in messages: `server`, `IP address`. */
  readonly title: string
  /** The object's schema, to print decoded objects as the API shows them. */
  readonly schema: Schema.Schema<A, any, never>
  /** The table `list` prints. */
  readonly columns: ReadonlyArray<Column>
  /** The collection path, for the writes the CLI sends itself. */
  readonly path: string
  /** The field holding an object's id (`object_uuid`). */
  readonly idField?: string
}

/** Turns decoded objects back into their JSON form (timestamps as ISO strings), by their schema. */
const encoder = <A>(family: Family<A>) => {
  const encode = Schema.encodeSync(family.schema)
  return (a: A): Record<string, unknown> => encode(a) as Record<string, unknown>
}

/** Prints one object: JSON, or its fields one per line. */
export const printItem = <A>(family: Family<A>, json: boolean, item: A) => {
  const encoded = encoder(family)(item)
  return json ? printJson(encoded) : Console.log(renderFields(encoded))
}

/** Prints a list in the format the flags ask for. */
export const printItems = <A>(
  family: Family<A>,
  options: ConnectionOptions & { readonly quiet: boolean; readonly noHeader: boolean },
  items: ReadonlyArray<A>
) => {
  const idField = family.idField ?? "object_uuid"
  return printList(
    { json: options.json, quiet: options.quiet, noHeader: options.noHeader },
    items.map(encoder(family)),
    { columns: family.columns, idOf: (item) => item[idField] },
    plural(family.title)
  )
}

type Failure = GridscaleError.GridscaleError

/**
 * One verb of a family: its name, a one-line summary for the family's help, and its command,
 * built only when it runs (`path` is what the usage line shows: `gridscale servers create`).
 */
export interface Verb {
  readonly name: string
  readonly summary: string
  readonly make: (path: string) => Command.Command<any, any, any, any>
}

/** A verb from its name, summary and command. */
export const verb = (
  name: string,
  summary: string,
  make: (path: string) => Command.Command<any, any, any, any>
): Verb => ({ name, summary, make: (path) => make(path).pipe(Command.withDescription(summary)) })

/** Job options from the parsed flags and a progress callback. */
export const jobOptionsOf = (
  options: { readonly timeout: Option.Option<number> },
  onProgress: (p: GridscalePolling.Progress) => Effect.Effect<void>
): Gridscale.JobOptions => ({
  onProgress,
  ...(Option.isSome(options.timeout) ? { timeout: options.timeout.value * 1000 } : {})
})

/** `list`, with `--location` where the family can be listed by location. */
export const listVerb = <A>(
  family: Family<A>,
  list: (g: Gridscale.Service) => Effect.Effect<ReadonlyArray<A>, Failure>,
  byLocation?: (g: Gridscale.Service, location: string) => Effect.Effect<ReadonlyArray<A>, Failure>
): Verb =>
  byLocation === undefined
    ? verb("list", `List the ${plural(family.title)}.`, (path) =>
      Command.make(
        path,
        { ...connectionOptions, ...listOptions },
        withClient((options) =>
          Effect.flatMap(Gridscale.Gridscale, list).pipe(Effect.flatMap((items) => printItems(family, options, items)))
        )
      ))
    : verb("list", `List the ${plural(family.title)} (of one location with --location).`, (path) =>
      Command.make(
        path,
        { ...connectionOptions, ...listOptions, location: locationOption },
        withClient((options) =>
          Effect.flatMap(
            Gridscale.Gridscale,
            (g) => Option.isSome(options.location) ? byLocation(g, options.location.value) : list(g)
          ).pipe(Effect.flatMap((items) => printItems(family, options, items)))
        )
      ))

/** `get <id>`. */
export const getVerb = <A>(family: Family<A>, get: (g: Gridscale.Service, id: string) => Effect.Effect<A, Failure>) =>
  verb("get", `Show ${withArticle(family.title)}.`, (path) =>
    Command.make(
      path,
      { ...connectionOptions, id: idArg(family.title) },
      withClient((options) =>
        Effect.flatMap(Gridscale.Gridscale, (g) => get(g, options.id)).pipe(
          Effect.flatMap((item) => printItem(family, options.json, item))
        )
      )
    ))

const eventColumns: ReadonlyArray<Column> = [
  { title: "TIME", value: (e) => e.timestamp },
  { title: "CHANGE", value: (e) => e.change },
  { title: "TYPE", value: (e) => e.type },
  { title: "USER", value: (e) => e.initiator },
  { title: "REQUEST", value: (e) => e.request_uuid }
]

/** `events <id>`: the object's event log. */
export const eventsVerb = <A>(
  family: Family<A>,
  events: (g: Gridscale.Service, id: string) => Effect.Effect<ReadonlyArray<Gridscale.Event>, Failure>
) =>
  verb("events", `Show the event log of ${withArticle(family.title)}.`, (path) =>
    Command.make(
      path,
      { ...connectionOptions, ...listOptions, id: idArg(family.title) },
      withClient((options) =>
        Effect.flatMap(Gridscale.Gridscale, (g) => events(g, options.id)).pipe(
          Effect.flatMap((items) =>
            printList(
              options,
              items.map((e) => Schema.encodeSync(Gridscale.Event)(e) as Record<string, unknown>),
              { columns: eventColumns, idOf: (e) => e.request_uuid },
              "events"
            )
          )
        )
      )
    ))

const Accepted = Schema.Struct({ object_uuid: Schema.String, request_uuid: Schema.String })

/**
 * Sends a write the API answers with `{ object_uuid, request_uuid }` and, unless `--no-wait`,
 * waits for its job and prints the object as `read` then finds it. The CLI sends it itself (not
 * through the driver's `create`) so that Ctrl-C while waiting can say the write was accepted and
 * under which id; the caller checks the input first, as the driver does.
 */
export const acceptedWrite = <A>(
  family: { readonly cli: string; readonly title: string },
  options: ConnectionOptions & { readonly noWait: boolean; readonly timeout: Option.Option<number> },
  spec: {
    /** `create`, `attach`: what the messages call the write. */
    readonly verb: string
    /** `creating`, `attaching`. */
    readonly doing: string
    readonly path: string
    readonly body: unknown
    readonly read: (g: Gridscale.Service, objectId: string) => Effect.Effect<A, Failure>
    /** Prints the object once its job is done. */
    readonly print: (item: A) => Effect.Effect<void>
  }
): Effect.Effect<void, Failure, Client> =>
  Effect.gen(function*() {
    const connection = yield* GridscaleConnection.GridscaleConnection
    const reply = yield* connection.request("POST", spec.path, { body: spec.body, schema: Accepted }).pipe(
      Effect.onInterrupt(() =>
        Console.error(
          `interrupted before the API answered: the ${spec.verb} may still be carried out ` +
            `(see gridscale ${family.cli} list)`
        )
      )
    )
    if (options.noWait) {
      return yield* options.json
        ? printJson({ object_uuid: reply.object_uuid, request_uuid: reply.request_uuid })
        : Console.log(
          `${family.title} ${reply.object_uuid} accepted; job ${reply.request_uuid} not awaited ` +
            `(gridscale jobs wait ${reply.request_uuid})`
        )
    }
    const polling = yield* GridscalePolling.GridscalePolling
    yield* withProgress(
      `${spec.doing} ${family.title}`,
      options.json,
      (onProgress) => polling.awaitRequest(reply.request_uuid, jobOptionsOf(options, onProgress))
    ).pipe(
      // The object exists although its job failed: say which, so it can be looked at or deleted.
      Effect.catchTag("JobFailed", (e) =>
        Effect.fail(
          new GridscaleError.JobFailed({
            ...e,
            message: `${e.message} (${family.title} ${reply.object_uuid} was made and may need deleting)`
          })
        )),
      Effect.onInterrupt(() =>
        options.json
          ? Console.error(JSON.stringify({
            interrupted: { accepted: spec.verb, object_uuid: reply.object_uuid, request_uuid: reply.request_uuid }
          }))
          : Console.error(
            `interrupted: the ${spec.verb} was accepted (${family.title} ${reply.object_uuid}, job ` +
              `${reply.request_uuid}) and goes on; gridscale jobs wait ${reply.request_uuid} waits for it.`
          )
      )
    )
    const g = yield* Gridscale.Gridscale
    yield* spec.print(yield* spec.read(g, reply.object_uuid))
  })

/** `create`: flags turned into the family's create input, checked, sent, awaited, printed. */
export const createVerb = <A, C, CI, Config extends Command.Command.Config>(
  family: Family<A>,
  config: Config,
  spec: {
    readonly input: Schema.Schema<C, CI, never>
    readonly build: (options: Command.Command.ParseConfig<Config>) => unknown
    /** The collection path, for a family under a parent. */
    readonly path?: (options: Command.Command.ParseConfig<Config>) => Effect.Effect<string, Failure>
    readonly read: (
      g: Gridscale.Service,
      options: Command.Command.ParseConfig<Config>,
      objectId: string
    ) => Effect.Effect<A, Failure>
  }
) =>
  verb("create", `Create ${withArticle(family.title)}.`, (path) =>
    Command.make(
      path,
      { ...connectionOptions, ...jobOptions, ...config },
      withClient((options: any) =>
        Effect.gen(function*() {
          const input = yield* checked(spec.input, spec.build(options))
          const body = Schema.encodeSync(spec.input)(input)
          yield* acceptedWrite(family, options, {
            verb: "create",
            doing: "creating",
            path: spec.path ? yield* spec.path(options) : family.path,
            body,
            read: (g, id) => spec.read(g, options, id),
            print: (item) => printItem(family, options.json, item)
          })
        })
      )
    ))

/** `delete <id>`: through the driver when waiting, else one DELETE. */
export const deleteVerb = <A>(
  family: Family<A>,
  remove: (g: Gridscale.Service, id: string, jobOptions: Gridscale.JobOptions) => Effect.Effect<void, Failure>
) =>
  verb("delete", `Delete ${withArticle(family.title)}.`, (path) =>
    Command.make(
      path,
      { ...connectionOptions, ...jobOptions, id: idArg(family.title) },
      withClient((options) =>
        Effect.gen(function*() {
          if (options.noWait) {
            const connection = yield* GridscaleConnection.GridscaleConnection
            yield* connection.request("DELETE", `${family.path}/${yield* safeId(options.id)}`)
          } else {
            const g = yield* Gridscale.Gridscale
            yield* withProgress(
              `deleting ${family.title} ${options.id}`,
              options.json,
              (onProgress) => remove(g, options.id, jobOptionsOf(options, onProgress))
            )
          }
          yield* options.json
            ? printJson({ deleted: options.id, awaited: !options.noWait })
            : Console.log(`deleted ${family.title} ${options.id}${options.noWait ? " (job not awaited)" : ""}`)
        })
      )
    ))

/** `update <id>`: only the fields given change; the driver waits for the job; the object is printed. */
export const updateVerb = <A, U, UI, Config extends Command.Command.Config>(
  family: Family<A>,
  config: Config,
  spec: {
    readonly input: Schema.Schema<U, UI, never>
    readonly build: (options: Command.Command.ParseConfig<Config>) => Record<string, unknown>
    readonly update: (
      g: Gridscale.Service,
      id: string,
      patch: U,
      jobOptions: Gridscale.JobOptions
    ) => Effect.Effect<A, Failure>
  }
) =>
  verb("update", `Change ${withArticle(family.title)}; only the fields given change.`, (path) =>
    Command.make(
      path,
      { ...connectionOptions, timeout: jobOptions.timeout, id: idArg(family.title), ...config },
      withClient((options: any) =>
        Effect.gen(function*() {
          const fields = spec.build(options)
          if (Object.keys(fields).length === 0) {
            return yield* new GridscaleError.InvalidInput({ field: "patch", message: "nothing to change: give a flag" })
          }
          const patch = yield* checked(spec.input, fields, "patch")
          const g = yield* Gridscale.Gridscale
          const item = yield* withProgress(
            `updating ${family.title} ${options.id}`,
            options.json,
            (onProgress) => spec.update(g, options.id, patch, jobOptionsOf(options, onProgress))
          )
          yield* printItem(family, options.json, item)
        })
      )
    ))

/** The `--name` flag of updates. */
export const optionalName = text("name", "NAME").pipe(Options.withDescription("The new name."), Options.optional)
