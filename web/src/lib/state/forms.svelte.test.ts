import { describe, expect, it } from 'vitest';
import { ApiFailure } from '$lib/api';
import { FORM } from '$lib/issues';
import { FormSubmit } from './forms.svelte';

/** A submit event that records whether the browser's own submit was prevented. */
const submitEvent = () => {
  const event = { defaultPrevented: false, preventDefault: () => (event.defaultPrevented = true) };
  return event as unknown as Event & { defaultPrevented: boolean };
};

describe('FormSubmit', () => {
  it("prevents the browser's submit and shows what the check refuses, sending nothing", async () => {
    const form = new FormSubmit({ check: () => ({ errors: { name: 'Enter a name' } }) });
    const event = submitEvent();
    await form.submit(event);
    expect(event.defaultPrevented).toBe(true);
    expect(form.errors).toEqual({ name: 'Enter a name' });
    expect(form.busy).toBe(false);
  });

  it('sends what the check allows, busy meanwhile, and clears earlier errors', async () => {
    let release!: () => void;
    let checks = 0;
    const form = new FormSubmit({ check: () => (checks++, { send: () => new Promise<void>((r) => (release = r)) }) });
    form.errors = { name: 'Old' };
    const done = form.submit(submitEvent());
    expect(form.busy).toBe(true);
    expect(form.errors).toEqual({});
    // A second submit while the first is in flight is ignored.
    const again = submitEvent();
    await form.submit(again);
    expect(again.defaultPrevented).toBe(true);
    expect(checks).toBe(1);
    release();
    await done;
    expect(form.busy).toBe(false);
  });

  it('with nothing to send, clears errors and stays idle', async () => {
    const form = new FormSubmit({ check: () => null });
    form.errors = { name: 'Old' };
    await form.submit();
    expect(form.errors).toEqual({});
    expect(form.busy).toBe(false);
  });

  it("puts a refusal's issues beside the form's fields, through errorsOf", async () => {
    const refusal = new ApiFailure(400, 'invalid', 'Not valid', [{ field: 'emails.0', message: 'Not an email' }]);
    const form = new FormSubmit({
      check: () => ({ send: () => Promise.reject(refusal), errorsOf: () => ({ 'emails.2': 'Not an email' }) }),
    });
    await form.submit();
    expect(form.errors).toEqual({ 'emails.2': 'Not an email' });
    expect(form.busy).toBe(false);
  });

  it('says a refusal that names none of the shown fields at the top, or at messageAt', async () => {
    const conflict = new ApiFailure(409, 'conflict', 'That name is taken');
    const top = new FormSubmit({ shown: (f) => f === 'name', check: () => ({ send: () => Promise.reject(conflict) }) });
    await top.submit();
    expect(top.errors).toEqual({ [FORM]: 'That name is taken' });
    const beside = new FormSubmit({ shown: (f) => f === 'name', messageAt: 'name', check: () => ({ send: () => Promise.reject(conflict) }) });
    await beside.submit();
    expect(beside.errors).toEqual({ name: 'That name is taken' });
  });

  it("says the fallback for a failure that is not the API's, and lets `refused` adjust", async () => {
    const form = new FormSubmit({
      fallback: 'Could not save.',
      refused: (failure, errors) => ({ ...errors, code: failure.code }),
      check: () => ({ send: () => Promise.reject(new TypeError('x is undefined')) }),
    });
    await form.submit();
    expect(form.errors).toEqual({ [FORM]: 'Could not save.', code: 'unknown' });
  });
});
