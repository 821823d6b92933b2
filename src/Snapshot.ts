/**
 * Snapshots: point-in-time copies of a storage, kept under it, that the storage can roll back to
 * or a template can be made from.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { Labels, Name } from "./internal/check.js"
import { familyByKey } from "./internal/families.js"
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
 * Where `storages.snapshots.export` writes a snapshot: an S3 endpoint, its keys, and the object.
 *
 * @since 0.2.0
 * @category Schemas
 */
export const SnapshotExport = Schema.Struct({
  s3auth: Schema.Struct({ host: Schema.String, access_key: Schema.String, secret_key: Schema.String }),
  s3data: Schema.Struct({
    host: Schema.String,
    bucket: Schema.String,
    filename: Schema.String,
    private: Schema.Boolean
  })
})

/**
 * @since 0.2.0
 * @category Models
 */
export type SnapshotExport = typeof SnapshotExport.Type

/**
 * The `storages.snapshots` operations of the `Gridscale` service (also reachable as `snapshots`).
 * Snapshots live under their storage, so each operation takes the storage's id first.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Operations
  extends
    Resource.ChildLists<Snapshot>,
    Resource.ChildGets<Snapshot>,
    Resource.ChildUpdates<Snapshot, SnapshotUpdate>,
    Resource.ChildDeletes,
    Resource.ListsByLocation<Snapshot>
{
  /** Takes a snapshot of the storage, waits for the job, and returns it; the API names it if no name is given. */
  readonly create: (
    storageId: string,
    input?: SnapshotCreate,
    options?: Resource.JobOptions
  ) => Effect.Effect<Snapshot, Resource.WriteError>
  /** Sets the storage back to the snapshot's contents. */
  readonly rollback: (
    storageId: string,
    id: string,
    options?: Resource.JobOptions
  ) => Effect.Effect<void, Resource.WriteError>
  /** Writes the snapshot to an S3 bucket. */
  readonly export: (
    storageId: string,
    id: string,
    target: SnapshotExport,
    options?: Resource.JobOptions
  ) => Effect.Effect<void, Resource.WriteError>
}

/**
 * Builds the `storages.snapshots` operations.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const makeOperations = (deps: Resource.Dependencies): Operations => {
  const base = Resource.make(deps, familyByKey["storages.snapshots"]!, {
    item: Snapshot,
    create: SnapshotCreate,
    update: SnapshotUpdate
  })
  const rollback = base.write("rollback", { body: { rollback: true } })
  const exportTo = base.write("export", { input: SnapshotExport })
  return {
    ...base.operations,
    rollback: (storageId: string, id: string, options?: Resource.JobOptions) =>
      rollback([storageId, id], undefined, options),
    export: (storageId: string, id: string, target: SnapshotExport, options?: Resource.JobOptions) =>
      exportTo([storageId, id], target, options)
    // Built from data: `Operations` says the types (see `Resource.operationsOf`).
  } as unknown as Operations
}
