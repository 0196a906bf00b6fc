import { EmError } from '@em/core';
import { datasetById, datasets, loadCsvFile, observationsOf, type Dataset } from '../../datasets.js';
import { marginalComponents } from '../../marginal.js';
import { createDemoMixture, type CovarianceType, type InitializationMethod } from '../../model/demo-mixture.js';
import { createSession, type EmSession, type Frame } from '../../model/session.js';
import { componentColor } from '../../plot/colors.js';
import { accelerationChartMarkup } from '../../plot/acceleration-chart.js';
import { objectiveChartMarkup } from '../../plot/objective-chart.js';
import { scatterMarkup } from '../../plot/scatter.js';
import { escapeText } from '../../plot/svg.js';
import { gaussian2dMarkup } from './markup.js';

/**
 * The 2-D Gaussian mixture view (Old Faithful, iris): E-step recolouring, 1σ/2σ ellipses, the
 * objective chart and the SQUAREM comparison. Mounted into the shell's panel; returns its cleanup.
 */
export function mountGaussian2d(container: HTMLElement): () => void {
  container.innerHTML = gaussian2dMarkup;

  function element<T extends HTMLElement | SVGElement>(id: string): T {
    const found = document.getElementById(id);
    if (found === null) throw new Error(`The page has no #${id}.`);
    return found as T;
  }

  const ui = {
    dataset: element<HTMLSelectElement>('dataset'),
    upload: element<HTMLInputElement>('upload'),
    xColumn: element<HTMLSelectElement>('x-column'),
    yColumn: element<HTMLSelectElement>('y-column'),
    fitColumns: element<HTMLSelectElement>('fit-columns'),
    fitColumnsLabel: element<HTMLLabelElement>('fit-columns-label'),
    description: element<HTMLParagraphElement>('dataset-description'),
    components: element<HTMLInputElement>('components'),
    covariance: element<HTMLSelectElement>('covariance'),
    initialization: element<HTMLSelectElement>('initialization'),
    seed: element<HTMLInputElement>('seed'),
    maxIterations: element<HTMLInputElement>('max-iterations'),
    tolerance: element<HTMLInputElement>('tolerance'),
    speed: element<HTMLSelectElement>('speed'),
    fit: element<HTMLButtonElement>('fit'),
    step: element<HTMLButtonElement>('step'),
    reset: element<HTMLButtonElement>('reset'),
    scatter: element<SVGSVGElement>('scatter'),
    chart: element<SVGSVGElement>('objective-chart'),
    compareAcceleration: element<HTMLInputElement>('compare-acceleration'),
    accelerationChart: element<SVGSVGElement>('acceleration-chart'),
    phase: element<HTMLElement>('phase'),
    iterations: element<HTMLElement>('iterations'),
    logLikelihood: element<HTMLElement>('log-likelihood'),
    logPrior: element<HTMLElement>('log-prior'),
    change: element<HTMLElement>('change'),
    bic: element<HTMLElement>('bic'),
    stopReason: element<HTMLElement>('stop-reason'),
    table: element<HTMLTableElement>('components-table'),
    error: element<HTMLParagraphElement>('error'),
  };

  type PageState = 'ready' | 'running' | 'done' | 'error';

  /** What the current session was built from; a change of any of these starts a new session. */
  interface SessionKey {
    readonly dataset: Dataset;
    /** Fitted columns (indices into the dataset's numeric columns). */
    readonly fitted: readonly number[];
    readonly text: string;
  }

  let session: EmSession | undefined;
  let sessionKey: SessionKey | undefined;
  let lastFrame: Frame | undefined;
  /** Incremented to cancel a running animation. */
  let animation = 0;

  function setState(state: PageState): void {
    document.body.dataset['state'] = state;
    const busy = state === 'running';
    ui.step.disabled = busy;
    ui.reset.disabled = busy;
  }

  function integerInput(input: HTMLInputElement, min: number, max: number, fallback: number): number {
    const value = Math.round(Number(input.value));
    return Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
  }

  function currentDataset(): Dataset {
    return datasetById(ui.dataset.value);
  }

  function plottedColumns(): [number, number] {
    return [Number(ui.xColumn.value), Number(ui.yColumn.value)];
  }

  function fittedColumns(dataset: Dataset): number[] {
    if (ui.fitColumns.value === 'all') return dataset.table.columnNames.map((_, j) => j);
    const [x, y] = plottedColumns();
    return x === y ? [x] : [x, y];
  }

  function fillColumnSelects(dataset: Dataset): void {
    const options = dataset.table.columnNames.map((name, j) => `<option value="${j}">${escapeText(name)}</option>`).join('');
    ui.xColumn.innerHTML = options;
    ui.yColumn.innerHTML = options;
    ui.xColumn.value = String(dataset.defaultColumns[0]);
    ui.yColumn.value = String(dataset.defaultColumns[1]);
    ui.fitColumnsLabel.hidden = dataset.table.columnNames.length <= 2;
    ui.fitColumns.value = 'plotted';
    ui.components.value = String(dataset.defaultComponents);
    ui.description.textContent = dataset.description;
  }

  /** The session for the current settings, created (at θ_0) when the settings changed. */
  function ensureSession(): EmSession {
    const dataset = currentDataset();
    const fitted = fittedColumns(dataset);
    const options = {
      components: integerInput(ui.components, 1, 8, 2),
      covariance: ui.covariance.value as CovarianceType,
      initialization: ui.initialization.value as InitializationMethod,
    };
    const settings = {
      seed: integerInput(ui.seed, -2147483648, 2147483647, 0),
      maxIterations: integerInput(ui.maxIterations, 1, 1000, 1000),
      tolerance: Math.max(0, Number(ui.tolerance.value) || 0),
    };
    const text = JSON.stringify({ dataset: dataset.id, fitted, options, settings });
    if (session !== undefined && sessionKey?.text === text) return session;
    session = createSession(createDemoMixture(options), observationsOf(dataset, fitted), settings);
    sessionKey = { dataset, fitted, text };
    return session;
  }

  function describeStop(reason: string | undefined): string {
    switch (reason) {
      case undefined:
        return 'not yet';
      case 'converged':
        return `converged (|Δ| / max(1, |objective|) < ${ui.tolerance.value})`;
      case 'maxIterations':
        return 'reached max iterations';
      default:
        return reason;
    }
  }

  /** The chart's two series at θ_0 … θ_t. */
  interface ChartSeries {
    readonly logLikelihood: readonly number[];
    /** log-likelihood + log-prior. */
    readonly objective: readonly number[];
  }

  function render(frame: Frame, responsibilitiesFrom: Frame = frame, series?: ChartSeries, iterationsShown?: number): void {
    if (sessionKey === undefined || session === undefined) return;
    const { dataset, fitted } = sessionKey;
    const [xColumn, yColumn] = plottedColumns();
    const rows = dataset.table.rowCount;
    const width = dataset.table.columnNames.length;
    const x = new Float64Array(rows);
    const y = new Float64Array(rows);
    for (let i = 0; i < rows; i++) {
      x[i] = dataset.table.values[i * width + xColumn] as number;
      y[i] = dataset.table.values[i * width + yColumn] as number;
    }
    const xIndex = fitted.indexOf(xColumn);
    const yIndex = fitted.indexOf(yColumn);
    const components = xIndex >= 0 && yIndex >= 0 ? marginalComponents(frame.view, xIndex, yIndex) : [];
    ui.scatter.innerHTML = scatterMarkup({
      width: 600,
      height: 460,
      x,
      y,
      xLabel: dataset.table.columnNames[xColumn] ?? '',
      yLabel: dataset.table.columnNames[yColumn] ?? '',
      responsibilities: responsibilitiesFrom.responsibilities,
      components,
    });
    const status = session.status;
    const shown = series ?? { logLikelihood: status.logLikelihoodHistory, objective: status.history };
    ui.chart.innerHTML = objectiveChartMarkup({
      width: 420,
      height: 240,
      logLikelihood: shown.logLikelihood,
      objective: shown.objective,
      ...(iterationsShown === undefined ? {} : { iterationsShown }),
    });
    ui.iterations.textContent = String(frame.iteration);
    ui.logLikelihood.textContent = frame.logLikelihood.toFixed(6);
    ui.logLikelihood.dataset['value'] = String(frame.logLikelihood);
    ui.logPrior.textContent = (frame.objective - frame.logLikelihood).toFixed(6);
    const previous = shown.objective[frame.iteration - 1];
    ui.change.textContent = previous === undefined ? '–' : (frame.objective - previous).toExponential(3);
    ui.table.innerHTML =
      '<tr><th></th><th>weight</th><th>mean x</th><th>mean y</th><th>sd x</th><th>sd y</th></tr>' +
      components
        .map(
          (component, j) =>
            `<tr><td><span class="swatch" style="background:${componentColor(j)}"></span>${j + 1}</td><td>${component.weight.toFixed(3)}</td>` +
            `<td>${component.meanX.toPrecision(4)}</td><td>${component.meanY.toPrecision(4)}</td>` +
            `<td>${Math.sqrt(component.covariance.xx).toPrecision(3)}</td><td>${Math.sqrt(component.covariance.yy).toPrecision(3)}</td></tr>`,
        )
        .join('');
    lastFrame = frame;
  }

  function showSummary(final: boolean): void {
    if (session === undefined) return;
    const status = session.status;
    ui.bic.textContent = status.bic.toFixed(3);
    ui.bic.dataset['value'] = String(status.bic);
    ui.stopReason.textContent = final ? describeStop(status.stopReason) : 'running…';
    ui.stopReason.dataset['value'] = status.stopReason ?? '';
    ui.iterations.dataset['value'] = String(status.iteration);
    const degenerate = status.events.filter((event) => event.type === 'degenerate-component').length;
    if (degenerate > 0) ui.phase.textContent += ` (${degenerate} degenerate-component event${degenerate === 1 ? '' : 's'})`;
  }

  /** With the toggle on: plain EM and SQUAREM from the session's start, log-likelihood against E-steps. */
  function renderAccelerationComparison(): void {
    const on = ui.compareAcceleration.checked && session !== undefined;
    ui.accelerationChart.toggleAttribute('hidden', !on);
    if (!on) return;
    guarded(() => {
      const { plain, accelerated } = (session as EmSession).compareAcceleration();
      ui.accelerationChart.innerHTML = accelerationChartMarkup({ width: 420, height: 240, plain, accelerated });
    });
  }

  function showError(error: unknown): void {
    const message = error instanceof EmError ? error.message : error instanceof Error ? error.message : String(error);
    ui.error.textContent = message;
    ui.error.hidden = false;
    setState('error');
  }

  function guarded(action: () => void): void {
    ui.error.hidden = true;
    try {
      action();
    } catch (error) {
      showError(error);
    }
  }

  const delay = (milliseconds: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, milliseconds));

  function resetView(): void {
    animation++;
    session = undefined;
    guarded(() => {
      const fresh = ensureSession();
      render(fresh.frame());
      showSummary(true);
      ui.stopReason.textContent = '–';
      ui.phase.textContent = 'θ₀: the seeded starting point (no EM iteration yet). Press Step for one iteration or Fit to run to convergence.';
      setState('ready');
    });
    renderAccelerationComparison();
  }

  async function onStep(): Promise<void> {
    animation++;
    ui.error.hidden = true;
    let current: EmSession;
    try {
      current = ensureSession();
    } catch (error) {
      showError(error);
      return;
    }
    const before = lastFrame !== undefined && lastFrame.iteration === current.status.iteration ? lastFrame : current.frame();
    let after: Frame;
    try {
      after = current.step();
    } catch (error) {
      showError(error);
      return;
    }
    const pause = Number(ui.speed.value);
    setState('running');
    if (pause > 0) {
      // Show the two halves: the M-step moves the components while the colours are still the old responsibilities…
      render(after, before);
      ui.phase.textContent = `M-step ${after.iteration}: new weights, means and covariances from the responsibilities of iteration ${before.iteration}.`;
      const token = animation;
      await delay(Math.max(300, pause * 4));
      if (token !== animation) return;
    }
    // …then the E-step recolours the points with the responsibilities under the new parameters.
    render(after);
    ui.phase.textContent = `E-step ${after.iteration}: responsibilities under the new parameters (point colours); log-likelihood ${after.logLikelihood.toFixed(4)}.`;
    showSummary(true);
    setState('done');
  }

  async function onFit(): Promise<void> {
    const token = ++animation;
    ui.error.hidden = true;
    setState('running');
    let frames: Frame[];
    let current: EmSession;
    try {
      current = ensureSession();
      frames = current.fit();
    } catch (error) {
      showError(error);
      return;
    }
    const series: ChartSeries = { logLikelihood: frames.map((frame) => frame.logLikelihood), objective: frames.map((frame) => frame.objective) };
    const upTo = (t: number): ChartSeries => ({ logLikelihood: series.logLikelihood.slice(0, t + 1), objective: series.objective.slice(0, t + 1) });
    const pause = Number(ui.speed.value);
    const last = frames.length - 1;
    if (pause > 0) {
      for (const frame of frames) {
        render(frame, frame, upTo(frame.iteration), last);
        ui.phase.textContent = `Iteration ${frame.iteration} of ${last}: E-step colours, M-step ellipses.`;
        showSummary(false);
        await delay(pause);
        if (token !== animation) return;
      }
    }
    const final = frames[last];
    if (final !== undefined) render(final, final, series, last);
    const status = current.status;
    ui.phase.textContent = `Fitted: ${status.iteration} iterations, ${describeStop(status.stopReason)}. Press Step to iterate further, or change the seed and fit again.`;
    showSummary(true);
    setState('done');
  }

  function fillDatasetSelect(): void {
    ui.dataset.innerHTML = datasets()
      .map((dataset) => `<option value="${dataset.id}">${escapeText(dataset.title)}</option>`)
      .join('');
  }

  /** Reads the chosen file through its stream (the shared CSV parser) and shows it as a new dataset. */
  async function onUpload(): Promise<void> {
    const file = ui.upload.files?.[0];
    if (file === undefined) return;
    ui.error.hidden = true;
    try {
      const dataset = await loadCsvFile(file);
      fillDatasetSelect();
      ui.dataset.value = dataset.id;
      fillColumnSelects(dataset);
      resetView();
    } catch (error) {
      showError(error);
    } finally {
      ui.upload.value = '';
    }
  }

  function start(): void {
    fillDatasetSelect();
    fillColumnSelects(currentDataset());
    ui.upload.addEventListener('change', () => void onUpload());
    ui.dataset.addEventListener('change', () => {
      fillColumnSelects(currentDataset());
      resetView();
    });
    const onAxes = (): void => {
      // With all columns fitted, another pair of axes is only another view of the same fit.
      if (ui.fitColumns.value === 'all' && session !== undefined && lastFrame !== undefined) guarded(() => render(lastFrame as Frame));
      else resetView();
    };
    ui.xColumn.addEventListener('change', onAxes);
    ui.yColumn.addEventListener('change', onAxes);
    for (const input of [ui.fitColumns, ui.components, ui.covariance, ui.initialization, ui.seed, ui.maxIterations, ui.tolerance]) {
      input.addEventListener('change', resetView);
    }
    ui.fit.addEventListener('click', () => void onFit());
    ui.step.addEventListener('click', () => void onStep());
    ui.reset.addEventListener('click', resetView);
    ui.compareAcceleration.addEventListener('change', renderAccelerationComparison);
    resetView();
  }

  start();
  return () => {
    // Cancels a running animation; the markup goes with the panel.
    animation++;
    container.replaceChildren();
  };
}
