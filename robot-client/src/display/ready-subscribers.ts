import type { RosMessage, RosPublisher } from '../camera/ros-node.js';

/** What this module reads of a rosnodejs `Publisher`: its implementation's subscriber sockets. */
interface PublisherInternals {
  _impl?: { _subClients?: Record<string, { writableLength: number; destroyed?: boolean }> };
}

/**
 * Publishing that skips a subscriber whose socket still holds the previous message. rosnodejs
 * writes every message to every subscriber socket and ignores backpressure, so one subscriber
 * that reads slowly (a viewer over Wi-Fi) makes the node buffer each composite for it, ~768 KB
 * per raw 640×400 frame, without bound. Here a subscriber with bytes still queued on its socket
 * is left out of this message: it gets fewer frames, never a buffer.
 *
 * It reaches into rosnodejs's publisher (`_impl._subClients`, rosnodejs 3.x, where
 * `publish()` with `throttleMs` -1 writes synchronously); with other internals it publishes to all.
 */
export class ReadySubscribers {
  /** Messages left out for a busy subscriber (one count per subscriber and message). */
  skipped = 0;

  constructor(private readonly publisher: RosPublisher) {}

  private clients() {
    return (this.publisher as unknown as PublisherInternals)._impl?._subClients;
  }

  /** Subscribers that would take a message now; when none, there is nothing to build. */
  count(): number {
    const clients = this.clients();
    if (!clients) return this.publisher.getNumSubscribers();
    return Object.values(clients).filter((socket) => socket.writableLength === 0).length;
  }

  /** Publishes `message` to each subscriber whose socket has drained. */
  publish(message: RosMessage): void {
    const impl = (this.publisher as unknown as PublisherInternals)._impl;
    const all = impl?._subClients;
    if (!impl || !all) {
      this.publisher.publish(message);
      return;
    }
    const ready: typeof all = {};
    for (const [name, socket] of Object.entries(all)) {
      if (socket.writableLength === 0) ready[name] = socket;
      else this.skipped++;
    }
    // rosnodejs writes to `_subClients` synchronously inside publish(); the busy ones are
    // hidden for that one call. A subscriber that connects meanwhile is added to `all`.
    impl._subClients = ready;
    try {
      this.publisher.publish(message);
    } finally {
      for (const [name, socket] of Object.entries(impl._subClients))
        if (!(name in all) && !socket.destroyed) all[name] = socket;
      impl._subClients = all;
    }
  }
}
