import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const src = fileURLToPath(new URL('..', import.meta.url));
const svelteFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? svelteFiles(join(dir, e.name)) : e.name.endsWith('.svelte') ? [join(dir, e.name)] : [],
  );

describe('forms', () => {
  // Before the app has started, or with scripts off, the browser submits a form itself: a form
  // without method="post" would send its fields (a password, a guest's phone) in the address.
  it('all say method="post"', () => {
    const forms = svelteFiles(src).flatMap((file) =>
      [...readFileSync(file, 'utf8').matchAll(/<form\b[^>]*>/g)].map((m) => ({ file: relative(src, file), tag: m[0] })),
    );
    expect(forms.length).toBeGreaterThan(5);
    expect(forms.filter((f) => !/\smethod="post"/.test(f.tag)).map((f) => f.file)).toEqual([]);
  });
});
