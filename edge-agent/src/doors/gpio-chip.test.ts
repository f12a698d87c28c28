import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sysfsGpioNumber } from './gpio-chip.ts';

const roots: string[] = [];
afterEach(() => roots.splice(0).forEach((r) => rmSync(r, { recursive: true, force: true })));

/** A /sys/class/gpio as each kernel shows it (only the chip attributes the mapping reads). */
function sysfsTree(chips: { base: number; ngpio: number; label: string }[]) {
  const root = mkdtempSync(join(tmpdir(), 'foyer-gpiochips-'));
  roots.push(root);
  for (const chip of chips) {
    const dir = join(root, `gpiochip${chip.base}`);
    mkdirSync(dir);
    for (const [k, v] of Object.entries(chip)) writeFileSync(join(dir, k), `${v}\n`);
  }
  return root;
}

describe('BCM line → sysfs GPIO number', () => {
  it('is the line itself on kernels before 6.6 (header chip at base 0)', () => {
    const root = sysfsTree([
      { base: 0, ngpio: 58, label: 'pinctrl-bcm2711' },
      { base: 504, ngpio: 8, label: 'raspberrypi-exp-gpio' },
    ]);
    expect(sysfsGpioNumber(17, { root })).toBe(17);
  });

  it('is offset by 512 on a Pi 4 with kernel 6.6+', () => {
    const root = sysfsTree([
      { base: 512, ngpio: 58, label: 'pinctrl-bcm2711' },
      { base: 570, ngpio: 8, label: 'raspberrypi-exp-gpio' },
    ]);
    expect(sysfsGpioNumber(17, { root })).toBe(529);
  });

  it('is offset by 571 on a Pi 5 (RP1), whatever other chips come first', () => {
    const root = sysfsTree([
      { base: 512, ngpio: 32, label: 'gpio-brcmstb@107d508500' },
      { base: 544, ngpio: 4, label: 'gpio-brcmstb@107d517c00' },
      { base: 571, ngpio: 54, label: 'pinctrl-rp1' },
    ]);
    expect(sysfsGpioNumber(17, { root })).toBe(588);
  });

  it('says which chips it saw when none is a Pi header controller, and honours chipLabel', () => {
    const root = sysfsTree([{ base: 100, ngpio: 32, label: 'gpio-mockup-A' }]);
    expect(() => sysfsGpioNumber(3, { root })).toThrow(/gpiochip100 "gpio-mockup-A".*chipLabel/);
    expect(sysfsGpioNumber(3, { root, chipLabel: 'gpio-mockup-A' })).toBe(103);
    expect(() => sysfsGpioNumber(40, { root, chipLabel: 'gpio-mockup-A' })).toThrow(/beyond/);
  });
});
