import assert from 'node:assert/strict';
import { test } from 'node:test';
import { privateArgs, readParams } from '../src/params.js';

const none = async () => undefined;
const server = (values: Record<string, unknown>) => async (name: string) => values[name];

test('params: defaults when neither the command line nor the parameter server sets them', async () => {
  const { params, unknown } = await readParams(none, []);
  assert.deepEqual(params, {
    server: 'tcp://127.0.0.1:38282',
    imageTopic: '/cameras/right_hand_camera/image',
    jpegQuality: 80,
    timeoutMs: 2000,
    heartbeatMs: 1000,
    displays: ['window'],
    webHost: '127.0.0.1',
    webPort: 8080,
    scoreThreshold: 0.5,
    classes: [],
    inFlight: 0,
    figuresPeriodS: 5,
    serverKey: '',
    clientKey: '',
  });
  assert.deepEqual(unknown, []);
});

test('params: the heartbeat defaults below the timeout (half of it, at most 5 s); set, it is kept', async () => {
  const heartbeat = async (argv: string[]) => (await readParams(none, argv)).params.heartbeatMs;
  assert.equal(await heartbeat([]), 1000);
  assert.equal(await heartbeat(['_timeout_ms:=600']), 300);
  assert.equal(await heartbeat(['_timeout_ms:=60000']), 5000);
  assert.equal(await heartbeat(['_timeout_ms:=600', '_heartbeat_ms:=5000']), 5000);
});

test('params: ~private parameters from the parameter server, typed or as strings', async () => {
  const { params } = await readParams(
    server({
      '~server': 'tcp://gpu-box:4242',
      '~image_topic': '/cameras/left_hand_camera/image',
      '~jpeg_quality': 95,
      '~display': ['topic', 'web'],
      '~classes': 'person, cup',
      '~web_port': '9000',
    }),
    [],
  );
  assert.equal(params.server, 'tcp://gpu-box:4242');
  assert.equal(params.imageTopic, '/cameras/left_hand_camera/image');
  assert.equal(params.jpegQuality, 95);
  assert.deepEqual(params.displays, ['topic', 'web']);
  assert.deepEqual(params.classes, ['person', 'cup']);
  assert.equal(params.webPort, 9000);
});

test('params: _name:= on the command line wins over the parameter server', async () => {
  const argv = ['image:=/x', '__name:=client', '_display:=[web, topic]', '_timeout_ms:=750'];
  const { params } = await readParams(server({ '~display': 'window', '~timeout_ms': 10 }), argv);
  assert.deepEqual(params.displays, ['web', 'topic']);
  assert.equal(params.timeoutMs, 750);
});

test('params: _name:= arguments only, not remaps or special keys', () => {
  const args = privateArgs(['_server:=tcp://h:1', '__name:=n', 'image:=/cam', '_a/b:=x']);
  assert.deepEqual(
    [...args],
    [
      ['server', 'tcp://h:1'],
      ['a/b', 'x'],
    ],
  );
});

test('params: misspelt _name:= arguments are reported as unknown', async () => {
  const { unknown } = await readParams(none, ['_displays:=web']);
  assert.deepEqual(unknown, ['displays']);
});

test('params: a value that does not fit names the parameter and what was expected', async () => {
  const cases: [string[], string][] = [
    [['_jpeg_quality:=abc'], '~jpeg_quality: expected an integer from 1 to 100, got "abc"'],
    [['_jpeg_quality:=101'], '~jpeg_quality: expected an integer from 1 to 100, got "101"'],
    [['_timeout_ms:=1.5'], '~timeout_ms: expected an integer from 1 to 3600000, got "1.5"'],
    [
      ['_server:=localhost:38282'],
      '~server: expected a ZeroMQ endpoint such as tcp://host:38282, got "localhost:38282"',
    ],
    [
      ['_display:=window,tv'],
      '~display: expected one or more of window, topic, web, got "window,tv"',
    ],
    [['_score_threshold:=2'], '~score_threshold: expected a number from 0 to 1, got "2"'],
  ];
  for (const [argv, message] of cases)
    await assert.rejects(readParams(none, argv), { name: 'InvalidParam', message });
});
