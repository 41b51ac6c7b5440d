/** The benchmark's rounds and warmup defaults, per scenario. */
import assert from 'node:assert/strict';
import { OptionError, parseOptions } from '../../scripts/bench/options';

describe('benchmark options', () => {
  it('measures three rounds after a 1000-launch warmup by default', () => {
    const options = parseOptions([]);
    assert.equal(options.rounds, 3);
    assert.equal(options.warmup, 1000);
    assert.equal(parseOptions(['--rounds', '5']).rounds, 5);
    assert.equal(parseOptions(['--rounds=1']).rounds, 1);
  });

  it('runs the seats scenario once, without warmup, and refuses more rounds for it', () => {
    const seats = parseOptions(['--scenario', 'seats']);
    assert.equal(seats.rounds, 1);
    assert.equal(seats.warmup, 0);
    assert.equal(parseOptions(['--scenario', 'seats', '--rounds', '1']).rounds, 1);
    assert.throws(() => parseOptions(['--scenario', 'seats', '--rounds', '3']), (err: unknown) => err instanceof OptionError && /--rounds must be 1 with --scenario seats/.test(err.message));
  });

  it('refuses a round count that is not a positive whole number', () => {
    for (const raw of ['0', '-1', '2.5', 'many']) assert.throws(() => parseOptions(['--rounds', raw]), OptionError, raw);
  });
});
