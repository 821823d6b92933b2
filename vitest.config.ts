import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Three files at once on a 2-core machine (vitest's default is one worker fewer than the
    // cores): much of the suite waits on sockets, child processes and the live clock.
    maxWorkers: 3,
    // All three from the start to the end: with fewer kept (vitest's default keeps one), the pool
    // stops a worker that falls idle and, when it is handed a file at that moment, reports
    // "Terminating worker thread" as an unhandled rejection that fails the run.
    minWorkers: 3,
    // The files of a worker share one module graph (loaded once per worker instead of once per
    // file: most of the suite's time when each file had its own). Nothing a test leaves behind
    // reaches the next file: no test keeps state in a module, and test/support/layer.ts keeps
    // @effect/vitest's `layer` blocks from handing their runtime to later tests.
    isolate: false
  }
})
