import assert from 'node:assert/strict';
import { test } from 'node:test';
import { REPO, SERVER_BIN, startLineOf } from '../helpers.js';

test('the ROS node vision_server starts the server as `npm start` does', () => {
  assert.deepEqual(startLineOf(`${REPO}launch/nodes/vision_server`), startLineOf(SERVER_BIN));
});
