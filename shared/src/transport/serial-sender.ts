/**
 * zeromq.js 6 allows one `send()` in flight per socket (a second one fails with EBUSY), while
 * replies, heartbeats and requests are produced concurrently. This chains them in order.
 * Hand-written because the rule is zeromq.js's own and the chain is a few lines.
 */
export class SerialSender {
  private tail: Promise<void> = Promise.resolve();

  constructor(
    private readonly sendFrames: (frames: Uint8Array[]) => Promise<void>,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** Queues `frames` behind earlier sends; a failed send is reported, never thrown at the caller. */
  send(frames: Uint8Array[]): Promise<void> {
    this.tail = this.tail.then(() => this.sendFrames(frames)).catch(this.onError);
    return this.tail;
  }

  /** Settles once every send queued so far has been handed to the socket (or failed). */
  flushed(): Promise<void> {
    return this.tail;
  }
}
