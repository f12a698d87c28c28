import { tick, untrack } from 'svelte';

/**
 * Runs `reset` each time `isOpen()` turns true, before the dialog renders: a dialog's form starts
 * fresh at every opening. Call it while a component initializes, like any effect.
 */
export function resetOnOpen(isOpen: () => boolean, reset: () => void): void {
  let wasOpen = false;
  $effect.pre(() => {
    const open = isOpen();
    if (open && !wasOpen) untrack(reset);
    wasOpen = open;
  });
}

/**
 * Runs `reset` with the saved value when it changes, and only then: a form editing a saved value
 * starts from it, follows it when it is saved (here or by a colleague), but a reload that brings
 * the same value back (another form's save on the page) leaves what is being typed alone.
 */
export function resetOnChange<T>(saved: () => T, reset: (value: T) => void): void {
  let shown: { value: T } | undefined;
  $effect.pre(() => {
    const value = saved();
    if (shown && Object.is(shown.value, value)) return;
    shown = { value };
    untrack(() => reset(value));
  });
}

/**
 * After a refused submit: focus the first field marked invalid in `form`, else the element with
 * `fallbackId` (the form's error summary), once the errors have rendered.
 */
export async function focusFirstProblem(form: HTMLElement | undefined, fallbackId?: string): Promise<void> {
  await tick();
  const target = form?.querySelector<HTMLElement>('[aria-invalid="true"]') ?? (fallbackId ? document.getElementById(fallbackId) : null);
  target?.focus();
}
