import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Heartbeat } from '../../src/protocol/heartbeat.js';

/** A peer that records what the heartbeat asked of it. */
function recorder() {
  const seen = { beats: 0, lostAfterMs: undefined as number | undefined };
  return {
    seen,
    peer: { beat: () => seen.beats++, lost: (ms: number) => (seen.lostAfterMs = ms) },
  };
}

describe('protocol heartbeat', () => {
  it('beats every interval and declares a silent peer lost after two intervals', async () => {
    const { seen, peer } = recorder();
    const heartbeat = new Heartbeat(peer, { intervalMs: 20, requireFromStart: true });
    heartbeat.start();
    await sleep(110);
    heartbeat.stop();
    assert.ok(seen.beats >= 1, `beats: ${seen.beats}`);
    assert.ok(
      seen.lostAfterMs !== undefined && seen.lostAfterMs > 40,
      `lost after ${seen.lostAfterMs}`,
    );
  });

  it('keeps a peer that answers alive', async () => {
    const { seen, peer } = recorder();
    const heartbeat = new Heartbeat(peer, { intervalMs: 20, requireFromStart: true });
    heartbeat.start();
    const answering = setInterval(() => heartbeat.heard(), 10);
    await sleep(150);
    clearInterval(answering);
    heartbeat.stop();
    assert.equal(seen.lostAfterMs, undefined);
    assert.ok(seen.beats >= 5);
  });

  it('on a server, holds a caller to beats only once it has beaten', async () => {
    const { seen, peer } = recorder();
    const heartbeat = new Heartbeat(peer, { intervalMs: 20, requireFromStart: false });
    heartbeat.start();
    await sleep(100);
    assert.equal(seen.lostAfterMs, undefined, 'a caller that never beats is not lost');
    heartbeat.heard();
    await sleep(100);
    heartbeat.stop();
    assert.ok(seen.lostAfterMs !== undefined, 'a caller that beat and went quiet is lost');
  });
});
