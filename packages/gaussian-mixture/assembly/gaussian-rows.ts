// Kernels over the rows of coordinate-major blocks and component-major weight columns
// (AssemblyScript, compiled to WebAssembly SIMD by tooling/kernels; src/kernels/simd-arena.ts
// lays out the memory and calls them, the TypeScript fallback is src/kernels/blocked.ts):
//
//   distances   squares_i = Σ_a (x_ia − m_a)² · τ_a        (unweightedDistances: τ_a = 1)
//   bucket      threshold_i = fraction · Σ_c w_ic; per component, the rows with w_ic > threshold_i
//   gather      for listed rows: centered = x_a − m_a, weighted = w·centered (compacted), sums_a = Σ weighted
//   dots        out[c] = Σ_i w_ic · other_ic
//
// Memory (imported; every argument is a byte address or a count): a block is D columns of
// `stride` bytes (x_ia at block + a·stride + 8i, rows padded to a multiple of 8 with zeros);
// weights and `other` are component-major, K columns of `stride` bytes; row lists are i32 row
// indices. Two rows per vector (f64x2), eight rows per step for the distances with their four
// sums in registers across the coordinates.

@inline
function lanes(v: v128): f64 {
  return f64x2.extract_lane(v, 0) + f64x2.extract_lane(v, 1);
}

/** squares at the eight rows of byte p: Σ_a (x_a − m_a)²·τ_a (τ = 1 unless `weighted`); `pairs` a multiple of 4. */
@inline
function squaredDistances(weighted: bool, source: usize, pairs: i32, stride: usize, d: i32, means: usize, precisions: usize, squares: usize): void {
  const end = <usize>pairs << 4;
  const dBytes = <usize>d << 3;
  for (let p: usize = 0; p < end; p += 64) {
    let s0 = f64x2.splat(0);
    let s1 = f64x2.splat(0);
    let s2 = f64x2.splat(0);
    let s3 = f64x2.splat(0);
    let xa = source + p;
    for (let ab: usize = 0; ab < dBytes; ab += 8) {
      const m = v128.load64_splat(means + ab);
      const z0 = f64x2.sub(v128.load(xa), m);
      const z1 = f64x2.sub(v128.load(xa, 16), m);
      const z2 = f64x2.sub(v128.load(xa, 32), m);
      const z3 = f64x2.sub(v128.load(xa, 48), m);
      if (weighted) {
        const tau = v128.load64_splat(precisions + ab);
        s0 = f64x2.add(s0, f64x2.mul(f64x2.mul(z0, z0), tau));
        s1 = f64x2.add(s1, f64x2.mul(f64x2.mul(z1, z1), tau));
        s2 = f64x2.add(s2, f64x2.mul(f64x2.mul(z2, z2), tau));
        s3 = f64x2.add(s3, f64x2.mul(f64x2.mul(z3, z3), tau));
      } else {
        s0 = f64x2.add(s0, f64x2.mul(z0, z0));
        s1 = f64x2.add(s1, f64x2.mul(z1, z1));
        s2 = f64x2.add(s2, f64x2.mul(z2, z2));
        s3 = f64x2.add(s3, f64x2.mul(z3, z3));
      }
      xa += stride;
    }
    v128.store(squares + p, s0);
    v128.store(squares + p, s1, 16);
    v128.store(squares + p, s2, 32);
    v128.store(squares + p, s3, 48);
  }
}

/** squares_i = Σ_a (x_ia − m_a)²·τ_a (diagonal and, on whitened rows, tied log-densities). */
export function distances(source: usize, pairs: i32, stride: usize, d: i32, means: usize, precisions: usize, squares: usize): void {
  squaredDistances(true, source, pairs, stride, d, means, precisions, squares);
}

/** `distances` with every τ_a = 1 (`precisions` ignored). */
export function unweightedDistances(source: usize, pairs: i32, stride: usize, d: i32, means: usize, precisions: usize, squares: usize): void {
  squaredDistances(false, source, pairs, stride, d, means, precisions, squares);
}

/**
 * thresholds_i = fraction · Σ_c w_ic over the padded stride, then for every component the rows
 * i < rows whose w_ic exceeds threshold_i, in order, to lists[c·stride/8 …] (i32 row indices,
 * appended without branches), their number to counts[c]. `fraction` is the address of one double.
 */
export function bucket(weights: usize, rows: i32, stride: usize, k: i32, thresholds: usize, lists: usize, counts: usize, fraction: usize): void {
  for (let p: usize = 0; p < stride; p += 16) v128.store(thresholds + p, f64x2.splat(0));
  for (let c = 0; c < k; c++) {
    const wc = weights + <usize>c * stride;
    for (let p: usize = 0; p < stride; p += 16) v128.store(thresholds + p, f64x2.add(v128.load(thresholds + p), v128.load(wc + p)));
  }
  const tiny = v128.load64_splat(fraction);
  for (let p: usize = 0; p < stride; p += 16) v128.store(thresholds + p, f64x2.mul(v128.load(thresholds + p), tiny));
  const rowBytes = <usize>rows << 3;
  for (let c = 0; c < k; c++) {
    const wc = weights + <usize>c * stride;
    const list = lists + ((<usize>c * stride) >> 1);
    let n: usize = 0;
    for (let p: usize = 0; p < rowBytes; p += 8) {
      store<i32>(list + (n << 2), <i32>(p >> 3));
      n += <usize>(load<f64>(wc + p) > load<f64>(thresholds + p));
    }
    store<i32>(counts + (<usize>c << 2), <i32>n);
  }
}

/**
 * For the `count` rows listed (i32 indices at `list`): z = x_a − m_a into `centered`, w·z into
 * `weighted` (both compacted, zero-padded to a multiple of 8 rows), sums[a] = Σ w·z; `weights` is
 * the component's column.
 */
export function gather(source: usize, weights: usize, stride: usize, d: i32, list: usize, count: i32, means: usize, centered: usize, weighted: usize, sums: usize): void {
  const end = <usize>count << 3;
  const padded = <usize>((count + 7) & ~7) << 3;
  for (let a = 0; a < d; a++) {
    const sa = source + <usize>a * stride;
    const ca = centered + <usize>a * stride;
    const wa = weighted + <usize>a * stride;
    const m = load<f64>(means + (<usize>a << 3));
    let s = 0.0;
    for (let j: usize = 0; j < end; j += 8) {
      const row = <usize>load<i32>(list + (j >> 1)) << 3;
      const z = load<f64>(sa + row) - m;
      store<f64>(ca + j, z);
      const v = load<f64>(weights + row) * z;
      store<f64>(wa + j, v);
      s += v;
    }
    for (let j = end; j < padded; j += 8) {
      store<f64>(ca + j, 0);
      store<f64>(wa + j, 0);
    }
    store<f64>(sums + (<usize>a << 3), s);
  }
}

/** out[c] = Σ_i w_ic·other_ic over the padded stride, component-major K × stride arrays. */
export function dots(weights: usize, other: usize, stride: usize, k: i32, out: usize): void {
  for (let c = 0; c < k; c++) {
    const wc = weights + <usize>c * stride;
    const oc = other + <usize>c * stride;
    let s0 = f64x2.splat(0);
    let s1 = f64x2.splat(0);
    for (let w = wc, o = oc, stop = wc + stride; w < stop; w += 32, o += 32) {
      s0 = f64x2.add(s0, f64x2.mul(v128.load(w), v128.load(o)));
      s1 = f64x2.add(s1, f64x2.mul(v128.load(w, 16), v128.load(o, 16)));
    }
    store<f64>(out + (<usize>c << 3), lanes(f64x2.add(s0, s1)));
  }
}
