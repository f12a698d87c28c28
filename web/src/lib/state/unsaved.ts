/**
 * The forms of the page that hold unsaved edits. Each form registers a getter (read at the moment a
 * navigation starts, so a save that just finished counts as saved) and drops it when it unmounts.
 */
const forms = new Set<() => boolean>();

/** Registers a form's "has unsaved edits" getter; returns the function that removes it. */
export function trackUnsaved(isDirty: () => boolean): () => void {
  forms.add(isDirty);
  return () => forms.delete(isDirty);
}

/** Whether any form on the page holds edits that were not saved. */
export function hasUnsavedEdits(): boolean {
  for (const isDirty of forms) if (isDirty()) return true;
  return false;
}
