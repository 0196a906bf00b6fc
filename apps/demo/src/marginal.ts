import type { MixtureView } from './model/demo-mixture.js';
import type { PlottedComponent } from './plot/scatter.js';

/**
 * Each component's marginal on two of the fitted coordinates: the marginal of a Gaussian keeps
 * the matching entries of the mean and the 2×2 block of the covariance, so the ellipses stay exact
 * when EM is fitted on more columns than are plotted.
 */
export function marginalComponents(view: MixtureView, xIndex: number, yIndex: number): PlottedComponent[] {
  const d = view.dimension;
  const components: PlottedComponent[] = [];
  for (let j = 0; j < view.weights.length; j++) {
    const m = j * d;
    const c = j * d * d;
    components.push({
      weight: view.weights[j] as number,
      meanX: view.means[m + xIndex] as number,
      meanY: view.means[m + yIndex] as number,
      covariance: {
        xx: view.covariances[c + xIndex * d + xIndex] as number,
        xy: view.covariances[c + xIndex * d + yIndex] as number,
        yy: view.covariances[c + yIndex * d + yIndex] as number,
      },
    });
  }
  return components;
}
