import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MIB, run, start, summarize } from './program-helpers.js';

const stress = (args: string[], extra = {}) => start('polinux/stress', { command: ['stress'], args, ...extra });

describe('stress (polinux/stress)', () => {
  it("the seed's memory-hog goes above its 100Mi limit within a second", () => {
    const limit = 100 * MIB;
    const p = stress(['--vm', '1', '--vm-bytes', '200M'], { memoryLimitBytes: limit });
    assert.ok(p.memoryBytes(0) < limit, 'starts small');
    assert.ok(p.memoryBytes(1000) > limit, 'above the limit after a second');
    assert.ok(p.memoryBytes(1000) >= 200 * MIB);
    const r = summarize(p, p.advance(1000));
    assert.deepEqual(r.stdout, ['stress: info: [1] dispatching hogs: 0 cpu, 0 io, 1 vm, 0 hdd']);
    assert.equal(r.exit, undefined, 'stress itself does not exit: the kubelet OOM-kills it');
  });

  it('uses N x --vm-bytes, with B/K/M/G suffixes in either case', () => {
    assert.ok(Math.abs(stress(['--vm', '2', '--vm-bytes', '64M']).memoryBytes(2000) - 128 * MIB) < 2 * MIB);
    assert.ok(stress(['-m', '1', '--vm-bytes', '1G']).memoryBytes(2000) >= 1024 * MIB);
    assert.ok(Math.abs(stress(['--vm', '1', '--vm-bytes', '150m']).memoryBytes(2000) - 150 * MIB) < 2 * MIB);
    assert.ok(Math.abs(stress(['--vm', '1', '--vm-bytes', '524288k']).memoryBytes(2000) - 512 * MIB) < 2 * MIB);
    assert.ok(Math.abs(stress(['--vm', '1']).memoryBytes(2000) - 256 * MIB) < 2 * MIB, 'default 256MB per worker');
  });

  it('ramps up over about a second', () => {
    const p = stress(['--vm', '1', '--vm-bytes', '400M']);
    const half = p.memoryBytes(500);
    assert.ok(half > 150 * MIB && half < 250 * MIB, `${half / MIB} MiB at 500 ms`);
  });

  it('--vm-hang holds the memory without spinning; --cpu N uses N cores, capped by the limit', () => {
    const hang = stress(['--vm', '1', '--vm-bytes', '100M', '--vm-hang', '0']);
    assert.ok(hang.memoryBytes(5000) >= 100 * MIB);
    assert.equal(hang.cpuMillis(5000), 0);
    assert.equal(stress(['--cpu', '2']).cpuMillis(1000), 2000);
    assert.equal(stress(['--cpu', '2'], { cpuLimitMillis: 500 }).cpuMillis(1000), 500);
  });

  it('--timeout ends the run successfully', () => {
    const p = stress(['--vm', '1', '--vm-bytes', '10M', '--timeout', '10s']);
    const r = summarize(p, p.advance(20_000));
    assert.deepEqual(r.exit && { code: r.exit.code, atMs: r.exit.atMs }, { code: 0, atMs: 10_000 });
    assert.equal(r.stdout[r.stdout.length - 1], 'stress: info: [1] successful run completed in 10s');
    assert.equal(p.memoryBytes(15_000), 0, 'nothing is resident after the exit');
    const oneMinute = stress(['--cpu', '1', '-t', '1m']).advance(60_000);
    assert.equal(oneMinute.find((e) => e.type === 'exit')?.atMs, 60_000);
  });

  it('rejects options the way stress 1.0.4 does', () => {
    const eq = run('polinux/stress', { command: ['stress', '--vm', '1', '--vm-bytes=200M'] });
    assert.match(eq.stderr[0] ?? '', /^stress: FAIL: \[1\] \(\d+\) unrecognized option: --vm-bytes=200M$/);
    assert.equal(eq.exit?.code, 1);
    const missing = run('polinux/stress', { command: ['stress', '--vm'] });
    assert.match(missing.stderr[0] ?? '', /missing argument to option '--vm'$/);
    const suffix = run('polinux/stress', { command: ['stress', '--vm', '1', '--vm-bytes', '10X'] });
    assert.match(suffix.stderr[0] ?? '', /unrecognized suffix: X$/);
  });

  it('prints its usage and exits 0 when given no work', () => {
    const r = run('polinux/stress', { command: ['stress'] });
    assert.equal(r.stdout[0], "`stress' imposes certain types of compute stress on your system");
    assert.equal(r.exit?.code, 0);
  });

  it('--verbose prints the worker lines', () => {
    const r = run('polinux/stress', { command: ['stress', '-v', '--vm', '1', '--vm-bytes', '64M'] }, 2000);
    assert.ok(r.stdout.includes('stress: dbug: [7] allocating 67108864 bytes ...'), r.stdout.join('\n'));
  });

  it("the image's own default command fails (its CMD is not valid JSON, so Docker stored a shell form)", () => {
    const r = run('polinux/stress');
    assert.deepEqual(r.stderr, ['/bin/sh: [/usr/local/bin/stress]: not found']);
    assert.equal(r.exit?.code, 127);
  });

  it('args without command fail to start: the image has no ENTRYPOINT', () => {
    const r = run('polinux/stress', { args: ['--vm', '1', '--vm-bytes', '200M'] });
    assert.equal(r.exit?.code, 128);
    assert.equal(r.exit?.reason, 'StartError');
    assert.match(r.exit?.message ?? '', /exec: "--vm": executable file not found in \$PATH/);
  });

  it('a stress started by a script adds to the container after it starts', () => {
    const p = start('polinux/stress', {
      command: ['sh', '-c', 'echo warming up; sleep 2; exec stress --vm 1 --vm-bytes 300M'],
    });
    assert.ok(p.memoryBytes(1500) < 10 * MIB);
    assert.ok(p.memoryBytes(3500) > 300 * MIB);
    assert.deepEqual(summarize(p, p.advance(3500)).stdout, [
      'warming up',
      'stress: info: [1] dispatching hogs: 0 cpu, 0 io, 1 vm, 0 hdd',
    ]);
  });

  it('is not in other images', () => {
    const r = run('busybox', { command: ['stress', '--vm', '1'] });
    assert.equal(r.exit?.reason, 'StartError');
  });
});
