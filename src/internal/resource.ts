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
import { type Operation, operationsById } from "../generated/operations.js"
import * as Generated from "../generated/schemas.js"
import type * as GridscaleConfig from "../GridscaleConfig.js"
import type { GridscaleConnection } from "../GridscaleConnection.js"
import {
  type ApiError,
  type GridscaleError,
  InvalidInput,
  ResponseDecodeError,
  type TransportError,
  withOutcomeUnknown
} from "../GridscaleError.js"
import type * as GridscalePolling from "../GridscalePolling.js"
import { check } from "./check.js"
import { type Family, familyByKey } from "./families.js"
import { checkId, describe } from "./input.js"

/** What a family's operations are built on. */
export interface Dependencies {
  readonly connection: Context.Tag.Service<GridscaleConnection>
  readonly polling: Context.Tag.Service<GridscalePolling.GridscalePolling>
  readonly config: GridscaleConfig.Service
}

/** Options of every operation that waits for a job: its deadline and a progress callback. */
export type JobOptions = GridscalePolling.AwaitOptions

/** The reply to a create, as the operations use it. */
export type Created = Generated.CreateResponse

/** One entry of an object's event log. */
export type Event = Generated.Event

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

/**
 * The five operations of a family of objects: list, get, create, update, delete. `L` is what a
 * list holds, where the API lists less than `get` shows (`IpBrief`).
 */
export interface Crud<A, C, U, L = A> extends Lists<L>, Gets<A>, Creates<A, C>, Updates<A, U>, Deletes {}

/** A family with every shared operation: the five of `Crud`, events and list by location. */
export interface Standard<A, C, U, L = A> extends Crud<A, C, U, L>, HasEvents, ListsByLocation<L> {}

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

/**
 * Objects linked to a server: list (`B`, the brief form), get, attach with settings `L`, detach.
 * Where a link has settings to change, `ChildUpdates` adds `update`.
 */
export interface Links<A, B, L> extends ChildLists<B>, ChildGets<A> {
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

/** The generated description of an operation; a missing one is a bug in the overlay. */
export const operation = (operationId: string): Operation => {
  const op = operationsById[operationId]
  if (op === undefined) throw new Error(`no operation ${operationId} in the generated table`)
  return op
}

/** A family's schemas where they differ from the generated ones its operations name. */
export interface FamilySchemas {
  /** The input of `create` (or the settings of `attach`), checked before it is sent. */
  readonly create?: Schema.Schema<any, any, never> | undefined
  /** The input of `update`, checked before it is sent. */
  readonly update?: Schema.Schema<any, any, never> | undefined
}

/**
 * A label goes into its path as free text, percent-encoded. A URL reads `.` and `..` as steps up
 * the path even when percent-encoded, and `/` as a separator, so those are refused.
 */
const encodeLabel = (label: unknown): Effect.Effect<string, InvalidInput> => {
  const encoded = typeof label === "string" ? encodeURIComponent(label) : ""
  return typeof label === "string" && label.length > 0 && encoded.length <= 192 && label !== "." &&
      label !== ".." && !label.includes("/")
    ? Effect.succeed(encoded)
    : Effect.fail(
      new InvalidInput({
        field: "label",
        message: `label must be 1 to 192 characters once percent-encoded, not '.' or '..', without '/', got ${
          describe(label)
        }`
      })
    )
}

/**
 * Checks each id of a path, records it on the current span and fills the path in. Every path
 * parameter is an id held to `checkId`, except a label, which is free text.
 */
export const fillPath = (op: Operation, ids: ReadonlyArray<unknown>): Effect.Effect<string, InvalidInput> =>
  op.pathParams.length === 0 ? Effect.succeed(op.path) : Effect.gen(function*() {
    let path = op.path
    for (let i = 0; i < op.pathParams.length; i++) {
      const param = op.pathParams[i]!
      const value = ids[i]
      const checked = param === "label" ? yield* encodeLabel(value) : yield* checkId(fieldOf(param), value as string)
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

/** The generated schema of a reply definition; a missing one is a bug in the generator. */
export const replySchema = (definition: string): Schema.Schema<any, any, never> => {
  const schema = Generated.replies[definition]
  if (schema === undefined) throw new Error(`no generated reply schema ${definition}`)
  return schema
}

/** The generated check of a request body definition. */
export const bodySchema = (definition: string): Schema.Schema<any, any, never> => {
  const schema = Generated.bodies[definition]
  if (schema === undefined) throw new Error(`no generated body schema ${definition}`)
  return schema
}

type Fn = (...args: ReadonlyArray<any>) => Effect.Effect<any, any>

/** A family's operations as built, by method name (`list`, `power.update`), with helpers for the rest. */
export interface Built {
  /** Every operation of the family, by method name. */
  readonly operations: Readonly<Record<string, Fn>>
  /** Reads one object by its ids (parent's first), with no span of its own. */
  readonly fetch: (
    ids: ReadonlyArray<string>,
    options?: { readonly priority?: "poll" }
  ) => Effect.Effect<any, LookupError>
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
 * Builds every operation of a family from its overlay entry and the generated table, by the
 * operation's shape:
 *
 * - a GET takes the ids of its path (parents first) and returns its reply, decoded and unwrapped
 *   by the generated reply schema (a list as an array, one object as itself);
 * - `attach` takes the server's id, the object's id, the link's settings and job options;
 * - every other write takes the ids of its path, its body (when it has one, checked before it is
 *   sent) and job options, and waits for the job. In a family whose objects can be read back, a
 *   POST that names the object it made (create, clone, import) and an update return the object as
 *   `get` then shows it; another write returns its reply decoded, or nothing.
 */
export const make = (deps: Dependencies, family: Family, schemas: FamilySchemas = {}): Built => {
  const { connection } = deps
  const opOf = (method: string) => operation(family.operations[method]!)
  const getOp = family.operations["get"] !== undefined ? opOf("get") : undefined
  const getSchema = getOp?.response !== undefined ? replySchema(getOp.response) : undefined
  const canReread = getSchema !== undefined && family.idField === "object_uuid"

  const fetch: Built["fetch"] = (ids, options) =>
    Effect.flatMap(
      fillPath(getOp!, ids),
      (path) => asRead(connection.request("GET", path, { schema: getSchema!, ...options }))
    )

  /** Reads back what a write made or changed: it exists now, so a failure must not read as "nothing happened". */
  const readBack = (ids: ReadonlyArray<string>) =>
    fetch(ids).pipe(Effect.mapError((error) => withOutcomeUnknown<WriteError>(error)))

  const write: Built["write"] = (method, settings) => {
    const op = opOf(method)
    const checkInput = settings?.input !== undefined ? check(settings.input, "input") : undefined
    return Effect.fn(spanName(family, method))(function*(ids, body, options) {
      const path = yield* fillPath(op, ids)
      const checked = checkInput !== undefined ? yield* checkInput(body ?? {}) : settings?.body
      const reply = yield* connection.asyncRequest(op.method, path, {
        ...(checked !== undefined ? { body: checked } : {}),
        ...(settings?.schema !== undefined ? { schema: settings.schema } : {}),
        ...withPolling(options)
      })
      return settings?.then === undefined ? reply : yield* settings.then(reply as any)
    })
  }

  const readOf = (method: string, op: Operation): Fn => {
    const schema = op.response !== undefined ? replySchema(op.response) : undefined
    return Effect.fn(spanName(family, method))((...ids: ReadonlyArray<string>) =>
      asRead(Effect.flatMap(fillPath(op, ids), (path) => connection.request("GET", path, { schema })))
    )
  }

  const attachOf = (method: string, op: Operation): Fn => {
    const input = schemas.create ?? (op.body !== undefined ? bodySchema(op.body.definition) : undefined)
    const checkLink = input !== undefined ? check(input, "link") : undefined
    const idParam = family.idParam!
    return Effect.fn(spanName(family, method))(
      function*(serverId: string, id: string, link?: object, options?: JobOptions) {
        const path = yield* fillPath(op, [serverId])
        const objectId = yield* checkId(fieldOf(idParam), id)
        yield* Effect.annotateCurrentSpan(attributeOf(idParam), objectId)
        // The id comes as its own argument; the settings are checked with it, as the API gets them.
        const body = { ...link, object_uuid: objectId }
        const checked = checkLink === undefined ? body : yield* checkLink(body)
        yield* connection.asyncRequest("POST", path, { body: checked, ...withPolling(options) })
      }
    )
  }

  const writeOf = (method: string, op: Operation): Fn => {
    const override = method === "create" ? schemas.create : method === "update" ? schemas.update : undefined
    const input = override ?? (op.body !== undefined ? bodySchema(op.body.definition) : undefined)
    const checkInput = input !== undefined ? check(input, method === "update" ? "patch" : "input") : undefined
    const reply = op.response !== undefined ? replySchema(op.response) : undefined
    const ids = op.pathParams.length
    // A POST that names the object it made (create, clone, import) and an update come back as
    // `get` then shows the object.
    const rereads = canReread && (op.method === "POST" || method === "update")
    const depth = family.parent === undefined ? 0 : 1
    // A write on an object that makes another (a clone) keeps the object's id on the span.
    const createdAttribute = op.pathParams.includes(family.idParam!)
      ? `gridscale.${method}.id`
      : attributeOf(family.idParam ?? "object")
    return Effect.fn(spanName(family, method))(function*(...args: ReadonlyArray<any>) {
      const path = yield* fillPath(op, args.slice(0, ids))
      const body = op.body === undefined
        ? undefined
        : checkInput === undefined
        ? args[ids]
        : yield* checkInput(args[ids] ?? {})
      const options = args[ids + (op.body === undefined ? 0 : 1)] as JobOptions | undefined
      const answer: unknown = yield* connection.asyncRequest(op.method, path, {
        ...(body !== undefined ? { body } : {}),
        ...(reply !== undefined ? { schema: reply } : {}),
        ...withPolling(options)
      })
      if (!rereads) return answer
      if (method === "update") return yield* readBack(args.slice(0, ids))
      const objectId = (answer as { readonly object_uuid?: unknown } | undefined)?.object_uuid
      if (typeof objectId !== "string") {
        return yield* new ResponseDecodeError({
          method: op.method,
          path,
          status: op.success,
          field: "object_uuid",
          outcomeUnknown: true,
          message:
            `${op.method} ${path} was carried out but its reply names no object_uuid to read the ${family.title} back by`
        })
      }
      yield* Effect.annotateCurrentSpan(createdAttribute, objectId)
      return yield* readBack([...args.slice(0, depth), objectId])
    })
  }

  const operations: Record<string, Fn> = {}
  for (const method of Object.keys(family.operations)) {
    const op = opOf(method)
    operations[method] = op.method === "GET"
      ? readOf(method, op)
      : method === "attach"
      ? attachOf(method, op)
      : writeOf(method, op)
  }
  return { operations, fetch, write }
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
export const operationsOf = <T>(deps: Dependencies, key: string, schemas: FamilySchemas = {}): T => {
  const family = familyByKey[key]
  if (family === undefined) throw new Error(`no family ${key} in the overlay`)
  return nest(make(deps, family, schemas).operations) as T
}

/** Operations by dotted method name, nested: `power.update` becomes `power: { update }`. */
export const nest = (operations: Readonly<Record<string, unknown>>): Record<string, any> => {
  const nested: Record<string, unknown> = {}
  for (const [method, f] of Object.entries(operations)) setPath(nested, method, f)
  return nested
}
