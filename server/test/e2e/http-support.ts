/**
 * Helpers for the HTTP door's tests: a server with the door on a free loopback port, and the
 * binary tensor data extension as a client writes and reads it.
 */
import type { ServerOptions, VisionServer } from '../../src/server.js';
import { startServer } from '../helpers.js';

/** A real server with its HTTP door on a free loopback port. */
export async function startHttpServer(
  overrides: Partial<ServerOptions> = {},
): Promise<{ server: VisionServer; url: string }> {
  const server = await startServer({ http: { port: 0, host: '127.0.0.1' }, ...overrides });
  return { server, url: server.httpUrl! };
}

/** One BYTES element as binary data: its length (uint32, little-endian), then its bytes. */
export function bytesElement(bytes: Uint8Array): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32LE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/**
 * An infer request with the image as binary data: the JSON header (its `inputs` filled in),
 * then the image element; `extra` adds to the header (outputs, parameters).
 */
export function binaryInfer(image: Uint8Array, extra: Record<string, unknown> = {}) {
  const element = bytesElement(image);
  const header = Buffer.from(
    JSON.stringify({
      inputs: [
        {
          name: 'image',
          datatype: 'BYTES',
          shape: [1],
          parameters: { binary_data_size: element.length },
        },
      ],
      ...extra,
    }),
  );
  return {
    body: Buffer.concat([header, element]),
    headers: {
      'content-type': 'application/octet-stream',
      'inference-header-content-length': String(header.length),
    },
  };
}

export interface ReplyOutput {
  name: string;
  datatype: string;
  shape: number[];
  data?: unknown[];
  parameters?: { binary_data_size?: number };
}

/** A binary-extension reply: its JSON header and each binary output's bytes by name. */
export async function readBinaryReply(response: Response) {
  const body = Buffer.from(await response.arrayBuffer());
  const jsonLength = Number(response.headers.get('inference-header-content-length'));
  const json = JSON.parse(body.subarray(0, jsonLength).toString()) as {
    outputs: ReplyOutput[];
    id?: string;
  };
  const binary = new Map<string, Buffer>();
  let at = jsonLength;
  for (const output of json.outputs) {
    const size = output.parameters?.binary_data_size;
    if (size === undefined) continue;
    binary.set(output.name, body.subarray(at, at + size));
    at += size;
  }
  if (at !== body.length) throw new Error(`${body.length - at} bytes left after the outputs`);
  return { json, binary };
}

/** The elements of a BYTES tensor's binary data. */
export function bytesElements(data: Buffer): Buffer[] {
  const elements: Buffer[] = [];
  for (let at = 0; at < data.length; ) {
    const length = data.readUInt32LE(at);
    elements.push(data.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
  return elements;
}
