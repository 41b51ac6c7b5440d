/**
 * `npm run bench`: builds LaunchGate, runs the benchmark, prints the tables and writes
 * bench-results.json. Exits non-zero when a correctness check fails (a target missed is reported,
 * not fatal: figures depend on the machine).
 */
import fs from 'node:fs';
import path from 'node:path';
import { REPO_ROOT } from './children';
import { HELP, OptionError, parseOptions, type BenchOptions } from './options';
import { renderReport } from './report';
import { runBenchmark } from './run';
import { evaluateTargets } from './targets';

async function main(): Promise<number> {
  let options: BenchOptions;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (err) {
    if (err instanceof OptionError) {
      if (err.message === HELP) {
        console.log(HELP);
        return 0;
      }
      console.error(err.message);
      return 2;
    }
    throw err;
  }
  if (options.runtime === 'dist' && !fs.existsSync(path.join(REPO_ROOT, 'dist', 'src', 'server', 'main.js'))) {
    console.error('dist/src/server/main.js is missing: run `npm run build` first (npm run bench does).');
    return 2;
  }
  if (options.profileDir !== null) options.profileDir = path.resolve(options.profileDir);
  const started = Date.now();
  const results = await runBenchmark(options, (line) => console.error(`[bench ${((Date.now() - started) / 1000).toFixed(1)}s] ${line}`));
  const targets = evaluateTargets(results);
  const { text, correct } = renderReport(results, targets);
  console.log(text);
  const out = path.resolve(options.out);
  fs.writeFileSync(out, JSON.stringify({ ...results, targets }, null, 2) + '\n');
  console.log(`\nResults written to ${path.relative(process.cwd(), out) || out} (${((Date.now() - started) / 1000).toFixed(0)} s in all).`);
  return correct ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(`bench: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
