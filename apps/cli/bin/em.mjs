#!/usr/bin/env node
// Thin launcher: the command-line tool lives in dist/ (built by tsup from src/).
import { runFromProcess } from '../dist/index.js';

await runFromProcess();
