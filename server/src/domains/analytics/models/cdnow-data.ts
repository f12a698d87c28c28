/**
 * The CDNOW reference data (Fader & Hardie's 2,357-customer sample), for the tests that check the
 * models against the published estimates. Read where the repository's neighbours keep it, never
 * copied into the repository: FOYER_CDNOW_DIR, then ../shared/cdnow beside the repository root,
 * then /work/shared/cdnow (a fresh clone elsewhere, as CI's, has no ../shared). Missing data are
 * an error that says where it looked: the reference test must fail, not skip.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Purchase } from './summary.ts';

function repositoryRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'pnpm-workspace.yaml'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the repository root (pnpm-workspace.yaml) above cdnow-data.ts');
    dir = up;
  }
  return dir;
}

export function cdnowDirectory(): string {
  const candidates = [process.env.FOYER_CDNOW_DIR, resolve(repositoryRoot(), '../shared/cdnow'), '/work/shared/cdnow'].filter((d): d is string => !!d);
  const found = candidates.find((d) => existsSync(join(d, 'CDNOW_sample.txt')));
  if (!found)
    throw new Error(
      `The CDNOW reference data are missing: no CDNOW_sample.txt in ${candidates.join(', ')}. ` +
        'Set FOYER_CDNOW_DIR to the folder holding the CDNOW files (see ../shared/cdnow/README.txt).',
    );
  return found;
}

/** Days since 1970-01-01 of a YYYYMMDD date. */
export const dayNumber = (yyyymmdd: string) => Date.UTC(+yyyymmdd.slice(0, 4), +yyyymmdd.slice(4, 6) - 1, +yyyymmdd.slice(6, 8)) / 86_400_000;

/** The calibration period of the published estimates ends on this day (weeks 1–39 of 1997). */
export const CDNOW_CALIBRATION_END = '19970930';

/** The sample's transactions: customer = the sample id (1–2357), day = days since 1970, value in dollars. */
export function readCdnowSample(dir = cdnowDirectory()): (Purchase & { customer: number; yyyymmdd: string })[] {
  // Columns: master id, sample id, date YYYYMMDD, number of CDs, dollar value; CRLF, no header.
  return readFileSync(join(dir, 'CDNOW_sample.txt'), 'utf8')
    .split(/\r?\n/)
    .filter((line) => line.trim())
    .map((line) => {
      const [, id, date, , value] = line.trim().split(/\s+/);
      return { customer: Number(id), day: dayNumber(date!), yyyymmdd: date!, value: Number(value) };
    });
}
