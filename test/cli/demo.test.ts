import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';

describe('kubemend demo (what `npm run demo` runs)', () => {
  it('repairs the seed memory-hog by itself: detected, diagnosed, patch diff, dry-run, applied, verified, resolved', async () => {
    const r = await runCli(['demo']);
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    const out = r.stdout;
    const order = [
      /applying scenario "memory-hog"/,
      /incident\s+OOMKilled \(critical\) on Deployment memory-hog\/memory-hog/,
      /diagnosis \[runbook:oom\]: OOMKilled/,
      /patch proposed \[runbook:oom\]: container memory-hog runs under a \d+Mi memory limit \(was 100Mi\)/,
      /dry-run on the API server \[kubemend\]: the API server accepts the change\n\s+~ \/spec\/template\/spec\/containers\/0\/resources\/limits\/memory: "\d+Mi"/,
      /applied \[runbook:oom\]/,
      /verification \[kubemend\]: healthy/,
      /resolved: Deployment memory-hog is healthy again, verified on the cluster/,
    ];
    let from = 0;
    for (const re of order) {
      const m = re.exec(out.slice(from));
      assert.ok(m, `expected ${re} after offset ${from} in:\n${out}`);
      from += m.index + m[0].length;
    }
    assert.match(out, /memoryLimit\s+100Mi/);
    assert.match(out, /exitCode\s+137/);
    assert.match(
      out,
      /summary: repaired in [\d.]+s \(\d+s of cluster time\) after the failure began, 0 LLM tokens used/,
    );
    assert.match(out, /audit entry for incident \S+ \(memory-hog\/Deployment\/memory-hog\)/);
    assert.match(out, /\n {2}\S+ {2}applied {6}runbook:oom/);
    assert.match(out, /\n {2}\S+ {2}resolved {5}kubemend/);
  });

  it('refuses unknown or healthy scenarios clearly', async () => {
    const unknown = await runCli(['demo', '--scenario', 'nope']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /unknown scenario "nope"\nhint: choose one of: /);
    const healthy = await runCli(['demo', '--scenario', 'healthy-mixed-namespace']);
    assert.equal(healthy.code, 1);
    assert.match(healthy.stderr, /is healthy: there is nothing to detect/);
  });
});
