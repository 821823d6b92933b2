/**
 * ISO images: boot media fetched from a URL, inserted into servers.
 *
 * @since 0.1.0
 */
import type {
  Isoimage as IsoImage,
  IsoimageCreate as IsoImageCreate,
  IsoimageUpdate as IsoImageUpdate
} from "./generated/schemas.js"
import * as Resource from "./internal/resource.js"

/**
 * An ISO image, and what `isoImages.create` and `isoImages.update` take. Generated from the spec.
 *
 * @since 0.1.0
 * @category Schemas
 */
export {
  Isoimage as IsoImage,
  IsoimageCreate as IsoImageCreate,
  IsoimageUpdate as IsoImageUpdate
} from "./generated/schemas.js"

/**
 * The `isoImages` operations of the `Gridscale` service.
 *
 * @since 0.1.0
 * @category Models
 */
export interface Operations extends Resource.Standard<IsoImage, IsoImageCreate, IsoImageUpdate> {}

/**
 * Builds the `isoImages` operations.
 *
 * @since 0.1.0
 * @category Constructors
 */
export const makeOperations = (deps: Resource.Dependencies): Operations =>
  Resource.operationsOf<Operations>(deps, "isoImages")
