import { Server, ServerCredentials } from '@grpc/grpc-js';
import { type InferenceServiceContext, inferenceService } from './inference-service.js';
import { INFERENCE_SERVICE } from './service-definition.js';

export interface GrpcDoorOptions {
  /** The address to listen on: `127.0.0.1` (this machine only), `0.0.0.0`, `::`. */
  host: string;
  /** 0 takes a free port; `GrpcDoor.port` says which. */
  port: number;
  /** TLS: the certificate chain and private key, PEM. Without it the door speaks plaintext. */
  tls?: { cert: Buffer; key: Buffer };
}

/**
 * Room for the protobuf around an image of the largest request size: field tags, lengths, the
 * model's name, parameters and tensor metadata.
 */
const ENVELOPE_BYTES = 64 * 1024;

/**
 * The gRPC door: `inference.GRPCInferenceService` on @grpc/grpc-js. A message over the server's
 * request limit is refused by grpc-js with RESOURCE_EXHAUSTED from its length prefix, before
 * its bytes are gathered.
 */
export class GrpcDoor {
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  /** Binds and serves; resolves once bound. */
  static async listen(
    options: GrpcDoorOptions,
    context: InferenceServiceContext & { maxMessageBytes: number },
  ): Promise<GrpcDoor> {
    const server = new Server({
      'grpc.max_receive_message_length': context.maxMessageBytes + ENVELOPE_BYTES,
    });
    server.addService(INFERENCE_SERVICE, inferenceService(context));
    const credentials = options.tls
      ? ServerCredentials.createSsl(null, [
          { cert_chain: options.tls.cert, private_key: options.tls.key },
        ])
      : ServerCredentials.createInsecure();
    const host = options.host.includes(':') ? `[${options.host}]` : options.host;
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync(`${host}:${options.port}`, credentials, (error, bound) =>
        error ? reject(error) : resolve(bound),
      ),
    );
    return new GrpcDoor(server, port);
  }

  /**
   * Stops taking calls and gives open ones up to `flushMs` to be answered; any still open then
   * are cut off.
   */
  close(flushMs = 0): Promise<void> {
    return new Promise((resolve) => {
      const cutOff = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, flushMs);
      this.server.tryShutdown(() => {
        clearTimeout(cutOff);
        resolve();
      });
    });
  }
}
