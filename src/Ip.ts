/**
 * IP addresses: public IPv4 and IPv6 addresses, reserved in a location and attached to servers or
 * load balancers.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
import type { Ip, IpBrief, IpCreate, IpUpdate } from "./generated/schemas.js"
import * as Resource from "./internal/resource.js"

/**
 * An IP address (`Ip`; lists hold the brief form, `IpBrief`), what `ips.create` and `ips.update` take,
 * and the reply to a create, which also tells the address. Generated from the spec.
 *
 * @since 0.1.0
 * @category Schemas
 */
export { Ip, IpBrief, IpCreate, IpCreateResponse, IpUpdate } from "./generated/schemas.js"

/**
 * The address family: 4 or 6.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const Family = Schema.Literal(4, 6)

/**
 * The `ips` operations of the `Gridscale` service.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Operations extends Resource.Standard<Ip, IpCreate, IpUpdate, IpBrief> {}

/**
 * Builds the `ips` operations.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const makeOperations = (deps: Resource.Dependencies): Operations =>
  Resource.operationsOf<Operations>(deps, "ips")
