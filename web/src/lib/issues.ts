import type { FieldIssue } from '@foyer/schema/validation';

/** Field errors keyed by dotted path (`firstName`, `emails.1`); `(body)` holds the whole-form ones. */
export type FieldErrors = Record<string, string>;

export const FORM = '(body)';

/**
 * Turns issues (from zod via fieldIssues, or from the API) into one message per field.
 * `remap` translates a path of the submitted body back to the form's own path (e.g. when empty
 * list rows were dropped before sending, `emails.0` may be the form's `emails.2`).
 * The first message for a field wins; several whole-form messages are joined.
 */
export function toFieldErrors(issues: FieldIssue[], remap: (field: string) => string = (f) => f): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of issues) {
    const field = issue.field === '' ? FORM : remap(issue.field);
    if (field === FORM) {
      if (!errors[FORM]) errors[FORM] = issue.message;
      else if (!errors[FORM].includes(issue.message)) errors[FORM] += ` ${issue.message}`;
    } else if (!errors[field]) {
      errors[field] = issue.message;
    }
  }
  return errors;
}

/**
 * The errors that have no input of their own on the form (the whole-object rule, or a field the
 * form does not show): they go to the top of the form.
 */
export function formLevelErrors(errors: FieldErrors, shownFields: (field: string) => boolean): string[] {
  const out: string[] = [];
  for (const [field, message] of Object.entries(errors)) {
    if (field === FORM || !shownFields(field)) if (!out.includes(message)) out.push(message);
  }
  return out;
}

/**
 * A refusal's errors as a form shows them: each beside its field, and the message at the top
 * (or at field `at`) when none of the form's own fields got one (C4's whole-body rule, a conflict
 * without issues, a network failure). `shown` says which fields the form has; by default, any.
 */
export function withFormMessage(errors: FieldErrors, message: string, shown: (field: string) => boolean = () => true, at = FORM): FieldErrors {
  if (!Object.keys(errors).some(shown)) errors[at] = message;
  return errors;
}
