/**
 * Vega-Lite specs rendered to SVG in Node, without a browser: vega-lite compiles the spec to
 * Vega, and a headless Vega view (renderer 'none') writes SVG.
 */
import * as vega from 'vega';
import * as vl from 'vega-lite';

/** A Vega-Lite spec (top level). */
export type VegaLiteSpec = vl.TopLevelSpec;

/** Renders a Vega-Lite spec to an SVG string. */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  const full = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', background: 'white', ...spec } as VegaLiteSpec;
  const view = new vega.View(vega.parse(vl.compile(full).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

/** A line chart of `rows` (x, y, series) with optional log-scaled axes. */
export function lineChart(
  rows: Record<string, unknown>[],
  o: { x: string; y: string; series?: string; title: string; xTitle?: string; yTitle?: string; logX?: boolean; logY?: boolean; width?: number; height?: number; points?: boolean },
): VegaLiteSpec {
  return {
    title: o.title,
    width: o.width ?? 420,
    height: o.height ?? 260,
    data: { values: rows },
    mark: { type: 'line', point: o.points ?? false },
    encoding: {
      x: { field: o.x, type: 'quantitative', title: o.xTitle ?? o.x, scale: o.logX ? { type: 'log' } : { zero: false } },
      y: { field: o.y, type: 'quantitative', title: o.yTitle ?? o.y, scale: o.logY ? { type: 'log' } : { zero: false } },
      ...(o.series ? { color: { field: o.series, type: 'nominal', title: o.series, legend: { labelLimit: 360 } } } : {}),
    },
  } as VegaLiteSpec;
}
