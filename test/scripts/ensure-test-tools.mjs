// Tools the tests drive from Debian's packages: Chromium for the end-to-end tests (tools that
// download their own browser cannot here) and socat for the edge agent's serial-reader tests (a
// real pseudo-terminal pair). Install what is missing when we may; otherwise say exactly what to do.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const onPath = (command) => {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};

const missing = [];
if (!existsSync(chromium)) missing.push({ pkg: 'chromium', why: `the end-to-end tests need Chromium at ${chromium} (or set CHROMIUM_PATH)` });
if (!onPath('socat')) missing.push({ pkg: 'socat', why: 'the edge agent tests make pseudo-terminal pairs with socat' });

if (missing.length > 0) {
  const packages = missing.map((m) => m.pkg);
  if (process.getuid?.() === 0 && existsSync('/usr/bin/apt-get')) {
    console.error(`Installing Debian's ${packages.join(' and ')} for the tests: ${missing.map((m) => m.why).join('; ')}…`);
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', ...packages], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  } else {
    for (const m of missing) console.error(`Missing ${m.pkg}: ${m.why}.`);
    console.error(`Install with: sudo apt-get install ${packages.join(' ')}`);
    process.exit(1);
  }
}
