import sharp from 'sharp';
import type { RawFrame } from '../../src/camera/subscribe.js';

export type Rgb = [number, number, number];

interface Layout {
  channels: number;
  bgr: boolean;
  bytes: 1 | 2;
}

const LAYOUTS: Record<string, Layout> = {
  rgb8: { channels: 3, bgr: false, bytes: 1 },
  bgr8: { channels: 3, bgr: true, bytes: 1 },
  rgba8: { channels: 4, bgr: false, bytes: 1 },
  bgra8: { channels: 4, bgr: true, bytes: 1 },
  mono8: { channels: 1, bgr: false, bytes: 1 },
  rgb16: { channels: 3, bgr: false, bytes: 2 },
  bgr16: { channels: 3, bgr: true, bytes: 2 },
  rgba16: { channels: 4, bgr: false, bytes: 2 },
  bgra16: { channels: 4, bgr: true, bytes: 2 },
  mono16: { channels: 1, bgr: false, bytes: 2 },
  '8UC1': { channels: 1, bgr: false, bytes: 1 },
  '8UC3': { channels: 3, bgr: true, bytes: 1 },
  '8UC4': { channels: 4, bgr: true, bytes: 1 },
};

/**
 * A camera frame written the way a driver would: `colour(x, y)` gives each pixel's R, G, B
 * (grey encodings take R), in the encoding's channel order, with `padding` bytes after each
 * row, 16-bit samples as value × 257 in the stated byte order, alpha 0 as some drivers leave it.
 */
export function makeFrame(
  encoding: string,
  width: number,
  height: number,
  colour: (x: number, y: number) => Rgb,
  options: { padding?: number; bigEndian?: boolean } = {},
): RawFrame {
  const layout = LAYOUTS[encoding];
  if (!layout) throw new Error(`makeFrame: no layout for ${encoding}`);
  const step = width * layout.channels * layout.bytes + (options.padding ?? 0);
  const data = Buffer.alloc(step * height, 0xee);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const [r, g, b] = colour(x, y);
      const samples =
        layout.channels === 1
          ? [r]
          : [layout.bgr ? b : r, g, layout.bgr ? r : b, 0].slice(0, layout.channels);
      samples.forEach((value, c) => {
        const at = y * step + (x * layout.channels + c) * layout.bytes;
        if (layout.bytes === 1) data[at] = value;
        else if (options.bigEndian) data.writeUInt16BE(value * 257, at);
        else data.writeUInt16LE(value * 257, at);
      });
    }
  }
  return {
    width,
    height,
    encoding,
    step,
    isBigEndian: options.bigEndian ?? false,
    data,
    header: { seq: 0, stamp: { secs: 0, nsecs: 0 }, frame_id: 'right_hand_camera' },
    receivedAtMs: performance.now(),
  };
}

/** A frame of one colour. */
export const solidFrame = (encoding: string, width: number, height: number, rgb: Rgb) =>
  makeFrame(encoding, width, height, () => rgb);

/** Four quadrants: red, green / blue, white — tells channel order and orientation apart. */
export function quadrants(width: number, height: number) {
  return (x: number, y: number): Rgb => {
    const right = x >= width / 2;
    const bottom = y >= height / 2;
    if (!bottom) return right ? [0, 255, 0] : [255, 0, 0];
    return right ? [255, 255, 255] : [0, 0, 255];
  };
}

/** As a ROS message (the fields rosnodejs publishes). */
export function toImageMessage(frame: RawFrame) {
  return {
    header: frame.header,
    height: frame.height,
    width: frame.width,
    encoding: frame.encoding,
    is_bigendian: frame.isBigEndian ? 1 : 0,
    step: frame.step,
    data: Buffer.from(frame.data),
  };
}

/** A photo as the rgb8 `sensor_msgs/Image` a camera driver publishes. */
export async function photoMessage(file: string) {
  const { data, info } = await sharp(file)
    .removeAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  return {
    header: { seq: 0, stamp: { secs: 0, nsecs: 0 }, frame_id: 'right_hand_camera' },
    height: info.height,
    width: info.width,
    encoding: 'rgb8',
    is_bigendian: 0,
    step: info.width * 3,
    data,
  };
}
