/**
 * The simulator's loopback server in a child process, for `npm run bench`. Started with
 * `child_process.fork` (so it has an IPC channel); answers control messages from the bench:
 *
 * - `{ type: "band", min, max }`: jobs from now on take a duration drawn uniformly from [min, max] ms;
 * - `{ type: "failNext" }`: the next write's job ends as `failed`;
 * - `{ type: "jobs", ids }`: when each of these jobs ends, and when it was polled;
 * - `{ type: "counters" }`: the simulator's counters (429s, requests);
 * - `{ type: "rss" }`: this process's resident set size;
 * - `{ type: "cpu" }`: the CPU time this process has used, in ms.
 *
 * Its first message is `{ type: "ready", url }`. The API traffic itself goes over loopback HTTP.
 */
import * as Server from "../src/GridscaleSimulatorServer.js"
import type { JobInfo } from "../src/internal/simulator/types.js"

interface Options {
  /** `true`: the API's 210 per 60 s; an object: another limit per window. */
  readonly rateLimit: boolean | { readonly limit: number; readonly windowMillis?: number }
  readonly seed: number
}

const options: Options = JSON.parse(process.argv[2] ?? "{}")

interface JobRecord {
  createdAt: number
  doneAt: number
  polls: Array<number>
}

let band = { min: 0, max: 0 }
// A job is made inside `handle`; the log line right after it names the request id it belongs to.
let justMade: JobRecord | undefined
const jobs = new Map<string, JobRecord>()

const jobDuration = (_job: JobInfo): number => {
  const now = Date.now()
  const millis = Math.round(band.min + Math.random() * (band.max - band.min))
  justMade = { createdAt: now, doneAt: now + millis, polls: [] }
  return millis
}

const pollPath = /^GET \/requests\/([A-Za-z0-9-]+) /

const log = (line: string) => {
  const now = Date.now()
  if (justMade !== undefined) {
    // The line is "METHOD path status requestId ...".
    const requestId = line.split(" ")[3]
    if (requestId !== undefined) jobs.set(requestId, justMade)
    justMade = undefined
    return
  }
  const poll = pollPath.exec(line)
  if (poll !== null) jobs.get(poll[1])?.polls.push(now)
}

const handle = await Server.start({
  port: 0,
  seed: options.seed,
  jobDuration,
  ...(options.rateLimit === false ? { rateLimit: false as const } : options.rateLimit === true ? {} : {
    rateLimit: options.rateLimit
  }),
  log
})

type Message =
  | { readonly id: number; readonly type: "band"; readonly min: number; readonly max: number }
  | { readonly id: number; readonly type: "failNext" }
  | { readonly id: number; readonly type: "jobs"; readonly ids: ReadonlyArray<string> }
  | { readonly id: number; readonly type: "counters" }
  | { readonly id: number; readonly type: "rss" }
  | { readonly id: number; readonly type: "cpu" }

const answer = (message: Message): unknown => {
  switch (message.type) {
    case "band":
      band = { min: message.min, max: message.max }
      return null
    case "failNext":
      handle.failNextJob({ method: "POST" })
      return null
    case "jobs":
      return Object.fromEntries(message.ids.map((id) => [id, jobs.get(id) ?? null]))
    case "counters": {
      const counters = handle.counters()
      return { requests: counters.requests, rateLimited: counters.rateLimited, byStatus: counters.byStatus }
    }
    case "rss":
      return process.memoryUsage().rss
    case "cpu": {
      const usage = process.cpuUsage()
      return (usage.user + usage.system) / 1000
    }
  }
}

process.on("message", (message: Message) => {
  process.send?.({ id: message.id, value: answer(message) })
})

// The bench going away (even killed) closes the IPC channel: stop with it.
process.on("disconnect", () => {
  handle.close().finally(() => process.exit(0))
})

process.send?.({ type: "ready", url: handle.url })
