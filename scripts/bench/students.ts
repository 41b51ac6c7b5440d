/**
 * The people a benchmark launches: students with stable, partner-shaped ids, so a run can be
 * repeated and each phase's students are distinct from every other phase's.
 */

export type BenchPartner = 'canvas' | 'clever' | 'classlink';
export const BENCH_PARTNERS: readonly BenchPartner[] = ['canvas', 'clever', 'classlink'];

export interface Student {
  /** The partner's id for the person (Clever: 24 hex digits; ClassLink: a number; Canvas: a uuid-like sub). */
  subject: string;
  email: string;
  givenName: string;
  familyName: string;
}

/** What the simulator needs to hold the student; `tenant` is the Clever district / ClassLink tenant id. */
export interface SimStudent extends Student {
  tenant: string;
}

/**
 * `count` students numbered from `first` for one partner. `cohort` keeps phases apart (different
 * ids and emails); the email domain is the tenant's verified domain.
 */
export function makeStudents(partner: BenchPartner, cohort: number, first: number, count: number, domain: string): Student[] {
  const out: Student[] = [];
  for (let i = first; i < first + count; i++) {
    const n = cohort * 1_000_000 + i;
    const subject =
      partner === 'clever'
        ? // 24 hex digits like an ObjectId; zero-padded, since padding with a digit would make 0xb3 and 0x3 the same id.
          `b${n.toString(16).padStart(23, '0')}`
        : partner === 'classlink'
          ? String(10_000_000 + n)
          : `bench-${n.toString(36).padStart(8, '0')}`;
    out.push({ subject, email: `${partner}.s${n}@${domain}`, givenName: 'Student', familyName: `No${n}` });
  }
  return out;
}
