import { datasetById, datasets, selectColumns, type Dataset } from '../../datasets.js';
import { componentColor } from '../../plot/colors.js';
import { escapeText } from '../../plot/svg.js';
import { CRITERION_LABELS, criterionChartMarkup } from './criterion-chart.js';
import './model-selection.css';
import { runSelectionGrid, SELECTION_MODELS, type SelectionCell, type SelectionCriterion, type SelectionGridInput, type SelectionGridResult } from './selection-grid.js';
import type { SelectionReply, SelectionRequest } from './selection-messages.js';
import { uncertaintyScatterMarkup } from './uncertainty-scatter.js';

const ID = 'model-selection';
const CHART = { width: 640, height: 380 } as const;
const SCATTER = { width: 520, height: 400 } as const;

/**
 * A chart's drawing size from the width it is shown at (between 360 and the nominal width), so that
 * on a phone its text is drawn near 1:1 rather than shrunk with the whole picture.
 */
function fittedSize(svg: SVGSVGElement, nominal: { readonly width: number; readonly height: number }): { width: number; height: number } {
  const shown = svg.parentElement?.clientWidth ?? nominal.width;
  const width = Math.round(Math.max(360, Math.min(nominal.width, shown > 0 ? shown : nominal.width)));
  const height = Math.round(Math.max(nominal.height * 0.8, (nominal.height * width) / nominal.width));
  svg.setAttribute('viewBox', `0 0 ${width} ${height}`);
  return { width, height };
}

const markup = /* html */ `
<div class="model-selection">
<p class="lede">
  Model selection the way mclust does it: a Gaussian mixture is fitted for each of mclust's fourteen covariance models
  (E = equal, V = variable, I = identity, for volume, shape and orientation in that order: EII is spherical and equal,
  VVV is unconstrained) and each number of components K, and the model with the lowest BIC (or ICL, which also
  penalises overlapping clusters) wins. This project reports BIC as −2 log-likelihood + p ln n, so <strong>lower is
  better</strong> (mclust plots the negative, higher is better). The fits run in a Web Worker.
</p>
<form class="ms-controls" autocomplete="off">
  <fieldset>
    <legend>Data</legend>
    <label>Dataset <select id="${ID}-dataset"></select></label>
    <label>x axis <select id="${ID}-x-column"></select></label>
    <label>y axis <select id="${ID}-y-column"></select></label>
    <p class="note">Every numeric column is fitted; the axes only choose the view.</p>
  </fieldset>
  <fieldset>
    <legend>Grid</legend>
    <label>K from 1 to <input id="${ID}-max-components" type="number" min="2" max="9" step="1" value="9" /></label>
    <label>Seed <input id="${ID}-seed" type="number" step="1" value="0" /></label>
    <label>Criterion
      <select id="${ID}-criterion">
        <option value="bic" selected>BIC</option>
        <option value="icl">ICL</option>
      </select>
    </label>
    <label title="Show the values from the lowest to the median, where the best models' curves bunch together"><input id="${ID}-zoom" type="checkbox" /> Zoom on the best half</label>
    <div class="buttons"><button type="button" id="${ID}-run">Run the grid</button></div>
  </fieldset>
</form>
<div class="ms-progress" aria-live="polite"><progress id="${ID}-progress" max="1" value="0"></progress><span id="${ID}-progress-text"></span></div>
<p id="${ID}-error" class="ms-error" role="alert"></p>
<div class="ms-layout">
  <figure>
    <svg id="${ID}-chart" viewBox="0 0 ${CHART.width} ${CHART.height}" role="img" aria-label="Criterion against the number of components, one line per covariance model"></svg>
    <figcaption id="${ID}-chart-caption"></figcaption>
  </figure>
  <figure>
    <svg id="${ID}-scatter" viewBox="0 0 ${SCATTER.width} ${SCATTER.height}" role="img" aria-label="The chosen model's clusters; larger, more opaque points are less certain"></svg>
    <figcaption id="${ID}-scatter-caption"></figcaption>
  </figure>
</div>
<div class="ms-scroll"><table class="ms-table" id="${ID}-table"></table></div>
</div>`;

/** The grid's data: every numeric column of the dataset, row-major. */
function gridInput(dataset: Dataset, maxComponents: number, seed: number): SelectionGridInput {
  const { table } = dataset;
  return { values: Float64Array.from(table.values), rows: table.rowCount, columns: table.columnNames.length, models: SELECTION_MODELS, maxComponents, seed };
}

function integerOf(input: HTMLInputElement, min: number, max: number, fallback: number): number {
  const value = Math.round(Number(input.value));
  const clamped = Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
  input.value = String(clamped);
  return clamped;
}

/** Mounts the model-selection view; returns its cleanup (ends the worker). */
export function mountModelSelection(container: HTMLElement): () => void {
  container.innerHTML = markup;
  const find = <T extends HTMLElement | SVGElement>(suffix: string): T => {
    const found = container.querySelector(`#${ID}-${suffix}`);
    if (found === null) throw new Error(`The model-selection view has no #${ID}-${suffix}.`);
    return found as T;
  };
  const ui = {
    dataset: find<HTMLSelectElement>('dataset'),
    xColumn: find<HTMLSelectElement>('x-column'),
    yColumn: find<HTMLSelectElement>('y-column'),
    maxComponents: find<HTMLInputElement>('max-components'),
    seed: find<HTMLInputElement>('seed'),
    criterion: find<HTMLSelectElement>('criterion'),
    zoom: find<HTMLInputElement>('zoom'),
    run: find<HTMLButtonElement>('run'),
    progress: find<HTMLProgressElement>('progress'),
    progressText: find<HTMLElement>('progress-text'),
    error: find<HTMLElement>('error'),
    chart: find<SVGSVGElement>('chart'),
    chartCaption: find<HTMLElement>('chart-caption'),
    scatter: find<SVGSVGElement>('scatter'),
    scatterCaption: find<HTMLElement>('scatter-caption'),
    table: find<HTMLTableElement>('table'),
  };
  ui.dataset.innerHTML = datasets()
    .map((dataset) => `<option value="${dataset.id}">${escapeText(dataset.title)}</option>`)
    .join('');

  let worker: Worker | undefined;
  let requestId = 0;
  let cells: SelectionCell[] = [];
  let result: SelectionGridResult | undefined;
  let maxComponents = 9;
  let firstRun = true;

  const setState = (state: 'ready' | 'running' | 'done' | 'error'): void => {
    document.body.dataset['state'] = state;
    ui.run.disabled = state === 'running';
  };

  const dataset = (): Dataset => datasetById(ui.dataset.value);

  const fillAxes = (): void => {
    const { table, defaultColumns } = dataset();
    const options = table.columnNames.map((name, j) => `<option value="${j}">${escapeText(name)}</option>`).join('');
    ui.xColumn.innerHTML = options;
    ui.yColumn.innerHTML = options;
    ui.xColumn.value = String(defaultColumns[0]);
    ui.yColumn.value = String(defaultColumns[1]);
  };

  const drawChart = (): void => {
    const criterion = ui.criterion.value as SelectionCriterion;
    const winner = result?.winners[criterion];
    ui.chart.innerHTML = criterionChartMarkup({
      ...fittedSize(ui.chart, CHART),
      criterion,
      models: SELECTION_MODELS,
      maxComponents,
      cells,
      zoom: ui.zoom.checked,
      ...(winner === undefined ? {} : { chosen: { model: winner.model, components: winner.components } }),
    });
    ui.chart.dataset['criterion'] = criterion;
    const failed = cells.filter((cell) => cell.error !== undefined).length;
    ui.chartCaption.textContent =
      `${CRITERION_LABELS[criterion]}, for each covariance model against K; p is the number of free parameters, n the number of rows. ` +
      (winner === undefined ? '' : `Ringed: the chosen model, ${winner.model} with K = ${winner.components}. `) +
      (failed === 0 ? '' : `${failed} cell(s) could not be fitted (a component collapsed) and are gaps.`);
  };

  const drawScatter = (): void => {
    const criterion = ui.criterion.value as SelectionCriterion;
    const winner = result?.winners[criterion];
    if (winner === undefined) {
      ui.scatter.innerHTML = '';
      ui.scatterCaption.textContent = '';
      return;
    }
    const { table } = dataset();
    const xColumn = Number(ui.xColumn.value);
    const yColumn = Number(ui.yColumn.value);
    ui.scatter.innerHTML = uncertaintyScatterMarkup({
      ...fittedSize(ui.scatter, SCATTER),
      x: selectColumns(table, [xColumn]),
      y: selectColumns(table, [yColumn]),
      xLabel: table.columnNames[xColumn] ?? '',
      yLabel: table.columnNames[yColumn] ?? '',
      classification: winner.classification,
      uncertainty: winner.uncertainty,
    });
    ui.scatter.dataset['model'] = winner.model;
    ui.scatter.dataset['components'] = String(winner.components);
    let largest = 0;
    for (const u of winner.uncertainty) largest = Math.max(largest, u);
    const swatches = Array.from({ length: winner.components }, (_, k) => `<span class="swatch" style="background:${componentColor(k)}"></span>${k + 1}`).join(' ');
    ui.scatterCaption.innerHTML = `The ${escapeText(criterion.toUpperCase())} choice, <strong>${winner.model}</strong> with K = ${winner.components} (components ${swatches}). Each point is coloured by its most probable component; its size and opacity grow with the classification uncertainty 1 − max<sub>k</sub> p(k | x) (largest here: ${largest.toFixed(3)}).`;
  };

  const drawTable = (): void => {
    const ranked = cells.filter((cell) => Number.isFinite(cell.bic)).sort((a, b) => a.bic - b.bic).slice(0, 5);
    ui.table.innerHTML =
      `<caption>The best five by BIC</caption><thead><tr><th>model</th><th>K</th><th>log-likelihood</th><th>free parameters p</th><th>BIC (lower is better)</th><th>ICL (lower is better)</th></tr></thead><tbody>` +
      ranked.map((cell) => `<tr><td>${cell.model}</td><td>${cell.components}</td><td>${cell.logLikelihood.toFixed(3)}</td><td>${cell.freeParameters}</td><td>${cell.bic.toFixed(3)}</td><td>${cell.icl.toFixed(3)}</td></tr>`).join('') +
      '</tbody>';
  };

  const finish = (finished: SelectionGridResult): void => {
    result = finished;
    cells = [...finished.cells];
    drawChart();
    drawScatter();
    drawTable();
    ui.progressText.textContent = `${cells.length} fits done.`;
    setState(firstRun ? 'ready' : 'done');
    firstRun = false;
  };

  const fail = (message: string): void => {
    ui.error.textContent = message;
    setState('error');
  };

  const run = (): void => {
    worker?.terminate();
    worker = undefined;
    const id = ++requestId;
    maxComponents = integerOf(ui.maxComponents, 2, 9, 9);
    const input = gridInput(dataset(), maxComponents, integerOf(ui.seed, 0, 2 ** 31 - 1, 0));
    const total = input.models.length * maxComponents;
    cells = [];
    result = undefined;
    ui.error.textContent = '';
    ui.progress.max = total;
    ui.progress.value = 0;
    ui.progressText.textContent = `Fitting ${input.models.length} covariance models × K = 1 … ${maxComponents} (${total} fits)…`;
    drawChart();
    drawScatter();
    ui.table.innerHTML = '';
    setState('running');
    const onReply = (reply: SelectionReply): void => {
      if (reply.id !== requestId) return;
      if (reply.type === 'progress') {
        cells.push(reply.progress.cell);
        ui.progress.value = reply.progress.done;
        ui.progressText.textContent = `${reply.progress.done} of ${reply.progress.total} fits (${reply.progress.cell.model}, K = ${reply.progress.cell.components})`;
        drawChart();
      } else if (reply.type === 'result') {
        finish(reply.result);
      } else {
        fail(reply.message);
      }
    };
    if (typeof Worker === 'undefined') {
      // No Web Workers (e.g. a test environment): the same grid on this thread.
      setTimeout(() => {
        try {
          finish(runSelectionGrid(input, (progress) => onReply({ id, type: 'progress', progress })));
        } catch (error) {
          fail(error instanceof Error ? error.message : String(error));
        }
      }, 0);
      return;
    }
    worker = new Worker(new URL('./selection.worker.ts', import.meta.url), { type: 'module' });
    worker.onmessage = (event: MessageEvent<SelectionReply>) => onReply(event.data);
    worker.onerror = (event) => fail(`The model-selection worker failed: ${event.message}`);
    const request: SelectionRequest = { id, input };
    worker.postMessage(request);
  };

  ui.dataset.addEventListener('change', () => {
    fillAxes();
    run();
  });
  ui.run.addEventListener('click', run);
  ui.criterion.addEventListener('change', () => {
    drawChart();
    drawScatter();
  });
  ui.zoom.addEventListener('change', drawChart);
  ui.xColumn.addEventListener('change', drawScatter);
  ui.yColumn.addEventListener('change', drawScatter);
  const redraw = (): void => {
    drawChart();
    drawScatter();
  };
  window.addEventListener('resize', redraw);

  fillAxes();
  run();
  return () => {
    window.removeEventListener('resize', redraw);
    requestId++;
    worker?.terminate();
    worker = undefined;
    container.innerHTML = '';
  };
}
