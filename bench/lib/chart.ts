/**
 * The throughput chart: grouped bars (median) with min–max whiskers, written as SVG text. A browser
 * or GitHub draws it with its own fonts, so no font or image encoder lives here.
 */

/** One bar: median and range. */
export interface BarValue {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** The data of a grouped bar chart; a `null` value leaves that bar out (no verified run). */
export interface BarChart {
  readonly title: string;
  readonly yLabel: string;
  readonly groups: readonly string[];
  readonly series: readonly { readonly label: string; readonly values: readonly (BarValue | null)[] }[];
}

const PALETTE = ['#787878', '#e68c28', '#1e78c8', '#28aa64', '#aa46aa', '#c83c3c'] as const;
const INK = '#1e1e1e';
const GRID = '#e1e1e1';

/** Escapes text for an SVG text node or attribute. */
export function escapeXml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

/** A round step for about five grid lines up to `maximum`. */
export function niceStep(maximum: number): number {
  const rough = maximum / 5;
  const power = 10 ** Math.floor(Math.log10(rough));
  for (const factor of [1, 2, 2.5, 5, 10]) {
    if (rough <= factor * power) return factor * power;
  }
  return 10 * power;
}

const round = (value: number): string => String(Math.round(value * 10) / 10);

/** Draws the chart and returns the SVG document. */
export function renderBarChart(chart: BarChart): string {
  const width = 960;
  const height = 540;
  const left = 80;
  const right = width - 30;
  const top = 60;
  const bottom = height - 120;
  const parts: string[] = [];
  const text = (x: number, y: number, body: string, attributes = ''): void => {
    parts.push(`<text x="${round(x)}" y="${round(y)}"${attributes}>${escapeXml(body)}</text>`);
  };
  const rect = (x: number, y: number, w: number, h: number, fill: string): void => {
    parts.push(
      `<rect x="${round(x)}" y="${round(y)}" width="${round(Math.max(0, w))}" height="${round(Math.max(0, h))}" fill="${fill}"/>`,
    );
  };
  text(width / 2, 32, chart.title, ' text-anchor="middle" font-size="20"');

  const peak = Math.max(
    1,
    ...chart.series.flatMap((series) => series.values.map((value) => (value === null ? 0 : value.max))),
  );
  const step = niceStep(peak);
  const axisMax = Math.ceil(peak / step) * step;
  const y = (value: number): number => bottom - ((bottom - top) * value) / axisMax;
  for (let tick = 0; tick <= axisMax + step / 2; tick += step) {
    rect(left, y(tick), right - left, 1, GRID);
    text(left - 8, y(tick) + 5, String(Math.round(tick)), ' text-anchor="end"');
  }
  text(left - 8, top - 20, chart.yLabel, ' text-anchor="end"');
  rect(left, top, 2, bottom - top, INK);
  rect(left, bottom, right - left, 2, INK);

  const groupWidth = (right - left) / Math.max(1, chart.groups.length);
  const barWidth = Math.min(40, (groupWidth * 0.8) / Math.max(1, chart.series.length));
  chart.groups.forEach((group, groupIndex) => {
    const groupStart = left + groupIndex * groupWidth + (groupWidth - barWidth * chart.series.length) / 2;
    chart.series.forEach((series, seriesIndex) => {
      const value = series.values[groupIndex];
      if (value === null || value === undefined) return;
      const x = groupStart + seriesIndex * barWidth;
      const color = PALETTE[seriesIndex % PALETTE.length] ?? INK;
      parts.push(
        `<g><title>${escapeXml(`${series.label}, ${group}: median ${round(value.median)} (${round(value.min)}–${round(value.max)}) ${chart.yLabel}`)}</title>`,
      );
      rect(x + 2, y(value.median), barWidth - 4, bottom - y(value.median), color);
      const middle = x + barWidth / 2;
      rect(middle - 1, y(value.max), 2, Math.max(1, y(value.min) - y(value.max)), INK);
      rect(middle - 6, y(value.max), 12, 2, INK);
      rect(middle - 6, y(value.min), 12, 2, INK);
      parts.push('</g>');
    });
    text(left + groupIndex * groupWidth + groupWidth / 2, bottom + 24, group, ' text-anchor="middle"');
  });

  const columns = 3;
  chart.series.forEach((series, seriesIndex) => {
    const x = left + (seriesIndex % columns) * ((right - left) / columns);
    const rowY = bottom + 50 + Math.floor(seriesIndex / columns) * 24;
    rect(x, rowY - 12, 16, 14, PALETTE[seriesIndex % PALETTE.length] ?? INK);
    text(x + 22, rowY, series.label);
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="14" fill="${INK}">`,
    `<title>${escapeXml(chart.title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
