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
