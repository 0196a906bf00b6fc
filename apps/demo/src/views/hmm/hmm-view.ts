import { EmError } from '@em/core';
import { objectiveChartMarkup } from '../../plot/objective-chart.js';
import { CASINO, simulateCasino, type CasinoEmission, type CasinoRolls } from './casino.js';
import { timelineMarkup, TIMELINE_HEIGHT } from './casino-timeline.js';
import { WORKER_THRESHOLD_ROLLS, type HmmFitReply, type HmmFitRequest } from './hmm-fit-messages.js';
import { createPlayLoop } from '../play-loop.js';
import { agreement, createHmmSession, runToConvergence, type HmmFrame, type HmmSession } from './hmm-session.js';

const TIMELINE_WIDTH = 1000;
export const DEFAULT_ROLLS = 1000;

const markup = /* html */ `
<p class="lede">
  The dishonest casino: a croupier mostly rolls a fair die but now and then switches to one loaded towards six, and
  you only see the rolls. A two-state hidden Markov model learns, by <strong>Baum–Welch</strong> (EM for HMMs), how often
  the dice are switched (the transition matrix) and what each die rolls (the emissions) — without ever being told which
  die was used. The E-step is forward–backward (the posterior of "loaded" at every roll); the M-step re-estimates the
  matrices from the expected counts.
</p>
<form class="controls" autocomplete="off">
  <fieldset>
    <legend>Data</legend>
    <label>Emissions
      <select id="hmm-emission">
        <option value="categorical" selected>categorical: die faces 1–6</option>
        <option value="gaussian">Gaussian: a continuous reading per roll</option>
      </select>
    </label>
    <label>Rolls <input id="hmm-length" type="number" min="50" max="5000" step="50" value="${DEFAULT_ROLLS}" /></label>
    <label>Seed <input id="hmm-seed" type="number" step="1" value="0" /></label>
  </fieldset>
  <fieldset>
    <legend>Run</legend>
    <div class="buttons">
      <button type="button" id="hmm-step">Step</button>
      <button type="button" id="hmm-play" aria-pressed="false">Play</button>
      <button type="button" id="hmm-fit">Fit</button>
      <button type="button" id="hmm-reset" class="secondary">Reset</button>
    </div>
    <label>Speed
      <select id="hmm-speed">
        <option value="600">slow</option>
        <option value="150" selected>fast</option>
        <option value="20">fastest</option>
      </select>
    </label>
  </fieldset>
</form>
<figure>
  <div class="timeline-scroll" tabindex="0" aria-label="Timeline (scrolls sideways on narrow screens)">
    <svg id="hmm-timeline" viewBox="0 0 ${TIMELINE_WIDTH} ${TIMELINE_HEIGHT}" role="img" aria-label="The rolls over time, the posterior probability of the loaded die, and the Viterbi path against the true hidden path"></svg>
  </div>
  <figcaption id="hmm-phase" aria-live="polite"></figcaption>
</figure>
<section class="view-plots hmm-details">
  <div class="side">
    <dl class="readout">
      <dt>Iteration</dt><dd id="hmm-iteration">–</dd>
      <dt>Log-likelihood</dt><dd id="hmm-log-likelihood">–</dd>
      <dt title="log-likelihood + log-prior; no priors here, so the two are equal">Objective</dt><dd id="hmm-objective">–</dd>
      <dt>Stopped</dt><dd id="hmm-stop">–</dd>
      <dt title="Share of rolls where the Viterbi path names the die that was really used">Viterbi = truth</dt><dd id="hmm-agreement">–</dd>
    </dl>
    <p id="hmm-error" class="error" role="alert" hidden></p>
    <div class="table-scroll"><table id="hmm-transitions" class="params-table"></table></div>
    <div class="table-scroll"><table id="hmm-emissions" class="params-table"></table></div>
  </div>
  <div class="side">
    <svg id="hmm-chart" viewBox="0 0 420 240" role="img" aria-label="Log-likelihood per Baum–Welch iteration"></svg>
    <p class="legend-note">Objective = log-likelihood here (plain maximum likelihood, no priors); Baum–Welch never decreases it.
    Fitted states are named after the truth: the state whose emissions favour six (or the higher mean) is "loaded".</p>
  </div>
</section>
`;

const STATES = ['fair', 'loaded'] as const;
const cell = (value: number, name: string, digits = 3): string => `<td data-name="${name}" data-value="${value}">${value.toFixed(digits)}</td>`;

function transitionsTable(frame: HmmFrame): string {
  const rows = STATES.map(
    (from, i) =>
      `<tr><th scope="row">${from}</th>${cell(frame.transitionMatrix[i]?.[0] as number, `a-${i}-0`)}${cell(frame.transitionMatrix[i]?.[1] as number, `a-${i}-1`)}` +
      `<td class="truth">${(CASINO.transitionMatrix[i]?.[0] as number).toFixed(3)}</td><td class="truth">${(CASINO.transitionMatrix[i]?.[1] as number).toFixed(3)}</td>` +
      `${cell(frame.startProbabilities[i] as number, `start-${i}`)}</tr>`,
  );
  return (
    '<caption>Transitions p(next die | die): learned, and (grey) the truth</caption>' +
    '<tr><th scope="col">from \\ to</th><th scope="col">fair</th><th scope="col">loaded</th><th scope="col" class="truth">fair</th><th scope="col" class="truth">loaded</th><th scope="col">start</th></tr>' +
    rows.join('')
  );
}

function emissionsTable(frame: HmmFrame): string {
  if (frame.faceProbabilities !== undefined) {
    const faces = [1, 2, 3, 4, 5, 6];
    const head = `<tr><th scope="col">p(face)</th>${faces.map((face) => `<th scope="col">${face}</th>`).join('')}</tr>`;
    const rows = STATES.map((state, i) => {
      const learned = frame.faceProbabilities?.[i] ?? [];
      const truth = CASINO.faceProbabilities[i] ?? [];
      return (
        `<tr><th scope="row">${state}</th>${learned.map((p, f) => cell(p, `b-${i}-${f}`, 2)).join('')}</tr>` +
        `<tr class="truth"><th scope="row">true</th>${truth.map((p) => `<td>${p.toFixed(2)}</td>`).join('')}</tr>`
      );
    });
    return '<caption>Emissions p(face | die): learned, and (grey) the truth</caption>' + head + rows.join('');
  }
  const rows = STATES.map(
    (state, i) =>
      `<tr><th scope="row">${state}</th>${cell(frame.means?.[i] as number, `mean-${i}`, 2)}${cell(frame.standardDeviations?.[i] as number, `sd-${i}`, 2)}` +
      `<td class="truth">${(CASINO.means[i] as number).toFixed(2)}</td><td class="truth">${(CASINO.standardDeviations[i] as number).toFixed(2)}</td></tr>`,
  );
  return (
    '<caption>Emissions N(μ, σ) per die: learned, and (grey) the truth</caption>' +
    '<tr><th scope="col"></th><th scope="col">μ</th><th scope="col">σ</th><th scope="col" class="truth">μ</th><th scope="col" class="truth">σ</th></tr>' +
    rows.join('')
  );
}

/** The dishonest casino, Baum–Welch one iteration at a time. */
export function mountHmm(container: HTMLElement): () => void {
  container.innerHTML = markup;
  const $ = <T extends Element>(id: string): T => container.querySelector(`#${id}`) as T;
  const ui = {
    emission: $<HTMLSelectElement>('hmm-emission'),
    length: $<HTMLInputElement>('hmm-length'),
    seed: $<HTMLInputElement>('hmm-seed'),
    step: $<HTMLButtonElement>('hmm-step'),
    play: $<HTMLButtonElement>('hmm-play'),
    fit: $<HTMLButtonElement>('hmm-fit'),
    reset: $<HTMLButtonElement>('hmm-reset'),
    speed: $<HTMLSelectElement>('hmm-speed'),
    timeline: $<SVGSVGElement>('hmm-timeline'),
    phase: $<HTMLElement>('hmm-phase'),
    iteration: $<HTMLElement>('hmm-iteration'),
    logLikelihood: $<HTMLElement>('hmm-log-likelihood'),
    objective: $<HTMLElement>('hmm-objective'),
    stop: $<HTMLElement>('hmm-stop'),
    agreement: $<HTMLElement>('hmm-agreement'),
    error: $<HTMLElement>('hmm-error'),
    transitions: $<HTMLTableElement>('hmm-transitions'),
    emissions: $<HTMLTableElement>('hmm-emissions'),
    chart: $<SVGSVGElement>('hmm-chart'),
  };
  let rolls: CasinoRolls | undefined;
  let emission: CasinoEmission = 'categorical';
  let session: HmmSession | undefined;
  let worker: Worker | undefined;
  /** Id of the latest worker request; replies to older ones are ignored. */
  let request = 0;
  /** The seed the current session was made with (the worker rebuilds the same rolls from it). */
  let sessionSeed = 0;

  const integer = (input: HTMLInputElement, min: number, max: number, fallback: number): number => {
    const value = Math.round(Number(input.value));
    return Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
  };

  function render(frame: HmmFrame): void {
    if (rolls === undefined || session === undefined) return;
    ui.timeline.innerHTML = timelineMarkup({ width: TIMELINE_WIDTH, emission, observations: rolls.observations, truth: rolls.states, loadedPosterior: frame.loadedPosterior, viterbi: frame.viterbi });
    ui.iteration.textContent = String(frame.iteration);
    ui.iteration.dataset['value'] = String(frame.iteration);
    ui.logLikelihood.textContent = frame.logLikelihood.toFixed(4);
    ui.logLikelihood.dataset['value'] = String(frame.logLikelihood);
    ui.objective.textContent = frame.objective.toFixed(4);
    ui.objective.dataset['value'] = String(frame.objective);
    const stopReason = session.stopReason;
    ui.stop.textContent = stopReason === undefined ? 'not yet' : stopReason === 'converged' ? 'converged (relative change < 1e-10)' : stopReason;
    ui.stop.dataset['value'] = stopReason ?? '';
    const agreed = agreement(frame.viterbi, rolls.states);
    ui.agreement.textContent = `${(100 * agreed).toFixed(1)} % of rolls`;
    ui.agreement.dataset['value'] = String(agreed);
    ui.transitions.innerHTML = transitionsTable(frame);
    ui.emissions.innerHTML = emissionsTable(frame);
    ui.chart.innerHTML = objectiveChartMarkup({ width: 420, height: 240, logLikelihood: session.logLikelihoodHistory, objective: session.history, priorName: 'none', iterationsShown: Math.max(10, frame.iteration) });
  }

  function fail(error: unknown): void {
    stop();
    ui.error.textContent = error instanceof EmError || error instanceof Error ? error.message : String(error);
    ui.error.hidden = false;
    document.body.dataset['state'] = 'error';
  }

  const loop = createPlayLoop(
    ui.play,
    () => step(),
    () => Number(ui.speed.value),
    () => {
      if (document.body.dataset['state'] !== 'error') document.body.dataset['state'] = 'done';
    },
  );
  const stop = loop.stop;

  function reset(): void {
    stop();
    request++;
    setBusy(false);
    ui.error.hidden = true;
    try {
      emission = ui.emission.value === 'gaussian' ? 'gaussian' : 'categorical';
      const seed = integer(ui.seed, -2147483648, 2147483647, 0);
      rolls = simulateCasino(integer(ui.length, 50, 5000, DEFAULT_ROLLS), seed, emission);
      session = createHmmSession(rolls, emission, seed);
      sessionSeed = seed;
      render(session.frame());
      ui.phase.textContent = `θ₀: a sticky uniform chain and seeded random emissions (seed ${seed}); the curves show forward–backward under θ₀. Press Step.`;
      document.body.dataset['state'] = 'ready';
    } catch (error) {
      fail(error);
    }
  }

  function step(): boolean {
    if (session === undefined) return false;
    try {
      session.step();
      const frame = session.frame();
      render(frame);
      ui.phase.textContent = `Iteration ${frame.iteration}: M-step (new transitions and emissions from the expected counts), then forward–backward (the posterior).`;
      return session.stopReason === undefined;
    } catch (error) {
      fail(error);
      return false;
    }
  }

  ui.step.addEventListener('click', () => {
    stop();
    ui.error.hidden = true;
    step();
    if (document.body.dataset['state'] !== 'error') document.body.dataset['state'] = 'done';
  });
  ui.play.addEventListener('click', () => {
    if (loop.playing) {
      stop();
      document.body.dataset['state'] = 'done';
      return;
    }
    document.body.dataset['state'] = 'running';
    loop.start();
  });
  function finishFit(thread: 'main' | 'worker'): void {
    if (session === undefined) return;
    render(session.frame());
    ui.phase.textContent = `Fitted${thread === 'worker' ? ' in a Web Worker' : ''}: ${session.iteration} Baum–Welch iterations, ${session.stopReason ?? 'stopped'}.`;
    ui.fit.dataset['thread'] = thread;
    setBusy(false);
    document.body.dataset['state'] = 'done';
  }

  /** To convergence without drawing every iteration; long casinos in a worker, so the page stays responsive. */
  function fit(): void {
    stop();
    ui.error.hidden = true;
    if (session === undefined || rolls === undefined) return;
    document.body.dataset['state'] = 'running';
    const length = rolls.observations.length;
    if (length <= WORKER_THRESHOLD_ROLLS || typeof Worker === 'undefined') {
      try {
        runToConvergence(session);
      } catch (error) {
        fail(error);
        return;
      }
      finishFit('main');
      return;
    }
    worker ??= new Worker(new URL('./hmm-fit.worker.ts', import.meta.url), { type: 'module' });
    const id = ++request;
    const fitted = session;
    setBusy(true);
    ui.phase.textContent = `Fitting ${length} rolls in a Web Worker…`;
    worker.onmessage = (event: MessageEvent<HmmFitReply>) => {
      const reply = event.data;
      // A reset or another view since the request: the reply is stale.
      if (reply.id !== request || fitted !== session) return;
      if (reply.type === 'error') {
        setBusy(false);
        fail(new Error(reply.message));
        return;
      }
      try {
        fitted.restore(reply.checkpoint);
      } catch (error) {
        setBusy(false);
        fail(error);
        return;
      }
      finishFit('worker');
    };
    worker.onerror = (event) => {
      setBusy(false);
      fail(new Error(`The fitting worker failed: ${event.message}`));
    };
    const message: HmmFitRequest = { id, length, seed: sessionSeed, emission, from: session.checkpoint() };
    worker.postMessage(message);
  }

  function setBusy(busy: boolean): void {
    for (const button of [ui.step, ui.play, ui.fit]) button.disabled = busy;
  }

  ui.fit.addEventListener('click', fit);
  for (const input of [ui.emission, ui.length, ui.seed]) input.addEventListener('change', reset);
  ui.reset.addEventListener('click', reset);
  reset();
  return () => {
    stop();
    worker?.terminate();
    container.replaceChildren();
  };
}
