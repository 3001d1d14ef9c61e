/**
 * Image payloads a server must refuse cheaply: files that are not images, truncated ones, and
 * bombs whose header or inflated size is far beyond what their bytes suggest. All are built
 * here, byte by byte, so they are exactly what their names say.
 */
import { crc32, deflateSync } from 'node:zlib';
import type { Prng } from './prng.js';

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function pngChunk(type: string, data: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** A PNG with valid chunks and CRCs: 8-bit, greyscale (colour type 0) or RGB (2). */
export function png(width: number, height: number, colourType: 0 | 2, idat: Buffer): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, colourType, 0, 0, 0], 8);
  return Buffer.concat([
    PNG_SIGNATURE,
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', idat),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Rows of `rowBytes` each, every one led by filter type 0 (none). */
const scanlines = (rows: number, rowBytes: number, value: number) =>
  Buffer.concat(
    Array.from({ length: rows }, () => Buffer.alloc(1 + rowBytes, value).fill(0, 0, 1)),
  );

/** A valid 64×48 grey RGB PNG: the image of calls whose fault lies elsewhere (an option, a key). */
export const SMALL_PNG = png(64, 48, 2, deflateSync(scanlines(48, 64 * 3, 0x80)));

/** IHDR declares 60000×60000 (3.6 gigapixels); the IDAT holds almost nothing. */
export const PNG_60000 = png(60000, 60000, 0, deflateSync(Buffer.alloc(1024)));

let inflating: Buffer | undefined;

/**
 * A valid 7000×7000 greyscale PNG of zero rows: about 50 KB that inflate to 49 million bytes,
 * just under the server's default 50-megapixel limit, so the header check lets it through.
 * Built once per process.
 */
export function inflatingPng(): Buffer {
  const side = 7000;
  inflating ??= png(side, side, 0, deflateSync(Buffer.alloc(side * (1 + side)), { level: 9 }));
  return inflating;
}

/** `jpeg` with its frame header (SOF0–SOF2) patched to claim `width`×`height`. */
export function jpegClaiming(jpeg: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(jpeg);
  for (let at = 2; at + 9 < out.length; ) {
    if (out[at] !== 0xff) break;
    const marker = out[at + 1];
    if (marker >= 0xc0 && marker <= 0xc2) {
      out.writeUInt16BE(height, at + 5);
      out.writeUInt16BE(width, at + 7);
      return out;
    }
    at += 2 + out.readUInt16BE(at + 2);
  }
  throw new Error('no SOF0–SOF2 frame header in the JPEG');
}

/** A 1×1 GIF, the classic 43-byte transparent pixel. */
const GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

/** A 1×1 8-bit greyscale uncompressed little-endian TIFF. */
function tiff(): Buffer {
  const entries: Array<[tag: number, type: number, value: number]> = [
    [256, 3, 1], // ImageWidth
    [257, 3, 1], // ImageLength
    [258, 3, 8], // BitsPerSample
    [259, 3, 1], // Compression: none
    [262, 3, 1], // Photometric: black is zero
    [273, 4, 0], // StripOffsets: patched below
    [277, 3, 1], // SamplesPerPixel
    [278, 3, 1], // RowsPerStrip
    [279, 4, 1], // StripByteCounts
  ];
  const ifdSize = 2 + entries.length * 12 + 4;
  const out = Buffer.alloc(8 + ifdSize + 1);
  out.write('II*\0', 0, 'latin1');
  out.writeUInt32LE(8, 4);
  out.writeUInt16LE(entries.length, 8);
  entries.forEach(([tag, type, value], i) => {
    const at = 10 + i * 12;
    out.writeUInt16LE(tag, at);
    out.writeUInt16LE(type, at + 2);
    out.writeUInt32LE(1, at + 4);
    out.writeUInt32LE(tag === 273 ? 8 + ifdSize : value, at + 8);
  });
  out[8 + ifdSize] = 0x80;
  return out;
}

const SVG = Buffer.from(
  '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="64" height="48">' +
    '<rect width="64" height="48" fill="red"/></svg>',
);
const SVG_HUGE = Buffer.from(
  '<svg xmlns="http://www.w3.org/2000/svg" width="200000" height="200000">' +
    '<rect width="200000" height="200000" fill="red"/></svg>',
);
const PDF = Buffer.from(
  '%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n',
  'latin1',
);

/** Files that are not a JPEG, PNG or WebP, by name. */
export const NOT_IMAGES: Readonly<Record<string, Buffer>> = {
  text: Buffer.from('This is a camera frame, honestly.\n'.repeat(20)),
  pdf: PDF,
  svg: SVG,
  'svg-200000': SVG_HUGE,
  gif: GIF,
  tiff: tiff(),
};

/** `image` cut at a random point past its first bytes. */
export function truncated(image: Buffer, rng: Prng): Buffer {
  return image.subarray(0, rng.int(4, image.length - 1));
}
