/**
 * Runs before every test file: its afterAll is registered first, so it runs after the file's own
 * (servers and child processes are closed by then) and removes the file's temporary directories.
 */
import { afterAll } from 'vitest';
import { removeTempDirs } from '../helpers/scan-files.ts';

afterAll(removeTempDirs);
