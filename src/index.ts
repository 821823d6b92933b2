/**
 * effect-gridscale: a typed, Effect-native client for the gridscale cloud API.
 *
 * @since 0.1.0
 */

/**
 * Credentials, API URL, timeouts, retry and polling policies, rate budget.
 *
 * @since 0.1.0
 */
export * as GridscaleConfig from "./GridscaleConfig.js"

/**
 * The authenticated connection: `request` and `asyncRequest`.
 *
 * @since 0.1.0
 */
export * as GridscaleConnection from "./GridscaleConnection.js"

/**
 * The typed errors every operation fails with.
 *
 * @since 0.1.0
 */
export * as GridscaleError from "./GridscaleError.js"

/**
 * Job polling on `/requests/{id}`.
 *
 * @since 0.1.0
 */
export * as GridscalePolling from "./GridscalePolling.js"

/**
 * Status checks, error parsing and body decoding.
 *
 * @since 0.1.0
 */
export * as GridscaleResponse from "./GridscaleResponse.js"

/**
 * The in-memory gridscale simulator: an `HttpClient` layer with its controls and counters, for tests.
 *
 * @since 0.1.0
 */
export * as GridscaleSimulator from "./GridscaleSimulator.js"

/**
 * Test helpers: the whole client on the in-memory simulator, and running a program under `TestClock`.
 *
 * @since 0.1.0
 */
export * as GridscaleTest from "./GridscaleTest.js"

/**
 * The driver: typed operations per resource family, and `Gridscale.layer`, the whole live client.
 *
 * @since 0.1.0
 */
export * as Gridscale from "./Gridscale.js"

/**
 * Servers: schemas and operations, power, relations, and `provision`.
 *
 * @since 0.1.0
 */
export * as Server from "./Server.js"

/**
 * Storages: schemas and operations, clones, imports, snapshot and backup schedules, backups.
 *
 * @since 0.1.0
 */
export * as Storage from "./Storage.js"

/**
 * Storage snapshots: schemas and operations, rollback and export.
 *
 * @since 0.1.0
 */
export * as Snapshot from "./Snapshot.js"

/**
 * IP addresses: schemas and operations.
 *
 * @since 0.1.0
 */
export * as Ip from "./Ip.js"

/**
 * Networks: schemas and operations.
 *
 * @since 0.1.0
 */
export * as Network from "./Network.js"

/**
 * SSH keys: schemas and operations.
 *
 * @since 0.1.0
 */
export * as SshKey from "./SshKey.js"

/**
 * Templates: schemas and operations.
 *
 * @since 0.1.0
 */
export * as Template from "./Template.js"

/**
 * Locations: schemas and operations.
 *
 * @since 0.1.0
 */
export * as Location from "./Location.js"

/**
 * ISO images: schemas and operations.
 *
 * @since 0.1.0
 */
export * as IsoImage from "./IsoImage.js"

/**
 * Every model and input of the API as a schema with a named type (`Generated.Firewall`,
 * `Generated.PaasServiceCreate`), generated from the spec; the family modules re-export theirs.
 *
 * @since 0.2.0
 */
export * as Generated from "./generated/schemas.js"
