/**
 * Streaming data readers for @em: each turns a byte input (a browser File, a Node file, a pipe)
 * into a DataSource of row blocks with bounded memory. This entry runs in Node and in browsers;
 * `@em/sources/columnar` adds Parquet and Arrow IPC (through hyparquet and apache-arrow, also
 * browser-safe), and `@em/sources/node` file opening, stdin spooling and `openDataSource`.
 *
 * @packageDocumentation
 */
export { BlockBuilder, blockRowsFor, DEFAULT_BLOCK_BYTES, type ReaderOptions, STREAM_CHUNK_BYTES } from './blocks.js';
export { collectDense } from './collect.js';
export { resolveColumns } from './columns.js';
export { type CsvColumns, type CsvOptions, type CsvSource, type CsvTable, openCsvSource, parseCsvText } from './csv.js';
export { isNonDecimalLiteral, isOverflowingDecimal, parseDecimal, parseDecimalInteger } from './decimal-number.js';
export { blobInput, type ByteInput, bytesInput } from './input.js';
export { type MatrixMarketSource, openMatrixMarketSource, parseMatrixMarket } from './matrix-market.js';
export { type NdjsonOptions, type NdjsonSource, openNdjsonSource } from './ndjson.js';
export { type NpyHeader, type NpyOptions, type NpySource, openNpySource, parseNpy, parseNpyHeader } from './npy.js';
export { countLines, forEachLine, LineReader, MAX_LINE_LENGTH } from './text-lines.js';
