/**
 * Each camera encoding through the real client node over a real ROS master:
 *
 *   test node ── sensor_msgs/Image (encoding E) ──► client node ── getMask(JPEG) ──► stand-in
 *   test node ◄── ~composite, ~composite/compressed ── client node ◄── OK [the same JPEG] ──┘
 *
 * The stand-in answers with the JPEG it received, so what the test reads back on either topic
 * is exactly what the client made of the frame.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import type { RosMessage, RosNode } from '../../src/camera/ros-node.js';
import { makeFrame, quadrants, toImageMessage } from '../helpers/frames.js';
import { assertColour, meanColour } from '../helpers/images.js';
import { needsRosMaster } from '../helpers/needs.js';
import type { LoggedProcess } from '../helpers/processes.js';
import { joinRos, type Master, startClient, startMaster } from '../helpers/ros.js';
import { type StandInServer, startStandInServer } from '../helpers/stand-in-server.js';

const TOPIC = '/cameras/right_hand_camera/image';
const skip = needsRosMaster();
let master: Master;
let server: StandInServer;
let client: LoggedProcess;
let node: RosNode;

before(async () => {
  if (skip) return;
  master = await startMaster();
  server = await startStandInServer((image) => image);
  client = startClient(master.env, 'encodings_client', {
    server: server.endpoint,
    display: 'topic',
    jpeg_quality: 95,
    figures_period_s: 0,
  });
  node = await joinRos(master.env, 'encodings_test');
  await client.waitFor((line) => line.msg === 'robot client starting', 20_000);
});

after(async () => {
  await client?.stop();
  await node?.shutdown();
  server?.close();
  await master?.stop();
});

/** Publishes `message` at 20 Hz until `received` gives something, then returns that. */
async function publishUntil<T>(
  message: RosMessage,
  received: () => T | undefined,
  timeoutMs = 15_000,
): Promise<T> {
  const camera = node.advertise(TOPIC, 'sensor_msgs/Image');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = received();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`nothing came back within ${timeoutMs} ms`);
    camera.publish(message);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const ENCODINGS = [
  'bgr8',
  'rgb8',
  'bgra8',
  'rgba8',
  'mono8',
  '8UC3',
  'bgr16',
  'rgba16',
  'bgra16',
  'mono16',
];

for (const [index, encoding] of ENCODINGS.entries()) {
  // A width of its own tells this encoding's JPEG from the previous one's.
  const width = 96 + 8 * index;
  const height = 64;
  test(`client node: ${encoding} frames with row padding arrive as a correct JPEG`, {
    skip,
  }, async () => {
    const frame = makeFrame(encoding, width, height, quadrants(width, height), {
      padding: 4,
      bigEndian: encoding === 'bgr16' || encoding === 'rgba16',
    });
    let compressed: Buffer | undefined;
    const sub = node.subscribe(
      '/encodings_client/composite/compressed',
      'sensor_msgs/CompressedImage',
      (m) => {
        compressed = m.data as Buffer;
      },
    );
    try {
      const jpeg = await publishUntil(toImageMessage(frame), () => {
        const image = server.lastImage;
        return image && compressed && image.length === compressed.length ? image : undefined;
      });
      const meta = await sharp(jpeg).metadata();
      assert.deepEqual([meta.format, meta.width, meta.height], ['jpeg', width, height]);
      const quadrant = (left: number, top: number) =>
        meanColour(jpeg, { left: left + 8, top: top + 8, width: 16, height: 16 });
      const grey = encoding.startsWith('mono');
      // Grey encodings carry the red sample as the grey level (see makeFrame).
      assertColour(await quadrant(0, 0), grey ? [255, 255, 255] : [255, 0, 0]);
      assertColour(await quadrant(width / 2, 0), grey ? [0, 0, 0] : [0, 255, 0]);
      assertColour(await quadrant(0, height / 2), grey ? [0, 0, 0] : [0, 0, 255]);
      assertColour(await quadrant(width / 2, height / 2), [255, 255, 255]);
    } finally {
      await sub.shutdown();
    }
  });
}

test('client node: a pure-red bgr8 frame arrives red on ~composite (rgb8)', { skip }, async () => {
  const frame = makeFrame('bgr8', 120, 80, () => [255, 0, 0]);
  let raw: RosMessage | undefined;
  const sub = node.subscribe('/encodings_client/composite', 'sensor_msgs/Image', (m) => {
    if (m.width === 120) raw = m;
  });
  try {
    const message = await publishUntil(toImageMessage(frame), () => raw);
    assert.deepEqual(
      [message.width, message.height, message.encoding, message.step],
      [120, 80, 'rgb8', 360],
    );
    const data = message.data as Buffer;
    const mean = [0, 1, 2].map((c) => {
      let sum = 0;
      for (let i = c; i < data.length; i += 3) sum += data[i];
      return sum / (data.length / 3);
    });
    assertColour(mean, [255, 0, 0], 10);
    assert.equal((message.header as { frame_id: string }).frame_id, 'right_hand_camera');
  } finally {
    await sub.shutdown();
  }
});

test('client node: an unsupported encoding is reported once, clearly', { skip }, async () => {
  const frame = { ...makeFrame('rgb8', 32, 32, () => [0, 0, 0]), encoding: 'yuv422' };
  const camera = node.advertise(TOPIC, 'sensor_msgs/Image');
  for (let i = 0; i < 10; i++) {
    camera.publish(toImageMessage(frame));
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const line = await client.waitFor((l) => l.level === 50, 5000, 'an error line');
  assert.equal(line.msg, 'camera frames cannot be read; they are skipped');
  assert.equal(line.encoding, 'yuv422');
  assert.equal(client.lines.filter((l) => l.level === 50).length, 1);
});
