/**
 * SSH keys: public keys stored in the account, put on storages made from templates.
 *
 * @since 0.1.0
 */
import type * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { GridscaleError } from "./GridscaleError.js"
import { Labels, Name } from "./internal/check.js"
import * as Resource from "./internal/resource.js"
import * as S from "./internal/schema.js"

/**
 * An SSH key.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const SshKey = S.open("SshKey", {
  object_uuid: S.Id,
  name: S.optionalString,
  status: S.optionalString,
  sshkey: S.optionalString,
  user_uuid: S.optionalString,
  labels: S.optionalLabels,
  ...S.times
})

/**
 * @since 0.1.0
 * @category Models
 */
export type SshKey = typeof SshKey.Type

/** A public key in OpenSSH's one-line form. */
const PublicKey = Schema.String.pipe(
  Schema.filter((s) =>
    (s.trim().length > 0 && !/[\r\n]/.test(s.trim())) || "must be one line holding an OpenSSH public key"
  )
)

/**
 * What `sshKeys.create` takes.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const SshKeyCreate = Schema.Struct({
  name: Name,
  sshkey: PublicKey,
  labels: Schema.optional(Labels)
})

/**
 * @since 0.1.0
 * @category Models
 */
export type SshKeyCreate = typeof SshKeyCreate.Type

/**
 * What `sshKeys.update` takes.
 *
 * @since 0.1.0
 * @category Schemas
 */
export const SshKeyUpdate = Schema.Struct({
  name: Schema.optional(Name),
  sshkey: Schema.optional(PublicKey),
  labels: Schema.optional(Labels)
})

/**
 * @since 0.1.0
 * @category Models
 */
export type SshKeyUpdate = typeof SshKeyUpdate.Type

/**
 * The `sshKeys` operations of the `Gridscale` service.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Operations {
  readonly list: () => Effect.Effect<ReadonlyArray<SshKey>, GridscaleError>
  readonly get: (id: string) => Effect.Effect<SshKey, GridscaleError>
  readonly create: (input: SshKeyCreate, options?: Resource.JobOptions) => Effect.Effect<SshKey, GridscaleError>
  readonly update: (
    id: string,
    patch: SshKeyUpdate,
    options?: Resource.JobOptions
  ) => Effect.Effect<SshKey, GridscaleError>
  readonly delete: (id: string, options?: Resource.JobOptions) => Effect.Effect<void, GridscaleError>
  readonly events: (id: string) => Effect.Effect<ReadonlyArray<typeof S.Event.Type>, GridscaleError>
}

/**
 * The family's description.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const family: Resource.Family<SshKey> = {
  name: "sshKeys",
  path: "/objects/sshkeys",
  plural: "sshkeys",
  singular: "sshkey",
  item: SshKey
}

/**
 * Builds the `sshKeys` operations.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const makeOperations = (deps: Resource.Dependencies): Operations => {
  const base = Resource.make(deps, family)
  return {
    list: base.list,
    get: base.get,
    create: base.createWith(SshKeyCreate),
    update: base.updateWith(SshKeyUpdate),
    delete: base.remove,
    events: base.events
  }
}
