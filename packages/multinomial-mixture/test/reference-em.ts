// A deliberately plain float64 EM over nested arrays, written independently of the package (no
// shared helpers, no transposed layouts, no fused E-step): the trajectory oracle for the tests.

export interface ReferenceState {
  weights: number[];
  /** [K][V] for multinomial and Bernoulli; [K][J][M_j] flattened per component for categorical. */
  probabilities: number[][];
}

export interface ReferenceTrajectory {
  /** Log-likelihood at θ_0 … θ_n (n + 1 entries). */
  logLikelihoods: number[];
  states: ReferenceState[];
}

type ComponentLog = (probabilities: number[], row: number[]) => number;
type Maximize = (data: number[][], responsibilities: number[][], previous: ReferenceState) => number[][];

function logSum(values: number[]): number {
  const max = Math.max(...values);
  if (max === -Infinity) return -Infinity;
  let s = 0;
  for (const v of values) s += Math.exp(v - max);
  return max + Math.log(s);
}

function run(data: number[][], start: ReferenceState, iterations: number, componentLog: ComponentLog, maximize: Maximize, weightPrior = 1): ReferenceTrajectory {
  const states: ReferenceState[] = [start];
  const logLikelihoods: number[] = [];
  let state = start;
  for (let t = 0; ; t++) {
    const responsibilities: number[][] = [];
    let total = 0;
    for (const row of data) {
      const joint = state.weights.map((w, k) => Math.log(w) + componentLog(state.probabilities[k] as number[], row));
      const lse = logSum(joint);
      total += lse;
      responsibilities.push(joint.map((j) => Math.exp(j - lse)));
    }
    logLikelihoods.push(total);
    if (t === iterations) break;
    const k = state.weights.length;
    const sums = Array.from({ length: k }, (_, c) => responsibilities.reduce((s, r) => s + (r[c] as number), 0));
    const n = sums.reduce((a, b) => a + b, 0);
    const weights = sums.map((s) => (s + weightPrior - 1) / (n + k * (weightPrior - 1)));
    state = { weights, probabilities: maximize(data, responsibilities, state) };
    states.push(state);
  }
  return { logLikelihoods, states };
}

export function referenceMultinomialEm(data: number[][], start: ReferenceState, iterations: number, pseudocount = 0, weightPrior = 1): ReferenceTrajectory {
  return run(
    data,
    start,
    iterations,
    (p, row) => row.reduce((s, x, v) => (x === 0 ? s : s + x * Math.log(p[v] as number)), 0),
    (rows, r, previous) =>
      previous.probabilities.map((old, k) => {
        const counts = old.map((_, v) => rows.reduce((s, row, i) => s + (r[i]?.[k] as number) * (row[v] as number), 0));
        const total = counts.reduce((a, b) => a + b, 0) + old.length * pseudocount;
        return counts.map((c) => (c + pseudocount) / total);
      }),
    weightPrior,
  );
}

export function referenceBernoulliEm(data: number[][], start: ReferenceState, iterations: number, pseudocount = 0): ReferenceTrajectory {
  return run(
    data,
    start,
    iterations,
    (p, row) => row.reduce((s, x, v) => s + (x === 1 ? Math.log(p[v] as number) : Math.log(1 - (p[v] as number))), 0),
    (rows, r, previous) =>
      previous.probabilities.map((old, k) => {
        const nk = rows.reduce((s, _, i) => s + (r[i]?.[k] as number), 0);
        return old.map((_, v) => (rows.reduce((s, row, i) => s + (r[i]?.[k] as number) * (row[v] as number), 0) + pseudocount) / (nk + 2 * pseudocount));
      }),
  );
}

/** Categorical: each component's probabilities are the per-variable vectors concatenated. */
export function referenceCategoricalEm(data: number[][], categories: number[], start: ReferenceState, iterations: number, pseudocount = 0): ReferenceTrajectory {
  const offsets = categories.map((_, j) => categories.slice(0, j).reduce((a, b) => a + b, 0));
  return run(
    data,
    start,
    iterations,
    (p, row) => row.reduce((s, code, j) => s + Math.log(p[(offsets[j] as number) + code] as number), 0),
    (rows, r, previous) =>
      previous.probabilities.map((old, k) => {
        const out = old.map(() => 0);
        categories.forEach((m, j) => {
          const counts = Array.from({ length: m }, (_, q) => rows.reduce((s, row, i) => s + (row[j] === q ? (r[i]?.[k] as number) : 0), 0));
          const total = counts.reduce((a, b) => a + b, 0) + m * pseudocount;
          counts.forEach((c, q) => (out[(offsets[j] as number) + q] = (c + pseudocount) / total));
        });
        return out;
      }),
  );
}
