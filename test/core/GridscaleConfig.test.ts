import { describe, expect, it } from "@effect/vitest"
import * as ConfigError from "effect/ConfigError"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as GridscaleConfig from "../../src/GridscaleConfig.js"

const valid = { userId: "4a8ba86e-2e79-4a64-a8a8-6e1b0e9a6e1a", token: "token" }

const rejects = (options: GridscaleConfig.Options, needle: RegExp) =>
  Effect.gen(function*() {
    const exit = yield* Effect.exit(GridscaleConfig.make(options))
    expect(Exit.isFailure(exit)).toBe(true)
    if (Exit.isFailure(exit)) {
      const error = exit.cause._tag === "Fail" ? exit.cause.error : undefined
      expect(ConfigError.isConfigError(error)).toBe(true)
      expect(error && ConfigError.isConfigError(error) && error._op).toBe("InvalidData")
      expect(String(error)).toMatch(needle)
    }
  })

describe("GridscaleConfig", () => {
  it.effect("fills in the defaults: gridscale's API URL, 30 s per attempt, 5 retries within 2 minutes", () =>
    Effect.gen(function*() {
      const config = yield* GridscaleConfig.make(valid)
      expect(config.apiUrl).toBe("https://api.gridscale.io")
      expect(Duration.toMillis(config.timeout)).toBe(30_000)
      expect(config.retry.maxRetries).toBe(5)
      expect(Duration.toMillis(config.retry.maxElapsed)).toBe(120_000)
      expect(Duration.toMillis(config.polling.timeout)).toBe(300_000)
      expect(config.rate.limit).toBe(210)
      expect(config.maxResponseBytes).toBe(32 * 1024 * 1024)
      expect(Redacted.isRedacted(config.token)).toBe(true)
    }))

  it.effect("keeps the token redacted when shown", () =>
    Effect.gen(function*() {
      const config = yield* GridscaleConfig.make({ ...valid, token: "sup3r-s3cret" })
      expect(String(config.token)).not.toContain("sup3r-s3cret")
      expect(JSON.stringify(config)).not.toContain("sup3r-s3cret")
      expect(Redacted.value(config.token)).toBe("sup3r-s3cret")
    }))

  it.effect("rejects an empty user id", () => rejects({ ...valid, userId: "" }, /empty/))
  it.effect("rejects a malformed user id", () => rejects({ ...valid, userId: "a b/c" }, /letters, digits/))
  it.effect("rejects a user id with a line break (header injection)", () =>
    rejects({ ...valid, userId: "abc\r\nX-Evil: 1" }, /letters, digits/))
  it.effect("rejects an empty token", () => rejects({ ...valid, token: "" }, /token is empty/))
  it.effect("rejects a token with control characters", () =>
    rejects({ ...valid, token: "abc\r\nX-Evil: 1" }, /control characters/))
  it.effect("rejects a URL that is not http(s)", () =>
    rejects({ ...valid, apiUrl: "ftp://api.gridscale.io" }, /must be http\(s\)/))
  it.effect("rejects something that is not a URL", () => rejects({ ...valid, apiUrl: "not a url" }, /not a URL/))
  it.effect("rejects plain http to a host that is not loopback", () =>
    rejects({ ...valid, apiUrl: "http://api.gridscale.io" }, /unencrypted/))
  it.effect("rejects a zero timeout", () => rejects({ ...valid, timeout: 0 }, /longer than zero/))
  it.effect("rejects a limit of requests in flight that is not a whole number above zero", () =>
    Effect.gen(function*() {
      yield* rejects({ ...valid, rate: { maxInFlight: 0 } }, /rate\.maxInFlight must be a positive number/)
      yield* rejects({ ...valid, rate: { maxInFlight: 2.5 } }, /rate\.maxInFlight must be a whole number or Infinity/)
    }))
  it.effect("takes Infinity as no limit of requests in flight", () =>
    Effect.map(
      GridscaleConfig.make({ ...valid, rate: { maxInFlight: Infinity } }),
      (config) => expect(config.rate.maxInFlight).toBe(Infinity)
    ))

  it.effect("allows plain http to loopback, and elsewhere when opted in", () =>
    Effect.gen(function*() {
      expect((yield* GridscaleConfig.make({ ...valid, apiUrl: "http://127.0.0.1:8080/" })).apiUrl).toBe(
        "http://127.0.0.1:8080"
      )
      expect((yield* GridscaleConfig.make({ ...valid, apiUrl: "http://localhost:1" })).apiUrl).toBe(
        "http://localhost:1"
      )
      const insecure = yield* GridscaleConfig.make({
        ...valid,
        apiUrl: "http://gridscale.internal",
        allowInsecureHttp: true
      })
      expect(insecure.apiUrl).toBe("http://gridscale.internal")
    }))

  it.effect("layerConfig reads GRIDSCALE_UUID, GRIDSCALE_TOKEN and GRIDSCALE_URL", () =>
    Effect.gen(function*() {
      const config = yield* GridscaleConfig.GridscaleConfig
      expect(config.userId).toBe(valid.userId)
      expect(Redacted.value(config.token)).toBe("from-env")
      expect(config.apiUrl).toBe("http://127.0.0.1:4010")
    }).pipe(
      Effect.provide(
        GridscaleConfig.layerConfig().pipe(
          Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(
            new Map([
              ["GRIDSCALE_UUID", valid.userId],
              ["GRIDSCALE_TOKEN", "from-env"],
              ["GRIDSCALE_URL", "http://127.0.0.1:4010"]
            ])
          )))
        )
      )
    ))

  it.effect("layerConfig fails with a ConfigError when the token is missing", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(
        Effect.provide(
          GridscaleConfig.GridscaleConfig,
          GridscaleConfig.layerConfig().pipe(
            Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map([["GRIDSCALE_UUID", valid.userId]]))))
          )
        )
      )
      expect(Exit.isFailure(exit)).toBe(true)
      expect(String(exit)).toContain("GRIDSCALE_TOKEN")
    }))

  it.effect("layerConfig names the environment variable whose value is wrong, not the option", () =>
    Effect.gen(function*() {
      const cases: ReadonlyArray<[Record<string, string>, string]> = [
        [{ GRIDSCALE_UUID: valid.userId, GRIDSCALE_TOKEN: "tök" }, "GRIDSCALE_TOKEN"],
        [{ GRIDSCALE_UUID: "not a uuid!", GRIDSCALE_TOKEN: "t" }, "GRIDSCALE_UUID"],
        [{ GRIDSCALE_UUID: valid.userId, GRIDSCALE_TOKEN: "t", GRIDSCALE_URL: "http://api.example" }, "GRIDSCALE_URL"]
      ]
      for (const [env, name] of cases) {
        const exit = yield* Effect.exit(
          Effect.provide(
            GridscaleConfig.GridscaleConfig,
            GridscaleConfig.layerConfig().pipe(
              Layer.provide(Layer.setConfigProvider(ConfigProvider.fromMap(new Map(Object.entries(env)))))
            )
          )
        )
        expect(Exit.isFailure(exit)).toBe(true)
        const text = String(exit)
        expect(text).toContain(name)
        expect(text).not.toMatch(/\b(token|userId|apiUrl)\b:/)
      }
    }))
})
