// The line limit of the text readers lives in @em/sources with the readers; framework/io.ts still imports it from here.
export { MAX_LINE_LENGTH } from '@em/sources';
