import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import * as Logger from "effect/Logger"
import * as LogLevel from "effect/LogLevel"
import * as Tracer from "effect/Tracer"
import * as util from "node:util"

/**
 * Records everything the client emits (log lines, span names, attributes and events, span exits)
 * as text, so a test can search it for what must never appear.
 */
export const make = () => {
  const lines: Array<string> = []
  const show = (u: unknown) => typeof u === "string" ? u : util.inspect(u, { depth: 8 })

  const logger = Logger.make(({ annotations, cause, logLevel, message }) => {
    lines.push(`log ${logLevel.label} ${show(message)} ${show(cause)} ${show(Object.fromEntries(annotations))}`)
  })

  let counter = 0
  const tracer = Tracer.make({
    span(name, parent, context, links, startTime, kind) {
      const attributes = new Map<string, unknown>()
      const id = String(++counter)
      const span: Tracer.Span = {
        _tag: "Span",
        name,
        spanId: id,
        traceId: parent._tag === "Some" ? parent.value.traceId : id,
        parent,
        context,
        status: { _tag: "Started", startTime },
        attributes,
        links,
        sampled: true,
        kind,
        end(_endTime, exit) {
          // What a tracer exports of an exit: its status, and the cause of a failure.
          const status = Exit.isSuccess(exit) ? "ok" : Cause.pretty(exit.cause, { renderErrorCause: true })
          lines.push(`span ${name} ${show(Object.fromEntries(attributes))} ${status}`)
        },
        attribute(key, value) {
          attributes.set(key, value)
        },
        event(eventName, _startTime, eventAttributes) {
          lines.push(`event ${name} ${eventName} ${show(eventAttributes)}`)
        },
        addLinks() {}
      }
      return span
    },
    context: (f) => f()
  })

  const layer = Layer.mergeAll(
    Logger.replace(Logger.defaultLogger, logger),
    Logger.minimumLogLevel(LogLevel.All),
    Layer.setTracer(tracer)
  )

  return { lines, layer, text: () => lines.join("\n") }
}

/** Runs `effect` with its logs and spans recorded by `recording`. */
export const withRecording = (recording: ReturnType<typeof make>) => <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.provide(effect, recording.layer)
