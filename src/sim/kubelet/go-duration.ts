// Go's time.Duration.String(), because kubelet's messages print durations with it: "512ms", "1.2s",
// "1m20s", "5m0s". Users and log scrapers match on these exact shapes.

function trimFraction(value: number, digits: number): string {
  return value.toFixed(digits).replace(/\.?0+$/, '');
}

export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  if (abs < 1) return `${sign}${trimFraction(abs * 1000, 3)}µs`;
  if (abs < 1000) return `${sign}${trimFraction(abs, 6)}ms`;
  const totalSeconds = abs / 1000;
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds - hours * 3600) / 60);
  const seconds = totalSeconds - hours * 3600 - minutes * 60;
  const s = `${trimFraction(seconds, 9)}s`;
  if (hours > 0) return `${sign}${hours}h${minutes}m${s}`;
  if (minutes > 0) return `${sign}${minutes}m${s}`;
  return `${sign}${s}`;
}
