import assert from 'node:assert/strict';
import { BENCH_PARTNERS, makeStudents } from '../../scripts/bench/students';

describe('benchmark students', () => {
  it('are distinct people within and across cohorts, with partner-shaped ids (a collision would turn a first launch into a repeat)', () => {
    for (const partner of BENCH_PARTNERS) {
      const students = [0, 1, 2].flatMap((cohort) => makeStudents(partner, cohort, 0, 5000, `${partner}.bench.example`));
      assert.equal(new Set(students.map((s) => s.subject)).size, students.length, partner);
      assert.equal(new Set(students.map((s) => s.email)).size, students.length, partner);
      if (partner === 'clever') for (const s of students) assert.match(s.subject, /^[0-9a-f]{24}$/);
    }
  });
});
