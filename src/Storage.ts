/**
 * Storages: block devices, created empty or from a template, attached to servers.
 *
 * @since 0.1.0
 */
import type * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type {
  SnapshotSchedule,
  SnapshotScheduleCreate,
  SnapshotScheduleUpdate,
  Storage,
  StorageBackup,
  StorageBackupSchedule,
  StorageBackupScheduleCreate,
  StorageBackupScheduleUpdate,
  StorageCreate,
  StorageImportFromBackup as StorageImport,
  StorageUpdate
} from "./generated/schemas.js"
import { familyByKey } from "./internal/families.js"
import * as Resource from "./internal/resource.js"
import * as Snapshot from "./Snapshot.js"

/**
 * The performance class of a storage.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const StorageType = Schema.Literal("storage", "storage_high", "storage_insane")

/**
 * A storage (with the servers it is attached to, `StorageServer`, and its snapshots as it lists
 * them, `StorageSnapshot`), what `storages.create` and `storages.update` take (a storage from a
 * template takes `StorageTemplateInput`: a password with its type, or SSH keys), and what
 * `storages.import` takes. Generated from the spec.
 *
 * @since 0.1.0
 * @category Schemas
 */
export {
  ServerinStrorageItem as StorageServer,
  Storage,
  StorageCreate,
  StorageCreateTemplate as StorageTemplateInput,
  StorageImportFromBackup as StorageImport,
  StorageSnapshot,
  StorageUpdate
} from "./generated/schemas.js"

/**
 * A storage's snapshot schedules, backups and backup schedules, and what creating and changing
 * the schedules takes. Generated from the spec.
 *
 * @since 0.2.0
 * @category Schemas
 */
export {
  SnapshotSchedule,
  SnapshotScheduleCreate,
  SnapshotScheduleUpdate,
  StorageBackup,
  StorageBackupSchedule,
  StorageBackupScheduleCreate,
  StorageBackupScheduleUpdate
} from "./generated/schemas.js"

/**
 * The `storages` operations of the `Gridscale` service, with what lives under a storage:
 * `snapshots`, `snapshotSchedules`, `backups` and `backupSchedules`.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Operations extends Resource.Standard<Storage, StorageCreate, StorageUpdate> {
  /** Copies a storage into a new one and returns the copy. */
  readonly clone: (id: string, options?: Resource.JobOptions) => Effect.Effect<Storage, Resource.WriteError>
  /** Makes a new storage from a backup and returns it. */
  readonly import: (input: StorageImport, options?: Resource.JobOptions) => Effect.Effect<Storage, Resource.WriteError>
  /** The storage's snapshots. */
  readonly snapshots: Snapshot.Operations
  /** The storage's snapshot schedules. */
  readonly snapshotSchedules: Resource.ChildCrud<SnapshotSchedule, SnapshotScheduleCreate, SnapshotScheduleUpdate>
  /** The storage's backups: list, delete, and roll the storage back to one. */
  readonly backups: Resource.ChildLists<StorageBackup> & Resource.ChildDeletes & {
    readonly rollback: (
      storageId: string,
      id: string,
      options?: Resource.JobOptions
    ) => Effect.Effect<void, Resource.WriteError>
  }
  /** The storage's backup schedules. */
  readonly backupSchedules: Resource.ChildCrud<
    StorageBackupSchedule,
    StorageBackupScheduleCreate,
    StorageBackupScheduleUpdate
  >
}

/**
 * Builds the `storages` operations.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const makeOperations = (deps: Resource.Dependencies): Operations => {
  const backups = Resource.make(deps, familyByKey["storages.backups"]!)
  const rollback = backups.write("rollback", { body: { rollback: true } })
  return {
    ...Resource.operationsOf<{}>(deps, "storages"),
    snapshots: Snapshot.makeOperations(deps),
    snapshotSchedules: Resource.operationsOf(deps, "storages.snapshotSchedules"),
    backups: {
      ...backups.operations,
      rollback: (storageId: string, id: string, options?: Resource.JobOptions) =>
        rollback([storageId, id], undefined, options)
    },
    backupSchedules: Resource.operationsOf(deps, "storages.backupSchedules")
    // Built from data: `Operations` says the types (see `Resource.operationsOf`).
  } as unknown as Operations
}
