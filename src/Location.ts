/**
 * Locations: the data centres objects live in, and private locations made from dedicated hardware.
 *
 * @since 0.1.0
 */
import type { Location, LocationCreate, LocationUpdate } from "./generated/schemas.js"
import * as Resource from "./internal/resource.js"

/**
 * A location, and what `locations.create` (a dedicated location inside a public one) and
 * `locations.update` take. What a location holds is listed by each family's `listByLocation`. Generated from the spec.
 *
 * @since 0.1.0
 * @category Schemas
 */
export { Location, LocationCreate, LocationUpdate } from "./generated/schemas.js"

/**
 * The `locations` operations of the `Gridscale` service.
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
  Resource.operationsOf<Operations>(deps, "locations")
