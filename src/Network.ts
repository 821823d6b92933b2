/**
 * Networks: the public network of each location and private layer-2 networks between servers.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { IdInput, Labels, Name } from "./internal/check.js"
import * as Resource from "./internal/resource.js"
import * as S from "./internal/schema.js"

/**
 * A server linked to a network, as the network lists it.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const NetworkServer = S.open("NetworkServer", {
  object_uuid: S.Id,
  object_name: S.optionalString,
  network_uuid: S.optionalString,
  mac: S.optionalString,
  bootdevice: S.optionalBoolean,
  ordering: S.optionalNumberOrString,
  l3security: S.optional(Schema.Array(Schema.String)),
  create_time: Schema.optional(S.Timestamp)
})

/**
 * A network.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const Network = S.open("Network", {
  object_uuid: S.Id,
  name: S.optionalString,
  status: S.optionalString,
  network_type: S.optionalString,
  public_net: S.optionalBoolean,
  l2security: S.optionalBoolean,
  delete_block: S.optionalBoolean,
  labels: S.optionalLabels,
  relations: S.optional(S.open("NetworkRelations", {
    servers: S.optional(Schema.Array(NetworkServer)),
    vlans: S.optional(Schema.Array(Schema.Unknown))
  })),
  ...S.locationFields,
  ...S.times
})

/**
 * @since 0.1.0
 * @category Models
 */
export type Network = typeof Network.Type

/**
 * What `networks.create` takes.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const NetworkCreate = Schema.Struct({
  name: Name,
  location_uuid: Schema.optional(IdInput),
  l2security: Schema.optional(Schema.Boolean),
  labels: Schema.optional(Labels)
})

/**
 * @since 0.1.0
 * @category Models
 */
export type NetworkCreate = typeof NetworkCreate.Type

/**
 * What `networks.update` takes.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const NetworkUpdate = Schema.Struct({
  name: Schema.optional(Name),
  l2security: Schema.optional(Schema.Boolean),
  labels: Schema.optional(Labels)
})

/**
 * @since 0.1.0
 * @category Models
 */
export type NetworkUpdate = typeof NetworkUpdate.Type

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
  Resource.operationsOf<Operations>(deps, "networks", { item: Network, create: NetworkCreate, update: NetworkUpdate })
