import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ArgumentCountError, InvalidImageError, RemoteError } from '@maskrcnn-zmq/shared';
import {
  errorOf,
  failureOf,
  JobCancelledError,
  JobCrashedError,
} from '../../src/jobs/job-failure.js';

const across = (error: unknown) => errorOf(structuredClone(failureOf(error)));

describe('jobs failure across the process boundary', () => {
  it('keeps the wire errors a stage raises on purpose', () => {
    const error = across(new InvalidImageError('truncated'));
    assert.ok(error instanceof InvalidImageError);
    assert.equal(error.message, 'truncated');
  });

  it('never turns a JavaScript TypeError into zerorpc’s TypeError', () => {
    const error = across(new TypeError("Cannot read properties of undefined (reading 'x')"));
    assert.ok(error instanceof JobCrashedError);
    assert.ok(!(error instanceof ArgumentCountError));
    assert.match(error.stack ?? '', /TypeError: Cannot read properties/);
  });

  it('matches wire names on own keys only', () => {
    for (const name of ['constructor', 'toString', '__proto__']) {
      assert.ok(across(new RemoteError(name, 'x')) instanceof JobCrashedError, name);
      assert.ok(errorOf({ wireName: name, message: 'x' }) instanceof JobCrashedError, name);
    }
  });

  it('tells a cancelled job apart', () => {
    assert.ok(across(new JobCancelledError('stop')) instanceof JobCancelledError);
  });
});
