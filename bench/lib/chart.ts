import { percentile } from './stats.ts';

export interface ChartSeries {
  label: string;
  color: string;
  sorted: Float64Array;
}

/** A target drawn as a point the curve of its series should pass under. */
export interface ChartTarget {
  label: string;
  color: string;
  percentile: number;
  ms: number;
}

const WIDTH = 880;
const HEIGHT = 500;
const PLOT = { left: 72, right: 24, top: 76, bottom: 64 };
const PLOT_WIDTH = WIDTH - PLOT.left - PLOT.right;
const PLOT_HEIGHT = HEIGHT - PLOT.top - PLOT.bottom;
// The x axis is -log10(1 - p): equal room for p0–p90, p90–p99 and p99–p99.9, where tails hide.
const X_DECADES = 3;
const X_TICKS = [0, 50, 90, 95, 99, 99.9];
const STEPS = 300;

const tailPosition = (p: number): number => -Math.log10(1 - Math.min(p, 99.9) / 100);
const x = (p: number): number => PLOT.left + (tailPosition(p) / X_DECADES) * PLOT_WIDTH;

/** Hand-written SVG (no plotting dependency): latency by percentile, log-scaled in both directions. */
export function renderLatencyChart(title: string, series: ChartSeries[], targets: ChartTarget[]): string {
  const values = [
    ...series.flatMap((s) => [percentile(s.sorted, 0), percentile(s.sorted, 99.9)]),
    ...targets.map((t) => t.ms),
  ];
  const low = 10 ** Math.floor(Math.log10(Math.max(0.01, Math.min(...values))));
  const high = 10 ** Math.ceil(Math.log10(Math.max(...values)));
  const y = (ms: number): number =>
    PLOT.top + PLOT_HEIGHT * (1 - (Math.log10(Math.max(ms, low)) - Math.log10(low)) / Math.log10(high / low));
  return (
    [
      `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12">`,
      `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
      `<text x="${WIDTH / 2}" y="24" text-anchor="middle" font-size="15" font-weight="600">${escapeXml(title)}</text>`,
      ...grid(low, high, y),
      ...targets.map((target) => targetMarker(target, y)),
      ...series.map((s) => curve(s, y)),
      ...legend(series),
    ].join('\n') + '\n</svg>\n'
  );
}

function grid(low: number, high: number, y: (ms: number) => number): string[] {
  const lines: string[] = [];
  for (const ms of yTicks(low, high)) {
    const at = y(ms).toFixed(1);
    lines.push(`<line x1="${PLOT.left}" x2="${WIDTH - PLOT.right}" y1="${at}" y2="${at}" stroke="#e5e7eb"/>`);
    lines.push(
      `<text x="${PLOT.left - 8}" y="${at}" dy="4" text-anchor="end" fill="#374151">${formatMs(ms)}</text>`,
    );
  }
  for (const p of X_TICKS) {
    const at = x(p).toFixed(1);
    lines.push(
      `<line x1="${at}" x2="${at}" y1="${PLOT.top}" y2="${HEIGHT - PLOT.bottom}" stroke="#e5e7eb"/>`,
    );
    lines.push(
      `<text x="${at}" y="${HEIGHT - PLOT.bottom + 18}" text-anchor="middle" fill="#374151">p${p}</text>`,
    );
  }
  lines.push(
    `<rect x="${PLOT.left}" y="${PLOT.top}" width="${PLOT_WIDTH}" height="${PLOT_HEIGHT}" fill="none" stroke="#9ca3af"/>`,
    `<text x="${PLOT.left + PLOT_WIDTH / 2}" y="${HEIGHT - 18}" text-anchor="middle" fill="#111827">percentile (tail-stretched scale)</text>`,
    `<text transform="translate(18 ${PLOT.top + PLOT_HEIGHT / 2}) rotate(-90)" text-anchor="middle" fill="#111827">latency (ms, log scale)</text>`,
  );
  return lines;
}

/** 1-2-5 steps across the decades of the range. */
function yTicks(low: number, high: number): number[] {
  const ticks: number[] = [];
  for (let decade = low; decade <= high * 1.0001; decade *= 10)
    for (const step of [1, 2, 5]) if (decade * step <= high * 1.0001) ticks.push(decade * step);
  return ticks;
}

function curve(series: ChartSeries, y: (ms: number) => number): string {
  const points: string[] = [];
  for (let step = 0; step <= STEPS; step++) {
    const p = 100 * (1 - 10 ** (-(step / STEPS) * X_DECADES));
    points.push(`${x(p).toFixed(1)},${y(percentile(series.sorted, p)).toFixed(1)}`);
  }
  return `<polyline fill="none" stroke="${series.color}" stroke-width="2" stroke-linejoin="round" points="${points.join(' ')}"/>`;
}

function targetMarker(target: ChartTarget, y: (ms: number) => number): string {
  const at = y(target.ms).toFixed(1);
  const px = x(target.percentile).toFixed(1);
  return [
    `<line x1="${PLOT.left}" x2="${WIDTH - PLOT.right}" y1="${at}" y2="${at}" stroke="${target.color}" stroke-dasharray="6 4" stroke-opacity="0.7"/>`,
    `<circle cx="${px}" cy="${at}" r="5" fill="#ffffff" stroke="${target.color}" stroke-width="2"/>`,
    `<text x="${PLOT.left + 6}" y="${at}" dy="-5" fill="${target.color}">${escapeXml(target.label)}</text>`,
  ].join('\n');
}

function legend(series: ChartSeries[]): string[] {
  return series.map((s, index) => {
    const column = index % 2;
    const row = Math.floor(index / 2);
    const left = PLOT.left + column * (PLOT_WIDTH / 2);
    const top = 40 + row * 16;
    return [
      `<line x1="${left}" x2="${left + 22}" y1="${top}" y2="${top}" stroke="${s.color}" stroke-width="3"/>`,
      `<text x="${left + 28}" y="${top}" dy="4" fill="#111827">${escapeXml(s.label)}</text>`,
    ].join('\n');
  });
}

function formatMs(ms: number): string {
  return ms >= 1 ? `${ms}` : ms.toPrecision(1);
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
