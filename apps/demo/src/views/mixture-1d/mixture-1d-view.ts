import { DenseMatrix, EmError } from '@em/core';
import { datasetById } from '../../datasets.js';
import { createDemoMixture } from '../../model/demo-mixture.js';
import { createSession, type EmSession, type Frame } from '../../model/session.js';
import { componentColor } from '../../plot/colors.js';
import { objectiveChartMarkup } from '../../plot/objective-chart.js';
import { escapeText } from '../../plot/svg.js';
import { HEIGHTS_TRUTH, simulateHeights, type Mixture1dParameters } from './heights.js';
import { histogramMarkup } from './histogram.js';
import { createPlayLoop } from '../play-loop.js';

/** The 1-D data the view can fit: simulated heights, or one column of an embedded dataset. */
export interface Source1d {
  readonly id: string;
  readonly title: string;
  readonly label: string;
  readonly components: number;
  values(seed: number): Float64Array;
  readonly truth?: Mixture1dParameters;
}

export const HEIGHTS_COUNT = 400;

function column(datasetId: string, index: number): Float64Array {
  const { table } = datasetById(datasetId);
  const width = table.columnNames.length;
  return Float64Array.from({ length: table.rowCount }, (_, i) => table.values[i * width + index] as number);
}

export const sources1d: readonly Source1d[] = [
  { id: 'heights', title: `Heights of ${HEIGHTS_COUNT} adults (simulated, two hidden groups)`, label: 'height (cm)', components: 2, values: (seed) => simulateHeights(HEIGHTS_COUNT, seed), truth: HEIGHTS_TRUTH },
  { id: 'eruptions', title: 'Old Faithful: eruption length', label: 'eruption length (min)', components: 2, values: () => column('faithful', 0) },
  { id: 'waiting', title: 'Old Faithful: waiting time', label: 'waiting time (min)', components: 2, values: () => column('faithful', 1) },
  { id: 'petal-length', title: 'Iris: petal length', label: 'petal length (cm)', components: 3, values: () => column('iris', 2) },
];

/** Plain π, μ, σ of a 1-D frame. */
export function parametersOf(frame: Frame): Mixture1dParameters {
  const { weights, means, covariances } = frame.view;
  return { weights: [...weights], means: [...means], standardDeviations: [...covariances].map(Math.sqrt) };
}

const markup = /* html */ `
<p class="lede">
  The first example of every EM tutorial: one column of numbers that is really two (or more) groups mixed together.
  EM alternates an <strong>E-step</strong> (each point's probability of belonging to each group: the colours) and an
  <strong>M-step</strong> (each group's weight π, mean μ and standard deviation σ from those soft memberships: the curves).
</p>
<form class="controls" autocomplete="off">
  <fieldset>
    <legend>Data</legend>
    <label>Data <select id="m1-source"></select></label>
    <label>Components <input id="m1-components" type="number" min="1" max="6" step="1" value="2" /></label>
    <label>Seed <input id="m1-seed" type="number" step="1" value="1" /></label>
  </fieldset>
  <fieldset>
    <legend>Run</legend>
    <div class="buttons">
      <button type="button" id="m1-step">M-step</button>
      <button type="button" id="m1-play" aria-pressed="false">Play</button>
      <button type="button" id="m1-reset" class="secondary">Reset</button>
    </div>
    <label>Speed
      <select id="m1-speed">
        <option value="700">slow</option>
        <option value="250" selected>fast</option>
        <option value="40">fastest</option>
      </select>
    </label>
  </fieldset>
</form>
<section class="view-plots">
  <figure>
    <svg id="m1-histogram" viewBox="0 0 640 380" role="img" aria-label="Histogram of the data split by responsibilities, with each component's weighted density and the mixture density"></svg>
    <figcaption id="m1-phase" aria-live="polite"></figcaption>
    <p class="legend-note">Bars: points per bin, split by the components' responsibilities. Thin coloured curves: π<sub>k</sub>·N(x; μ<sub>k</sub>, σ<sub>k</sub>); black: the mixture density; dashed grey: the density the data were simulated from (heights only). Ticks under the axis: each point, coloured by its responsibilities.</p>
  </figure>
  <div class="side">
    <dl class="readout">
      <dt>Iteration</dt><dd id="m1-iteration">–</dd>
      <dt>Log-likelihood</dt><dd id="m1-log-likelihood">–</dd>
      <dt title="log-likelihood + log-prior (the small covariance prior regCovar): what EM never decreases">Objective</dt><dd id="m1-objective">–</dd>
      <dt>Stopped</dt><dd id="m1-stop">–</dd>
    </dl>
    <div class="table-scroll"><table id="m1-table" class="params-table"></table></div>
    <div class="table-scroll"><table id="m1-truth" class="params-table" hidden></table></div>
    <p id="m1-error" class="error" role="alert" hidden></p>
    <svg id="m1-chart" viewBox="0 0 420 240" role="img" aria-label="Log-likelihood per iteration (solid), and the objective log-likelihood + log-prior (dashed)"></svg>
  </div>
</section>
`;

type Phase = 'start' | 'm-step' | 'e-step';

/** One column, K Gaussian components, EM a half-step at a time. */
export function mountMixture1d(container: HTMLElement): () => void {
  container.innerHTML = markup;
  const $ = <T extends Element>(id: string): T => container.querySelector(`#${id}`) as T;
  const ui = {
    source: $<HTMLSelectElement>('m1-source'),
    components: $<HTMLInputElement>('m1-components'),
    seed: $<HTMLInputElement>('m1-seed'),
    step: $<HTMLButtonElement>('m1-step'),
    play: $<HTMLButtonElement>('m1-play'),
    reset: $<HTMLButtonElement>('m1-reset'),
    speed: $<HTMLSelectElement>('m1-speed'),
    histogram: $<SVGSVGElement>('m1-histogram'),
    phase: $<HTMLElement>('m1-phase'),
    iteration: $<HTMLElement>('m1-iteration'),
    logLikelihood: $<HTMLElement>('m1-log-likelihood'),
    objective: $<HTMLElement>('m1-objective'),
    stop: $<HTMLElement>('m1-stop'),
    table: $<HTMLTableElement>('m1-table'),
    truth: $<HTMLTableElement>('m1-truth'),
    error: $<HTMLElement>('m1-error'),
    chart: $<SVGSVGElement>('m1-chart'),
  };
  ui.source.innerHTML = sources1d.map((source) => `<option value="${source.id}">${escapeText(source.title)}</option>`).join('');

  const loop = createPlayLoop(
    ui.play,
    () => {
      const finished = session?.status.stopReason !== undefined && phase === 'e-step';
      if (!finished) halfStep();
      return !finished;
    },
    () => Number(ui.speed.value),
    () => {
      document.body.dataset['state'] = 'done';
    },
  );
  const stop = loop.stop;
  let source = sources1d[0] as Source1d;
  let values: Float64Array = new Float64Array();
  let session: EmSession | undefined;
  /** What is drawn: the parameters of `shown`, the colours of `coloured` (older during an M-step). */
  let shown: Frame | undefined;
  let coloured: Frame | undefined;
  let phase: Phase = 'start';

  const seed = (): number => {
    const value = Math.round(Number(ui.seed.value));
    return Number.isFinite(value) ? value : 0;
  };

  function render(): void {
    if (shown === undefined || coloured === undefined || session === undefined) return;
    const parameters = parametersOf(shown);
    ui.histogram.innerHTML = histogramMarkup({
      width: 640,
      height: 380,
      values,
      xLabel: source.label,
      responsibilities: coloured.responsibilities,
      components: parameters,
      ...(source.truth === undefined ? {} : { truth: source.truth }),
    });
    const status = session.status;
    ui.iteration.textContent = String(shown.iteration);
    ui.iteration.dataset['value'] = String(shown.iteration);
    ui.logLikelihood.textContent = shown.logLikelihood.toFixed(4);
    ui.logLikelihood.dataset['value'] = String(shown.logLikelihood);
    ui.objective.textContent = shown.objective.toFixed(4);
    ui.objective.dataset['value'] = String(shown.objective);
    ui.stop.textContent = status.stopReason === undefined ? 'not yet' : status.stopReason === 'converged' ? 'converged (relative change < 1e-10)' : status.stopReason;
    const cell = (value: number, digits: number, name: string): string => `<td data-name="${name}" data-value="${value}">${value.toFixed(digits)}</td>`;
    ui.table.innerHTML =
      '<caption>Estimates</caption><tr><th scope="col">component</th><th scope="col">π</th><th scope="col">μ</th><th scope="col">σ</th></tr>' +
      parameters.weights
        .map(
          (weight, j) =>
            `<tr><th scope="row"><span class="swatch" style="background:${componentColor(j)}"></span>${j + 1}</th>${cell(weight, 3, 'weight')}${cell(parameters.means[j] as number, 2, 'mean')}${cell(parameters.standardDeviations[j] as number, 2, 'sd')}</tr>`,
        )
        .join('');
    const shownHistory = status.logLikelihoodHistory.slice(0, shown.iteration + 1);
    ui.chart.innerHTML = objectiveChartMarkup({ width: 420, height: 240, logLikelihood: shownHistory, objective: status.history.slice(0, shown.iteration + 1), iterationsShown: Math.max(10, shown.iteration) });
    ui.step.textContent = phase === 'm-step' ? 'E-step' : 'M-step';
  }

  function showTruth(): void {
    const truth = source.truth;
    ui.truth.hidden = truth === undefined;
    if (truth === undefined) return;
    ui.truth.innerHTML =
      '<caption>Simulated from (known)</caption><tr><th scope="col">group</th><th scope="col">π</th><th scope="col">μ</th><th scope="col">σ</th></tr>' +
      truth.weights
        .map((weight, j) => `<tr><th scope="row">${j + 1}</th><td>${weight.toFixed(3)}</td><td>${(truth.means[j] as number).toFixed(2)}</td><td>${(truth.standardDeviations[j] as number).toFixed(2)}</td></tr>`)
        .join('');
  }

  function fail(error: unknown): void {
    stop();
    ui.error.textContent = error instanceof EmError || error instanceof Error ? error.message : String(error);
    ui.error.hidden = false;
    document.body.dataset['state'] = 'error';
  }

  function reset(): void {
    stop();
    ui.error.hidden = true;
    try {
      source = sources1d.find((candidate) => candidate.id === ui.source.value) ?? (sources1d[0] as Source1d);
      values = source.values(seed());
      const k = Math.min(6, Math.max(1, Math.round(Number(ui.components.value)) || source.components));
      const mixture = createDemoMixture({ components: k, covariance: 'full', initialization: 'random-points' });
      session = createSession(mixture, DenseMatrix.fromArray(values, values.length, 1), { seed: seed(), maxIterations: 1000, tolerance: 1e-10 });
      shown = session.frame();
      coloured = shown;
      phase = 'start';
      ui.phase.textContent = `θ₀: ${k} components started at random data points (seed ${seed()}), coloured by the E-step under θ₀. Press M-step.`;
      showTruth();
      render();
      document.body.dataset['state'] = 'ready';
    } catch (error) {
      fail(error);
    }
  }

  /** The next half of an EM iteration: an M-step (curves move, colours stay) or an E-step (recolour). */
  function halfStep(): void {
    if (session === undefined || shown === undefined) return;
    ui.error.hidden = true;
    try {
      if (phase !== 'm-step') {
        const before = shown;
        shown = session.step();
        coloured = before;
        phase = 'm-step';
        ui.phase.textContent = `M-step ${shown.iteration}: new π, μ, σ from the responsibilities of iteration ${before.iteration} (colours not yet updated).`;
      } else {
        coloured = shown;
        phase = 'e-step';
        ui.phase.textContent = `E-step ${shown.iteration}: responsibilities under the new parameters; log-likelihood ${shown.logLikelihood.toFixed(4)}.`;
      }
      render();
      document.body.dataset['state'] = loop.playing ? 'running' : 'done';
    } catch (error) {
      fail(error);
    }
  }

  function togglePlay(): void {
    if (loop.playing) {
      stop();
      document.body.dataset['state'] = 'done';
      return;
    }
    document.body.dataset['state'] = 'running';
    loop.start();
  }

  ui.source.addEventListener('change', () => {
    const chosen = sources1d.find((candidate) => candidate.id === ui.source.value);
    if (chosen !== undefined) ui.components.value = String(chosen.components);
    reset();
  });
  ui.components.addEventListener('change', reset);
  ui.seed.addEventListener('change', reset);
  ui.step.addEventListener('click', () => {
    stop();
    halfStep();
  });
  ui.play.addEventListener('click', togglePlay);
  ui.reset.addEventListener('click', reset);
  reset();
  return () => {
    stop();
    container.replaceChildren();
  };
}
