import * as Path from "node:path"
import { defineConfig } from "vitest/config"

const src = Path.resolve(import.meta.dirname, "../../src")

export default defineConfig({
  resolve: {
    // The tests read the library from source, as its own tests do; the CLI under test is the built one.
    alias: [{ find: /^effect-gridscale\/(.*)$/, replacement: `${src}/$1.ts` }, {
      find: /^effect-gridscale$/,
      replacement: `${src}/index.ts`
    }]
  },
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000
  }
})
