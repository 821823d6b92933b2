import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two files at once on a 2-core machine (vitest's default is one worker fewer than the cores):
    // much of the suite waits on sockets, child processes and the live clock.
    maxWorkers: 2,
    // The test files of a worker share one module graph, so the generated descriptors load once
    // per worker instead of once per file (a third of the suite's time). No test keeps state in a
    // module.
    isolate: false
  }
})
