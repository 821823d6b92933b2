/**
 * `@effect-gridscale/cli`: the `gridscale` command line, also usable from code.
 *
 * @since 0.1.0
 */
export { commandTree, run, type RunOptions, version } from "./Cli.js"
export { exitCodeOf, exitCodes } from "./exitCodes.js"
