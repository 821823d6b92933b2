/**
 * Networks: private layer-2 networks, and the public network, that servers connect to.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import type { Network, NetworkCreate } from "./generated/schemas.js"
import { Name } from "./internal/check.js"
import * as Resource from "./internal/resource.js"

/**
 * A network, and what `networks.create` takes. Generated from the spec.
 *
 * @since 0.1.0
 * @category Schemas
 */
export { Network, NetworkCreate } from "./generated/schemas.js"

/**
 * What `networks.update` takes. The spec's definition leaves out `labels`, which the API takes on
 * a network as on every other object (and which `networks.create` names).
 *
 * @since 0.1.0
 * @category Schemas
 */
export const NetworkUpdate = Schema.Struct({
  name: Schema.optional(Name),
  l2security: Schema.optional(Schema.Boolean),
  labels: Schema.optional(Schema.Array(Schema.String))
})

/**
 * @since 0.1.0
 * @category Models
 */
export interface NetworkUpdate extends Schema.Schema.Type<typeof NetworkUpdate> {}

/**
 * The `networks` operations of the `Gridscale` service.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Operations extends Resource.Standard<Network, NetworkCreate, NetworkUpdate> {}

/**
 * Builds the `networks` operations.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const makeOperations = (deps: Resource.Dependencies): Operations =>
  Resource.operationsOf<Operations>(deps, "networks", { update: NetworkUpdate })
