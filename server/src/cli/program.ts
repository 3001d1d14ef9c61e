import { Command } from 'commander';
import { callCommand } from './call.js';
import { evalCommand } from './eval.js';
import { fetchModelCommand } from './fetch-model.js';
import { keygenCommand } from './keygen.js';
import { serveCommand } from './serve.js';

/** The `maskrcnn-zmq` command line: each command lives in its own file. */
export function program(): Command {
  const cli = new Command('maskrcnn-zmq').description(
    'Mask R-CNN over ZeroMQ (zerorpc): serve it, call it, fetch models, evaluate accuracy',
  );
  serveCommand(cli);
  callCommand(cli);
  fetchModelCommand(cli);
  evalCommand(cli);
  keygenCommand(cli);
  return cli;
}
