/**
 * Storages: block devices, created empty or from a template, attached to servers.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { type GridscaleError, withOutcomeUnknown } from "./GridscaleError.js"
import { Capacity, IdInput, Labels, Name } from "./internal/check.js"
import * as Resource from "./internal/resource.js"
import * as S from "./internal/schema.js"

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
})

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
 * The `storages` operations of the `Gridscale` service.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Operations extends Resource.StandardOperations<Storage, StorageCreate, StorageUpdate> {
  /** Copies a storage into a new one and returns the copy. */
  readonly clone: (id: string, options?: Resource.JobOptions) => Effect.Effect<Storage, GridscaleError>
}

/**
 * The family's description, shared with the modules that build on storages.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const family: Resource.Family<Storage> = {
  name: "storages",
  path: "/objects/storages",
  plural: "storages",
  singular: "storage",
  item: Storage
}

/**
 * Builds the `storages` operations.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const makeOperations = (deps: Resource.Dependencies): Operations => {
  const base = Resource.make(deps, family)
  const clone = Effect.fn(Resource.spanName(family, "clone"))(
    function*(id: string, options?: Resource.JobOptions): Effect.fn.Return<Storage, GridscaleError> {
      const source = yield* base.useId(id)
      const reply = yield* deps.connection.asyncRequest("POST", `${base.pathOf(source)}/clone`, {
        schema: S.CreateResponse,
        ...(options ? { polling: options } : {})
      })
      yield* Effect.annotateCurrentSpan("gridscale.clone.id", reply.object_uuid)
      // The copy exists now: failing to read it back must not read as "nothing happened".
      return yield* base.get(reply.object_uuid).pipe(Effect.mapError(withOutcomeUnknown))
    }
  )
  return { ...Resource.standard(deps, family, StorageCreate, StorageUpdate), clone }
}
