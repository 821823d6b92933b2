/**
 * `npm start`, the walk-through a newcomer runs first, as it prints into a pipe: one line per job,
 * each saying what the job was for, and plain English.
 */
import { describe, expect, it } from "@effect/vitest"
import { execFile } from "node:child_process"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("../..", import.meta.url))

const walkThrough = () =>
  new Promise<string>((resolve, reject) => {
    const env = { ...process.env }
    delete env["GRIDSCALE_UUID"]
    delete env["GRIDSCALE_TOKEN"]
    execFile(process.execPath, ["--import", "tsx", "examples/provision.ts"], { cwd: root, env, timeout: 60_000 }, (
      error,
      stdout,
      stderr
    ) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)))
  })

describe("npm start", () => {
  it("walks through against the simulator and prints one labelled line per job into a pipe", async () => {
    const out = await walkThrough()
    const jobs = out.split("\n").filter((line) => line.trimStart().startsWith("job "))
    expect(jobs.length).toBeGreaterThan(5)
    for (const line of jobs) expect(line).toMatch(/^ {5}job [0-9a-f-]{8} \([A-Za-z ]+\) done, \d+ polls?, \d+\.\d s$/)
    const ids = jobs.map((line) => line.split(" ").filter(Boolean)[1])
    expect(new Set(ids).size).toBe(ids.length)
    expect(out).not.toContain("\x1b[")
    expect(out).toMatch(/: 1 core, 2 GB/)
    expect(out).toContain("done: everything created was deleted again")
  }, 90_000)
})
