/**
 * Counts what a fuzz run sent and what came back: messages by kind, replies by event and ERR
 * name, and which of the messages a sound server can answer were answered. Replies are matched
 * to messages by `response_to`, so a reply to the wrong message is not mistaken for an answer.
 */
import { decodeEvent, EVENT, idKey, type MessageId, type ZerorpcEvent } from '@maskrcnn-zmq/shared';
import type { HostileMessage } from './hostile-messages.js';

export interface KindTally {
  sent: number;
  /** Of those sent, how many a sound server can answer. */
  answerable: number;
  /** Of the answerable, how many were answered (OK or ERR). */
  answered: number;
  /** The answers by outcome: `OK`, or the ERR name. */
  outcomes: Record<string, number>;
}

export interface ReplyCounts {
  OK: number;
  /** ERR replies by error name (`BadRequest`, `NameError`, …). */
  ERR: Record<string, number>;
  /** `_zpc_hb` beats the server sent on exchanges still open. */
  heartbeats: number;
  /** Replies that are not a zerorpc event, or another event name. */
  other: number;
  /** OK or ERR to an id that was not expecting one (a mutated message that still parsed, …). */
  unsolicited: number;
}

export class ReplyTally {
  readonly byKind = new Map<string, KindTally>();
  readonly replies: ReplyCounts = { OK: 0, ERR: {}, heartbeats: 0, other: 0, unsolicited: 0 };
  /** Answerable messages not yet answered, by id, with their kind. */
  private readonly waiting = new Map<string, string>();
  /** Ids of the pings that close each socket's run, not yet answered. */
  private readonly barriers = new Set<string>();
  private barriersSent = 0;
  private answerable = 0;
  private answered = 0;

  /** Call before sending, so a fast reply finds its message. */
  sending(message: HostileMessage): void {
    const tally = this.kind(message.kind);
    tally.sent++;
    if (!message.expectsReply || message.messageId === undefined) return;
    tally.answerable++;
    this.answerable++;
    this.waiting.set(idKey(message.messageId), message.kind);
  }

  /**
   * A ping sent after a socket's last message: messages on one socket arrive in order, so its
   * answer shows the server has read everything sent before it. Not counted as a reply.
   */
  sendingBarrier(id: MessageId): void {
    this.barriers.add(idKey(id));
    this.barriersSent++;
  }

  /** The send failed: the message never left, so nothing is owed for it. */
  unsent(message: HostileMessage): void {
    const tally = this.kind(message.kind);
    tally.sent--;
    if (message.messageId === undefined || !this.waiting.delete(idKey(message.messageId))) return;
    tally.answerable--;
    this.answerable--;
  }

  /** One message a fuzz socket received; the payload is its last frame. */
  receive(frames: Buffer[]): void {
    let event: ZerorpcEvent;
    try {
      event = decodeEvent(frames[frames.length - 1]);
    } catch {
      this.replies.other++;
      return;
    }
    const { name, args } = event;
    const responseTo = event.header.response_to;
    if (responseTo !== undefined && this.barriers.delete(idKey(responseTo))) return;
    if (name === EVENT.heartbeat) {
      this.replies.heartbeats++;
      return;
    }
    let outcome: string;
    if (name === EVENT.ok) {
      this.replies.OK++;
      outcome = 'OK';
    } else if (name === EVENT.err) {
      outcome = String(args?.[0] ?? '(no name)');
      this.replies.ERR[outcome] = (this.replies.ERR[outcome] ?? 0) + 1;
    } else {
      this.replies.other++;
      return;
    }
    const kind = responseTo === undefined ? undefined : this.waiting.get(idKey(responseTo));
    if (kind === undefined || responseTo === undefined) {
      this.replies.unsolicited++;
      return;
    }
    this.waiting.delete(idKey(responseTo));
    const tally = this.kind(kind);
    tally.answered++;
    tally.outcomes[outcome] = (tally.outcomes[outcome] ?? 0) + 1;
    this.answered++;
  }

  /** Answerable messages sent, and how many of them were answered. */
  get progress(): { answerable: number; answered: number } {
    return { answerable: this.answerable, answered: this.answered };
  }

  /** End-of-run pings sent, and how many came back. */
  get barrierProgress(): { sent: number; answered: number } {
    return { sent: this.barriersSent, answered: this.barriersSent - this.barriers.size };
  }

  private kind(kind: string): KindTally {
    let tally = this.byKind.get(kind);
    if (!tally) {
      tally = { sent: 0, answerable: 0, answered: 0, outcomes: {} };
      this.byKind.set(kind, tally);
    }
    return tally;
  }
}
