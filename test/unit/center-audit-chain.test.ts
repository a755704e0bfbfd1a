/**
 * A center's audit chain, one link per Lima day (src/audit/centerChain.ts; issue 13: "the daily
 * head of each center's chain included in the monthly report, so a later rewrite is
 * detectable"), property-tested with fast-check over random runs with entries on random days.
 */
import fc from 'fast-check';
import { exportChain } from '../../src/audit/chain';
import {
  centerGenesisHash,
  chainCenterDays,
  datesBetween,
  runDayHeads,
  verifyCenterMonth,
  type RunDays,
} from '../../src/audit/centerChain';
import { limaInstant } from '../../src/calendar/businessCalendar';

const CENTER = 'piura';
const DATES = datesBetween('2026-11-01', '2026-11-30');

/** A run's timeline: entries at random minutes of random days of November, in time order. */
const timeline = fc
  .array(fc.record({ day: fc.integer({ min: 0, max: 29 }), minute: fc.integer({ min: 0, max: 1439 }), summary: fc.string({ maxLength: 10 }) }), { minLength: 1, maxLength: 12 })
  .map((es) =>
    es
      .map((e) => ({ at: new Date(limaInstant(DATES[e.day], '00:00').getTime() + e.minute * 60_000).toISOString(), kind: 'step', summary: e.summary }))
      .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0))
      .map((e, i) => ({ eventId: i + 1, ...e })),
  );
const runs = fc.uniqueArray(fc.record({ runId: fc.stringMatching(/^PM1\.4\.2-piura-2026-\d{5}$/), timeline }), { minLength: 1, maxLength: 6, selector: (r) => r.runId });

const daysOf = (rs: { runId: string; timeline: { at: string }[] }[]): RunDays[] => rs.map((r) => runDayHeads(r.runId, r.timeline));
const chain = (rs: RunDays[], startHead = centerGenesisHash(CENTER)) => chainCenterDays({ centerId: CENTER, dates: DATES, startHead, runs: rs });
const limaDay = (at: string) => new Date(Date.parse(at) - 5 * 3600_000).toISOString().slice(0, 10);

test("when a run has entries on a day, then its head for that day is the hash of its last entry of the day in the run's own audit export", () => {
  fc.assert(
    fc.property(timeline, (t) => {
      const x = exportChain('PM1.4.2-piura-2026-00001', t, new Date(0));
      for (const d of runDayHeads('PM1.4.2-piura-2026-00001', t).days) {
        const ofDay = x.entries.filter((l) => limaDay(String(l.entry.at)) === d.date);
        expect(d.entries).toBe(ofDay.length);
        expect(d.head).toBe(ofDay[ofDay.length - 1].hash);
      }
    }),
  );
});

test('when a month is chained, then every day has a link (days without entries too), each chained to the day before, and the first to the start head', () => {
  fc.assert(
    fc.property(runs, (rs) => {
      const days = chain(daysOf(rs));
      expect(days.map((d) => d.date)).toEqual(DATES);
      expect(days[0].prevHead).toBe(centerGenesisHash(CENTER));
      for (let i = 1; i < days.length; i++) expect(days[i].prevHead).toBe(days[i - 1].head);
      expect(new Set(days.map((d) => d.head)).size).toBe(DATES.length);
      expect(verifyCenterMonth({ centerId: CENTER, startHead: days[0].prevHead, recorded: days, runs: daysOf(rs), unavailable: new Set() })).toMatchObject({ ok: true, firstDifferingDay: null });
    }),
  );
});

test('when a past day is chained again after its runs went on, then its head is the same (histories only grow)', () => {
  fc.assert(
    fc.property(runs, fc.integer({ min: 0, max: 28 }), (rs, cut) => {
      // As recorded at the end of day `cut`: only the entries up to then.
      const end = limaInstant(DATES[cut + 1], '00:00').toISOString();
      const then = chain(daysOf(rs.map((r) => ({ ...r, timeline: r.timeline.filter((e) => e.at < end) }))));
      const now = chain(daysOf(rs));
      expect(now.slice(0, cut + 1).map((d) => d.head)).toEqual(then.slice(0, cut + 1).map((d) => d.head));
    }),
  );
});

test('when any one entry of any run is altered, then the head of its day and of every day after changes, no day before does, and the check names that day and that run', () => {
  fc.assert(
    fc.property(runs, fc.nat(), fc.nat(), fc.string({ minLength: 1, maxLength: 6 }), (rs, r, e, extra) => {
      const recorded = chain(daysOf(rs));
      const victim = rs[r % rs.length];
      const k = e % victim.timeline.length;
      const altered = rs.map((x) => (x !== victim ? x : { ...x, timeline: x.timeline.map((en, i) => (i === k ? { ...en, summary: `${en.summary}${extra}` } : en)) }));
      const after = chain(daysOf(altered));
      const d = DATES.indexOf(limaDay(victim.timeline[k].at));
      for (let i = 0; i < DATES.length; i++) {
        if (i < d) expect(after[i].head).toBe(recorded[i].head);
        else expect(after[i].head).not.toBe(recorded[i].head);
      }
      const check = verifyCenterMonth({ centerId: CENTER, startHead: recorded[0].prevHead, recorded, runs: daysOf(altered), unavailable: new Set() });
      expect(check).toMatchObject({ ok: false, firstDifferingDay: DATES[d] });
      expect(check.days[d].differences).toEqual([expect.objectContaining({ runId: victim.runId, change: 'altered' })]);
      expect(check.days.slice(0, d).every((x) => x.status === 'verified')).toBe(true);
    }),
  );
});

test("when a run's history is gone (retention), then its days are taken as recorded and marked not rechecked, and the month still matches", () => {
  fc.assert(
    fc.property(runs, fc.nat(), (rs, r) => {
      const all = daysOf(rs);
      const recorded = chain(all);
      const gone = all[r % all.length].runId;
      const check = verifyCenterMonth({ centerId: CENTER, startHead: recorded[0].prevHead, recorded, runs: all.filter((x) => x.runId !== gone), unavailable: new Set([gone]) });
      expect(check.ok).toBe(true);
      for (const day of check.days) {
        const had = recorded.find((x) => x.date === day.date)!.runs.some((x) => x.runId === gone);
        expect(day.status).toBe(had ? 'verified_in_part' : 'verified');
        expect(day.notRechecked).toEqual(had ? [gone] : []);
      }
    }),
  );
});

test('when a run vanishes from the histories, or a run not recorded appears, then the check names the first day it had entries on, as missing or added', () => {
  fc.assert(
    fc.property(runs, timeline, (rs, extra) => {
      const all = daysOf(rs);
      const recorded = chain(all);
      const removed = verifyCenterMonth({ centerId: CENTER, startHead: recorded[0].prevHead, recorded, runs: all.slice(1), unavailable: new Set() });
      expect(removed.firstDifferingDay).toBe(all[0].days[0].date);
      expect(removed.days.find((d) => d.date === removed.firstDifferingDay)!.differences).toEqual([expect.objectContaining({ runId: all[0].runId, change: 'missing' })]);
      const inserted = runDayHeads('PM1.4.2-piura-2026-99999x', extra);
      const added = verifyCenterMonth({ centerId: CENTER, startHead: recorded[0].prevHead, recorded, runs: [...all, inserted], unavailable: new Set() });
      expect(added.firstDifferingDay).toBe(inserted.days[0].date);
      expect(added.days.find((d) => d.date === added.firstDifferingDay)!.differences).toEqual([expect.objectContaining({ runId: inserted.runId, change: 'added' })]);
    }),
  );
});

test("when the stored head of a day is edited, then the check names that day as inconsistent with its record", () => {
  fc.assert(
    fc.property(runs, fc.nat(), (rs, k) => {
      const all = daysOf(rs);
      const recorded = chain(all);
      const withRuns = recorded.filter((d) => d.runs.length);
      const day = withRuns[k % withRuns.length];
      const edited = recorded.map((d) => (d !== day ? d : { ...d, head: 'f'.repeat(64) }));
      const check = verifyCenterMonth({ centerId: CENTER, startHead: recorded[0].prevHead, recorded: edited, runs: all, unavailable: new Set() });
      expect(check.firstDifferingDay).toBe(day.date);
      expect(check.days.find((d) => d.date === day.date)).toMatchObject({ status: 'differs', recordInconsistent: true, differences: [] });
    }),
  );
});

test("when two centers or two start heads chain the same runs, then their heads differ (a month cannot be moved to another center or another place in the chain)", () => {
  const rs = daysOf([{ runId: 'PM1.4.2-piura-2026-00001', timeline: [{ at: limaInstant('2026-11-03', '10:00').toISOString() }] }]);
  const a = chain(rs);
  const b = chainCenterDays({ centerId: 'callao', dates: DATES, startHead: centerGenesisHash('callao'), runs: rs });
  const c = chain(rs, a[a.length - 1].head);
  expect(a[a.length - 1].head).not.toBe(b[b.length - 1].head);
  expect(a[a.length - 1].head).not.toBe(c[c.length - 1].head);
});
