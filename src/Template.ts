/**
 * Templates: operating system images, public or made from a snapshot, to create storages from.
 *
 * @since 0.1.0
 */
import type { StorageTemplateCreate as TemplateCreate, Template, TemplateUpdate } from "./generated/schemas.js"
import * as Resource from "./internal/resource.js"

/**
 * A template, and what `templates.create` (a template from a snapshot) and `templates.update` take. Generated from the spec.
 *
 * @since 0.1.0
 * @category Schemas
 */
export { StorageTemplateCreate as TemplateCreate, Template, TemplateUpdate } from "./generated/schemas.js"

/**
 * The `templates` operations of the `Gridscale` service.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Operations extends Resource.Standard<Template, TemplateCreate, TemplateUpdate> {}

/**
 * Builds the `templates` operations.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const makeOperations = (deps: Resource.Dependencies): Operations =>
  Resource.operationsOf<Operations>(deps, "templates")
