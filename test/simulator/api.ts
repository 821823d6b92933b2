/** Test helpers: send a request through the simulator's HttpClient and read the reply. */
import * as HttpClient from "@effect/platform/HttpClient"
import * as HttpClientRequest from "@effect/platform/HttpClientRequest"
import * as Effect from "effect/Effect"
import { definitions } from "../../src/generated/definitions.js"

export const credentials = { "X-Auth-UserId": "2a1f6d0e-user", "X-Auth-Token": "test-token" }

export interface Reply {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly text: string
  readonly json: any
}

export interface CallOptions {
  /** A body sent as JSON. */
  readonly body?: unknown
  /** A body sent as it is, with `Content-Type: application/json` unless `contentType` says otherwise. */
  readonly rawBody?: string
  readonly contentType?: string
  /** Headers replacing the default credentials. */
  readonly headers?: Record<string, string>
}

type Method = "GET" | "POST" | "PATCH" | "DELETE" | "PUT"

export const call = (method: Method, path: string, options: CallOptions = {}) =>
  Effect.gen(function*() {
    const client = yield* HttpClient.HttpClient
    let request = HttpClientRequest.make(method)(`https://api.gridscale.io${path}`).pipe(
      HttpClientRequest.setHeaders(options.headers ?? credentials)
    )
    if (options.body !== undefined) request = HttpClientRequest.bodyUnsafeJson(request, options.body)
    if (options.rawBody !== undefined) {
      request = HttpClientRequest.bodyText(request, options.rawBody, options.contentType ?? "application/json")
    }
    const response = yield* client.execute(request)
    const text = yield* response.text
    return {
      status: response.status,
      headers: response.headers,
      text,
      json: text.length > 0 ? JSON.parse(text) : undefined
    } satisfies Reply
  })

/** Sends a request that must succeed with `status`, and returns its reply. */
export const expectStatus = (status: number, method: Method, path: string, options: CallOptions = {}) =>
  Effect.flatMap(call(method, path, options), (reply) =>
    reply.status === status
      ? Effect.succeed(reply)
      : Effect.dieMessage(`${method} ${path}: expected ${status}, got ${reply.status} ${reply.text}`))

/** Creates an object and returns its id and request id. */
export const create = (path: string, body: unknown) =>
  Effect.map(expectStatus(202, "POST", path, { body }), (reply) => ({
    id: reply.json.object_uuid as string,
    requestId: reply.json.request_uuid as string,
    reply
  }))

export const requestStatus = (requestId: string) =>
  Effect.map(expectStatus(200, "GET", `/requests/${requestId}`), (reply) => reply.json[requestId].status as string)

/** The property names of a definition of the spec (from the generated definitions in the repo). */
export const specFields = (definition: string): Array<string> => Object.keys(definitions[definition]!.properties!)
