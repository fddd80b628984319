/**
 * The load run over time, as a hand-written SVG (no plotting dependency, like bench/lib/chart.ts,
 * whose percentile-curve chart does not fit a time series): p50/p95/p99 latency on the left axis (log
 * scale: a 5 ms median and a 1 s tail both stay readable), throughput on the right (linear), from
 * Locust's per-second stats history.
 */
import type { HistoryRow } from './locust.ts';

const WIDTH = 880;
const HEIGHT = 460;
const PLOT = { left: 80, right: 72, top: 76, bottom: 56 };
const PLOT_WIDTH = WIDTH - PLOT.left - PLOT.right;
const PLOT_HEIGHT = HEIGHT - PLOT.top - PLOT.bottom;

interface Line {
  label: string;
  color: string;
  axis: 'latency' | 'throughput';
  points: [number, number][];
  dashed?: boolean;
}

export function renderLoadChart(title: string, history: HistoryRow[], targetP95Ms: number | null): string {
  const rows = history.filter(
    (row) => row.name === 'Aggregated' && Number.isFinite(row.timestamp) && row.totalRequests > 0,
  );
  if (rows.length === 0) return emptyChart(title);
  const start = rows[0]!.timestamp;
  const at = (row: HistoryRow): number => row.timestamp - start;
  const finite = (value: number): boolean => Number.isFinite(value) && value > 0;
  const latencyLine = (label: string, color: string, pick: (row: HistoryRow) => number): Line => ({
    label,
    color,
    axis: 'latency',
    points: rows.filter((row) => finite(pick(row))).map((row) => [at(row), pick(row)]),
  });
  const lines: Line[] = [
    {
      label: 'throughput (req/s, right axis)',
      color: '#9ca3af',
      axis: 'throughput',
      points: rows
        .filter((row) => finite(row.requestsPerSecond))
        .map((row) => [at(row), row.requestsPerSecond]),
    },
    latencyLine('p50', '#059669', (row) => row.p50),
    latencyLine('p95', '#2563eb', (row) => row.p95),
    latencyLine('p99', '#dc2626', (row) => row.p99),
  ];
  const duration = Math.max(1, at(rows.at(-1)!));
  const latencyValues = lines
    .filter((line) => line.axis === 'latency')
    .flatMap((line) => line.points.map((p) => p[1]));
  const latencyLow =
    10 ** Math.floor(Math.log10(Math.max(0.1, Math.min(...latencyValues, targetP95Ms ?? Infinity))));
  const latencyTop = logCeiling(Math.max(latencyLow * 10, ...latencyValues, targetP95Ms ?? 0));
  // Headroom above the busiest second, so the throughput line does not run along the frame.
  const throughputTop = niceCeiling(1.15 * Math.max(1, ...lines[0]!.points.map((p) => p[1])));
  const x = (seconds: number): number => PLOT.left + (seconds / duration) * PLOT_WIDTH;
  const yLatency = (ms: number): number =>
    PLOT.top +
    PLOT_HEIGHT *
      (1 -
        (Math.log10(Math.max(ms, latencyLow)) - Math.log10(latencyLow)) /
          Math.log10(latencyTop / latencyLow));
  const yThroughput = (rps: number): number => PLOT.top + PLOT_HEIGHT * (1 - rps / throughputTop);

  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    `<text x="${WIDTH / 2}" y="24" text-anchor="middle" font-size="15" font-weight="600">${escapeXml(title)}</text>`,
  ];
  for (let decade = latencyLow; decade < latencyTop * 1.01; decade *= 10) {
    for (const step of [1, 2, 5]) {
      const ms = decade * step;
      if (ms > latencyTop * 1.01) break;
      const y = yLatency(ms).toFixed(1);
      parts.push(
        `<line x1="${PLOT.left}" x2="${WIDTH - PLOT.right}" y1="${y}" y2="${y}" stroke="${step === 1 ? '#e5e7eb' : '#f3f4f6'}"/>`,
        `<text x="${PLOT.left - 8}" y="${y}" dy="4" text-anchor="end" fill="#374151">${format(ms)} ms</text>`,
      );
    }
  }
  for (let tick = 0; tick <= 4; tick++) {
    const rps = (throughputTop / 4) * tick;
    const y = yThroughput(rps).toFixed(1);
    parts.push(`<text x="${WIDTH - PLOT.right + 8}" y="${y}" dy="4" fill="#6b7280">${format(rps)}/s</text>`);
  }
  for (const seconds of timeTicks(duration)) {
    const tx = x(seconds).toFixed(1);
    parts.push(
      `<line x1="${tx}" x2="${tx}" y1="${PLOT.top}" y2="${HEIGHT - PLOT.bottom}" stroke="#f3f4f6"/>`,
    );
    parts.push(
      `<text x="${tx}" y="${HEIGHT - PLOT.bottom + 18}" text-anchor="middle" fill="#374151">${formatTime(seconds)}</text>`,
    );
  }
  parts.push(
    `<text x="${PLOT.left + PLOT_WIDTH / 2}" y="${HEIGHT - 14}" text-anchor="middle" fill="#374151">time since the first request (percentiles over Locust's sliding window)</text>`,
  );
  if (targetP95Ms !== null) {
    const y = yLatency(targetP95Ms).toFixed(1);
    parts.push(
      `<line x1="${PLOT.left}" x2="${WIDTH - PLOT.right}" y1="${y}" y2="${y}" stroke="#2563eb" stroke-dasharray="6 4"/>`,
      `<text x="${WIDTH - PLOT.right - 4}" y="${y}" dy="-6" text-anchor="end" fill="#2563eb">target p95 ≤ ${targetP95Ms} ms</text>`,
    );
  }
  for (const line of lines) {
    const y = line.axis === 'latency' ? yLatency : yThroughput;
    const d = line.points
      .map(
        ([seconds, value], index) =>
          `${index === 0 ? 'M' : 'L'}${x(seconds).toFixed(1)},${y(value).toFixed(1)}`,
      )
      .join('');
    parts.push(
      `<path d="${d}" fill="none" stroke="${line.color}" stroke-width="${line.axis === 'latency' ? 1.6 : 1.2}"/>`,
    );
  }
  let lx = PLOT.left;
  lines.forEach((line) => {
    parts.push(
      `<line x1="${lx}" x2="${lx + 22}" y1="50" y2="50" stroke="${line.color}" stroke-width="3"/>`,
      `<text x="${lx + 28}" y="54" fill="#111827">${escapeXml(line.label)}</text>`,
    );
    lx += 28 + line.label.length * 7 + 28;
  });
  parts.push(
    `<rect x="${PLOT.left}" y="${PLOT.top}" width="${PLOT_WIDTH}" height="${PLOT_HEIGHT}" fill="none" stroke="#9ca3af"/>`,
  );
  return `${parts.join('\n')}\n</svg>\n`;
}

function emptyChart(title: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="120"><text x="20" y="60">${escapeXml(title)}: no data</text></svg>\n`;
}

/** The smallest 1, 2 or 5 × 10^k at or above `value`: a log axis ending on a labelled line. */
function logCeiling(value: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(value));
  return ([1, 2, 5, 10].find((step) => step * magnitude >= value) ?? 10) * magnitude;
}

function niceCeiling(value: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 2.5, 5, 10].find((candidate) => candidate * magnitude >= value) ?? 10;
  return step * magnitude;
}

function timeTicks(duration: number): number[] {
  const step = [10, 30, 60, 120, 300, 600].find((candidate) => duration / candidate <= 10) ?? 1200;
  const ticks: number[] = [];
  for (let seconds = 0; seconds <= duration; seconds += step) ticks.push(seconds);
  return ticks;
}

function formatTime(seconds: number): string {
  return seconds >= 60
    ? `${Math.floor(seconds / 60)}m${seconds % 60 ? `${seconds % 60}s` : ''}`
    : `${seconds}s`;
}

function format(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

function escapeXml(text: string): string {
  return text.replace(
    /[&<>"]/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[char]!,
  );
}
