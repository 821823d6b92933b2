/**
 * Snapshots: point-in-time copies of a storage, kept under it, that the storage can roll back to
 * or a template can be made from.
 *
 * @since 0.1.0
 */
import type * as Effect from "effect/Effect"
import type {
  Snapshot,
  SnapshotCreate,
  SnapshotExportToS3Payload as SnapshotExport,
  SnapshotUpdate
} from "./generated/schemas.js"
import { familyByKey } from "./internal/families.js"
import * as Resource from "./internal/resource.js"

/**
 * A snapshot, what `storages.snapshots.create` and `update` take, and where `export` writes one
 * (`SnapshotExport`: an S3 endpoint, its keys, the bucket and file). Generated from the spec.
 *
 * @since 0.1.0
 * @category Schemas
 */
export {
  Snapshot,
  SnapshotCreate,
  SnapshotExportToS3Payload as SnapshotExport,
  SnapshotUpdate
} from "./generated/schemas.js"

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
  const base = Resource.make(deps, familyByKey["storages.snapshots"]!)
  const rollback = base.write("rollback", { body: { rollback: true } })
  return {
    ...base.operations,
    rollback: (storageId: string, id: string, options?: Resource.JobOptions) =>
      rollback([storageId, id], undefined, options)
    // Built from data: `Operations` says the types (see `Resource.operationsOf`).
  } as unknown as Operations
}
