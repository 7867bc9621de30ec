// Watchers for bench:sim in their own process, so parsing 50 streams of events does not starve the process
// that drives the updates. Each stream parses every event (as a real client does) and records the lag from the
// `bench/sent-at` annotation. On SIGTERM it prints {delivered, lags} as one JSON line and exits.

import { request } from 'node:http';

const [url, rv, countText] = process.argv.slice(2);
const count = Number(countText);
const lags: number[] = [];
let delivered = 0;
const nowMs = () => performance.timeOrigin + performance.now();

let connected = 0;
for (let i = 0; i < count; i++) {
  const req = request(new URL(`/api/v1/pods?watch=true&resourceVersion=${rv}`, url), (res) => {
    let buf = '';
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      buf += chunk;
      let nl = buf.indexOf('\n');
      while (nl >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const ev = JSON.parse(line) as { object: { metadata: { annotations?: Record<string, string> } } };
        const sent = Number(ev.object.metadata.annotations?.['bench/sent-at']);
        if (sent) {
          lags.push(nowMs() - sent);
          delivered++;
        }
        nl = buf.indexOf('\n');
      }
    });
    if (++connected === count) process.stdout.write('ready\n');
  });
  req.on('error', (e) => {
    process.stderr.write(`watch error: ${e.message}\n`);
  });
  req.end();
}
process.on('SIGTERM', () => {
  process.stdout.write(`${JSON.stringify({ delivered, lags })}\n`, () => process.exit(0));
});
