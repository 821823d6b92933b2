/**
 * How many requests of one client are in flight at once. Each attempt holds a place from sending
 * its request to the end of its reply, and waits in line for one while all are taken. Without a
 * limit, a thousand concurrent calls open a thousand connections to the API at once; with one,
 * they share a few dozen kept-alive connections, and nothing is lost in time: a request waits for
 * the first reply to end, not for a window.
 *
 * effect's `Semaphore` wakes every waiter on each release; here a thousand fibers may wait, so the
 * place goes straight to the first in line: O(1) work per request.
 */
import * as Effect from "effect/Effect"

/** One attempt's claim on a place: waiting for one, holding one, or neither (done). */
export interface Claim {
  prev: Claim | undefined
  next: Claim | undefined
  queued: boolean
  held: boolean
  /** Resumes the waiting fiber once the place is its own. */
  resume: (() => void) | undefined
}

/** The places of one client. */
export interface InFlight {
  /**
   * Waits until `claim` holds a place (at once while one is free). Whatever happens next, the
   * claim must be given up with `leave`, an interrupted wait included.
   */
  readonly enter: (claim: Claim) => Effect.Effect<void>
  /** Gives up the claim: a held place goes to the first in line; a waiting claim leaves the line. */
  readonly leave: (claim: Claim) => void
  /** How many places are held now. */
  readonly held: () => number
}

/** A new claim, neither waiting nor holding. */
export const claim = (): Claim => ({ prev: undefined, next: undefined, queued: false, held: false, resume: undefined })

const unlimited: InFlight = { enter: () => Effect.void, leave: () => {}, held: () => 0 }

/** `limit` places (`Infinity`: no limit, and no cost). */
export const make = (limit: number): InFlight => {
  if (limit === Infinity) return unlimited
  let held = 0
  let head: Claim | undefined
  let tail: Claim | undefined

  const dequeue = (claim: Claim) => {
    if (claim.prev === undefined) head = claim.next
    else claim.prev.next = claim.next
    if (claim.next === undefined) tail = claim.prev
    else claim.next.prev = claim.prev
    claim.prev = claim.next = undefined
    claim.queued = false
  }

  const enqueue = (claim: Claim) => {
    claim.prev = tail
    if (tail === undefined) head = claim
    else tail.next = claim
    tail = claim
    claim.queued = true
  }

  const enter = (claim: Claim): Effect.Effect<void> => {
    if (held < limit && head === undefined) {
      held += 1
      claim.held = true
      return Effect.void
    }
    return Effect.async<void>((resume) => {
      claim.resume = () => resume(Effect.void)
      enqueue(claim)
    })
  }

  const leave = (claim: Claim) => {
    if (claim.queued) {
      dequeue(claim)
      return
    }
    if (!claim.held) return
    claim.held = false
    const next = head
    if (next === undefined) {
      held -= 1
      return
    }
    // The place passes on without ever being free, so no newcomer can take it out of turn.
    dequeue(next)
    next.held = true
    next.resume?.()
  }

  return { enter, leave, held: () => held }
}
