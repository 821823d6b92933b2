/**
 * The operations every resource family shares (list, get, create, update, delete, events, list by
 * location), built once from a description of the family so each module only adds what is its own.
 */
import type * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import type * as Schema from "effect/Schema"
import type * as GridscaleConfig from "../GridscaleConfig.js"
import type { GridscaleConnection } from "../GridscaleConnection.js"
import { type GridscaleError, withOutcomeUnknown } from "../GridscaleError.js"
import type * as GridscalePolling from "../GridscalePolling.js"
import { check } from "./check.js"
import { checkId } from "./input.js"
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

/** A family of objects under one collection path. */
export interface Family<A> {
  /** The property of the `Gridscale` service, used in span names: `servers`. */
  readonly name: string
  /** The collection path: `/objects/servers`. */
  readonly path: string
  /** The key of a list reply: `servers`. */
  readonly plural: string
  /** The key of a single-object reply: `server`. */
  readonly singular: string
  /** The object's schema. */
  readonly item: Schema.Schema<A, any, never>
}

/** The span name of an operation: `Gridscale.servers.create`. */
export const spanName = (family: { readonly name: string }, operation: string) =>
  `Gridscale.${family.name}.${operation}`

/** The span attribute naming an object's id: `gridscale.server.id`. */
export const idAttribute = (family: { readonly singular: string }) => `gridscale.${family.singular}.id`

/** Builds the shared operations of one family. */
export const make = <A>(deps: Dependencies, family: Family<A>) => {
  const { connection } = deps
  const idField = `${family.singular}Id`
  const attribute = idAttribute(family)
  const listSchema = S.listUnder(family.plural, family.item as Schema.Schema<A & { object_uuid?: unknown }, any>)
  const itemSchema = S.under(family.singular, family.item)

  const pathOf = (id: string) => `${family.path}/${id}`

  /** Checks an id and records it on the current span. */
  const useId = (id: string, field = idField) =>
    Effect.tap(checkId(field, id), (checked) => Effect.annotateCurrentSpan(attribute, checked))

  const list = Effect.fn(spanName(family, "list"))(
    function*(): Effect.fn.Return<ReadonlyArray<A>, GridscaleError> {
      return yield* connection.request("GET", family.path, { schema: listSchema })
    }
  )

  const fetch = (id: string) => connection.request("GET", pathOf(id), { schema: itemSchema })

  const get = Effect.fn(spanName(family, "get"))(
    function*(id: string): Effect.fn.Return<A, GridscaleError> {
      return yield* fetch(yield* useId(id))
    }
  )

  /** Sends a create, awaits its job and returns the object as a fresh `get` shows it. */
  const createWith = <C, I>(input: Schema.Schema<C, I, never>) =>
    Effect.fn(spanName(family, "create"))(
      function*(body: C, options?: JobOptions): Effect.fn.Return<A, GridscaleError> {
        const checked = yield* check(input, "input")(body)
        const reply = yield* connection.asyncRequest("POST", family.path, {
          body: checked,
          schema: S.CreateResponse,
          ...(options ? { polling: options } : {})
        })
        yield* Effect.annotateCurrentSpan(attribute, reply.object_uuid)
        // The object exists now: failing to read it back must not read as "nothing happened".
        return yield* fetch(yield* checkId("object_uuid", reply.object_uuid)).pipe(
          Effect.mapError(withOutcomeUnknown)
        )
      }
    )

  /** Sends a patch, awaits its job and returns the object as a fresh `get` shows it. */
  const updateWith = <U, I>(input: Schema.Schema<U, I, never>) =>
    Effect.fn(spanName(family, "update"))(
      function*(id: string, patch: U, options?: JobOptions): Effect.fn.Return<A, GridscaleError> {
        const checkedId = yield* useId(id)
        const body = yield* check(input, "patch")(patch)
        yield* connection.asyncRequest("PATCH", pathOf(checkedId), { body, ...(options ? { polling: options } : {}) })
        return yield* fetch(checkedId).pipe(Effect.mapError(withOutcomeUnknown))
      }
    )

  const remove = Effect.fn(spanName(family, "delete"))(
    function*(id: string, options?: JobOptions): Effect.fn.Return<void, GridscaleError> {
      const checkedId = yield* useId(id)
      yield* connection.asyncRequest("DELETE", pathOf(checkedId), options ? { polling: options } : {})
    }
  )

  const events = Effect.fn(spanName(family, "events"))(
    function*(id: string): Effect.fn.Return<ReadonlyArray<typeof S.Event.Type>, GridscaleError> {
      const checkedId = yield* useId(id)
      return yield* connection.request("GET", `${pathOf(checkedId)}/events`, { schema: S.EventList })
    }
  )

  const listByLocation = Effect.fn(spanName(family, "listByLocation"))(
    function*(locationId: string): Effect.fn.Return<ReadonlyArray<A>, GridscaleError> {
      const checkedId = yield* checkId("locationId", locationId)
      yield* Effect.annotateCurrentSpan("gridscale.location.id", checkedId)
      return yield* connection.request("GET", `/objects/locations/${checkedId}/${family.plural}`, {
        schema: listSchema
      })
    }
  )

  return { list, get, fetch, createWith, updateWith, remove, events, listByLocation, useId, pathOf }
}

/**
 * The operations of a family that has every shared one. Families lacking some (no events, no
 * list by location) pick from it with `Omit`.
 */
export interface StandardOperations<A, C, U> {
  /** Every object, in the order the API lists them. */
  readonly list: () => Effect.Effect<ReadonlyArray<A>, GridscaleError>
  /** The objects in one location. */
  readonly listByLocation: (locationId: string) => Effect.Effect<ReadonlyArray<A>, GridscaleError>
  /** One object; `ResourceNotFound` when there is none. */
  readonly get: (id: string) => Effect.Effect<A, GridscaleError>
  /** Creates an object, waits for its job, and returns it as a fresh `get` shows it. */
  readonly create: (input: C, options?: JobOptions) => Effect.Effect<A, GridscaleError>
  /** Changes an object, waits for its job, and returns it as a fresh `get` shows it. */
  readonly update: (id: string, patch: U, options?: JobOptions) => Effect.Effect<A, GridscaleError>
  /** Deletes an object and waits for its job. */
  readonly delete: (id: string, options?: JobOptions) => Effect.Effect<void, GridscaleError>
  /** The object's event log. */
  readonly events: (id: string) => Effect.Effect<ReadonlyArray<typeof S.Event.Type>, GridscaleError>
}

/** Builds every shared operation of a family from its schemas. */
export const standard = <A, C, CI, U, UI>(
  deps: Dependencies,
  family: Family<A>,
  create: Schema.Schema<C, CI, never>,
  update: Schema.Schema<U, UI, never>
): StandardOperations<A, C, U> => {
  const base = make(deps, family)
  return {
    list: base.list,
    listByLocation: base.listByLocation,
    get: base.get,
    create: base.createWith(create),
    update: base.updateWith(update),
    delete: base.remove,
    events: base.events
  }
}
