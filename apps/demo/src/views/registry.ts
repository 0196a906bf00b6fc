/**
 * The demo's views, one per model, in tab order. The shell (`src/main.ts`) draws a tab for each
 * entry and mounts one view at a time into its panel.
 *
 * Contract for a view (adding one is one import and one array entry here):
 * - `id`: a short kebab-case name, unique; used in the URL (`#gaussian-2d`), as the tab's id
 *   (`tab-<id>`) and in screenshot file names (`screenshots/<id>.png`).
 * - `title`: the tab's label, a few words.
 * - `mount(container)`: draws the view into `container` (an empty element; fill it, e.g. with
 *   innerHTML) and wires its controls. It returns a cleanup function that the shell calls before
 *   mounting another view: it must cancel timers/animations/workers and may empty the container.
 *   Element ids may be global (only one view is mounted at a time) but should be prefixed by the
 *   view's id to avoid surprises.
 * - Readiness: the shell sets `document.body.dataset.state = 'loading'` before mounting. The view
 *   sets it to 'ready' once it has drawn its initial state and is idle, 'running' while it
 *   computes or animates, 'done' after a finished fit or step, and 'error' when it shows an error.
 *   The end-to-end tests and the screenshot script wait for 'ready'.
 * - Everything random is seeded (a visible seed control), so a reload draws the same picture.
 */
import { mountGaussian2d } from './gaussian-2d/gaussian-2d-view.js';
import { mountMixture1d } from './mixture-1d/mixture-1d-view.js';
import { mountHmm } from './hmm/hmm-view.js';
import { mountCountMixture } from './count-mixture/count-mixture-view.js';
import { mountModelSelection } from './model-selection/model-selection-view.js';

export interface DemoView {
  readonly id: string;
  readonly title: string;
  mount(container: HTMLElement): () => void;
}

export const views: readonly DemoView[] = [
  { id: 'mixture-1d', title: '1-D mixture', mount: mountMixture1d },
  { id: 'gaussian-2d', title: '2-D Gaussian mixture', mount: mountGaussian2d },
  { id: 'hmm', title: 'Hidden Markov model', mount: mountHmm },
  { id: 'count-mixture', title: 'Count mixtures (images, words)', mount: mountCountMixture },
  { id: 'model-selection', title: 'Model selection (BIC, ICL)', mount: mountModelSelection },
];
