import type { DetectOptions, DetectResult, GetMaskOptions, ServerInfo } from '../types.js';
import { type CallOptions, ZerorpcClient, type ZerorpcClientOptions } from './client.js';

/**
 * The Mask R-CNN service's methods, typed. Images go as bytes (JPEG, PNG or WebP) and the
 * composite comes back as bytes; errors are the wire errors of `protocol/errors.ts`.
 */
export class VisionClient {
  private readonly rpc: ZerorpcClient;

  constructor(options: ZerorpcClientOptions) {
    this.rpc = new ZerorpcClient(options);
  }

  /** The image with every detected instance's mask, box and caption drawn on it. */
  getMask(
    image: Uint8Array,
    options: GetMaskOptions = {},
    call?: CallOptions,
  ): Promise<Uint8Array> {
    return this.rpc.call<Uint8Array>('getMask', [image, options], call);
  }

  /** The detections themselves, masks as COCO RLE. */
  detect(
    image: Uint8Array,
    options: DetectOptions = {},
    call?: CallOptions,
  ): Promise<DetectResult> {
    return this.rpc.call<DetectResult>('detect', [image, options], call);
  }

  /** What the server runs: version, model, execution provider, queue. */
  info(call?: CallOptions): Promise<ServerInfo> {
    return this.rpc.call<ServerInfo>('info', [], call);
  }

  close(): void {
    this.rpc.close();
  }
}
