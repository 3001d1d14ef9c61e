import sharp from 'sharp';

export interface Region {
  left: number;
  top: number;
  width: number;
  height: number;
}

/** Mean R, G, B of a region of an encoded image (whole image when no region is given). */
export async function meanColour(image: Uint8Array, region?: Region): Promise<number[]> {
  const { data, info } = await sharp(image)
    .removeAlpha()
    .toColourspace('srgb')
    .raw()
    .toBuffer({ resolveWithObject: true });
  const r = region ?? { left: 0, top: 0, width: info.width, height: info.height };
  const sums = [0, 0, 0];
  for (let y = r.top; y < r.top + r.height; y++)
    for (let x = r.left; x < r.left + r.width; x++)
      for (let c = 0; c < 3; c++) sums[c] += data[(y * info.width + x) * info.channels + c];
  return sums.map((sum) => Math.round(sum / (r.width * r.height)));
}

/** Mean absolute difference per sample of two images of one size, 0..255. */
export async function meanDifference(
  a: Uint8Array,
  b: Uint8Array,
  region?: { left: number; top: number; width: number; height: number },
): Promise<number> {
  const [pa, pb] = await Promise.all(
    [a, b].map((image) => {
      const decoded = sharp(image).removeAlpha().toColourspace('srgb');
      return (region ? decoded.extract(region) : decoded).raw().toBuffer();
    }),
  );
  if (pa.length !== pb.length) throw new Error(`sizes differ: ${pa.length} vs ${pb.length} bytes`);
  let sum = 0;
  for (let i = 0; i < pa.length; i++) sum += Math.abs(pa[i] - pb[i]);
  return sum / pa.length;
}

/** Asserts each of R, G, B is within `tolerance` of `want`. */
export function assertColour(got: number[], want: number[], tolerance = 20): void {
  if (!got.every((v, i) => Math.abs(v - want[i]) <= tolerance))
    throw new Error(`expected colour ~${want}, got ${got}`);
}
