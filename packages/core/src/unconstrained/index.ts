export * from './coordinates.js';
