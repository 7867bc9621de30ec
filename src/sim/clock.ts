// The simulated clock: cluster time runs `speed` times faster than wall time, so back-offs, probe periods and
// rollouts that take minutes on a real cluster take seconds in the demo and in tests. Everything in the
// simulator that reads time or waits goes through this, never Date.now()/setTimeout directly.

export interface SimClock {
  readonly speed: number;
  now(): Date;
  /** Milliseconds of simulated time since the clock started. */
  elapsedMs(): number;
  /** Runs `fn` after `simMs` of simulated time. Timers are unref'd: they never hold the process open. */
  setTimeout(fn: () => void, simMs: number): () => void;
  setInterval(fn: () => void, simMs: number): () => void;
}

export function createClock(speed = 1, start: Date = new Date()): SimClock {
  if (!(speed > 0)) throw new RangeError(`clock speed must be > 0, got ${speed}`);
  const wallStart = performance.now();
  const simStart = start.getTime();
  const elapsedMs = () => (performance.now() - wallStart) * speed;
  return {
    speed,
    now: () => new Date(simStart + elapsedMs()),
    elapsedMs,
    setTimeout(fn, simMs) {
      const t = setTimeout(fn, Math.max(0, simMs / speed));
      t.unref();
      return () => clearTimeout(t);
    },
    setInterval(fn, simMs) {
      const t = setInterval(fn, Math.max(1, simMs / speed));
      t.unref();
      return () => clearInterval(t);
    },
  };
}
