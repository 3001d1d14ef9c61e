import type { DetectOptions, DetectResult, GetMaskOptions, ServerInfo } from '../types.js';
import { type CallOptions, ZerorpcClient, type ZerorpcClientOptions } from './client.js';

/**
 * The Mask R-CNN service's methods, typed. Images go as bytes (JPEG, PNG or WebP) and the
 * composite comes back as bytes; errors are the wire errors of `protocol/errors.ts`. Before its
 * first image the client asks the server's `info()` for its request limit, so an image over it
 * fails here with `RequestTooLargeError` instead of costing the connection.
 */
export class VisionClient {
  private readonly rpc: ZerorpcClient;
  private limitLearned: Promise<void> | undefined;

  constructor(options: ZerorpcClientOptions) {
    this.rpc = new ZerorpcClient(options);
  }

  /** The image with every detected instance's mask, box and caption drawn on it. */
  getMask(
    image: Uint8Array,
    options: GetMaskOptions = {},
    call?: CallOptions,
  ): Promise<Uint8Array> {
    return this.withImage(() => this.rpc.call<Uint8Array>('getMask', [image, options], call), call);
  }

  /** The detections themselves, masks as COCO RLE. */
  detect(
    image: Uint8Array,
    options: DetectOptions = {},
    call?: CallOptions,
  ): Promise<DetectResult> {
    return this.withImage(
      () => this.rpc.call<DetectResult>('detect', [image, options], call),
      call,
    );
  }

  /** What the server runs: version, model, execution provider, queue. */
  info(call?: CallOptions): Promise<ServerInfo> {
    return this.rpc.call<ServerInfo>('info', [], call);
  }

  close(): void {
    this.rpc.close();
  }

  /** Runs `send` once the server's request limit is known; learning it is retried after a failure. */
  private async withImage<T>(send: () => Promise<T>, call?: CallOptions): Promise<T> {
    this.limitLearned ??= this.info(call).then(
      ({ maxMessageBytes }) => this.rpc.limitRequests(maxMessageBytes),
      (error: Error) => {
        this.limitLearned = undefined;
        throw error;
      },
    );
    await this.limitLearned;
    return send();
  }
}
