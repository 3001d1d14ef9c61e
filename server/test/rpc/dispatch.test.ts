import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ArgumentCountError, UnknownMethodError } from '@maskrcnn-zmq/shared';
import { pino } from 'pino';
import type { Method } from '../../src/methods/method.js';
import { Dispatcher } from '../../src/rpc/dispatch.js';

const echo: Method = {
  name: 'echo',
  doc: 'echo(value[, times]) -> value',
  args: ['value', 'times'],
  optional: ['times'],
  handler: async ([value]) => value,
};
const context = {
  signal: new AbortController().signal,
  log: pino({ level: 'silent' }),
  peer: 'test-peer',
  limitTime: () => {},
};

describe('rpc dispatch', () => {
  const dispatcher = new Dispatcher('test-server', [echo]);

  it('runs a method with a valid argument count', async () => {
    assert.equal(await dispatcher.call('echo', ['x'], context), 'x');
    assert.equal(await dispatcher.call('echo', ['x', 2], context), 'x');
  });

  it('refuses unknown methods and wrong counts as the reference server names them', () => {
    assert.throws(() => dispatcher.call('nope', [], context), UnknownMethodError);
    assert.throws(
      () => dispatcher.call('echo', [], context),
      (error: Error) => error instanceof ArgumentCountError && error.name === 'TypeError',
    );
  });

  it('describes the public methods, not the built-ins, in _zerorpc_inspect', async () => {
    const inspect = (await dispatcher.call('_zerorpc_inspect', [], context)) as {
      name: string;
      methods: Record<string, unknown>;
    };
    assert.deepEqual(inspect, {
      name: 'test-server',
      methods: {
        echo: {
          args: [{ name: 'value' }, { name: 'times', default: null }],
          doc: 'echo(value[, times]) -> value',
        },
      },
    });
    assert.deepEqual(await dispatcher.call('_zerorpc_ping', [], context), ['pong', 'test-server']);
    // zerorpc-python's getargspec tuple, which `zerorpc --inspect` formats as echo(value, times=None).
    assert.deepEqual(await dispatcher.call('_zerorpc_args', ['echo'], context), [
      ['value', 'times'],
      null,
      null,
      [null],
    ]);
    await assert.rejects(
      dispatcher.call('_zerorpc_help', ['missing'], context),
      UnknownMethodError,
    );
  });
});
