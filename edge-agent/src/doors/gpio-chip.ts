import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SYSFS_GPIO_ROOT = '/sys/class/gpio';

/** Labels of the main GPIO controller on Raspberry Pis: 0–3 and Zero, 4 and 400, 5. */
const PI_HEADER_CHIP_LABELS = ['pinctrl-bcm2835', 'pinctrl-bcm2711', 'pinctrl-rp1'];

export type GpioChip = { name: string; base: number; ngpio: number; label: string };

export function listGpioChips(root = SYSFS_GPIO_ROOT): GpioChip[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((name) => /^gpiochip\d+$/.test(name))
    .map((name) => {
      const read = (file: string) => readFileSync(join(root, name, file), 'utf8').trim();
      return { name, base: Number(read('base')), ngpio: Number(read('ngpio')), label: read('label') };
    });
}

/**
 * The sysfs number of a BCM line. Before kernel 6.6 the header chip's base was 0, so BCM 17 was
 * gpio17; since 6.6 bases are allocated dynamically from 512 (a Pi 4 shows gpiochip512, a Pi 5's
 * RP1 gpiochip571), and writing 17 to `export` fails or, worse, grabs another chip's line. So the
 * base comes from the chip whose label says it is the header's controller (or `chipLabel`).
 */
export function sysfsGpioNumber(bcmLine: number, options: { root?: string; chipLabel?: string } = {}): number {
  const chips = listGpioChips(options.root);
  const wanted = options.chipLabel ? [options.chipLabel] : PI_HEADER_CHIP_LABELS;
  const chip = chips.find((c) => wanted.includes(c.label));
  if (!chip) {
    const seen = chips.map((c) => `${c.name} "${c.label}"`).join(', ') || 'none';
    throw new Error(`No GPIO chip labelled ${wanted.join(' or ')} under ${options.root ?? SYSFS_GPIO_ROOT} (found: ${seen}); set doors[].chipLabel`);
  }
  if (bcmLine >= chip.ngpio) throw new Error(`GPIO line ${bcmLine} is beyond ${chip.label}'s ${chip.ngpio} lines`);
  return chip.base + bcmLine;
}
