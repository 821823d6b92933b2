/**
 * A family's verbs built from its generated description (`../generated/families/`): the shared
 * ones (list, get, create, update, delete, events, attach, detach) call the driver's methods of
 * the same name, the family's own (metrics, clone, rollback, ...) send the operation the
 * description names. Request bodies come from flags for their plain fields and `--data` (JSON)
 * for the rest.
 */
import * as Args from "@effect/cli/Args"
import * as Command from "@effect/cli/Command"
import * as HelpDoc from "@effect/cli/HelpDoc"
import * as Options from "@effect/cli/Options"
import * as ValidationError from "@effect/cli/ValidationError"
import * as Gridscale from "effect-gridscale/Gridscale"
import * as GridscaleConnection from "effect-gridscale/GridscaleConnection"
import * as GridscaleError from "effect-gridscale/GridscaleError"
import * as Console from "effect/Console"
import * as DateTime from "effect/DateTime"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import {
  acceptedWrite,
  connectionOptions,
  integer,
  jobOptions,
  jobOptionsOf,
  listOptions,
  locationOption,
  repeated,
  safeId,
  text,
  type Verb,
  verb,
  withClient
} from "../commands.js"
import type { Field, GeneratedFamily, GeneratedVerb } from "../generated/families.js"
import { type Column, printJson, printList, renderFields, withProgress } from "../output.js"

/** A decoded value in its JSON form: timestamps back to ISO strings, the rest as it came. */
export const toJson = (value: unknown): any => {
  if (DateTime.isDateTime(value)) return DateTime.formatIso(value)
  if (Array.isArray(value)) return value.map(toJson)
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toJson(v)]))
  }
  return value
}

/** Flags every command has already; a body field of the same name is given with `--data`. */
const reserved = new Set([
  "json",
  "user-id",
  "token",
  "api-url",
  "allow-insecure-http",
  "no-wait",
  "wait",
  "timeout",
  "quiet",
  "q",
  "no-header",
  "data",
  "location",
  "help",
  "version"
])

const fieldOption = (field: Field) => {
  const description = `The ${field.property} field${field.required ? " (required)" : ""}.`
  switch (field.type) {
    case "strings":
      return repeated(field.flag, "VALUE", description)
    case "integer":
      return integer(field.flag).pipe(Options.withDescription(description), Options.optional)
    case "number":
      return Options.float(field.flag).pipe(Options.withDescription(description), Options.optional)
    case "boolean":
      return Options.choice(field.flag, ["true", "false"]).pipe(
        Options.withDescription(description),
        Options.map((value) => value === "true"),
        Options.optional
      )
    case "choice":
      return Options.choice(field.flag, field.choices ?? []).pipe(
        Options.withDescription(description),
        Options.optional
      )
    default:
      return text(field.flag).pipe(Options.withDescription(description), Options.optional)
  }
}

const dataOption = Options.text("data").pipe(
  Options.withPseudoName("JSON"),
  Options.withDescription("The request body as a JSON object; the flags of its fields take precedence."),
  Options.mapEffect((json) => {
    try {
      const value = JSON.parse(json)
      if (value !== null && typeof value === "object" && !Array.isArray(value)) return Effect.succeed(value)
    } catch {
      // said below
    }
    return Effect.fail(ValidationError.invalidValue(HelpDoc.p("--data: not a JSON object")))
  }),
  Options.optional
)

/** The flags of a verb's body: one per plain field, and `--data`. */
const bodyOptions = (verb: GeneratedVerb) => {
  const fields = verb.fields.filter((f) => !reserved.has(f.flag))
  const options: Record<string, Options.Options<any>> = { data: dataOption }
  for (const field of fields) options[`field:${field.property}`] = fieldOption(field)
  return options
}

/** The body from `--data` and the field flags given. */
const bodyOf = (options: Record<string, any>): Record<string, unknown> => {
  const body: Record<string, unknown> = Option.isOption(options.data) && Option.isSome(options.data)
    ? { ...(options.data.value as Record<string, unknown>) }
    : {}
  for (const [key, value] of Object.entries(options)) {
    if (!key.startsWith("field:")) continue
    const property = key.slice("field:".length)
    if (Option.isOption(value)) {
      if (Option.isSome(value)) body[property] = value.value
    } else if (Array.isArray(value) && value.length > 0) {
      body[property] = value
    }
  }
  return body
}

/** The driver's method `method` of the family `key`: `gridscale.loadBalancers.list`. */
const driverMethod = (g: Gridscale.Service, key: string, method: string) => {
  const found = [...key.split("."), ...method.split(".")].reduce<any>((at, k) => at?.[k], g)
  return typeof found === "function"
    ? Effect.succeed(found as (...args: ReadonlyArray<unknown>) => Effect.Effect<any, GridscaleError.GridscaleError>)
    : Effect.dieMessage(`the driver has no ${key}.${method}`)
}

/** Calls the driver's method `method` of the family `key` with `args`. */
export const callDriver = (key: string, method: string, args: ReadonlyArray<unknown>) =>
  Effect.flatMap(Gridscale.Gridscale, (g) => Effect.flatMap(driverMethod(g, key, method), (f) => f(...args)))

const kebab = (text: string) => text.replace(/ /g, "-").toLowerCase()

/** Fills an operation's path with the ids given, each checked as the driver checks ids. */
const fillPath = (verb: GeneratedVerb, ids: ReadonlyArray<string>) =>
  Effect.reduce(verb.pathParams, verb.path, (path, param, i) => {
    const value = ids[i] ?? ""
    const filled = param === "label" ? Effect.succeed(encodeURIComponent(value)) : safeId(value, param)
    return Effect.map(filled, (id) => path.replace(`{${param}}`, id))
  })

const eventColumns: ReadonlyArray<Column> = [
  { title: "TIME", value: (e) => e.timestamp },
  { title: "CHANGE", value: (e) => e.change },
  { title: "TYPE", value: (e) => e.type },
  { title: "USER", value: (e) => e.initiator },
  { title: "REQUEST", value: (e) => e.request_uuid }
]

/** Prints whatever a verb answered: an object as fields, a list as JSON lines, nothing as a note. */
const printAnswer = (json: boolean, value: unknown, done: string) => {
  if (value === undefined || value === null) return json ? printJson({ done: true }) : Console.log(done)
  const encoded = toJson(value)
  if (json) return printJson(encoded)
  return typeof encoded === "object" && !Array.isArray(encoded)
    ? Console.log(renderFields(encoded))
    : printJson(encoded)
}

/** The verb `verb` of `family`, built from its description. */
export const makeVerb = (family: GeneratedFamily, v: GeneratedVerb): Verb => {
  const parentArg = family.parent === undefined
    ? undefined
    : Args.text({ name: `${kebab(family.parent.title)}-id` }).pipe(
      Args.withDescription(`The ${family.parent.title}'s id.`)
    )
  // Under a server, name the object: `<server-id> <storage-id>` reads better than `<server-id> <id>`.
  const ownName = family.idParam === "label"
    ? "label"
    : family.parent?.title === "server"
    ? `${kebab(family.title)}-id`
    : "id"
  const ownArg = Args.text({ name: ownName }).pipe(
    Args.withDescription(family.idParam === "label" ? "The label." : `The ${family.title}'s id.`)
  )
  const takesOwnId = family.idParam !== undefined && v.pathParams.includes(family.idParam)
  const args = {
    ...(parentArg ? { parent: parentArg } : {}),
    ...(takesOwnId || v.method === "attach" ? { id: ownArg } : {})
  }
  const idsOf = (o: { readonly parent?: string; readonly id?: string }) =>
    [o.parent, takesOwnId ? o.id : undefined].filter((s): s is string => s !== undefined)
  const list = (o: any, items: ReadonlyArray<unknown>, columns: ReadonlyArray<Column>, idField: string) =>
    printList(o, items.map(toJson), { columns, idOf: (item) => item[idField] }, family.titles)
  const familyColumns: ReadonlyArray<Column> = family.columns.map(([field, title]) => ({
    title,
    value: (item) => item[field]
  }))

  switch (v.method) {
    case "list":
      return verb(v.name, v.summary, (path) =>
        Command.make(
          path,
          { ...connectionOptions, ...listOptions, ...args, ...(family.byLocation ? { location: locationOption } : {}) },
          withClient((o: any) =>
            Effect.gen(function*() {
              const items = family.byLocation && Option.isSome(o.location)
                ? yield* callDriver(family.key, "listByLocation", [o.location.value])
                : yield* callDriver(family.key, "list", idsOf(o))
              yield* list(o, items, familyColumns, family.idField)
            })
          )
        ))
    case "events":
      return verb(v.name, v.summary, (path) =>
        Command.make(
          path,
          { ...connectionOptions, ...listOptions, ...args },
          withClient((o: any) =>
            Effect.flatMap(callDriver(family.key, "events", idsOf(o)), (items) =>
              list(o, items, eventColumns, "request_uuid"))
          )
        ))
    case "get":
      return verb(v.name, v.summary, (path) =>
        Command.make(
          path,
          { ...connectionOptions, ...args },
          withClient((o: any) =>
            Effect.flatMap(callDriver(family.key, "get", idsOf(o)), (item) => printAnswer(o.json, item, ""))
          )
        ))
    case "create": {
      // Objects read back by id: the CLI sends the create itself, to say what was accepted on Ctrl-C.
      const rereads = family.idField === "object_uuid" && family.verbs.some((x) => x.method === "get")
      return verb(v.name, v.summary, (path) =>
        Command.make(
          path,
          { ...connectionOptions, ...jobOptions, ...args, ...bodyOptions(v) },
          withClient((o: any) =>
            Effect.gen(function*() {
              const body = bodyOf(o)
              const parents = idsOf(o)
              if (rereads) {
                return yield* acceptedWrite(family, o, {
                  verb: "create",
                  doing: "creating",
                  path: yield* fillPath(v, parents),
                  body,
                  read: (g, id) => Effect.flatMap(driverMethod(g, family.key, "get"), (get) => get(...parents, id)),
                  print: (item) => printAnswer(o.json, item, "")
                })
              }
              if (o.noWait) {
                const connection = yield* GridscaleConnection.GridscaleConnection
                const reply = yield* connection.request("POST", yield* fillPath(v, parents), { body })
                return yield* printAnswer(o.json, reply, `${family.title} accepted (job not awaited)`)
              }
              const created = yield* withProgress(
                `creating ${family.title}`,
                o.json,
                (onProgress) => callDriver(family.key, "create", [...parents, body, jobOptionsOf(o, onProgress)])
              )
              yield* printAnswer(o.json, created, `created ${family.title}`)
            })
          )
        ))
    }
    case "update":
      return verb(v.name, v.summary, (path) =>
        Command.make(
          path,
          { ...connectionOptions, timeout: jobOptions.timeout, ...args, ...bodyOptions(v) },
          withClient((o: any) =>
            Effect.gen(function*() {
              const patch = bodyOf(o)
              if (Object.keys(patch).length === 0) {
                return yield* new GridscaleError.InvalidInput({
                  field: "patch",
                  message: "nothing to change: give a flag or --data"
                })
              }
              const updated = yield* withProgress(
                `updating ${family.title} ${o.id}`,
                o.json,
                (onProgress) => callDriver(family.key, "update", [...idsOf(o), patch, jobOptionsOf(o, onProgress)])
              )
              yield* printAnswer(o.json, updated, `updated ${family.title} ${o.id}`)
            })
          )
        ))
    case "delete":
    case "detach":
      return verb(v.name, v.summary, (path) =>
        Command.make(
          path,
          { ...connectionOptions, ...jobOptions, ...args },
          withClient((o: any) =>
            Effect.gen(function*() {
              if (o.noWait) {
                const connection = yield* GridscaleConnection.GridscaleConnection
                yield* connection.request("DELETE", yield* fillPath(v, idsOf(o)))
              } else {
                yield* withProgress(
                  `${v.method === "delete" ? "deleting" : "detaching"} ${family.title} ${o.id}`,
                  o.json,
                  (onProgress) => callDriver(family.key, v.method, [...idsOf(o), jobOptionsOf(o, onProgress)])
                )
              }
              const done = v.method === "delete" ? "deleted" : "detached"
              yield* o.json
                ? printJson({ [done]: o.id, awaited: !o.noWait })
                : Console.log(`${done} ${family.title} ${o.id}${o.noWait ? " (job not awaited)" : ""}`)
            })
          )
        ))
    case "attach":
      return verb(v.name, v.summary, (path) =>
        Command.make(
          path,
          { ...connectionOptions, timeout: jobOptions.timeout, ...args, ...bodyOptions(v) },
          withClient((o: any) =>
            Effect.gen(function*() {
              const settings = bodyOf(o)
              yield* withProgress(
                `attaching ${family.title} ${o.id}`,
                o.json,
                (onProgress) =>
                  callDriver(family.key, "attach", [o.parent, o.id, settings, jobOptionsOf(o, onProgress)])
              )
              yield* o.json
                ? printJson({ attached: o.id, server: o.parent })
                : Console.log(`attached ${family.title} ${o.id} to server ${o.parent}`)
            })
          )
        ))
    default:
      // The family's own operations: reads print what the API answered; writes wait for their job.
      return verb(v.name, v.summary, (path) =>
        Command.make(
          path,
          v.http === "GET"
            ? { ...connectionOptions, ...args }
            : { ...connectionOptions, timeout: jobOptions.timeout, ...args, ...(v.body ? bodyOptions(v) : {}) },
          withClient((o: any) =>
            Effect.gen(function*() {
              const connection = yield* GridscaleConnection.GridscaleConnection
              const target = yield* fillPath(v, idsOf(o))
              if (v.http === "GET") {
                return yield* printAnswer(o.json, yield* connection.request("GET", target), "")
              }
              const body = v.body ? bodyOf(o) : undefined
              const reply = yield* withProgress(
                `${v.name} ${family.title} ${o.id ?? ""}`.trimEnd(),
                o.json,
                (onProgress) =>
                  connection.asyncRequest(v.http, target, {
                    ...(body !== undefined ? { body } : {}),
                    polling: jobOptionsOf(o, onProgress)
                  })
              )
              yield* printAnswer(o.json, reply, `${v.name}: done`)
            })
          )
        ))
  }
}

/**
 * A family's verbs: the generated ones, with `curated` ones (hand-written, with friendlier flags)
 * in place of those of the same name, and `leaveOut` (covered by curated verbs) dropped.
 */
export const verbsOf = (
  family: GeneratedFamily,
  curated: ReadonlyArray<Verb> = [],
  leaveOut: ReadonlyArray<string> = []
): ReadonlyArray<Verb> => {
  const byName = new Map(curated.map((v) => [v.name, v]))
  const generated = family.verbs
    .filter((v) => !leaveOut.includes(v.name))
    .map((v) => byName.get(v.name) ?? makeVerb(family, v))
  const extra = curated.filter((v) => !family.verbs.some((g) => g.name === v.name))
  return [...generated, ...extra]
}
