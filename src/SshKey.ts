/**
 * SSH keys: public keys stored in the account, put on storages made from templates.
 *
 * @since 0.1.0
 */
import * as Schema from "effect/Schema"
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
export interface Operations extends Resource.Crud<SshKey, SshKeyCreate, SshKeyUpdate>, Resource.HasEvents {}

/**
 * Builds the `sshKeys` operations.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const makeOperations = (deps: Resource.Dependencies): Operations =>
  Resource.operationsOf<Operations>(deps, "sshKeys", { item: SshKey, create: SshKeyCreate, update: SshKeyUpdate })
