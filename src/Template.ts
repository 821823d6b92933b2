/**
 * Templates: operating system images a storage can be made from, public ones from gridscale and
 * private ones made from snapshots.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { IdInput, Labels, Name } from "./internal/check.js"
import * as Resource from "./internal/resource.js"
import * as S from "./internal/schema.js"

/**
 * A template.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const Template = S.open("Template", {
  object_uuid: S.Id,
  name: S.optionalString,
  status: S.optionalString,
  ostype: S.optionalString,
  distro: S.optionalString,
  version: S.optionalString,
  description: S.optionalString,
  private: S.optionalBoolean,
  capacity: S.optionalNumber,
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
export type Template = typeof Template.Type

/**
 * What `templates.create` takes: a private template made from a snapshot.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const TemplateCreate = Schema.Struct({
  name: Name,
  snapshot_uuid: IdInput,
  labels: Schema.optional(Labels)
})

/**
 * @since 0.1.0
 * @category Models
 */
export type TemplateCreate = typeof TemplateCreate.Type

/**
 * What `templates.update` takes.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const TemplateUpdate = Schema.Struct({
  name: Schema.optional(Name),
  labels: Schema.optional(Labels)
})

/**
 * @since 0.1.0
 * @category Models
 */
export type TemplateUpdate = typeof TemplateUpdate.Type

/**
 * The `templates` operations of the `Gridscale` service.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Operations extends Resource.Standard<Template, TemplateCreate, TemplateUpdate> {}

/**
 * Builds the `templates` operations.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const makeOperations = (deps: Resource.Dependencies): Operations =>
  Resource.operationsOf<Operations>(deps, "templates", {
    item: Template,
    create: TemplateCreate,
    update: TemplateUpdate
  })
