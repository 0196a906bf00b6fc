import { describe, expect, it } from 'vitest';
import { DEFAULT_FIT_SETTINGS, DefaultConvergenceMonitor, InvalidOptionsError, type FitEvent } from '../src/index.js';

function feed(monitor: DefaultConvergenceMonitor, values: readonly number[]) {
  return values.map((v) => monitor.record(v));
}

describe('DefaultConvergenceMonitor', () => {
  it('never stops on the first value nor on the first change, and keeps the full history', () => {
    for (const rule of ['absolute', 'relative', 'per-observation'] as const) {
      const m = new DefaultConvergenceMonitor({ tolerance: 1e9, rule });
      expect(m.record(-5)).toEqual({ stop: false });
      // θ_0 → θ_1 can be tiny at a start that is a fixed point but no maximum (all means at the
      // data mean): the first change never declares convergence.
      expect(m.record(-5), rule).toEqual({ stop: false });
      expect(m.record(-5).stop, rule).toBe(true);
      expect(m.history).toEqual([-5, -5, -5]);
      m.reset();
      expect(m.history).toEqual([]);
      expect(m.record(-5)).toEqual({ stop: false });
      expect(m.record(-5), `${rule} after reset`).toEqual({ stop: false });
    }
  });

  it('defaults to DEFAULT_FIT_SETTINGS: the relative rule with its tight tolerance', () => {
    const m = new DefaultConvergenceMonitor();
    expect(m.rule).toBe(DEFAULT_FIT_SETTINGS.toleranceRule);
    expect(m.rule).toBe('relative');
    expect(m.tolerance).toBe(DEFAULT_FIT_SETTINGS.tolerance);
    expect(DEFAULT_FIT_SETTINGS.tolerance).toBeLessThanOrEqual(1e-8);
    expect(Object.isFrozen(DEFAULT_FIT_SETTINGS)).toBe(true);
  });

  it("per-observation rule (scikit-learn's): stops when |Δ| / n < tol", () => {
    const m = new DefaultConvergenceMonitor({ tolerance: 1e-3, rule: 'per-observation', observations: 100 });
    expect(m.rule).toBe('per-observation');
    const [, , a, b] = feed(m, [-510, -500, -499.8, -499.75]);
    expect(a?.stop).toBe(false); // 0.2 / 100 = 2e-3
    expect(b).toEqual({ stop: true, reason: 'converged' }); // 0.05 / 100 = 5e-4
    expect(m.describe()).toBe('|Δ objective| / n < 0.001');
  });

  it('absolute rule: stops when |Δ| < tol, whatever n and the objective', () => {
    const m = new DefaultConvergenceMonitor({ tolerance: 0.1, rule: 'absolute', observations: 1e6 });
    const [, , a, b] = feed(m, [-1e6 - 10, -1e6, -1e6 + 0.5, -1e6 + 0.55]);
    expect(a?.stop).toBe(false);
    expect(b?.stop).toBe(true);
    expect(m.describe()).toBe('|Δ objective| < 0.1');
  });

  it('relative rule: stops when |Δ| / max(1, |objective|) < tol', () => {
    const big = new DefaultConvergenceMonitor({ tolerance: 1e-3, rule: 'relative' });
    const [, , a, b] = feed(big, [-1.1e6, -1e6, -1e6 + 2000, -1e6 + 2900]);
    expect(a?.stop).toBe(false); // 2000 / 998000 > 1e-3
    expect(b?.stop).toBe(true); // 900 / 997100 < 1e-3
    // Near zero the denominator is 1: an absolute rule.
    const small = new DefaultConvergenceMonitor({ tolerance: 1e-3, rule: 'relative' });
    const [, , c, d] = feed(small, [0, 0.1, 0.1 + 2e-3, 0.1 + 2.5e-3]);
    expect(d?.stop).toBe(true);
    expect(c?.stop).toBe(false);
  });

  it('tolerance 0 never converges', () => {
    const m = new DefaultConvergenceMonitor({ tolerance: 0 });
    expect(feed(m, [1, 1, 1, 1]).every((d) => !d.stop)).toBe(true);
  });

  it('reports a decrease larger than round-off as an event and continues', () => {
    const m = new DefaultConvergenceMonitor({ tolerance: 0, roundOff: 1e-9 });
    const [, up, down] = feed(m, [100, 101, 100.999]);
    expect(up).toEqual({ stop: false });
    expect(down?.stop).toBe(false);
    const event = down?.event as Extract<FitEvent, { type: 'objective-decreased' }>;
    expect(event.type).toBe('objective-decreased');
    expect(event.iteration).toBe(2);
    expect(event.previous).toBe(101);
    expect(event.current).toBe(100.999);
    expect(event.drop).toBeCloseTo(1e-3, 12);
    expect(event.tolerance).toBeCloseTo(1e-9 * 101, 20);
    expect(event.drop).toBeGreaterThan(event.tolerance);
  });

  it('does not report a drop within round-off (1e-9·max(1, |objective|))', () => {
    const m = new DefaultConvergenceMonitor({ tolerance: 0 });
    const [, a] = feed(m, [-1e6, -1e6 - 1e-4]); // allowance 1e-3
    expect(a?.event).toBeUndefined();
    m.reset();
    const [, b] = feed(m, [0.5, 0.5 - 2e-9]); // allowance 1e-9 (max(1, |0.5|) = 1)
    expect(b?.event?.type).toBe('objective-decreased');
  });

  it("onDecrease 'stop' stops with objectiveDecreased", () => {
    const m = new DefaultConvergenceMonitor({ onDecrease: 'stop' });
    const [, d] = feed(m, [10, 9]);
    expect(d?.stop).toBe(true);
    expect(d?.reason).toBe('objectiveDecreased');
    expect(d?.event?.type).toBe('objective-decreased');
  });

  it('a small decrease below the tolerance converges and still reports the event', () => {
    const m = new DefaultConvergenceMonitor({ tolerance: 1, rule: 'absolute' });
    const [, , d] = feed(m, [8, 10, 9.5]);
    expect(d?.stop).toBe(true);
    expect(d?.reason).toBe('converged');
    expect(d?.event?.type).toBe('objective-decreased');
  });

  it('rejects bad options with InvalidOptionsError', () => {
    expect(() => new DefaultConvergenceMonitor({ tolerance: -1 })).toThrow(InvalidOptionsError);
    expect(() => new DefaultConvergenceMonitor({ tolerance: Number.NaN })).toThrow(InvalidOptionsError);
    expect(() => new DefaultConvergenceMonitor({ tolerance: Infinity })).toThrow(/tolerance/);
    expect(() => new DefaultConvergenceMonitor({ roundOff: -1 })).toThrow(InvalidOptionsError);
    expect(() => new DefaultConvergenceMonitor({ rule: 'sklearn' as never })).toThrow(/toleranceRule must be one of/);
  });
});
