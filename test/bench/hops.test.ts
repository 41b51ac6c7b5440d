/** Where a launch's time goes: hop breakdown per phase and its medians over rounds, on hand-built launches. */
import assert from 'node:assert/strict';
import { medianHops } from '../../scripts/bench/aggregate';
import { BETWEEN_HOPS, hopBreakdown, type HopStat, type TimedLaunch } from '../../scripts/bench/hops';

const SERVER = 'http://127.0.0.1:3000';
const PARTNER = 'http://127.0.0.1:4000';

/** A Canvas-shaped launch: login, the platform's auth, the launch POST, the product page; `gap` ms of the browser's own. */
function launch(login: number, auth: number, post: number, product: number, gap = 0): TimedLaunch {
  const hops = [
    { hop: 'POST /lti/login', origin: SERVER, ms: login },
    { hop: 'GET /api/lti/authorize_redirect', origin: PARTNER, ms: auth },
    { hop: 'POST /lti/launch', origin: SERVER, ms: post },
    { hop: 'GET /product/studio', origin: SERVER, ms: product },
  ];
  return { ms: login + auth + post + product + gap, hops };
}

const row = (stats: HopStat[], hop: string) => stats.find((s) => s.hop === hop)!;

describe('benchmark hop breakdown', () => {
  it('lists each request in launch order, as server or partner, then the load generator’s time between them', () => {
    const stats = hopBreakdown([launch(10, 2, 40, 8, 1), launch(12, 4, 44, 10, 1)], SERVER);
    assert.deepEqual(
      stats.map((s) => [s.where, s.hop, s.launches]),
      [
        ['server', 'POST /lti/login', 2],
        ['partner', 'GET /api/lti/authorize_redirect', 2],
        ['server', 'POST /lti/launch', 2],
        ['server', 'GET /product/studio', 2],
        ['load generator', BETWEEN_HOPS, 2],
      ],
    );
    assert.equal(row(stats, 'POST /lti/launch').mean, 42);
    assert.equal(row(stats, BETWEEN_HOPS).mean, 1);
  });

  it('shows where the slowest 1% of launches spent their time: here the partner, not the server', () => {
    // 198 ordinary launches and two whose platform answered late.
    const launches = [...Array.from({ length: 198 }, () => launch(10, 2, 40, 8)), launch(11, 300, 41, 8), launch(10, 250, 40, 9)];
    const stats = hopBreakdown(launches, SERVER);
    assert.equal(row(stats, 'GET /api/lti/authorize_redirect').tailMean, 275);
    assert.equal(row(stats, 'GET /api/lti/authorize_redirect').p50, 2);
    assert.equal(row(stats, 'POST /lti/launch').tailMean, 40.5);
  });

  it('adds up a request a launch makes twice, and counts a launch refused early only for the hops it made', () => {
    const refused: TimedLaunch = { ms: 5, hops: [{ hop: 'POST /lti/login', origin: SERVER, ms: 5 }] };
    const twice: TimedLaunch = { ms: 30, hops: [{ hop: 'GET /auth/clever', origin: SERVER, ms: 10 }, { hop: 'GET /auth/clever', origin: SERVER, ms: 20 }] };
    const stats = hopBreakdown([launch(10, 2, 40, 8), refused, twice], SERVER);
    assert.equal(row(stats, 'POST /lti/launch').launches, 1);
    assert.equal(row(stats, 'POST /lti/login').launches, 2);
    assert.equal(row(stats, 'GET /auth/clever').mean, 30);
  });

  it('is empty for a phase whose launches were not timed', () => {
    assert.deepEqual(hopBreakdown([{ ms: 10 }, { ms: 12 }], SERVER), []);
  });

  it('takes each hop’s median over the rounds and the total of its launches', () => {
    const rounds = [10, 30, 20].map((post) => hopBreakdown([launch(10, 2, post, 8)], SERVER));
    const merged = medianHops(rounds);
    assert.equal(row(merged, 'POST /lti/launch').p50, 20);
    assert.equal(row(merged, 'POST /lti/launch').launches, 3);
    assert.deepEqual(merged.map((s) => s.hop), rounds[0]!.map((s) => s.hop));
  });
});
