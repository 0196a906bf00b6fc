/**
 * Parquet and Arrow IPC readers of @em/sources, in their own entry so that code reading only text
 * and .npy (the demo's CSV upload, a worker bundle) does not pull in hyparquet and apache-arrow.
 * Runs in Node and in browsers.
 *
 * @packageDocumentation
 */
export { type ArrowOptions, type ArrowSource, openArrowSource } from './arrow.js';
export { openParquetSource, type ParquetOptions, type ParquetSource } from './parquet.js';
