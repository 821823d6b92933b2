/**
 * Locations: the data centres objects live in. Every object that has a location is created in one.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { IdInput, Labels, Name, PositiveInt } from "./internal/check.js"
import * as Resource from "./internal/resource.js"
import * as S from "./internal/schema.js"

/**
 * A location.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const Location = S.open("Location", {
  object_uuid: S.Id,
  name: S.optionalString,
  status: S.optionalString,
  iata: S.optionalString,
  country: S.optionalString,
  active: S.optionalBoolean,
  public: S.optionalBoolean,
  product_no: S.optionalNumber,
  cpunode_count: S.optionalNumberOrString,
  change_requested: S.optional(S.open("LocationChangeRequested", {})),
  labels: S.optionalLabels
})

/**
 * @since 0.1.0
 * @category Models
 */
export type Location = typeof Location.Type

/**
 * What `locations.create` takes: a dedicated location inside a public one.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const LocationCreate = Schema.Struct({
  name: Name,
  parent_location_uuid: IdInput,
  cpunode_count: PositiveInt,
  product_no: PositiveInt,
  labels: Schema.optional(Labels)
})

/**
 * @since 0.1.0
 * @category Models
 */
export type LocationCreate = typeof LocationCreate.Type

/**
 * What `locations.update` takes.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const LocationUpdate = Schema.Struct({
  name: Schema.optional(Name),
  cpunode_count: Schema.optional(PositiveInt),
  labels: Schema.optional(Labels)
})

/**
 * @since 0.1.0
 * @category Models
 */
export type LocationUpdate = typeof LocationUpdate.Type

/**
 * The `locations` operations of the `Gridscale` service. What a location holds is listed by each
 * family's `listByLocation`.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Operations extends Resource.Crud<Location, LocationCreate, LocationUpdate> {}

/**
 * Builds the `locations` operations.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const makeOperations = (deps: Resource.Dependencies): Operations =>
  Resource.operationsOf<Operations>(deps, "locations", {
    item: Location,
    create: LocationCreate,
    update: LocationUpdate
  })
