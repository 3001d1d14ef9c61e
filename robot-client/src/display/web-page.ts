/**
 * The web display's page: the live composite as an MJPEG `<img>`, which every browser plays
 * without script, and the figures below it, polled once a second from `/figures.json`.
 */
export const WEB_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Mask R-CNN composite</title>
<style>
  body { font: 14px/1.4 system-ui, sans-serif; margin: 1rem; background: #111; color: #eee; }
  img { max-width: 100%; display: block; background: #222; min-height: 4rem; }
  table { border-collapse: collapse; margin-top: .75rem; }
  th, td { text-align: left; padding: .15rem .9rem .15rem 0; }
  th { color: #9ab; font-weight: normal; }
  #error { color: #f88; }
</style>
</head>
<body>
<img id="composite" src="stream.mjpg" alt="live composite">
<table>
  <tr><th>server</th><td id="server">–</td></tr>
  <tr><th>frames per second</th><td id="fps">–</td></tr>
  <tr><th>round trip p50 / p95</th><td id="latency">–</td></tr>
  <tr><th>composites</th><td id="completed">0</td></tr>
  <tr><th>camera frames / dropped</th><td id="frames">0 / 0</td></tr>
  <tr><th>failed frames</th><td id="failed">0</td></tr>
  <tr><th>last error</th><td id="error">none</td></tr>
</table>
<script>
const cell = (id, text) => { document.getElementById(id).textContent = text; };
async function refresh() {
  try {
    const f = await (await fetch('figures.json', { cache: 'no-store' })).json();
    const s = f.server;
    cell('server', s.type === 'backingOff' ? 'backing off (' + s.reason + ', ' + s.failures + ' failed, retry in ' + s.retryInMs + ' ms)'
      : s.type === 'misconfigured' ? 'misconfigured: ' + s.message : s.type);
    cell('fps', f.fps.toFixed(1));
    cell('latency', f.latencyMs ? f.latencyMs.p50 + ' ms / ' + f.latencyMs.p95 + ' ms' : '–');
    cell('completed', String(f.completed));
    cell('frames', f.received + ' / ' + f.dropped);
    cell('failed', String(f.failed));
    cell('error', f.lastError ? f.lastError.name + ': ' + f.lastError.message + ' (' + f.lastError.at + ')' : 'none');
  } catch (error) {
    cell('error', 'the robot client does not answer');
  }
}
refresh();
setInterval(refresh, 1000);
</script>
</body>
</html>
`;
