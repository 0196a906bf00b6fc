import type { DenseMatrix, MixtureData } from '@em/core';
import { createBernoulliMixtureModel, createMultinomialMixtureModel } from '@em/multinomial-mixture';
import { componentColor } from '../../plot/colors.js';
import { objectiveChartMarkup } from '../../plot/objective-chart.js';
import { escapeText } from '../../plot/svg.js';
import { createPlayLoop } from '../play-loop.js';
import './count-mixture.css';
import { createEmStepper, type EmStepper } from './em-stepper.js';
import { generateGlyphImages, GLYPH_SIZE, GLYPHS } from './glyphs.js';
import { imageMarkup } from './prototype-image.js';
import { COMMON_SHARE, generateTopicCorpus, TOPIC_SHARE, TOPICS, topWords } from './topic-corpus.js';

/** The view's element ids (prefixed: only one view is mounted at a time, but ids are global). */
const ID = 'count-mixture';
const SAMPLE_IMAGES = 24;
const TOP_WORDS = 6;
const PLAY_DELAY_MS = 350;
const PIXEL = 8;
const WORDS_PER_DOCUMENT = 20;

const markup = /* html */ `
<div class="count-mixture">
<p class="lede">
  Count mixtures: a <strong>Bernoulli mixture</strong> clusters binary vectors, here small black-and-white images
  drawn (with noise, some shifted by a pixel) from a few shapes defined in this page. Each component's prototype is its vector of
  Bernoulli means p<sub>kv</sub> = P(pixel v is ink | component k), drawn as a grey level: watch the prototypes form
  as EM alternates E-steps (who belongs where) and M-steps (re-average the pixels). The
  <strong>multinomial mixture</strong> does the same for word counts: documents generated from a few topics, and
  each component's most probable words.
</p>
<form class="cm-controls" autocomplete="off">
  <fieldset>
    <legend>Data</legend>
    <label>Example
      <select id="${ID}-example">
        <option value="images" selected>binary images (Bernoulli mixture)</option>
        <option value="documents">documents (multinomial mixture)</option>
      </select>
    </label>
    <label>Items <input id="${ID}-items" type="number" min="20" max="2000" step="10" value="300" /></label>
    <label>Hidden groups <input id="${ID}-groups" type="number" min="1" max="${Math.min(GLYPHS.length, TOPICS.length)}" step="1" value="4" /></label>
    <label id="${ID}-noise-label">Pixel noise <input id="${ID}-noise" type="number" min="0" max="0.4" step="0.01" value="0.08" /></label>
    <label>Data seed <input id="${ID}-data-seed" type="number" step="1" value="1" /></label>
  </fieldset>
  <fieldset>
    <legend>Model</legend>
    <label>Components K <input id="${ID}-components" type="number" min="1" max="8" step="1" value="4" /></label>
    <label>Start seed <input id="${ID}-seed" type="number" step="1" value="7" /></label>
    <div class="buttons">
      <button type="button" id="${ID}-step">Step</button>
      <button type="button" id="${ID}-play" aria-pressed="false">Play</button>
      <button type="button" id="${ID}-reset" class="secondary">Reset</button>
    </div>
    <p class="note">Start: K distinct items drawn by the start seed, each item given to the nearest one. EM climbs to a local maximum: other seeds may merge two shapes and split another (compare the log-likelihoods). Stops when the relative change of the objective is below 1e-8, or after 500 iterations.</p>
  </fieldset>
</form>
<p id="${ID}-error" class="cm-error" role="alert"></p>
<div class="cm-layout">
  <section>
    <h3 id="${ID}-components-title">Components</h3>
    <div id="${ID}-components-view" aria-live="polite"></div>
    <h3 id="${ID}-data-title">Data</h3>
    <div id="${ID}-data-view"></div>
  </section>
  <section>
    <dl class="cm-readout">
      <dt>Iteration</dt><dd id="${ID}-iteration" data-value="0">0</dd>
      <dt>Log-likelihood log p(x; θ)</dt><dd id="${ID}-log-likelihood"></dd>
      <dt id="${ID}-objective-label">Objective = log-likelihood + log-prior</dt><dd id="${ID}-objective"></dd>
      <dt>Stopped</dt><dd id="${ID}-stop-reason" data-value="">not yet</dd>
    </dl>
    <figure>
      <svg id="${ID}-chart" class="objective-chart" viewBox="0 0 520 260" role="img" aria-label="Log-likelihood and objective per EM iteration"></svg>
      <figcaption id="${ID}-chart-caption"></figcaption>
    </figure>
  </section>
</div>
</div>`;

type Example = 'images' | 'documents';

/** What one example gives the page: a stepper and how to draw its parameters. */
interface Prepared {
  readonly example: Example;
  readonly stepper: EmStepper<unknown>;
  readonly priorName: string;
  drawComponents(parameters: unknown): string;
  readonly dataMarkup: string;
}

interface CountParameters {
  readonly weights: Float64Array;
  readonly components: { readonly probabilities: Float64Array; readonly components: number; readonly features: number };
}

function integerOf(input: HTMLInputElement, min: number, max: number): number {
  const value = Math.round(Number(input.value));
  const clamped = Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : min;
  input.value = String(clamped);
  return clamped;
}

function numberOf(input: HTMLInputElement, min: number, max: number): number {
  const value = Number(input.value);
  const clamped = Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : min;
  input.value = String(clamped);
  return clamped;
}

function percent(value: number): string {
  return `${(100 * value).toFixed(1)} %`;
}

/** The Bernoulli example: glyph images, prototypes as grey-level images. */
function prepareImages(items: number, groups: number, noise: number, dataSeed: number, components: number, seed: number): Prepared {
  const images = generateGlyphImages({ count: items, seed: dataSeed, noise, shapes: groups });
  const model = createBernoulliMixtureModel({ components, init: 'random' });
  const data: MixtureData<DenseMatrix> = { observations: images.pixels };
  const stepper = createEmStepper(model, data, { seed, maxIterations: 500, tolerance: 1e-8 }) as EmStepper<unknown>;
  const area = GLYPH_SIZE * GLYPH_SIZE;
  const samples: string[] = [];
  for (let i = 0; i < Math.min(SAMPLE_IMAGES, items); i++) {
    const shape = GLYPHS[images.labels[i] as number]?.name ?? '';
    samples.push(imageMarkup(images.pixels.data, i * area, GLYPH_SIZE, 4, `image ${i + 1}, drawn from the ${shape}`, 'sample'));
  }
  return {
    example: 'images',
    stepper,
    priorName: 'Beta pseudocount 0.01',
    dataMarkup: `<p class="note">The first ${samples.length} of ${items} images (${GLYPH_SIZE}×${GLYPH_SIZE} pixels; shapes: ${GLYPHS.slice(0, groups)
      .map((glyph) => glyph.name)
      .join(', ')}; a quarter shifted by a pixel; each pixel flipped with probability ${noise}).</p><div class="cm-samples">${samples.join('')}</div>`,
    drawComponents(parameters) {
      const { weights, components: table } = parameters as CountParameters;
      const cells: string[] = [];
      for (let k = 0; k < table.components; k++) {
        cells.push(
          `<div class="cm-prototype" data-component="${k}"><span><span class="swatch" style="background:${componentColor(k)}"></span>component ${k + 1}</span>` +
            imageMarkup(table.probabilities, k * table.features, GLYPH_SIZE, PIXEL, `prototype of component ${k + 1}`, 'prototype') +
            `<span class="cm-weight" data-value="${weights[k]}">π = ${percent(weights[k] as number)}</span></div>`,
        );
      }
      return `<div class="cm-prototypes">${cells.join('')}</div>`;
    },
  };
}

/** The multinomial example: a generated corpus, components as their most probable words. */
function prepareDocuments(items: number, groups: number, dataSeed: number, components: number, seed: number): Prepared {
  const corpus = generateTopicCorpus({ documents: items, wordsPerDocument: WORDS_PER_DOCUMENT, topics: groups, seed: dataSeed });
  const model = createMultinomialMixtureModel({ components, init: 'random' });
  const data: MixtureData<DenseMatrix> = { observations: corpus.counts };
  const stepper = createEmStepper(model, data, { seed, maxIterations: 500, tolerance: 1e-8 }) as EmStepper<unknown>;
  const truth = TOPICS.slice(0, groups)
    .map((topic, t) => `<tr><th scope="row">${escapeText(topic.name)}</th><td>${topWords(corpus.wordProbabilities, t, corpus.vocabulary, TOP_WORDS).map((w) => escapeText(w.word)).join(', ')}</td></tr>`)
    .join('');
  return {
    example: 'documents',
    stepper,
    priorName: 'Dirichlet pseudocount 0.01',
    dataMarkup: `<p class="note">${items} documents of ${WORDS_PER_DOCUMENT} words each, every one written on one hidden topic: ${Math.round(100 * TOPIC_SHARE)} % of its words come from the topic's own words, ${Math.round(
      100 * COMMON_SHARE,
    )} % from words every topic uses (${escapeText(corpus.vocabulary.slice(-6).join(', '))}), the rest from the other topics' words. The topics' own top words, for comparison:</p><table class="cm-topics"><tbody>${truth}</tbody></table>`,
    drawComponents(parameters) {
      const { weights, components: table } = parameters as CountParameters;
      const rows: string[] = [];
      for (let k = 0; k < table.components; k++) {
        const words = topWords(table.probabilities, k, corpus.vocabulary, TOP_WORDS)
          .map((w) => `<span class="cm-word" data-probability="${w.probability}">${escapeText(w.word)} <small>${w.probability.toFixed(3)}</small><span class="cm-bar" style="width:${Math.round(200 * w.probability)}px"></span></span>`)
          .join('');
        rows.push(
          `<tr class="cm-component" data-component="${k}"><th scope="row"><span class="swatch" style="background:${componentColor(k)}"></span>component ${k + 1}<br /><span class="cm-weight" data-value="${weights[k]}">π = ${percent(weights[k] as number)}</span></th><td>${words}</td></tr>`,
        );
      }
      return `<table class="cm-topics"><thead><tr><th>component</th><th>most probable words, p(word | component)</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
    },
  };
}

/** Mounts the count-mixture view; returns its cleanup (stops the animation). */
export function mountCountMixture(container: HTMLElement): () => void {
  container.innerHTML = markup;
  const find = <T extends HTMLElement | SVGElement>(suffix: string): T => {
    const found = container.querySelector(`#${ID}-${suffix}`);
    if (found === null) throw new Error(`The count-mixture view has no #${ID}-${suffix}.`);
    return found as T;
  };
  const ui = {
    example: find<HTMLSelectElement>('example'),
    items: find<HTMLInputElement>('items'),
    groups: find<HTMLInputElement>('groups'),
    noise: find<HTMLInputElement>('noise'),
    noiseLabel: find<HTMLLabelElement>('noise-label'),
    dataSeed: find<HTMLInputElement>('data-seed'),
    components: find<HTMLInputElement>('components'),
    seed: find<HTMLInputElement>('seed'),
    step: find<HTMLButtonElement>('step'),
    play: find<HTMLButtonElement>('play'),
    reset: find<HTMLButtonElement>('reset'),
    error: find<HTMLParagraphElement>('error'),
    componentsTitle: find<HTMLElement>('components-title'),
    componentsView: find<HTMLElement>('components-view'),
    dataView: find<HTMLElement>('data-view'),
    iteration: find<HTMLElement>('iteration'),
    logLikelihood: find<HTMLElement>('log-likelihood'),
    objective: find<HTMLElement>('objective'),
    objectiveLabel: find<HTMLElement>('objective-label'),
    stopReason: find<HTMLElement>('stop-reason'),
    chart: find<SVGSVGElement>('chart'),
    chartCaption: find<HTMLElement>('chart-caption'),
  };

  let prepared: Prepared | undefined;

  const setState = (state: 'ready' | 'running' | 'done' | 'error'): void => {
    document.body.dataset['state'] = state;
  };

  const loop = createPlayLoop(
    ui.play,
    () => step(),
    () => PLAY_DELAY_MS,
    () => {
      draw();
      if (document.body.dataset['state'] !== 'error') setState('done');
    },
  );
  const stopPlaying = loop.stop;

  const draw = (): void => {
    if (prepared === undefined) return;
    const state = prepared.stepper.state;
    ui.componentsTitle.textContent = prepared.example === 'images' ? 'Component prototypes (Bernoulli means as grey levels) and weights π' : 'Components: weights π and most probable words';
    ui.componentsView.innerHTML = prepared.drawComponents(state.parameters);
    ui.iteration.textContent = String(state.iteration);
    ui.iteration.dataset['value'] = String(state.iteration);
    ui.logLikelihood.textContent = `${state.logLikelihood.toFixed(4)} nats`;
    ui.logLikelihood.dataset['value'] = String(state.logLikelihood);
    ui.objective.textContent = `${state.objective.toFixed(4)} nats`;
    ui.objective.dataset['value'] = String(state.objective);
    ui.objectiveLabel.textContent = `Objective = log-likelihood + log-prior (${prepared.priorName})`;
    ui.stopReason.textContent = state.stopReason ?? 'not yet';
    ui.stopReason.dataset['value'] = state.stopReason ?? '';
    ui.step.disabled = state.stopReason !== undefined;
    ui.play.disabled = state.stopReason !== undefined && !loop.playing;
    ui.chart.innerHTML = objectiveChartMarkup({
      width: 520,
      height: 260,
      logLikelihood: state.logLikelihoodHistory,
      objective: state.objectiveHistory,
      priorName: prepared.priorName,
      iterationsShown: 10,
    });
    const multinomialNote = prepared.example === 'documents' ? ' The multinomial log-likelihood leaves out the multinomial coefficient (a constant of the data).' : '';
    ui.chartCaption.textContent = `Log-likelihood at θ₀ … θ${state.iteration}: EM never lets the objective (log-likelihood + log-prior) go down.${multinomialNote}`;
  };

  const reset = (): void => {
    stopPlaying();
    ui.error.textContent = '';
    const example = ui.example.value as Example;
    ui.noiseLabel.hidden = example !== 'images';
    try {
      const items = integerOf(ui.items, 20, 2000);
      const groups = integerOf(ui.groups, 1, example === 'images' ? GLYPHS.length : TOPICS.length);
      const dataSeed = integerOf(ui.dataSeed, 0, 2 ** 31 - 1);
      const components = integerOf(ui.components, 1, 8);
      const seed = integerOf(ui.seed, 0, 2 ** 31 - 1);
      prepared =
        example === 'images'
          ? prepareImages(items, groups, numberOf(ui.noise, 0, 0.4), dataSeed, components, seed)
          : prepareDocuments(items, groups, dataSeed, components, seed);
      ui.dataView.innerHTML = prepared.dataMarkup;
      draw();
      setState('ready');
    } catch (error) {
      prepared = undefined;
      ui.error.textContent = error instanceof Error ? error.message : String(error);
      setState('error');
    }
  };

  const step = (): boolean => {
    if (prepared === undefined) return false;
    try {
      prepared.stepper.step();
    } catch (error) {
      stopPlaying();
      ui.error.textContent = error instanceof Error ? error.message : String(error);
      setState('error');
      return false;
    }
    draw();
    return prepared.stepper.state.stopReason === undefined;
  };

  const play = (): void => {
    if (loop.playing) {
      stopPlaying();
      draw();
      setState('done');
      return;
    }
    setState('running');
    loop.start();
  };

  ui.step.addEventListener('click', () => {
    stopPlaying();
    step();
    if (document.body.dataset['state'] !== 'error') setState('done');
  });
  ui.play.addEventListener('click', play);
  ui.reset.addEventListener('click', reset);
  for (const input of [ui.example, ui.items, ui.groups, ui.noise, ui.dataSeed, ui.components, ui.seed]) input.addEventListener('change', reset);

  reset();
  return () => {
    stopPlaying();
    container.innerHTML = '';
  };
}
