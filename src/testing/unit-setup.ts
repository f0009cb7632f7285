import { afterAll } from 'vitest';
import { removeScratchDirs } from './scratch.ts';

// Each unit test file's scratch folders are removed when it ends: vitest's workers may be ended
// without the process exiting normally.
afterAll(removeScratchDirs);
