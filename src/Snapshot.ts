/**
 * Snapshots: point-in-time copies of a storage, kept under it, that the storage can roll back to
 * or a template can be made from.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { GridscaleError } from "./GridscaleError.js"
import { Labels, Name } from "./internal/check.js"
import { check } from "./internal/check.js"
import { checkId } from "./internal/input.js"
import * as Resource from "./internal/resource.js"
import * as S from "./internal/schema.js"

/**
 * A snapshot.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const Snapshot = S.open("Snapshot", {
  object_uuid: S.Id,
  name: S.optionalString,
  status: S.optionalString,
  capacity: S.optionalNumber,
  parent_uuid: S.optionalString,
  parent_name: S.optionalString,
  last_used_template: S.optionalString,
  license_product_no: S.optionalNumber,
  labels: S.optionalLabels,
  ...S.locationFields,
  ...S.usageFields,
  ...S.times
})

/**
 * @since 0.1.0
 * @category Models
 */
export type Snapshot = typeof Snapshot.Type

/**
 * What `snapshots.create` takes; the API names the snapshot if no name is given.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const SnapshotCreate = Schema.Struct({
  name: Schema.optional(Name),
  labels: Schema.optional(Labels)
})

/**
 * @since 0.1.0
 * @category Models
 */
export type SnapshotCreate = typeof SnapshotCreate.Type

/**
 * What `snapshots.update` takes.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const SnapshotUpdate = Schema.Struct({
  name: Schema.optional(Name),
  labels: Schema.optional(Labels)
})

/**
 * @since 0.1.0
 * @category Models
 */
export type SnapshotUpdate = typeof SnapshotUpdate.Type

/**
 * The `snapshots` operations of the `Gridscale` service. Snapshots live under their storage, so
 * each operation takes the storage's id first.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Operations {
  readonly list: (storageId: string) => Effect.Effect<ReadonlyArray<Snapshot>, GridscaleError>
  readonly listByLocation: (locationId: string) => Effect.Effect<ReadonlyArray<Snapshot>, GridscaleError>
  readonly get: (storageId: string, id: string) => Effect.Effect<Snapshot, GridscaleError>
  readonly create: (
    storageId: string,
    input?: SnapshotCreate,
    options?: Resource.JobOptions
  ) => Effect.Effect<Snapshot, GridscaleError>
  readonly update: (
    storageId: string,
    id: string,
    patch: SnapshotUpdate,
    options?: Resource.JobOptions
  ) => Effect.Effect<Snapshot, GridscaleError>
  readonly delete: (storageId: string, id: string, options?: Resource.JobOptions) => Effect.Effect<void, GridscaleError>
  /** Sets the storage back to the snapshot's contents. */
  readonly rollback: (
    storageId: string,
    id: string,
    options?: Resource.JobOptions
  ) => Effect.Effect<void, GridscaleError>
}

const family = { name: "snapshots", singular: "snapshot" }
const listSchema = S.listUnder("snapshots", Snapshot)
const itemSchema = S.under("snapshot", Snapshot)
const withPolling = (options: Resource.JobOptions | undefined) => (options ? { polling: options } : {})

/** Checks both ids, records them on the span and gives the snapshot collection's path. */
const collection = (storageId: string) =>
  checkId("storageId", storageId).pipe(
    Effect.tap((id) => Effect.annotateCurrentSpan("gridscale.storage.id", id)),
    Effect.map((id) => `/objects/storages/${id}/snapshots`)
  )

const member = (storageId: string, id: string) =>
  Effect.flatMap(collection(storageId), (path) =>
    checkId("snapshotId", id).pipe(
      Effect.tap((checked) => Effect.annotateCurrentSpan(Resource.idAttribute(family), checked)),
      Effect.map((checked) => `${path}/${checked}`)
    ))

/**
 * Builds the `snapshots` operations.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const makeOperations = ({ connection }: Resource.Dependencies): Operations => {
  const list = Effect.fn(Resource.spanName(family, "list"))(
    function*(storageId: string): Effect.fn.Return<ReadonlyArray<Snapshot>, GridscaleError> {
      return yield* connection.request("GET", yield* collection(storageId), { schema: listSchema })
    }
  )
  const listByLocation = Effect.fn(Resource.spanName(family, "listByLocation"))(
    function*(locationId: string): Effect.fn.Return<ReadonlyArray<Snapshot>, GridscaleError> {
      const id = yield* checkId("locationId", locationId)
      yield* Effect.annotateCurrentSpan("gridscale.location.id", id)
      return yield* connection.request("GET", `/objects/locations/${id}/snapshots`, { schema: listSchema })
    }
  )
  const get = Effect.fn(Resource.spanName(family, "get"))(
    function*(storageId: string, id: string): Effect.fn.Return<Snapshot, GridscaleError> {
      return yield* connection.request("GET", yield* member(storageId, id), { schema: itemSchema })
    }
  )
  const create = Effect.fn(Resource.spanName(family, "create"))(
    function*(storageId: string, input?: SnapshotCreate, options?: Resource.JobOptions) {
      const path = yield* collection(storageId)
      const body = yield* check(SnapshotCreate, "input")(input ?? {})
      const reply = yield* connection.asyncRequest("POST", path, {
        body,
        schema: S.CreateResponse,
        ...withPolling(options)
      })
      yield* Effect.annotateCurrentSpan(Resource.idAttribute(family), reply.object_uuid)
      return yield* get(storageId, reply.object_uuid)
    }
  )
  const update = Effect.fn(Resource.spanName(family, "update"))(
    function*(storageId: string, id: string, patch: SnapshotUpdate, options?: Resource.JobOptions) {
      const path = yield* member(storageId, id)
      const body = yield* check(SnapshotUpdate, "patch")(patch)
      yield* connection.asyncRequest("PATCH", path, { body, ...withPolling(options) })
      return yield* connection.request("GET", path, { schema: itemSchema })
    }
  )
  const remove = Effect.fn(Resource.spanName(family, "delete"))(
    function*(storageId: string, id: string, options?: Resource.JobOptions): Effect.fn.Return<void, GridscaleError> {
      yield* connection.asyncRequest("DELETE", yield* member(storageId, id), withPolling(options))
    }
  )
  const rollback = Effect.fn(Resource.spanName(family, "rollback"))(
    function*(storageId: string, id: string, options?: Resource.JobOptions): Effect.fn.Return<void, GridscaleError> {
      const path = yield* member(storageId, id)
      yield* connection.asyncRequest("PATCH", `${path}/rollback`, { body: { rollback: true }, ...withPolling(options) })
    }
  )
  return { list, listByLocation, get, create, update, delete: remove, rollback }
}
