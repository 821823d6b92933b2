/**
 * Runs the gridscale simulator on loopback: `npm run simulator -- --port 8080`.
 * Prints one line with its URL, then one line per request (never a token).
 */
import { parseArgs } from "node:util"
import type { FaultKind } from "../src/GridscaleSimulator.js"
import * as Server from "../src/GridscaleSimulatorServer.js"
import { allFaultKinds } from "../src/internal/simulator/types.js"

const usage = `Usage: npm run simulator -- [options]
  --port N             port to listen on (0 picks a free one; default 0)
  --host H             address to listen on (default 127.0.0.1)
  --seed N             seed of ids, addresses and fault draws (default: a new one each run)
  --job-ms N           how long every job takes, in ms (default 500)
  --job-failure-rate R share of jobs that end as failed, 0 to 1 (default 0)
  --fault-rate R       share of requests that get a fault, 0 to 1 (default 0)
  --fault-kinds K,K    faults drawn from (default all), e.g. ServiceUnavailable,ConnectionReset
  --rate-limit N       requests per window (default 210; 0 turns the limit off)
  --rate-window-ms N   length of the rate window in ms (default 60000)
Credentials: GRIDSCALE_UUID and GRIDSCALE_TOKEN if set, else any non-empty pair.`

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "0" },
    host: { type: "string", default: "127.0.0.1" },
    seed: { type: "string" },
    "job-ms": { type: "string" },
    "job-failure-rate": { type: "string" },
    "fault-rate": { type: "string" },
    "fault-kinds": { type: "string" },
    "rate-limit": { type: "string" },
    "rate-window-ms": { type: "string" },
    help: { type: "boolean", default: false }
  }
})

if (values.help) {
  console.log(usage)
  process.exit(0)
}

const number = (name: string, text: string | undefined): number | undefined => {
  if (text === undefined) return undefined
  const value = Number(text)
  if (!Number.isFinite(value) || value < 0) {
    console.error(`--${name} must be a non-negative number, got ${JSON.stringify(text)}\n\n${usage}`)
    process.exit(2)
  }
  return value
}

const userId = process.env.GRIDSCALE_UUID
const token = process.env.GRIDSCALE_TOKEN
const credentials = userId && token ? { credentials: { userId, token } } : {}
const seed = number("seed", values.seed)
const jobMillis = number("job-ms", values["job-ms"])
const jobFailureRate = number("job-failure-rate", values["job-failure-rate"])
const faultRate = number("fault-rate", values["fault-rate"])
const rateLimit = number("rate-limit", values["rate-limit"])
const rateWindow = number("rate-window-ms", values["rate-window-ms"])
const kinds = values["fault-kinds"]?.split(",").map((k) => k.trim() as FaultKind)
const unknownKind = kinds?.find((k) => !allFaultKinds.includes(k))
if (unknownKind !== undefined) {
  console.error(`Unknown fault kind ${JSON.stringify(unknownKind)}; known: ${allFaultKinds.join(", ")}`)
  process.exit(2)
}

const handle = await Server.start({
  port: number("port", values.port) ?? 0,
  host: values.host,
  ...credentials,
  ...(seed === undefined ? {} : { seed }),
  ...(jobMillis === undefined ? {} : { jobDuration: jobMillis }),
  ...(jobFailureRate === undefined ? {} : { jobFailures: { rate: jobFailureRate } }),
  ...(faultRate === undefined ? {} : { faults: { rate: faultRate, ...(kinds ? { kinds } : {}) } }),
  ...(rateLimit === 0
    ? { rateLimit: false as const }
    : rateLimit === undefined && rateWindow === undefined
    ? {}
    : {
      rateLimit: { ...(rateLimit ? { limit: rateLimit } : {}), ...(rateWindow ? { windowMillis: rateWindow } : {}) }
    }),
  log: (line) => console.log(line)
})

console.log(`gridscale simulator listening on ${handle.url}`)

const stop = () => {
  handle.close().then(() => process.exit(0))
}
process.on("SIGINT", stop)
process.on("SIGTERM", stop)
