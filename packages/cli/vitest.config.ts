import { defineConfig } from "vitest/config"

export default defineConfig({
  // No aliases: the CLI's sources run against the built library (`npm run build` first), as users get it.
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000
  }
})
