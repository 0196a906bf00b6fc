// The worker a user bundles: exactly the documented one-liner. Its whole effect is the
// serveModels call inside @em/gaussian-mixture/worker, which a bundler keeps only because the
// package lists that file in "sideEffects".
import '@em/gaussian-mixture/worker';
