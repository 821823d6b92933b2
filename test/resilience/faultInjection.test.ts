/**
 * The fault-injection suite: a scripted workload of mixed operations against the simulator with
 * faults on 10% of requests and a 30-per-second rate limit, run on virtual time. It proves that
 * every failure is typed, nothing is created twice, the final state is what the operations did
 * (plus writes whose outcome the client honestly reported as unknown), and the token leaks nowhere.
 */
import { describe, expect, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Random from "effect/Random"
import * as util from "node:util"
import * as Gridscale from "../../src/Gridscale.js"
import * as GridscaleConfig from "../../src/GridscaleConfig.js"
import * as GridscaleError from "../../src/GridscaleError.js"
import * as GridscaleSimulator from "../../src/GridscaleSimulator.js"
import * as Clock from "../support/clock.js"
import * as Recording from "../support/recording.js"

const token = "fi-t0ken-5f3c9a7e1b2d4c6a8e0f"
const userId = "6b2f1c1e-5d0a-4d7b-9d5e-2f1a3c4b5d6e"
const operations = 520
const workers = 8
const sshKey = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFaultInjectionSuiteKeyMaterial0000000000 fi@test"

type Family = "storages" | "networks" | "sshkeys" | "ips"
const families: ReadonlyArray<Family> = ["storages", "networks", "sshkeys", "ips"]

/** What the client was told about one object it created. */
interface Known {
  readonly family: Family
  readonly id: string
  readonly name: string
  state: "exists" | "deleted" | "maybeDeleted"
  /** The label sets the object may carry now: the last one that succeeded, then unknown ones. */
  labels: Array<ReadonlyArray<string>>
  busy: boolean
}

interface Tally {
  succeeded: number
  typedFailures: number
  defects: number
  outcomeUnknown: Array<string>
  byTag: Record<string, number>
}

const isUnknownOutcome = (error: GridscaleError.GridscaleError) =>
  ("outcomeUnknown" in error && error.outcomeUnknown) || error._tag === "JobTimeout"

const makeWorkload = (gridscale: Gridscale.Service) => {
  const known: Array<Known> = []
  const maybeCreated: Array<{ family: Family; name: string }> = []
  const neverCreated: Array<{ family: Family; name: string }> = []
  const tally: Tally = { succeeded: 0, typedFailures: 0, defects: 0, outcomeUnknown: [], byTag: {} }

  const create = (family: Family, name: string): Effect.Effect<string, GridscaleError.GridscaleError> =>
    Effect.map(createObject(family, name), (object) => object.object_uuid)
  const createObject = (family: Family, name: string) => {
    switch (family) {
      case "storages":
        return gridscale.storages.create({ name, capacity: 10, location_uuid: GridscaleSimulator.locationId })
      case "networks":
        return gridscale.networks.create({ name, location_uuid: GridscaleSimulator.locationId })
      case "sshkeys":
        return gridscale.sshKeys.create({ name, sshkey: sshKey })
      case "ips":
        return gridscale.ips.create({ family: 4, name, location_uuid: GridscaleSimulator.locationId })
    }
  }
  const update = (
    object: Known,
    labels: ReadonlyArray<string>
  ): Effect.Effect<unknown, GridscaleError.GridscaleError> => {
    const patch = { labels: [...labels] }
    switch (object.family) {
      case "storages":
        return gridscale.storages.update(object.id, patch)
      case "networks":
        // The spec's network update has no labels: a rename to the same name goes through the same path.
        return gridscale.networks.update(object.id, { name: object.name })
      case "sshkeys":
        return gridscale.sshKeys.update(object.id, patch)
      case "ips":
        return gridscale.ips.update(object.id, patch)
    }
  }
  const remove = (object: Known) => {
    switch (object.family) {
      case "storages":
        return gridscale.storages.delete(object.id)
      case "networks":
        return gridscale.networks.delete(object.id)
      case "sshkeys":
        return gridscale.sshKeys.delete(object.id)
      case "ips":
        return gridscale.ips.delete(object.id)
    }
  }
  const list = (family: Family) => {
    switch (family) {
      case "storages":
        return gridscale.storages.list()
      case "networks":
        return gridscale.networks.list()
      case "sshkeys":
        return gridscale.sshKeys.list()
      case "ips":
        return gridscale.ips.list()
    }
  }

  /** Runs one operation and files its outcome; `onError` says what a typed failure means. */
  const record = <A>(
    label: string,
    effect: Effect.Effect<A, GridscaleError.GridscaleError>,
    onSuccess: (a: A) => void,
    onError: (error: GridscaleError.GridscaleError) => void
  ) =>
    Effect.map(Effect.exit(effect), (exit) => {
      if (Exit.isSuccess(exit)) {
        tally.succeeded++
        return onSuccess(exit.value)
      }
      const failure = Cause.failureOption(exit.cause)
      if (failure._tag === "None" || !GridscaleError.isGridscaleError(failure.value)) {
        tally.defects++
        return
      }
      const error = failure.value
      tally.typedFailures++
      tally.byTag[error._tag] = (tally.byTag[error._tag] ?? 0) + 1
      if (isUnknownOutcome(error)) tally.outcomeUnknown.push(`${label}: ${error._tag} ${error.message}`)
      onError(error)
    })

  const pickIdle = Effect.map(Random.nextIntBetween(0, 1_000_000), (n) => {
    const idle = known.filter((k) => k.state === "exists" && !k.busy)
    return idle.length === 0 ? undefined : idle[n % idle.length]
  })

  const operation = (index: number) =>
    Effect.gen(function*() {
      const roll = yield* Random.nextIntBetween(0, 100)
      const family = families[yield* Random.nextIntBetween(0, families.length)]
      const target = roll >= 40 && roll < 80 ? yield* pickIdle : undefined
      if (roll < 40 || (roll < 80 && target === undefined)) {
        const name = `fi-${family}-${index}`
        return yield* record(`create ${family} ${name}`, create(family, name), (id) => {
          known.push({ family, id, name, state: "exists", labels: [[]], busy: false })
        }, (error) => (isUnknownOutcome(error) ? maybeCreated : neverCreated).push({ family, name }))
      }
      if (target !== undefined) {
        target.busy = true
        const done = Effect.sync(() => (target.busy = false))
        if (roll < 60) {
          const labels = [`v${index}`]
          const labelled = target.family !== "networks"
          return yield* record(`update ${target.id}`, update(target, labels), () => {
            if (labelled) target.labels = [labels]
          }, (error) => {
            if (labelled && isUnknownOutcome(error)) target.labels.push(labels)
          }).pipe(Effect.ensuring(done))
        }
        return yield* record(`delete ${target.id}`, remove(target), () => {
          target.state = "deleted"
        }, (error) => {
          if (isUnknownOutcome(error)) target.state = "maybeDeleted"
        }).pipe(Effect.ensuring(done))
      }
      return yield* record(`list ${family}`, Effect.asVoid(list(family)), () => undefined, () => undefined)
    })

  let next = 0
  const worker = Effect.suspend(() => next < operations ? operation(next++) : Effect.void).pipe(
    Effect.repeat({ while: () => next < operations })
  )
  const run = Effect.all(Array.from({ length: workers }, () => worker), { concurrency: "unbounded", discard: true })
  return { run, known, maybeCreated, neverCreated, tally }
}

const objectsNamed = (snapshot: GridscaleSimulator.StateSnapshot, family: Family, name: string) =>
  Object.values(snapshot[family] ?? {}).filter((o) => (o as { name?: unknown }).name === name)

describe("fault injection", () => {
  it.effect(
    "520 mixed operations with 10% faults and a 30/s limit: typed failures only, no duplicates, true state, no leaks",
    () =>
      Effect.gen(function*() {
        const recording = Recording.make()
        const simulator = GridscaleSimulator.layerWith({
          seed: 42,
          jobDuration: { default: 400, byFamily: { storages: 900 } },
          rateLimit: { limit: 30, windowMillis: 1_000 },
          faults: { rate: 0.1, retryAfterSeconds: 1, slowMillis: 1_500 }
        })
        const client = Gridscale.layer.pipe(
          Layer.provideMerge(simulator),
          Layer.provide(GridscaleConfig.layer({
            userId,
            token,
            rate: { limit: 30, window: "1 second" },
            timeout: "5 seconds"
          }))
        )
        // On virtual time (see runOnVirtualTime): the run waits on the clock thousands of times
        // (backoffs, polls, the rate window, slow replies), each wait a jump. The counters and the
        // snapshot are read on the same clock, so jobs have the state that time gives them.
        const result = yield* Effect.gen(function*() {
          const gridscale = yield* Gridscale.Gridscale
          const workload = makeWorkload(gridscale)
          yield* workload.run.pipe(Effect.withRandom(Random.make(7)))
          const counters = yield* GridscaleSimulator.counters
          const snapshot = yield* GridscaleSimulator.snapshot
          return { workload, counters, snapshot }
        }).pipe(Effect.provide(client), Recording.withRecording(recording), Clock.runOnVirtualTime)
        const { counters, snapshot, workload } = result
        const { known, maybeCreated, neverCreated, tally } = workload

        // Every operation ended, and every failure was typed.
        expect(tally.succeeded + tally.typedFailures + tally.defects).toBe(operations)
        expect(tally.defects).toBe(0)

        // Nothing was created twice.
        const duplicates = Object.entries(counters.created).flatMap(([family, names]) =>
          Object.entries(names).filter(([, n]) => n > 1).map(([name, n]) => `${family}/${name} x${n}`)
        )
        expect(duplicates).toEqual([])

        // The final state is what the operations did, plus a subset of the unknown outcomes.
        const mismatches: Array<string> = []
        for (const object of known) {
          const found = snapshot[object.family]?.[object.id] as { labels?: ReadonlyArray<string> } | undefined
          if (object.state === "exists" && found === undefined) mismatches.push(`${object.id} missing`)
          if (object.state === "deleted" && found !== undefined) mismatches.push(`${object.id} not deleted`)
          const labels = JSON.stringify(found?.labels ?? [])
          if (found !== undefined && !object.labels.some((l) => JSON.stringify(l) === labels)) {
            mismatches.push(`${object.id} labels ${labels}, expected one of ${JSON.stringify(object.labels)}`)
          }
        }
        for (const { family, name } of neverCreated) {
          if (objectsNamed(snapshot, family, name).length > 0) mismatches.push(`${family}/${name} exists`)
        }
        const accounted = new Set(known.map((k) => k.id))
        const surfaced = maybeCreated.filter(({ family, name }) => objectsNamed(snapshot, family, name).length > 0)
        for (const family of families) {
          for (const [id, object] of Object.entries(snapshot[family] ?? {})) {
            const name = String((object as { name?: unknown }).name)
            const explained = accounted.has(id) || maybeCreated.some((m) => m.family === family && m.name === name)
            if (name.startsWith("fi-") && !explained) mismatches.push(`${family}/${name} (${id}) unexplained`)
          }
        }
        expect(mismatches).toEqual([])

        // The token is nowhere in what the client emitted: logs, spans, errors, results.
        const emitted = [recording.text(), util.inspect(result, { depth: 12 }), JSON.stringify(tally)].join("\n")
        const leaks = emitted.split(token).length - 1
        expect(leaks).toBe(0)

        const faults = Object.values(counters.faults).reduce((sum, n) => sum + (n ?? 0), 0)
        const lines = [
          `fault injection: operations ${operations}, requests ${counters.requests}, faults injected ${faults} ` +
          `(${JSON.stringify(counters.faults)})`,
          `fault injection: succeeded ${tally.succeeded}, typed failures ${tally.typedFailures} ` +
          `(${JSON.stringify(tally.byTag)}), defects ${tally.defects}`,
          `fault injection: duplicate creates ${duplicates.length}, token leaks ${leaks}, ` +
          `429s sent by the rate limit ${counters.rateLimited}, emitted lines checked ${recording.lines.length}`,
          `fault injection: outcome unknown ${tally.outcomeUnknown.length} ` +
          `(creates that surfaced anyway: ${surfaced.length} of ${maybeCreated.length})`,
          ...tally.outcomeUnknown.map((line) => `  outcome unknown: ${line}`)
        ]
        // The summary goes with the assertions, so a failure shows what the run did.
        const summary = lines.join("\n")
        expect(faults, summary).toBeGreaterThan(counters.requests * 0.05)
        expect(Object.keys(counters.faults).length, summary).toBe(9)
        expect(tally.byTag["InvalidRequest"] ?? 0, summary).toBe(0)
      }),
    120_000
  )
})
