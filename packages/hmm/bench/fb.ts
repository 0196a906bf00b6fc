import { ForwardBackwardWorkspace, forwardScaled, backwardScaled } from '../src/forward-backward.js';
const T = 1_000_000, K = 10;
const ws = new ForwardBackwardWorkspace(); ws.ensure(T, K);
const A = new Float64Array(K * K).fill(1 / K); const pi = new Float64Array(K).fill(1 / K);
const logB = new Float64Array(T * K); for (let i = 0; i < T * K; i++) logB[i] = Math.log(0.01 + Math.random());
const o = { logLikelihood: 0, impossibleAt: -1 };
const s1 = new Float64Array(K), s2 = new Float64Array(K * K), s3 = new Float64Array(K);
for (let r = 0; r < 4; r++) {
  ws.emission.set(logB);
  let c0 = process.cpuUsage(); forwardScaled(K, T, pi, A, ws, o); let c1 = process.cpuUsage(c0);
  let c2s = process.cpuUsage(); backwardScaled(K, T, A, ws, s1, s2, s3); let c2 = process.cpuUsage(c2s);
  console.log("fwd cpu ms", c1.user/1000, "bwd", c2.user/1000);
}
