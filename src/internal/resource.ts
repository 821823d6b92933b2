/**
 * The driver's operations, built from data: a family's entry in the overlay (`families.ts`) names
 * its operations, the generated table (`generated/operations.ts`) says what each one sends, and
 * this module turns every operation with a shared shape (list, get, create, update, delete,
 * events, list by location, attach, detach) into a method with a span of its own. A family module
 * adds only the operations that are its own (`servers.power.update`, `storages.clone`) with
 * `read` and `write`, which give them the same ids, checks, spans and error types.
 */
import type * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type * as Schema from "effect/Schema"
import { type Operation, operations } from "../generated/operations.js"
import type * as GridscaleConfig from "../GridscaleConfig.js"
import type { GridscaleConnection } from "../GridscaleConnection.js"
import {
  type ApiError,
  type GridscaleError,
  InvalidInput,
  type ResponseDecodeError,
  type TransportError,
  withOutcomeUnknown
} from "../GridscaleError.js"
import type * as GridscalePolling from "../GridscalePolling.js"
import { check } from "./check.js"
import { type Family, familyByKey } from "./families.js"
import { checkId, describe } from "./input.js"
import * as S from "./schema.js"

/** What a family's operations are built on. */
export interface Dependencies {
  readonly connection: Context.Tag.Service<GridscaleConnection>
  readonly polling: Context.Tag.Service<GridscalePolling.GridscalePolling>
  readonly config: GridscaleConfig.Service
}

/** Options of every operation that waits for a job: its deadline and a progress callback. */
export type JobOptions = GridscalePolling.AwaitOptions

/** The reply to a create, as the operations use it. */
export type Created = typeof S.CreateResponse.Type

/** One entry of an object's event log. */
export type Event = typeof S.Event.Type

// ---------------------------------------------------------------------------------------------
// Error types per kind of operation

/**
 * What a read without input can fail with: the API's answer, the transport, or the reply's shape.
 * It sends nothing the caller gave, and waits for no job.
 */
export type ReadError = ApiError | TransportError | ResponseDecodeError

/** What a read of one object can fail with: a `ReadError`, or `InvalidInput` for a bad id. */
export type LookupError = ReadError | InvalidInput

/** What a write can fail with: anything, its job's `JobFailed` and `JobTimeout` included. */
export type WriteError = GridscaleError

// ---------------------------------------------------------------------------------------------
// The shapes of shared operations, as types. A family's interface is made of these.

/** `list()`: every object, in the order the API listed them. */
export interface Lists<A> {
  readonly list: () => Effect.Effect<ReadonlyArray<A>, ReadError>
}

/** `listByLocation(locationId)`: the objects in one location. */
export interface ListsByLocation<A> {
  readonly listByLocation: (locationId: string) => Effect.Effect<ReadonlyArray<A>, LookupError>
}

/** `get(id)`: one object; `ResourceNotFound` when there is none. */
export interface Gets<A> {
  readonly get: (id: string) => Effect.Effect<A, LookupError>
}

/** `create(input)`: sends the create, waits for its job, returns the object as `get` then shows it. */
export interface Creates<A, C> {
  readonly create: (input: C, options?: JobOptions) => Effect.Effect<A, WriteError>
}

/** `update(id, patch)`: sends the change, waits for its job, returns the object as `get` then shows it. */
export interface Updates<A, U> {
  readonly update: (id: string, patch: U, options?: JobOptions) => Effect.Effect<A, WriteError>
}

/** `delete(id)`: sends the delete and waits for its job. */
export interface Deletes {
  readonly delete: (id: string, options?: JobOptions) => Effect.Effect<void, WriteError>
}

/** `events(id)`: the object's event log. */
export interface HasEvents {
  readonly events: (id: string) => Effect.Effect<ReadonlyArray<Event>, LookupError>
}

/** The five operations of a family of objects: list, get, create, update, delete. */
export interface Crud<A, C, U> extends Lists<A>, Gets<A>, Creates<A, C>, Updates<A, U>, Deletes {}

/** A family with every shared operation: the five of `Crud`, events and list by location. */
export interface Standard<A, C, U> extends Crud<A, C, U>, HasEvents, ListsByLocation<A> {}

/** `list(parentId)`: the objects under one parent (the snapshots of a storage). */
export interface ChildLists<A> {
  readonly list: (parentId: string) => Effect.Effect<ReadonlyArray<A>, LookupError>
}

/** `get(parentId, id)`. */
export interface ChildGets<A> {
  readonly get: (parentId: string, id: string) => Effect.Effect<A, LookupError>
}

/** `create(parentId, input)`: waits for the job, returns the object as `get` then shows it. */
export interface ChildCreates<A, C> {
  readonly create: (parentId: string, input: C, options?: JobOptions) => Effect.Effect<A, WriteError>
}

/** `update(parentId, id, patch)`: waits for the job, returns the object as `get` then shows it. */
export interface ChildUpdates<A, U> {
  readonly update: (parentId: string, id: string, patch: U, options?: JobOptions) => Effect.Effect<A, WriteError>
}

/** `delete(parentId, id)`: waits for the job. */
export interface ChildDeletes {
  readonly delete: (parentId: string, id: string, options?: JobOptions) => Effect.Effect<void, WriteError>
}

/** The five operations of a family under a parent. */
export interface ChildCrud<A, C, U>
  extends ChildLists<A>, ChildGets<A>, ChildCreates<A, C>, ChildUpdates<A, U>, ChildDeletes
{}

/** Objects linked to a server: list, get, attach, detach (and update where the link has settings). */
export interface Links<A, L> extends ChildLists<A>, ChildGets<A> {
  /** Links the object to the server and waits for the job. */
  readonly attach: (serverId: string, id: string, link?: L, options?: JobOptions) => Effect.Effect<void, WriteError>
  /** Unlinks the object and waits for the job. */
  readonly detach: (serverId: string, id: string, options?: JobOptions) => Effect.Effect<void, WriteError>
}

// ---------------------------------------------------------------------------------------------
// Names

/** The span name of an operation: `Gridscale.servers.create`, `Gridscale.paas.services.create`. */
export const spanName = (family: { readonly key: string }, method: string) => `Gridscale.${family.key}.${method}`

const spellings: Readonly<Record<string, string>> = { iso_image: "isoimage", ssh_key: "sshkey" }

/** The span attribute of a path parameter's value: `server_uuid` → `gridscale.server.id`. */
export const attributeOf = (param: string) => {
  const stem = param.replace(/_uuid$/, "")
  return `gridscale.${spellings[stem] ?? stem}.id`
}

/** The input name of a path parameter, as `InvalidInput.field` says it: `server_uuid` → `serverId`. */
export const fieldOf = (param: string) => {
  if (param === "accesskey") return "accessKey"
  const camel = param.replace(/_uuid$/, "").replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())
  return param.endsWith("_uuid") ? `${camel}Id` : camel
}

// ---------------------------------------------------------------------------------------------
// The builder

const byId: ReadonlyMap<string, Operation> = new Map(operations.map((op) => [op.operationId, op]))

/** The generated description of an operation; a missing one is a bug in the overlay. */
export const operation = (operationId: string): Operation => {
  const op = byId.get(operationId)
  if (op === undefined) throw new Error(`no operation ${operationId} in the generated table`)
  return op
}

/** The schemas a family's shared operations decode and check with. */
export interface FamilySchemas {
  /** One object, as `get` returns it. */
  readonly item: Schema.Schema<any, any, never>
  /** One entry of a list, where it differs from `item`. */
  readonly listItem?: Schema.Schema<any, any, never> | undefined
  /** The input of `create` (or the settings of `attach`), checked before it is sent. */
  readonly create?: Schema.Schema<any, any, never> | undefined
  /** The input of `update`, checked before it is sent. */
  readonly update?: Schema.Schema<any, any, never> | undefined
}

/** A label goes into its path as free text, percent-encoded (`.` too, so `..` stays a name). */
const encodeLabel = (label: string): Effect.Effect<string, InvalidInput> => {
  const encoded = encodeURIComponent(label).replace(/\./g, "%2E")
  return label.length > 0 && encoded.length <= 192 && !label.includes("/")
    ? Effect.succeed(encoded)
    : Effect.fail(
      new InvalidInput({
        field: "label",
        message: `label must be 1 to 192 characters once percent-encoded, without '/', got ${describe(label)}`
      })
    )
}

/**
 * Checks each id of a path, records it on the current span and fills the path in. Every path
 * parameter is an id held to `checkId`, except a label, which is free text.
 */
export const fillPath = (op: Operation, ids: ReadonlyArray<string>): Effect.Effect<string, InvalidInput> =>
  Effect.gen(function*() {
    let path = op.path
    for (let i = 0; i < op.pathParams.length; i++) {
      const param = op.pathParams[i]!
      const value = ids[i]
      const checked = param === "label"
        ? yield* encodeLabel(typeof value === "string" ? value : "")
        : yield* checkId(fieldOf(param), value as string)
      yield* Effect.annotateCurrentSpan(attributeOf(param), param === "label" ? value : checked)
      path = path.replace(`{${param}}`, checked)
    }
    return path
  })

const withPolling = (options: JobOptions | undefined) => (options ? { polling: options } : {})

/**
 * The errors of a read, narrowed. `GridscaleConnection.request` is typed with every error, but a
 * GET with a path the driver checked and no body is never sent with input the connection could
 * refuse (`InvalidInput`) and waits for no job (`JobFailed`, `JobTimeout`), so those cannot occur.
 */
const asRead = <A>(effect: Effect.Effect<A, GridscaleError>) => effect as Effect.Effect<A, ReadError>

/** A family's operations as built, by method name (`list`, `power.update`), with helpers for the rest. */
export interface Built {
  /** The shared operations of the family that the builder knows how to make. */
  readonly operations: Record<string, (...args: ReadonlyArray<any>) => Effect.Effect<any, any>>
  /** The operations of the family the builder left to the family module. */
  readonly missing: ReadonlyArray<string>
  /** Reads one object by its ids (parent's first), with no span of its own. */
  readonly fetch: (
    ids: ReadonlyArray<string>,
    options?: { readonly priority?: "poll" }
  ) => Effect.Effect<any, ReadError>
  /** The operation `method` of the family as a read: ids in, its reply decoded with `schema`. */
  readonly read: <A, I>(
    method: string,
    schema: Schema.Schema<A, I, never>
  ) => (...ids: ReadonlyArray<string>) => Effect.Effect<A, LookupError>
  /**
   * The operation `method` of the family as a write: `ids` fill its path, the body (checked with
   * `input` when given) is sent, the job awaited, and the reply decoded with `schema` when given.
   */
  readonly write: <B, A = void>(method: string, options?: {
    readonly input?: Schema.Schema<B, any, never> | undefined
    readonly schema?: Schema.Schema<A, any, never> | undefined
    /** A body to send when the operation takes no input from the caller. */
    readonly body?: unknown
    /** What to do with the reply once the job is done, within the operation's span. */
    readonly then?: ((reply: A) => Effect.Effect<any, WriteError>) | undefined
  }) => (ids: ReadonlyArray<string>, body?: B, options?: JobOptions) => Effect.Effect<any, WriteError>
}

/**
 * Builds a family's shared operations from its overlay entry and the generated table. The overlay
 * names each operation (`list`, `create`, `power.update`); what is not a shared shape is listed in
 * `missing` for the family module to add.
 */
export const make = (deps: Dependencies, family: Family, schemas: FamilySchemas): Built => {
  const { connection } = deps
  const listItem = schemas.listItem ?? schemas.item
  const listSchema = (key: string): Schema.Schema<ReadonlyArray<any>, any, never> =>
    family.list === "array" ? S.arrayUnder(key, listItem) : S.listUnder(key, listItem as Schema.Schema<any>)
  const itemSchema = family.singular === undefined ? undefined : S.under(family.singular, schemas.item)
  const opOf = (method: string) => operation(family.operations[method]!)
  const getOp = family.operations["get"] !== undefined ? opOf("get") : undefined

  const fetch = (ids: ReadonlyArray<string>, options?: { readonly priority?: "poll" }) =>
    Effect.flatMap(
      fillPath(getOp!, ids) as Effect.Effect<string, never>,
      (path) => asRead(connection.request("GET", path, { schema: itemSchema!, ...options }))
    )

  const read = <A, I>(method: string, schema: Schema.Schema<A, I, never>) => {
    const op = opOf(method)
    return Effect.fn(spanName(family, method))(
      function*(...ids: ReadonlyArray<string>): Effect.fn.Return<A, LookupError> {
        const path = yield* fillPath(op, ids)
        return yield* asRead(connection.request("GET", path, { schema }))
      }
    )
  }

  const write: Built["write"] = (method, settings) => {
    const op = opOf(method)
    const input = settings?.input
    return Effect.fn(spanName(family, method))(function*(ids, body, options) {
      const path = yield* fillPath(op, ids)
      const checked = input !== undefined ? yield* check(input, "input")(body ?? {}) : settings?.body
      const reply = yield* connection.asyncRequest(op.method, path, {
        ...(checked !== undefined ? { body: checked } : {}),
        ...(settings?.schema !== undefined ? { schema: settings.schema } : {}),
        ...withPolling(options)
      })
      return settings?.then === undefined ? reply : yield* settings.then(reply as any)
    })
  }

  const built: Record<string, (...args: ReadonlyArray<any>) => Effect.Effect<any, any>> = {}
  const missing: Array<string> = []
  const depth = family.parent === undefined ? 0 : 1
  const canReread = getOp !== undefined && itemSchema !== undefined && family.idField === "object_uuid"

  for (const method of Object.keys(family.operations)) {
    const op = opOf(method)
    const name = spanName(family, method)
    switch (method) {
      case "list":
      case "listByLocation": {
        const schema = listSchema(family.plural)
        built[method] = Effect.fn(name)(function*(...ids: ReadonlyArray<string>) {
          return yield* asRead(connection.request("GET", yield* fillPath(op, ids), { schema }))
        })
        break
      }
      case "get": {
        if (itemSchema === undefined) {
          missing.push(method)
          break
        }
        built[method] = Effect.fn(name)(function*(...ids: ReadonlyArray<string>) {
          return yield* asRead(connection.request("GET", yield* fillPath(op, ids), { schema: itemSchema }))
        })
        break
      }
      case "events": {
        built[method] = Effect.fn(name)(function*(...ids: ReadonlyArray<string>) {
          return yield* asRead(connection.request("GET", yield* fillPath(op, ids), { schema: S.EventList }))
        })
        break
      }
      case "create": {
        const input = schemas.create
        built[method] = Effect.fn(name)(function*(...args: ReadonlyArray<any>) {
          const parents = args.slice(0, depth) as ReadonlyArray<string>
          const path = yield* fillPath(op, parents)
          const body = op.body === undefined
            ? undefined
            : input === undefined
            ? args[depth]
            : yield* check(input, "input")(args[depth] ?? {})
          const options = args[depth + (op.body === undefined ? 0 : 1)] as JobOptions | undefined
          const reply = yield* connection.asyncRequest("POST", path, {
            ...(body !== undefined ? { body } : {}),
            schema: canReread ? S.CreateResponse : undefined,
            ...withPolling(options)
          })
          if (!canReread) return reply
          const created = reply as Created
          yield* Effect.annotateCurrentSpan(attributeOf(family.idParam!), created.object_uuid)
          // The object exists now: failing to read it back must not read as "nothing happened".
          return yield* fetch([...parents, created.object_uuid]).pipe(Effect.mapError(withOutcomeUnknown))
        })
        break
      }
      case "update": {
        const input = schemas.update
        built[method] = Effect.fn(name)(function*(...args: ReadonlyArray<any>) {
          const ids = args.slice(0, depth + 1) as ReadonlyArray<string>
          const path = yield* fillPath(op, ids)
          const body = input === undefined ? args[depth + 1] : yield* check(input, "patch")(args[depth + 1] ?? {})
          yield* connection.asyncRequest("PATCH", path, { body, ...withPolling(args[depth + 2]) })
          if (!canReread) return undefined
          return yield* fetch(ids).pipe(Effect.mapError(withOutcomeUnknown))
        })
        break
      }
      case "delete":
      case "detach": {
        built[method] = Effect.fn(name)(function*(...args: ReadonlyArray<any>) {
          const path = yield* fillPath(op, args.slice(0, depth + 1))
          yield* connection.asyncRequest("DELETE", path, withPolling(args[depth + 1]))
        })
        break
      }
      case "attach": {
        const input = schemas.create
        built[method] = Effect.fn(name)(function*(...args: ReadonlyArray<any>) {
          const path = yield* fillPath(op, args.slice(0, 1))
          const field = fieldOf(family.idParam!)
          const objectId = yield* checkId(field, args[1])
          yield* Effect.annotateCurrentSpan(attributeOf(family.idParam!), objectId)
          // The link's settings, checked without the id (which comes as its own argument).
          const settings = input === undefined
            ? {}
            : yield* check(input, "link")({ ...(args[2] ?? {}), object_uuid: objectId })
          yield* connection.asyncRequest("POST", path, {
            body: { ...settings, object_uuid: objectId },
            ...withPolling(args[3])
          })
        })
        break
      }
      default:
        missing.push(method)
    }
  }
  return { operations: built, missing, fetch, read, write }
}

/**
 * Puts `value` at a dotted path of `target`, making the objects on the way: the families'
 * operations become `gridscale.paas.services.create` and `gridscale.servers.power.update`.
 */
export const setPath = (target: Record<string, any>, path: string, value: unknown): void => {
  const keys = path.split(".")
  let at = target
  for (const key of keys.slice(0, -1)) at = at[key] ??= {}
  const last = keys[keys.length - 1]!
  at[last] = typeof value === "object" && value !== null && typeof at[last] === "object"
    ? Object.assign(at[last], value)
    : value
}

/**
 * The operations of a family that has only shared ones, typed by the family's interface `T`.
 * They are built from data, so their type is asserted here: the test that calls every operation
 * of the spec through the service keeps the interface and the data in step.
 */
export const operationsOf = <T>(deps: Dependencies, key: string, schemas: FamilySchemas): T => {
  const family = familyByKey[key]
  if (family === undefined) throw new Error(`no family ${key} in the overlay`)
  const built = make(deps, family, schemas)
  const operations: Record<string, unknown> = {}
  for (const [method, f] of Object.entries(built.operations)) setPath(operations, method, f)
  return operations as T
}
