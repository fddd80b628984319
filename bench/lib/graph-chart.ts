/**
 * The graph benchmark's chart: how each engine's latency grows with the ontology. One panel per compared
 * pair; x is the number of terms, y the latency, both log-scaled; per engine one colour, and p50 / p95 /
 * p99 as solid / dashed / dotted lines. The seed rule's two thresholds are drawn across every panel.
 * Hand-written SVG like lib/chart.ts: no plotting dependency for a few dozen points.
 */

export interface GrowthPoint {
  terms: number;
  p50: number;
  p95: number;
  p99: number;
}

export interface GrowthSeries {
  label: string;
  color: string;
  points: GrowthPoint[];
}

export interface GrowthPanel {
  title: string;
  series: GrowthSeries[];
}

export interface Threshold {
  label: string;
  ms: number;
  color: string;
}

const PANEL_WIDTH = 460;
const PANEL_HEIGHT = 400;
const MARGIN = { left: 64, right: 20, top: 56, bottom: 56 };
const HEADER = 92;
const PERCENTILES = [
  { key: 'p50', dash: '' },
  { key: 'p95', dash: '7 4' },
  { key: 'p99', dash: '2 3' },
] as const;

export function renderGrowthChart(title: string, panels: GrowthPanel[], thresholds: Threshold[]): string {
  const width = PANEL_WIDTH * panels.length;
  const height = HEADER + PANEL_HEIGHT;
  const allPoints = panels.flatMap((panel) => panel.series.flatMap((series) => series.points));
  const values = [
    ...allPoints.flatMap((point) => [point.p50, point.p99]),
    ...thresholds.map((threshold) => threshold.ms),
  ].filter((value) => value > 0);
  const low = 10 ** Math.floor(Math.log10(Math.max(0.01, Math.min(...values))));
  const high = 10 ** Math.ceil(Math.log10(Math.max(...values)));
  const sizes = [...new Set(allPoints.map((point) => point.terms))].sort((a, b) => a - b);
  const seriesLabels = [...new Map(panels.flatMap((p) => p.series.map((s) => [s.label, s.color]))).entries()];
  return (
    [
      `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12">`,
      `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
      `<text x="${width / 2}" y="24" text-anchor="middle" font-size="15" font-weight="600">${escapeXml(title)}</text>`,
      ...legend(seriesLabels, width),
      ...panels.map((panel, index) =>
        renderPanel(panel, index * PANEL_WIDTH, HEADER, { low, high, sizes, thresholds }),
      ),
    ].join('\n') + '\n</svg>\n'
  );
}

interface Scale {
  low: number;
  high: number;
  sizes: number[];
  thresholds: Threshold[];
}

function renderPanel(panel: GrowthPanel, left: number, top: number, scale: Scale): string {
  const plot = {
    left: left + MARGIN.left,
    top: top + MARGIN.top,
    width: PANEL_WIDTH - MARGIN.left - MARGIN.right,
    height: PANEL_HEIGHT - MARGIN.top - MARGIN.bottom,
  };
  const [smallest, largest] = [scale.sizes[0] ?? 1, scale.sizes[scale.sizes.length - 1] ?? 1];
  // One size only: put it in the middle rather than divide by a zero-width range.
  const x = (terms: number): number =>
    smallest === largest
      ? plot.left + plot.width / 2
      : plot.left + plot.width * (0.06 + (0.88 * Math.log(terms / smallest)) / Math.log(largest / smallest));
  const y = (ms: number): number =>
    plot.top +
    plot.height *
      (1 -
        (Math.log10(Math.max(ms, scale.low)) - Math.log10(scale.low)) / Math.log10(scale.high / scale.low));

  const parts: string[] = [
    `<text x="${left + PANEL_WIDTH / 2}" y="${top + 24}" text-anchor="middle" font-size="13" font-weight="600">${escapeXml(panel.title)}</text>`,
  ];
  for (const ms of yTicks(scale.low, scale.high)) {
    const at = y(ms).toFixed(1);
    parts.push(
      `<line x1="${plot.left}" x2="${plot.left + plot.width}" y1="${at}" y2="${at}" stroke="#e5e7eb"/>`,
      `<text x="${plot.left - 8}" y="${at}" dy="4" text-anchor="end" fill="#374151">${formatMs(ms)}</text>`,
    );
  }
  for (const terms of scale.sizes) {
    const at = x(terms).toFixed(1);
    parts.push(
      `<line x1="${at}" x2="${at}" y1="${plot.top}" y2="${plot.top + plot.height}" stroke="#e5e7eb"/>`,
      `<text x="${at}" y="${plot.top + plot.height + 18}" text-anchor="middle" fill="#374151">${formatTerms(terms)}</text>`,
    );
  }
  for (const threshold of scale.thresholds) {
    const at = y(threshold.ms).toFixed(1);
    parts.push(
      `<line x1="${plot.left}" x2="${plot.left + plot.width}" y1="${at}" y2="${at}" stroke="${threshold.color}" stroke-dasharray="4 4" stroke-opacity="0.8"/>`,
      `<text x="${plot.left + plot.width - 4}" y="${at}" dy="-4" text-anchor="end" fill="${threshold.color}" font-size="11">${escapeXml(threshold.label)}</text>`,
    );
  }
  parts.push(
    `<rect x="${plot.left}" y="${plot.top}" width="${plot.width}" height="${plot.height}" fill="none" stroke="#9ca3af"/>`,
    `<text x="${plot.left + plot.width / 2}" y="${plot.top + plot.height + 40}" text-anchor="middle" fill="#111827">terms in the ontology (log scale)</text>`,
    `<text transform="translate(${left + 16} ${plot.top + plot.height / 2}) rotate(-90)" text-anchor="middle" fill="#111827">latency (ms, log scale)</text>`,
  );
  panel.series.forEach((series, index) => {
    const points = [...series.points].sort((a, b) => a.terms - b.terms);
    // Engines side by side at each size, a few pixels apart, so equal figures do not hide each other.
    const dodge = (index - (panel.series.length - 1) / 2) * 8;
    for (const { key, dash } of PERCENTILES) {
      const coordinates = points.map(
        (point) => `${(x(point.terms) + dodge).toFixed(1)},${y(point[key]).toFixed(1)}`,
      );
      parts.push(
        `<polyline fill="none" stroke="${series.color}" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''} points="${coordinates.join(' ')}"/>`,
        ...coordinates.map((at) => {
          const [cx, cy] = at.split(',');
          return `<circle cx="${cx}" cy="${cy}" r="3" fill="${key === 'p50' ? series.color : '#ffffff'}" stroke="${series.color}" stroke-width="1.5"><title>${escapeXml(`${series.label} ${key}`)}</title></circle>`;
        }),
      );
    }
  });
  return parts.join('\n');
}

function legend(series: [string, string][], width: number): string[] {
  const parts: string[] = [];
  series.forEach(([label, color], index) => {
    const left = 24 + (index % 2) * (width / 2);
    const top = 46 + Math.floor(index / 2) * 16;
    parts.push(
      `<line x1="${left}" x2="${left + 22}" y1="${top}" y2="${top}" stroke="${color}" stroke-width="3"/>`,
      `<text x="${left + 28}" y="${top}" dy="4" fill="#111827">${escapeXml(label)}</text>`,
    );
  });
  const top = 46 + Math.ceil(series.length / 2) * 16;
  PERCENTILES.forEach(({ key, dash }, index) => {
    const left = 24 + index * 90;
    parts.push(
      `<line x1="${left}" x2="${left + 22}" y1="${top}" y2="${top}" stroke="#374151" stroke-width="2"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`,
      `<text x="${left + 28}" y="${top}" dy="4" fill="#111827">${key}</text>`,
    );
  });
  return parts;
}

/** 1-2-5 steps across the decades of the range. */
function yTicks(low: number, high: number): number[] {
  const ticks: number[] = [];
  for (let decade = low; decade <= high * 1.0001; decade *= 10)
    for (const step of [1, 2, 5]) if (decade * step <= high * 1.0001) ticks.push(decade * step);
  return ticks;
}

function formatMs(ms: number): string {
  return ms >= 1 ? `${Number(ms.toPrecision(3))}` : ms.toPrecision(1);
}

function formatTerms(terms: number): string {
  return terms >= 1000 ? `${Number((terms / 1000).toPrecision(3))}k` : String(terms);
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (char) => `&#${char.charCodeAt(0)};`);
}
