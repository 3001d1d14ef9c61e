#!/usr/bin/env node
// npm links bins during `npm ci`, before `tsc -b` has written dist/: a committed entry keeps the link.
import '../dist/src/main.js';
