/**
 * SSH keys: public keys stored in the account, put on storages made from templates.
 *
 * @since 0.1.0
 */
import type {
  Sshkey as SshKey,
  SshkeyCreate as SshKeyCreate,
  SshkeyUpdate as SshKeyUpdate
} from "./generated/schemas.js"
import * as Resource from "./internal/resource.js"

/**
 * An SSH key, and what `sshKeys.create` and `sshKeys.update` take. Generated from the spec.
 *
 * @since 0.1.0
 * @category Schemas
 */
export { Sshkey as SshKey, SshkeyCreate as SshKeyCreate, SshkeyUpdate as SshKeyUpdate } from "./generated/schemas.js"

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
  Resource.operationsOf<Operations>(deps, "sshKeys")
