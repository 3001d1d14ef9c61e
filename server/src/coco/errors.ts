/** Errors of the COCO stage. `name` is what callers match on. */

/** An RLE whose string or run lengths cannot describe a mask of its stated size. */
export class InvalidRleError extends Error {
  override name = 'InvalidRle';
}

/** An annotation or results file that does not have COCO's shape, or results for unknown images. */
export class CocoFormatError extends Error {
  override name = 'CocoFormat';
}
