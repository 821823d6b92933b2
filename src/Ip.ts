/**
 * IP addresses: public IPv4 and IPv6 addresses, reserved in a location and linked to servers.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import { IdInput, Labels, Name } from "./internal/check.js"
import * as Resource from "./internal/resource.js"
import * as S from "./internal/schema.js"

/**
 * The address family: 4 or 6.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const Family = Schema.Literal(4, 6)

/**
 * An IP address.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const Ip = S.open("Ip", {
  object_uuid: S.Id,
  name: S.optionalString,
  status: S.optionalString,
  ip: S.optionalString,
  prefix: S.optionalString,
  // The spec says a string, real replies send the number.
  family: S.optionalNumberOrString,
  failover: S.optionalBoolean,
  delete_block: S.optionalBoolean,
  reverse_dns: S.optionalString,
  partner_uuid: S.optionalString,
  labels: S.optionalLabels,
  relations: S.optional(S.open("IpRelations", {
    servers: S.optional(Schema.Array(S.open("IpServer", {
      server_uuid: S.optionalString,
      server_name: S.optionalString,
      create_time: Schema.optional(S.Timestamp)
    }))),
    loadbalancers: S.optional(Schema.Array(S.open("IpLoadbalancer", {
      loadbalancer_uuid: S.optionalString,
      loadbalancer_name: S.optionalString,
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
export type Ip = typeof Ip.Type

/**
 * What `ips.create` takes.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const IpCreate = Schema.Struct({
  family: Family,
  location_uuid: Schema.optional(IdInput),
  name: Schema.optional(Name),
  failover: Schema.optional(Schema.Boolean),
  reverse_dns: Schema.optional(Schema.String),
  labels: Schema.optional(Labels)
})

/**
 * @since 0.1.0
 * @category Models
 */
export type IpCreate = typeof IpCreate.Type

/**
 * What `ips.update` takes.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const IpUpdate = Schema.Struct({
  name: Schema.optional(Name),
  failover: Schema.optional(Schema.Boolean),
  reverse_dns: Schema.optional(Schema.String),
  labels: Schema.optional(Labels)
})

/**
 * @since 0.1.0
 * @category Models
 */
export type IpUpdate = typeof IpUpdate.Type

/**
 * The 202 reply to `POST /objects/ips`, which also tells the address.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const IpCreateResponse = S.open("IpCreateResponse", {
  request_uuid: S.Id,
  object_uuid: S.Id,
  ip: S.optionalString,
  prefix: S.optionalString
})

/**
 * The `ips` operations of the `Gridscale` service.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Operations extends Resource.Standard<Ip, IpCreate, IpUpdate> {}

/**
 * Builds the `ips` operations.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const makeOperations = (deps: Resource.Dependencies): Operations =>
  Resource.operationsOf<Operations>(deps, "ips", { item: Ip, create: IpCreate, update: IpUpdate })
