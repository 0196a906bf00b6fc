// Kernels on coordinate-major blocks of rows (AssemblyScript, compiled to WebAssembly SIMD by
// tooling/kernels; src/kernels/simd-arena.ts lays out the memory and calls them, the TypeScript
// fallback is src/kernels/blocked.ts). The full-covariance solve and scatter, centring, weighing,
// the row-major → coordinate-major transpose, an affine map and column sums:
//
//   whiten     y = L⁻¹ z per row (forward substitution L·y = z in place), squares_i = ‖y_i‖²
//   scatter    out[a·D + b] = Σ_i weighted_ia · centered_ib          (b ≤ a)
//   center     target_ia = source_ia − m_a
//   weigh      centered_ia = x_ia − m_a,  weighted_ia = w_i · centered_ia,  out[a] = Σ_i weighted_ia
//   transpose  source[a][i] = raw[i·D + a]  (and centered[a][i] = raw[i·D + a] − origin[a])
//   affine     v_i = c₀ − c₁ · v_i
//   columnSums out[c] = Σ_i w_ci
//
// Memory (imported; every argument is a byte address or a count): a block is D columns of
// `stride` bytes, column a holding coordinate a of consecutive rows (x_ia at block + a·stride +
// 8i); the row count is padded so that the loops take 2, 4 or 8 rows per step without tails (the
// padding rows hold zeros). Weights are component-major: K columns of `stride` bytes. Two rows per
// vector (f64x2); the inner loops walk their columns with one pointer each (measured 15–20 %
// faster than indexing every column from one row offset).

/** Sum of the two lanes. */
@inline
function lanes(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/**
 * In place: y_a = (z_a − Σ_{b<a} L_ab·y_b) / L_aa for every row (columns of `work`), L row-major
 * D×D at `factors`, 1/L_aa at `inverseDiagonals`; squares_i = Σ_a y_ia². `pairs` row pairs, even.
 */
export function whiten(work: usize, pairs: i32, stride: usize, d: i32, factors: usize, inverseDiagonals: usize, squares: usize): void {
  const end = <usize>pairs << 4;
  for (let p: usize = 0; p < end; p += 32) {
    v128.store(squares + p, f64x2.splat(0));
    v128.store(squares + p, f64x2.splat(0), 16);
  }
  for (let a = 0; a < d; a++) {
    const za = work + <usize>a * stride;
    let b = 0;
    // Four columns of L per sweep: one load and store of z_a for four terms.
    for (; b + 4 <= a; b += 4) {
      const factor = factors + ((<usize>a * <usize>d + <usize>b) << 3);
      const l0 = v128.load64_splat(factor);
      const l1 = v128.load64_splat(factor, 8);
      const l2 = v128.load64_splat(factor, 16);
      const l3 = v128.load64_splat(factor, 24);
      const y0 = work + <usize>b * stride;
      const y1 = y0 + stride;
      const y2 = y1 + stride;
      const y3 = y2 + stride;
      // Pointers walk the five columns (one add each per step, no index arithmetic).
      for (let z = za, u0 = y0, u1 = y1, u2 = y2, u3 = y3, stop = za + end; z < stop; z += 32, u0 += 32, u1 += 32, u2 += 32, u3 += 32) {
        subtractFour(z, u0, u1, u2, u3, l0, l1, l2, l3, 0);
        subtractFour(z, u0, u1, u2, u3, l0, l1, l2, l3, 16);
      }
    }
    for (; b < a; b++) {
      const l = v128.load64_splat(factors + ((<usize>a * <usize>d + <usize>b) << 3));
      const yb = work + <usize>b * stride;
      for (let z = za, y = yb, stop = za + end; z < stop; z += 32, y += 32) {
        v128.store(z, f64x2.sub(v128.load(z), f64x2.mul(l, v128.load(y))));
        v128.store(z, f64x2.sub(v128.load(z, 16), f64x2.mul(l, v128.load(y, 16))), 16);
      }
    }
    const inverse = v128.load64_splat(inverseDiagonals + (<usize>a << 3));
    for (let z = za, q = squares, stop = za + end; z < stop; z += 32, q += 32) {
      const v0 = f64x2.mul(v128.load(z), inverse);
      v128.store(z, v0);
      v128.store(q, f64x2.add(v128.load(q), f64x2.mul(v0, v0)));
      const v1 = f64x2.mul(v128.load(z, 16), inverse);
      v128.store(z, v1, 16);
      v128.store(q, f64x2.add(v128.load(q, 16), f64x2.mul(v1, v1)), 16);
    }
  }
}

/** z −= (l0·y0 + l1·y1) + (l2·y2 + l3·y3) for the two rows at byte `offset`. */
@inline
function subtractFour(z: usize, y0: usize, y1: usize, y2: usize, y3: usize, l0: v128, l1: v128, l2: v128, l3: v128, offset: usize): void {
  const first = f64x2.add(f64x2.mul(l0, v128.load(y0 + offset)), f64x2.mul(l1, v128.load(y1 + offset)));
  const second = f64x2.add(f64x2.mul(l2, v128.load(y2 + offset)), f64x2.mul(l3, v128.load(y3 + offset)));
  v128.store(z + offset, f64x2.sub(v128.load(z + offset), f64x2.add(first, second)));
}

/** out[a·D + b] = Σ_i weighted_ia·centered_ib for b ≤ a; `octets` groups of 8 rows, 8 per step in four sums. */
export function scatter(weighted: usize, centered: usize, octets: i32, stride: usize, d: i32, out: usize): void {
  const end = <usize>octets << 6;
  for (let a = 0; a < d; a++) {
    const wa = weighted + <usize>a * stride;
    for (let b = 0; b <= a; b++) {
      const cb = centered + <usize>b * stride;
      let s0 = f64x2.splat(0);
      let s1 = f64x2.splat(0);
      let s2 = f64x2.splat(0);
      let s3 = f64x2.splat(0);
      // Pointers walk the two columns (one add each per step, no index arithmetic).
      for (let w = wa, x = cb, stop = wa + end; w < stop; w += 64, x += 64) {
        s0 = f64x2.add(s0, f64x2.mul(v128.load(w), v128.load(x)));
        s1 = f64x2.add(s1, f64x2.mul(v128.load(w, 16), v128.load(x, 16)));
        s2 = f64x2.add(s2, f64x2.mul(v128.load(w, 32), v128.load(x, 32)));
        s3 = f64x2.add(s3, f64x2.mul(v128.load(w, 48), v128.load(x, 48)));
      }
      store<f64>(out + ((<usize>a * <usize>d + <usize>b) << 3), lanes(f64x2.add(f64x2.add(s0, s1), f64x2.add(s2, s3))));
    }
  }
}

/** target_a = source_a − m_a for every coordinate, `pairs` row pairs (even). */
export function center(source: usize, pairs: i32, stride: usize, d: i32, means: usize, target: usize): void {
  const end = <usize>pairs << 4;
  for (let a = 0; a < d; a++) {
    const sa = source + <usize>a * stride;
    const ta = target + <usize>a * stride;
    const m = v128.load64_splat(means + (<usize>a << 3));
    for (let x = sa, t = ta, stop = sa + end; x < stop; x += 32, t += 32) {
      v128.store(t, f64x2.sub(v128.load(x), m));
      v128.store(t, f64x2.sub(v128.load(x, 16), m), 16);
    }
  }
}

/** z = x_a − m_a into `centered`, w·z into `weighted`, out[a] = Σ w·z; `quads` groups of 4 rows. */
export function weigh(source: usize, weights: usize, quads: i32, stride: usize, d: i32, means: usize, centered: usize, weighted: usize, out: usize): void {
  const end = <usize>quads << 5;
  for (let a = 0; a < d; a++) {
    const xa = source + <usize>a * stride;
    const ca = centered + <usize>a * stride;
    const wa = weighted + <usize>a * stride;
    const m = v128.load64_splat(means + (<usize>a << 3));
    let s0 = f64x2.splat(0);
    let s1 = f64x2.splat(0);
    for (let x = xa, z = ca, v = wa, w = weights, stop = xa + end; x < stop; x += 32, z += 32, v += 32, w += 32) {
      const z0 = f64x2.sub(v128.load(x), m);
      v128.store(z, z0);
      const wz0 = f64x2.mul(v128.load(w), z0);
      v128.store(v, wz0);
      s0 = f64x2.add(s0, wz0);
      const z1 = f64x2.sub(v128.load(x, 16), m);
      v128.store(z, z1, 16);
      const wz1 = f64x2.mul(v128.load(w, 16), z1);
      v128.store(v, wz1, 16);
      s1 = f64x2.add(s1, wz1);
    }
    store<f64>(out + (<usize>a << 3), lanes(f64x2.add(s0, s1)));
  }
}

/**
 * source[a·stride + 8i] = raw[(i·D + a)·8] for a row-major block of `rows` rows at `raw`, two rows
 * by two coordinates per step; rows from the even-rounded count up to the stride are set to 0
 * (for an odd count the caller zeroes raw row `rows`). `centred`: also centered[…] = value −
 * origin[a] (padding rows 0 as well, but for an odd count's partner row, which comes out as −origin).
 */
@inline
function transposeBlock(centred: bool, raw: usize, rows: i32, d: i32, source: usize, stride: usize, origin: usize, centered: usize): void {
  const rowBytes = <usize>d << 3;
  const pairEnd = <usize>(d & ~1) << 3;
  const end = <usize>((rows + 1) & ~1) << 3;
  let row0 = raw;
  for (let p: usize = 0; p < end; p += 16) {
    const row1 = row0 + rowBytes;
    let column = source + p;
    let shifted = centered + p;
    let ab: usize = 0;
    for (; ab < pairEnd; ab += 16) {
      const first = v128.load(row0 + ab);
      const second = v128.load(row1 + ab);
      const low = v128.shuffle<f64>(first, second, 0, 2);
      const high = v128.shuffle<f64>(first, second, 1, 3);
      v128.store(column, low);
      v128.store(column + stride, high);
      if (centred) {
        v128.store(shifted, f64x2.sub(low, v128.load64_splat(origin + ab)));
        v128.store(shifted + stride, f64x2.sub(high, v128.load64_splat(origin + ab, 8)));
      }
      column += stride << 1;
      shifted += stride << 1;
    }
    if (pairEnd < rowBytes) {
      const value = f64x2.replace_lane(v128.load64_splat(row0 + ab), 1, load<f64>(row1 + ab));
      v128.store(column, value);
      if (centred) v128.store(shifted, f64x2.sub(value, v128.load64_splat(origin + ab)));
    }
    row0 += rowBytes << 1;
  }
  // Padding rows: 0 in every column.
  for (let a = 0; a < d; a++) {
    const column = source + <usize>a * stride;
    const shifted = centered + <usize>a * stride;
    for (let p = end; p < stride; p += 16) {
      v128.store(column + p, f64x2.splat(0));
      if (centred) v128.store(shifted + p, f64x2.splat(0));
    }
  }
}

/** The row-major block at `raw` laid out coordinate-major at `source` (`origin`, `centered` unused). */
export function transpose(raw: usize, rows: i32, d: i32, source: usize, stride: usize, origin: usize, centered: usize): void {
  transposeBlock(false, raw, rows, d, source, stride, origin, centered);
}

/** `transpose`, and the block less origin[a] per coordinate into `centered` as well. */
export function transposeCentred(raw: usize, rows: i32, d: i32, source: usize, stride: usize, origin: usize, centered: usize): void {
  transposeBlock(true, raw, rows, d, source, stride, origin, centered);
}

/** values = constants[0] − constants[1]·values, `pairs` pairs. */
export function affine(values: usize, pairs: i32, constants: usize): void {
  const end = <usize>pairs << 4;
  const c0 = v128.load64_splat(constants);
  const c1 = v128.load64_splat(constants, 8);
  for (let p: usize = 0; p < end; p += 16) v128.store(values + p, f64x2.sub(c0, f64x2.mul(c1, v128.load(values + p))));
}

/** out[c] = Σ_i w_ic over the padded stride, component-major K × stride (`unused` ignored). */
export function columnSums(weights: usize, unused: usize, stride: usize, k: i32, out: usize): void {
  for (let c = 0; c < k; c++) {
    const wc = weights + <usize>c * stride;
    let s0 = f64x2.splat(0);
    let s1 = f64x2.splat(0);
    for (let w = wc, stop = wc + stride; w < stop; w += 32) {
      s0 = f64x2.add(s0, v128.load(w));
      s1 = f64x2.add(s1, v128.load(w, 16));
    }
    store<f64>(out + (<usize>c << 3), lanes(f64x2.add(s0, s1)));
  }
}
