// Kernels that sweep every component over a block in row spans small enough to stay in the
// level-1 cache (AssemblyScript, compiled to WebAssembly SIMD by tooling/kernels;
// src/kernels/simd-arena.ts lays out the memory and sizes the span so that one span's D + K
// columns fit in 32 KB, the TypeScript fallback is src/kernels/blocked.ts):
//
//   weightedSums        out[c·D + a] += Σ_i w_ic · x_ia                       (Wᵀ·X)
//   moments             out[2(c·D + a)] += Σ_i w_ic · z,  out[2(c·D + a) + 1] += Σ_i w_ic · z²,  z = x_ia − m_ca
//   sphericalDensities  s = Σ_a (x_ia − m_ca)²,        densities[c][i] = κ_c − λ_c·s, squares[c][i] = s
//   diagonalDensities   s = Σ_a (x_ia − m_ca)²·τ_ca,   densities[c][i] = κ_c − λ_c·s
//
// with (κ_c, λ_c) = constants[2c], constants[2c + 1]. A block of 504 rows is D + K columns of
// 4 KB; swept once per component (or per component and coordinate) it would be re-read from the
// level-2 cache K (or K·D) times, and that traffic, not arithmetic, bounded the
// component-at-a-time kernels. Here every component works on a span while it is in the level-1
// cache, and per-span sums are added into the output.
//
// Memory (imported; byte addresses and counts): coordinate-major block (x_ia at source + a·stride
// + 8i), component-major weights, densities and squares (K columns of `stride` bytes), means and
// precisions K×D row-major; `span` and `stride` multiples of 64 bytes (8 rows). Two rows per
// vector (f64x2).

/** out[at] += lane 0 + lane 1 of `sum`, in that order. */
@inline
function addLanes(at: usize, sum: v128): void {
  store<f64>(at, load<f64>(at) + f64x2.extract_lane(sum, 0) + f64x2.extract_lane(sum, 1));
}

/**
 * out[c·D + a] += Σ_i w_ic·x_ia. Coordinates in tiles of four, each weight pair loaded once for
 * the four (wider tiles ran out of registers and ran slower); the last D mod 4 coordinates one at
 * a time, four row pairs per step.
 */
export function weightedSums(source: usize, weights: usize, span: usize, stride: usize, d: i32, k: i32, out: usize): void {
  for (let start: usize = 0; start < stride; start += span) {
    const end = start + span < stride ? start + span : stride;
    let o = out;
    for (let c = 0; c < k; c++) {
      const wc = weights + <usize>c * stride;
      const wEnd = wc + end;
      let a = 0;
      for (; a + 4 <= d; a += 4) {
        let x0 = source + <usize>a * stride + start;
        let x1 = x0 + stride;
        let x2 = x1 + stride;
        let x3 = x2 + stride;
        let s0 = f64x2.splat(0);
        let s1 = f64x2.splat(0);
        let s2 = f64x2.splat(0);
        let s3 = f64x2.splat(0);
        for (let wp = wc + start; wp < wEnd; wp += 16) {
          const w = v128.load(wp);
          s0 = f64x2.add(s0, f64x2.mul(w, v128.load(x0)));
          s1 = f64x2.add(s1, f64x2.mul(w, v128.load(x1)));
          s2 = f64x2.add(s2, f64x2.mul(w, v128.load(x2)));
          s3 = f64x2.add(s3, f64x2.mul(w, v128.load(x3)));
          x0 += 16;
          x1 += 16;
          x2 += 16;
          x3 += 16;
        }
        addLanes(o, s0);
        addLanes(o + 8, s1);
        addLanes(o + 16, s2);
        addLanes(o + 24, s3);
        o += 32;
      }
      for (; a < d; a++) {
        let x0 = source + <usize>a * stride + start;
        let s0 = f64x2.splat(0);
        let s1 = f64x2.splat(0);
        let s2 = f64x2.splat(0);
        let s3 = f64x2.splat(0);
        for (let wp = wc + start; wp < wEnd; wp += 64) {
          s0 = f64x2.add(s0, f64x2.mul(v128.load(wp), v128.load(x0)));
          s1 = f64x2.add(s1, f64x2.mul(v128.load(wp, 16), v128.load(x0, 16)));
          s2 = f64x2.add(s2, f64x2.mul(v128.load(wp, 32), v128.load(x0, 32)));
          s3 = f64x2.add(s3, f64x2.mul(v128.load(wp, 48), v128.load(x0, 48)));
          x0 += 64;
        }
        addLanes(o, f64x2.add(f64x2.add(s0, s1), f64x2.add(s2, s3)));
        o += 8;
      }
    }
  }
}

/** out[2(c·D + a)] += Σ w_c·z and out[2(c·D + a) + 1] += Σ w_c·z², z = x_a − m_ca; eight rows per step. */
export function moments(source: usize, weights: usize, span: usize, stride: usize, d: i32, k: i32, means: usize, out: usize): void {
  for (let start: usize = 0; start < stride; start += span) {
    const end = start + span < stride ? start + span : stride;
    let mean = means;
    let o = out;
    for (let c = 0; c < k; c++) {
      const wc = weights + <usize>c * stride;
      for (let a = 0; a < d; a++) {
        const xa = source + <usize>a * stride;
        const m = v128.load64_splat(mean);
        let s0 = f64x2.splat(0);
        let s1 = f64x2.splat(0);
        let s2 = f64x2.splat(0);
        let s3 = f64x2.splat(0);
        let q0 = f64x2.splat(0);
        let q1 = f64x2.splat(0);
        let q2 = f64x2.splat(0);
        let q3 = f64x2.splat(0);
        for (let x = xa + start, w = wc + start, stop = xa + end; x < stop; x += 64, w += 64) {
          const z0 = f64x2.sub(v128.load(x), m);
          const wz0 = f64x2.mul(v128.load(w), z0);
          s0 = f64x2.add(s0, wz0);
          q0 = f64x2.add(q0, f64x2.mul(wz0, z0));
          const z1 = f64x2.sub(v128.load(x, 16), m);
          const wz1 = f64x2.mul(v128.load(w, 16), z1);
          s1 = f64x2.add(s1, wz1);
          q1 = f64x2.add(q1, f64x2.mul(wz1, z1));
          const z2 = f64x2.sub(v128.load(x, 32), m);
          const wz2 = f64x2.mul(v128.load(w, 32), z2);
          s2 = f64x2.add(s2, wz2);
          q2 = f64x2.add(q2, f64x2.mul(wz2, z2));
          const z3 = f64x2.sub(v128.load(x, 48), m);
          const wz3 = f64x2.mul(v128.load(w, 48), z3);
          s3 = f64x2.add(s3, wz3);
          q3 = f64x2.add(q3, f64x2.mul(wz3, z3));
        }
        addLanes(o, f64x2.add(f64x2.add(s0, s1), f64x2.add(s2, s3)));
        addLanes(o + 8, f64x2.add(f64x2.add(q0, q1), f64x2.add(q2, q3)));
        mean += 8;
        o += 16;
      }
    }
  }
}

/** densities[c·stride + 8i] = κ_c − λ_c·s and (keepSquares) squares[…] = s, s = Σ_a (x_a − m_ca)²·τ_ca (τ = 1 unless `weighted`). */
@inline
function componentDensities(
  weighted: bool,
  keepSquares: bool,
  source: usize,
  span: usize,
  stride: usize,
  d: i32,
  k: i32,
  means: usize,
  precisions: usize,
  constants: usize,
  squares: usize,
  densities: usize,
): void {
  const dBytes = <usize>d << 3;
  for (let start: usize = 0; start < stride; start += span) {
    const end = start + span < stride ? start + span : stride;
    let meanBase = means;
    let tauBase = precisions;
    for (let c = 0; c < k; c++) {
      const c0 = v128.load64_splat(constants + (<usize>c << 4));
      const c1 = v128.load64_splat(constants + (<usize>c << 4), 8);
      for (let p = start; p < end; p += 64) {
        let s0 = f64x2.splat(0);
        let s1 = f64x2.splat(0);
        let s2 = f64x2.splat(0);
        let s3 = f64x2.splat(0);
        let xa = source + p;
        for (let ab: usize = 0; ab < dBytes; ab += 8) {
          const m = v128.load64_splat(meanBase + ab);
          const z0 = f64x2.sub(v128.load(xa), m);
          const z1 = f64x2.sub(v128.load(xa, 16), m);
          const z2 = f64x2.sub(v128.load(xa, 32), m);
          const z3 = f64x2.sub(v128.load(xa, 48), m);
          if (weighted) {
            const tau = v128.load64_splat(tauBase + ab);
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
        const cell = <usize>c * stride + p;
        if (keepSquares) {
          v128.store(squares + cell, s0);
          v128.store(squares + cell, s1, 16);
          v128.store(squares + cell, s2, 32);
          v128.store(squares + cell, s3, 48);
        }
        v128.store(densities + cell, f64x2.sub(c0, f64x2.mul(c1, s0)));
        v128.store(densities + cell, f64x2.sub(c0, f64x2.mul(c1, s1)), 16);
        v128.store(densities + cell, f64x2.sub(c0, f64x2.mul(c1, s2)), 32);
        v128.store(densities + cell, f64x2.sub(c0, f64x2.mul(c1, s3)), 48);
      }
      meanBase += dBytes;
      tauBase += dBytes;
    }
  }
}

/** Every component's ‖x − μ_c‖² (kept in `squares`) and density κ_c − λ_c·‖x − μ_c‖² (`precisions` unused). */
export function sphericalDensities(source: usize, span: usize, stride: usize, d: i32, k: i32, means: usize, precisions: usize, constants: usize, squares: usize, densities: usize): void {
  componentDensities(false, true, source, span, stride, d, k, means, precisions, constants, squares, densities);
}

/** Every component's density κ_c − λ_c·Σ_a (x_a − m_ca)²·τ_ca (`squares` unused). */
export function diagonalDensities(source: usize, span: usize, stride: usize, d: i32, k: i32, means: usize, precisions: usize, constants: usize, squares: usize, densities: usize): void {
  componentDensities(true, false, source, span, stride, d, k, means, precisions, constants, squares, densities);
}
