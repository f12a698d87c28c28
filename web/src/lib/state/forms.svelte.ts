import { tick, untrack } from 'svelte';
import type { FieldIssue } from '@foyer/schema/validation';
import { ApiFailure, failureMessage } from '$lib/api';
import { FORM, toFieldErrors, withFormMessage, type FieldErrors } from '$lib/issues';

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

/** What a form's `check` answers: the errors to show, or the request to send. */
export type Checked = { errors: FieldErrors } | { send: () => Promise<unknown>; errorsOf?: (issues: FieldIssue[]) => FieldErrors };

type SubmitOptions = {
  /**
   * Checks the form's values here, as the server would: its errors, or `send`, which makes the
   * request and does what follows it (close, toast, tell the parent), still busy; `errorsOf`
   * places a refusal's issues on the form's fields (default: each at its own path). Null: valid,
   * but nothing to send (nothing changed).
   */
  check: () => Checked | null;
  /** The id of the form's error summary: focused when no field is marked invalid. */
  summary?: string;
  /** The fields the form shows; a refusal that names none of them shows its message at `messageAt`. */
  shown?: (field: string) => boolean;
  /** Where such a message goes: the form's top (`FORM`, the default) or one field. */
  messageAt?: string;
  /** The message for a failure that is not the API's (a bug, not a refusal). */
  fallback?: string;
  /** Adjusts (or replaces) the errors a refusal shows. */
  refused?: (failure: ApiFailure, errors: FieldErrors) => FieldErrors | void;
};

/**
 * How every form here submits: `<form method="post" onsubmit={save.submit}>`. The browser's own
 * submit is prevented (the page talks JSON to the API); a second submit while one is in flight is
 * ignored; values are checked here first and a refusal from the API comes back beside its fields;
 * either way the first invalid field (else the summary) gets focus.
 */
export class FormSubmit {
  /** A request is in flight. */
  busy = $state(false);
  /** Messages by field path; `FORM` holds those of the whole form. */
  errors = $state<FieldErrors>({});
  /** The form element, for focus: `bind:this={save.form}`. */
  form = $state<HTMLFormElement>();

  readonly #options: SubmitOptions;

  constructor(options: SubmitOptions) {
    this.#options = options;
  }

  /** Clears errors and busy, e.g. when a dialog opens again. */
  reset(): void {
    this.errors = {};
    this.busy = false;
  }

  /** Shows `errors` and moves focus to the first of them. */
  show(errors: FieldErrors): Promise<void> {
    this.errors = errors;
    return focusFirstProblem(this.form, this.#options.summary);
  }

  readonly submit = async (event?: Event): Promise<void> => {
    event?.preventDefault();
    if (this.busy) return;
    const checked = this.#options.check();
    if (checked && 'errors' in checked) return this.show(checked.errors);
    this.errors = {};
    if (!checked) return;
    this.busy = true;
    try {
      await checked.send();
    } catch (e) {
      const { shown = () => true, messageAt = FORM, fallback, refused } = this.#options;
      const failure = e instanceof ApiFailure ? e : new ApiFailure(0, 'unknown', failureMessage(e, fallback));
      let errors = withFormMessage((checked.errorsOf ?? toFieldErrors)(failure.issues), failure.message, shown, messageAt);
      errors = refused?.(failure, errors) ?? errors;
      this.busy = false;
      await this.show(errors);
    } finally {
      this.busy = false;
    }
  };
}
