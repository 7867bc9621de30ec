// The cluster's idea of "now". Analyzers compare timestamps the cluster wrote (events, conditions, creation)
// with the current time; reading our own clock instead is wrong whenever the API server's clock differs —
// real clusters drift, and the simulator runs its clock faster than wall time. The API server's `Date`
// header is its clock: two readings give the offset and the rate, and between readings we extrapolate.

import * as k8s from '@kubernetes/client-node';

interface Sample {
  readonly local: number;
  readonly server: number;
}

export class ServerClock {
  private first: Sample | undefined;
  private last: Sample | undefined;
  private rate = 1;

  /** Reads the server's clock once (`GET /version`). Failures leave the previous estimate in place. */
  async sync(kc: k8s.KubeConfig): Promise<void> {
    const api = kc.makeApiClient(k8s.VersionApi);
    const before = Date.now();
    let header: string | undefined;
    try {
      const res = await api.getCodeWithHttpInfo();
      header = res.headers.date;
    } catch {
      return;
    }
    const after = Date.now();
    const server = header ? Date.parse(header) : Number.NaN;
    if (Number.isNaN(server)) return;
    // The header has one-second resolution: take the middle of that second and of our request.
    this.observe({ local: (before + after) / 2, server: server + 500 });
  }

  observe(sample: Sample): void {
    this.first ??= sample;
    // The rate comes from readings far enough apart that the header's one-second rounding does not dominate.
    const span = sample.local - this.first.local;
    if (span >= 2_000) this.rate = Math.min(1_000, Math.max(0.01, (sample.server - this.first.server) / span));
    this.last = sample;
  }

  now(): Date {
    if (!this.last) return new Date();
    return new Date(this.last.server + (Date.now() - this.last.local) * this.rate);
  }
}
