import { defineConfig } from "vitest/config"

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Three files at once on a 2-core machine (vitest's default is one worker fewer than the
    // cores): much of the suite waits on sockets, child processes and the live clock.
    maxWorkers: 3
  }
})
