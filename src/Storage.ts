/**
 * Storages: block devices, created empty or from a template, attached to servers.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { withOutcomeUnknown } from "./GridscaleError.js"
import { Capacity, IdInput, Labels, Name, PositiveInt } from "./internal/check.js"
import { familyByKey } from "./internal/families.js"
import * as Resource from "./internal/resource.js"
import * as S from "./internal/schema.js"
import * as Snapshot from "./Snapshot.js"

/**
 * The performance class of a storage.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const StorageType = Schema.Literal("storage", "storage_high", "storage_insane")

/**
 * A server a storage is attached to, as the storage lists it.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const StorageServer = S.open("StorageServer", {
  object_uuid: S.Id,
  object_name: S.optionalString,
  bootdevice: S.optionalBoolean,
  bus: S.optionalNumber,
  controller: S.optionalNumber,
  target: S.optionalNumber,
  lun: S.optionalNumber,
  create_time: Schema.optional(S.Timestamp)
})

/**
 * A snapshot as a storage lists it.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const StorageSnapshot = S.open("StorageSnapshot", {
  object_uuid: S.Id,
  object_name: S.optionalString,
  storage_uuid: S.optionalString,
  schedules_snapshot_uuid: S.optionalString,
  schedules_snapshot_name: S.optionalString,
  last_used_template: S.optionalString,
  create_time: Schema.optional(S.Timestamp)
})

/**
 * A storage.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const Storage = S.open("Storage", {
  object_uuid: S.Id,
  name: S.optionalString,
  status: S.optionalString,
  capacity: S.optionalNumber,
  storage_type: S.optionalString,
  parent_uuid: S.optionalString,
  last_used_template: S.optionalString,
  license_product_no: S.optionalNumber,
  labels: S.optionalLabels,
  snapshots: S.optional(Schema.Array(StorageSnapshot)),
  relations: S.optional(S.open("StorageRelations", {
    servers: S.optional(Schema.Array(StorageServer)),
    snapshot_schedules: S.optional(Schema.Array(S.open("StorageSnapshotSchedule", { object_uuid: S.optionalString })))
  })),
  ...S.locationFields,
  ...S.usageFields,
  ...S.times
})

/**
 * @since 0.1.0
 * @category Models
 */
export type Storage = typeof Storage.Type

/**
 * How a storage made from a template is set up: the template and either SSH keys or a password.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const StorageTemplateInput = Schema.Struct({
  template_uuid: IdInput,
  hostname: Schema.optional(Schema.String),
  sshkeys: Schema.optional(Schema.Array(IdInput)),
  password: Schema.optional(Schema.String),
  password_type: Schema.optional(Schema.Literal("plain", "crypt"))
}).pipe(
  // The API takes a password with its type, or at least one key (or both).
  Schema.filter((template) =>
    (template.sshkeys !== undefined && template.sshkeys.length > 0) ||
    (template.password !== undefined && template.password_type !== undefined) ||
    { path: ["sshkeys"], message: "must name at least one SSH key, or password and password_type must be given" }
  )
)

/**
 * What `storages.create` takes.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const StorageCreate = Schema.Struct({
  name: Name,
  /** GB, 1 to 4096. */
  capacity: Capacity,
  location_uuid: Schema.optional(IdInput),
  storage_type: Schema.optional(StorageType),
  labels: Schema.optional(Labels),
  template: Schema.optional(StorageTemplateInput)
})

/**
 * @since 0.1.0
 * @category Models
 */
export type StorageCreate = typeof StorageCreate.Type

/**
 * What `storages.update` takes. A storage can grow but not shrink; the API says so if asked to.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const StorageUpdate = Schema.Struct({
  name: Schema.optional(Name),
  capacity: Schema.optional(Capacity),
  storage_type: Schema.optional(StorageType),
  labels: Schema.optional(Labels)
})

/**
 * @since 0.1.0
 * @category Models
 */
export type StorageUpdate = typeof StorageUpdate.Type

/**
 * A schedule that snapshots a storage every `run_interval` minutes and keeps `keep_snapshots`.
 *
 * @since 0.2.0
 * @category Schemas
 */
export const SnapshotSchedule = S.open("SnapshotSchedule", {
  object_uuid: S.Id,
  name: S.optionalString,
  status: S.optionalString,
  storage_uuid: S.optionalString,
  run_interval: S.optionalNumber,
  keep_snapshots: S.optionalNumber,
  next_runtime: Schema.optional(S.Timestamp),
  labels: S.optionalLabels,
  ...S.times
})

/**
 * @since 0.2.0
 * @category Models
 */
export interface SnapshotSchedule extends Schema.Schema.Type<typeof SnapshotSchedule> {}

/**
 * What `storages.snapshotSchedules.create` takes: `run_interval` in minutes (at least 60).
 *
 * @since 0.2.0
 * @category Schemas
 */
export const SnapshotScheduleCreate = Schema.Struct({
  name: Name,
  run_interval: Schema.Int.pipe(Schema.greaterThanOrEqualTo(60)),
  keep_snapshots: PositiveInt,
  next_runtime: Schema.optional(Schema.String),
  labels: Schema.optional(Labels)
})

/**
 * @since 0.2.0
 * @category Models
 */
export type SnapshotScheduleCreate = typeof SnapshotScheduleCreate.Type

/**
 * What `storages.snapshotSchedules.update` takes.
 *
 * @since 0.2.0
 * @category Schemas
 */
export const SnapshotScheduleUpdate = Schema.partial(SnapshotScheduleCreate)

/**
 * @since 0.2.0
 * @category Models
 */
export type SnapshotScheduleUpdate = typeof SnapshotScheduleUpdate.Type

/**
 * A backup of a storage.
 *
 * @since 0.2.0
 * @category Schemas
 */
export const StorageBackup = S.open("StorageBackup", {
  object_uuid: S.Id,
  name: S.optionalString,
  Capacity: S.optionalNumber,
  create_time: Schema.optional(S.Timestamp)
})

/**
 * @since 0.2.0
 * @category Models
 */
export interface StorageBackup extends Schema.Schema.Type<typeof StorageBackup> {}

/**
 * A schedule that backs a storage up every `run_interval` minutes and keeps `keep_backups`.
 *
 * @since 0.2.0
 * @category Schemas
 */
export const StorageBackupSchedule = S.open("StorageBackupSchedule", {
  object_uuid: S.Id,
  name: S.optionalString,
  status: S.optionalString,
  storage_uuid: S.optionalString,
  active: S.optionalBoolean,
  run_interval: S.optionalNumber,
  keep_backups: S.optionalNumber,
  next_runtime: Schema.optional(S.Timestamp),
  ...S.times
})

/**
 * @since 0.2.0
 * @category Models
 */
export interface StorageBackupSchedule extends Schema.Schema.Type<typeof StorageBackupSchedule> {}

/**
 * What `storages.backupSchedules.create` takes.
 *
 * @since 0.2.0
 * @category Schemas
 */
export const StorageBackupScheduleCreate = Schema.Struct({
  name: Name,
  run_interval: PositiveInt,
  keep_backups: PositiveInt,
  next_runtime: Schema.String,
  active: Schema.Boolean
})

/**
 * @since 0.2.0
 * @category Models
 */
export type StorageBackupScheduleCreate = typeof StorageBackupScheduleCreate.Type

/**
 * What `storages.backupSchedules.update` takes.
 *
 * @since 0.2.0
 * @category Schemas
 */
export const StorageBackupScheduleUpdate = Schema.partial(StorageBackupScheduleCreate)

/**
 * @since 0.2.0
 * @category Models
 */
export type StorageBackupScheduleUpdate = typeof StorageBackupScheduleUpdate.Type

/**
 * What `storages.import` takes: the backup to make a new storage from, and the new storage's name.
 *
 * @since 0.2.0
 * @category Schemas
 */
export const StorageImport = Schema.Struct({
  backup: Schema.Struct({ backup_uuid: IdInput, name: Schema.optional(Name) })
})

/**
 * @since 0.2.0
 * @category Models
 */
export type StorageImport = typeof StorageImport.Type

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
  const base = Resource.make(deps, familyByKey["storages"]!, {
    item: Storage,
    create: StorageCreate,
    update: StorageUpdate
  })
  /** Reads back the storage a write made; it exists now, so a failure must not read as "nothing happened". */
  const readBack = (reply: Resource.Created) =>
    Effect.annotateCurrentSpan("gridscale.clone.id", reply.object_uuid).pipe(
      Effect.zipRight(base.fetch([reply.object_uuid])),
      Effect.mapError((error) => withOutcomeUnknown<Resource.WriteError>(error))
    ) as Effect.Effect<Storage, Resource.WriteError>
  const clone = base.write("clone", { schema: S.CreateResponse, then: readBack })
  const importFrom = base.write("import", { input: StorageImport, schema: S.CreateResponse, then: readBack })
  const backups = Resource.make(deps, familyByKey["storages.backups"]!, { item: StorageBackup })
  const rollback = backups.write("rollback", { body: { rollback: true } })
  return {
    ...base.operations,
    clone: (id: string, options?: Resource.JobOptions) => clone([id], undefined, options),
    import: (input: StorageImport, options?: Resource.JobOptions) => importFrom([], input, options),
    snapshots: Snapshot.makeOperations(deps),
    snapshotSchedules: Resource.operationsOf(deps, "storages.snapshotSchedules", {
      item: SnapshotSchedule,
      create: SnapshotScheduleCreate,
      update: SnapshotScheduleUpdate
    }),
    backups: {
      ...backups.operations,
      rollback: (storageId: string, id: string, options?: Resource.JobOptions) =>
        rollback([storageId, id], undefined, options)
    },
    backupSchedules: Resource.operationsOf(deps, "storages.backupSchedules", {
      item: StorageBackupSchedule,
      create: StorageBackupScheduleCreate,
      update: StorageBackupScheduleUpdate
    })
    // Built from data: `Operations` says the types (see `Resource.operationsOf`).
  } as unknown as Operations
}
