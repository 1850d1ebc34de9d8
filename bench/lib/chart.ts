/** The throughput chart: grouped bars (median) with min–max whiskers, drawn into a PNG. */
import { Raster, type Rgb } from './png.js';

/** One bar: median and range, or `null` when the tool has no verified run there. */
export interface BarValue {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** The data of a grouped bar chart. */
export interface BarChart {
  readonly title: string;
  readonly yLabel: string;
  readonly groups: readonly string[];
  readonly series: readonly { readonly label: string; readonly values: readonly (BarValue | null)[] }[];
}

const PALETTE: readonly Rgb[] = [
  [120, 120, 120],
  [230, 140, 40],
  [30, 120, 200],
  [40, 170, 100],
  [170, 70, 170],
];
const INK: Rgb = [30, 30, 30];
const GRID: Rgb = [225, 225, 225];

function niceStep(maximum: number): number {
  const rough = maximum / 5;
  const power = 10 ** Math.floor(Math.log10(rough));
  for (const factor of [1, 2, 2.5, 5, 10]) {
    if (rough <= factor * power) return factor * power;
  }
  return 10 * power;
}

/** Draws the chart and returns it as PNG bytes. */
export function renderBarChart(chart: BarChart): Buffer {
  const width = 960;
  const height = 540;
  const image = new Raster(width, height);
  const left = 90;
  const right = width - 30;
  const top = 70;
  const bottom = height - 110;
  image.text((width - Raster.textWidth(chart.title, 3)) / 2, 20, chart.title, 3, INK);

  const peak = Math.max(
    1,
    ...chart.series.flatMap((series) => series.values.map((value) => (value === null ? 0 : value.max))),
  );
  const step = niceStep(peak);
  const axisMax = Math.ceil(peak / step) * step;
  const y = (value: number): number => bottom - ((bottom - top) * value) / axisMax;
  for (let tick = 0; tick <= axisMax + step / 2; tick += step) {
    image.fillRect(left, y(tick), right - left, 1, GRID);
    const label = String(Math.round(tick));
    image.text(left - 8 - Raster.textWidth(label, 2), y(tick) - 7, label, 2, INK);
  }
  image.text(10, top - 30, chart.yLabel, 2, INK);
  image.fillRect(left, top, 2, bottom - top, INK);
  image.fillRect(left, bottom, right - left, 2, INK);

  const groupWidth = (right - left) / Math.max(1, chart.groups.length);
  const barWidth = Math.min(48, (groupWidth * 0.8) / Math.max(1, chart.series.length));
  chart.groups.forEach((group, groupIndex) => {
    const groupStart = left + groupIndex * groupWidth + (groupWidth - barWidth * chart.series.length) / 2;
    chart.series.forEach((series, seriesIndex) => {
      const value = series.values[groupIndex];
      if (value === null || value === undefined) return;
      const color = PALETTE[seriesIndex % PALETTE.length] ?? INK;
      const x = groupStart + seriesIndex * barWidth;
      image.fillRect(x + 2, y(value.median), barWidth - 4, bottom - y(value.median), color);
      const middle = x + barWidth / 2;
      image.fillRect(middle - 1, y(value.max), 2, Math.max(1, y(value.min) - y(value.max)), INK);
      image.fillRect(middle - 6, y(value.max), 12, 2, INK);
      image.fillRect(middle - 6, y(value.min), 12, 2, INK);
    });
    const label = group;
    image.text(
      left + groupIndex * groupWidth + (groupWidth - Raster.textWidth(label, 2)) / 2,
      bottom + 12,
      label,
      2,
      INK,
    );
  });

  let legendX = left;
  let legendY = height - 64;
  chart.series.forEach((series, seriesIndex) => {
    const color = PALETTE[seriesIndex % PALETTE.length] ?? INK;
    const labelWidth = Raster.textWidth(series.label, 2);
    if (legendX > left && legendX + 22 + labelWidth > right) {
      legendX = left;
      legendY += 24;
    }
    image.fillRect(legendX, legendY, 16, 14, color);
    image.text(legendX + 22, legendY, series.label, 2, INK);
    legendX += 22 + labelWidth + 30;
  });
  return image.toPng();
}
