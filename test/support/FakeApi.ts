import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientError from "@effect/platform/HttpClientError"
import * as HttpClientResponse from "@effect/platform/HttpClientResponse"
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as GridscaleConfig from "../../src/GridscaleConfig.js"
import * as GridscaleConnection from "../../src/GridscaleConnection.js"

/** What the fake saw of one request. */
export interface Seen {
  readonly method: string
  readonly url: string
  readonly path: string
  readonly headers: Readonly<Record<string, string>>
  readonly body: string | undefined
  /** When it arrived, on effect's `Clock`. */
  readonly at: number
}

/** What a scripted handler answers: a reply, or a transport failure with an error code. */
export type Answer =
  | { readonly status: number; readonly headers?: Record<string, string>; readonly body?: unknown }
  | { readonly fail: "ECONNREFUSED" | "ECONNRESET" }
  | { readonly hang: true }

export const userId = "4a8ba86e-2e79-4a64-a8a8-6e1b0e9a6e1a"
export const token = "s3cr3t-t0k3n-that-must-never-show"

/**
 * A scripted gridscale API as an `HttpClient`, no sockets: each request is handed to `handler`,
 * and every request is recorded in `seen`.
 */
export const make = (handler: (req: Seen, index: number) => Answer | Effect.Effect<Answer>) => {
  const seen: Array<Seen> = []
  const client = HttpClient.make((request, url) =>
    Effect.gen(function*() {
      const body = request.body._tag === "Uint8Array" ? new TextDecoder().decode(request.body.body) : undefined
      const at = yield* Clock.currentTimeMillis
      const req: Seen = {
        method: request.method,
        url: url.href,
        path: url.pathname,
        headers: request.headers,
        body,
        at
      }
      seen.push(req)
      const result = handler(req, seen.length - 1)
      const answer = Effect.isEffect(result) ? yield* result : result
      if ("hang" in answer) return yield* Effect.never
      if ("fail" in answer) {
        return yield* new HttpClientError.RequestError({
          request,
          reason: "Transport",
          cause: Object.assign(new Error(answer.fail), { code: answer.fail })
        })
      }
      const text = answer.body === undefined
        ? null
        : typeof answer.body === "string"
        ? answer.body
        : JSON.stringify(answer.body)
      const headers = new Headers({ "x-request-id": `req-${seen.length}`, ...answer.headers })
      if (text !== null && !headers.has("content-type")) headers.set("content-type", "application/json")
      return HttpClientResponse.fromWeb(request, new Response(text, { status: answer.status, headers }))
    })
  )
  return { seen, layer: Layer.succeed(HttpClient.HttpClient, client) }
}

/** Config for tests: fast retries, no client-side ceiling unless asked. */
export const config = (options?: Partial<GridscaleConfig.Options>) =>
  GridscaleConfig.layer({
    userId,
    token,
    apiUrl: "https://api.gridscale.io",
    rate: { limit: Infinity },
    ...options
  })

/** The connection stack on a fake. */
export const connection = (
  fake: ReturnType<typeof make>,
  options?: Partial<GridscaleConfig.Options>
) => GridscaleConnection.layer.pipe(Layer.provide(fake.layer), Layer.provide(config(options)))
