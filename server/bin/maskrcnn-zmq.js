#!/usr/bin/env -S GLIBC_TUNABLES=glibc.malloc.mmap_threshold=131072 node --initial-old-space-size=64
// How the server should run (README, "Memory"): `npm start`, npx and the benches start it here.
// npm links bins during `npm ci`, before `tsc -b` has written dist/: a committed entry keeps the link.
import '../dist/src/main.js';
