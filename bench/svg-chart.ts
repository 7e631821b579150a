/** A hand-written SVG line chart: coverage (%) over time, one line per strategy, limit lines. */
export interface ChartSeries {
  readonly label: string;
  readonly color: string;
  /** [seconds, percent] */
  readonly points: readonly (readonly [number, number])[];
}

export interface ChartMarker {
  readonly label: string;
  readonly seconds: number;
  readonly dash: string;
}

export interface CoverageChart {
  readonly title: string;
  readonly subtitle: string;
  readonly series: readonly ChartSeries[];
  readonly markers: readonly ChartMarker[];
}

const WIDTH = 860;
const HEIGHT = 480;
const PLOT = { left: 64, right: 24, top: 70, bottom: 56 };

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A step of 1, 2 or 5 × 10^k giving about `ticks` ticks over `span`. */
function niceStep(span: number, ticks: number): number {
  const raw = span / ticks;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw);
  return step ?? 10 * magnitude;
}

export function renderCoverageChart(chart: CoverageChart): string {
  const latest = Math.max(1, ...chart.series.flatMap((s) => s.points.map(([t]) => t)), ...chart.markers.map((m) => m.seconds));
  const xStep = niceStep(latest, 10);
  const xMax = Math.ceil(latest / xStep) * xStep;
  const plotWidth = WIDTH - PLOT.left - PLOT.right;
  const plotHeight = HEIGHT - PLOT.top - PLOT.bottom;
  const x = (t: number) => PLOT.left + (t / xMax) * plotWidth;
  const y = (percent: number) => PLOT.top + plotHeight - (percent / 100) * plotHeight;
  const f = (n: number) => n.toFixed(1);

  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`);
  out.push(`<text x="${PLOT.left}" y="24" font-size="16" font-weight="bold">${escapeXml(chart.title)}</text>`);
  out.push(`<text x="${PLOT.left}" y="44" fill="#555">${escapeXml(chart.subtitle)}</text>`);

  // Grid and axes.
  for (let p = 0; p <= 100; p += 10) {
    out.push(`<line x1="${PLOT.left}" y1="${f(y(p))}" x2="${WIDTH - PLOT.right}" y2="${f(y(p))}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${PLOT.left - 8}" y="${f(y(p) + 4)}" text-anchor="end">${p}%</text>`);
  }
  for (let t = 0; t <= xMax + 1e-9; t += xStep) {
    out.push(`<line x1="${f(x(t))}" y1="${PLOT.top}" x2="${f(x(t))}" y2="${PLOT.top + plotHeight}" stroke="#f0f0f0"/>`);
    out.push(`<text x="${f(x(t))}" y="${PLOT.top + plotHeight + 18}" text-anchor="middle">${Number(t.toFixed(3))}</text>`);
  }
  out.push(`<line x1="${PLOT.left}" y1="${PLOT.top + plotHeight}" x2="${WIDTH - PLOT.right}" y2="${PLOT.top + plotHeight}" stroke="black"/>`);
  out.push(`<line x1="${PLOT.left}" y1="${PLOT.top}" x2="${PLOT.left}" y2="${PLOT.top + plotHeight}" stroke="black"/>`);
  out.push(`<text x="${PLOT.left + plotWidth / 2}" y="${HEIGHT - 12}" text-anchor="middle">seconds since the burst of RunTask calls</text>`);
  out.push(
    `<text x="16" y="${PLOT.top + plotHeight / 2}" text-anchor="middle" transform="rotate(-90 16 ${PLOT.top + plotHeight / 2})">mirrorable ENIs mirrored</text>`,
  );

  // Vertical markers (physical limit, target).
  for (const marker of chart.markers) {
    const mx = f(x(marker.seconds));
    out.push(`<line x1="${mx}" y1="${PLOT.top}" x2="${mx}" y2="${PLOT.top + plotHeight}" stroke="#333" stroke-dasharray="${marker.dash}"/>`);
    out.push(`<text x="${mx}" y="${PLOT.top - 6}" text-anchor="middle" fill="#333">${escapeXml(marker.label)}</text>`);
  }

  // Lines: a step function would be truer to the 250 ms polling, a polyline reads better.
  for (const series of chart.series) {
    const points = series.points.map(([t, p]) => `${f(x(t))},${f(y(p))}`).join(' ');
    out.push(`<polyline fill="none" stroke="${series.color}" stroke-width="2" points="${points}"/>`);
  }

  // Legend, bottom right inside the plot (coverage rises towards the top).
  const legendX = WIDTH - PLOT.right - 300;
  const legendY = PLOT.top + plotHeight - 16 - 20 * chart.series.length;
  out.push(`<rect x="${legendX - 8}" y="${legendY - 14}" width="300" height="${20 * chart.series.length + 8}" fill="white" stroke="#ccc"/>`);
  chart.series.forEach((series, index) => {
    const ly = legendY + index * 20;
    out.push(`<line x1="${legendX}" y1="${ly - 4}" x2="${legendX + 24}" y2="${ly - 4}" stroke="${series.color}" stroke-width="2"/>`);
    out.push(`<text x="${legendX + 32}" y="${ly}">${escapeXml(series.label)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
