/**
 * Helpers for the HTTP door's tests: a server with the door on a free loopback port, and the
 * binary tensor data extension as a client writes and reads it.
 */
import type { ServerOptions, VisionServer } from '../../src/server.js';
import { startServer } from '../helpers.js';
import { bytesElement } from '../raw-layout.js';

/** A real server with its HTTP door on a free loopback port. */
export async function startHttpServer(
  overrides: Partial<ServerOptions> = {},
): Promise<{ server: VisionServer; url: string }> {
  const server = await startServer({ http: { port: 0, host: '127.0.0.1' }, ...overrides });
  return { server, url: server.httpUrl! };
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
