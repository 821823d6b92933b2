/**
 * ISO images: boot media fetched from a URL, inserted into servers.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { IdInput, Labels, Name } from "./internal/check.js"
import * as Resource from "./internal/resource.js"
import * as S from "./internal/schema.js"

/**
 * An ISO image.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const IsoImage = S.open("IsoImage", {
  object_uuid: S.Id,
  name: S.optionalString,
  status: S.optionalString,
  source_url: S.optionalString,
  version: S.optionalString,
  private: S.optionalBoolean,
  capacity: S.optionalNumber,
  labels: S.optionalLabels,
  relations: S.optional(S.open("IsoImageRelations", {
    servers: S.optional(Schema.Array(S.open("IsoImageServer", {
      object_uuid: S.optionalString,
      object_name: S.optionalString,
      bootdevice: S.optionalBoolean,
      create_time: Schema.optional(S.Timestamp)
    })))
  })),
  ...S.locationFields,
  ...S.usageFields,
  ...S.times
})

/**
 * @since 0.1.0
 * @category Models
 */
export type IsoImage = typeof IsoImage.Type

/** Where the API fetches the image from. */
const SourceUrl = Schema.String.pipe(
  Schema.filter((s) => /^https?:\/\/[^\s]+$/.test(s) || "must be an http:// or https:// URL without spaces")
)

/**
 * What `isoImages.create` takes.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const IsoImageCreate = Schema.Struct({
  name: Name,
  source_url: SourceUrl,
  location_uuid: Schema.optional(IdInput),
  labels: Schema.optional(Labels)
})

/**
 * @since 0.1.0
 * @category Models
 */
export type IsoImageCreate = typeof IsoImageCreate.Type

/**
 * What `isoImages.update` takes.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const IsoImageUpdate = Schema.Struct({
  name: Schema.optional(Name),
  labels: Schema.optional(Labels)
})

/**
 * @since 0.1.0
 * @category Models
 */
export type IsoImageUpdate = typeof IsoImageUpdate.Type

/**
 * The `isoImages` operations of the `Gridscale` service.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Operations extends Resource.Standard<IsoImage, IsoImageCreate, IsoImageUpdate> {}

/**
 * Builds the `isoImages` operations.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const makeOperations = (deps: Resource.Dependencies): Operations =>
  Resource.operationsOf<Operations>(deps, "isoImages", {
    item: IsoImage,
    create: IsoImageCreate,
    update: IsoImageUpdate
  })
