import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCli } from '../helpers/cli.js';

describe('kubemend demo (what `npm run demo` runs)', () => {
  it('detects the seed memory-hog OOM with its evidence, then sees it resolve after the documented fix', async () => {
    const r = await runCli(['demo']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /applying scenario "memory-hog"/);
    assert.match(r.stdout, /incident\s+OOMKilled \(critical\) on Deployment memory-hog\/memory-hog/);
    assert.match(r.stdout, /memoryLimit\s+100Mi/);
    assert.match(r.stdout, /exitCode\s+137/);
    assert.match(r.stdout, /resolved: Deployment memory-hog is healthy again/);
    assert.match(r.stdout, /0 LLM tokens used/);
  });

  it('runs another scenario by name and refuses unknown or healthy ones clearly', async () => {
    const crash = await runCli(['demo', '--scenario', 'crash-missing-env']);
    assert.equal(crash.code, 0, crash.stderr);
    // Detected at the first crash, before kubelet even backs off: the log line names the cause.
    assert.match(
      crash.stdout,
      /incident\s+(ContainerError|CrashLoopBackOff) .* on Deployment crash-missing-env\/orders-api/,
    );
    assert.match(crash.stdout, /FATAL: environment variable DB_HOST is not set/);
    const unknown = await runCli(['demo', '--scenario', 'nope']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /unknown scenario "nope"\nhint: choose one of: /);
    const healthy = await runCli(['demo', '--scenario', 'healthy-mixed-namespace']);
    assert.equal(healthy.code, 1);
    assert.match(healthy.stderr, /is healthy: there is nothing to detect/);
  });
});
