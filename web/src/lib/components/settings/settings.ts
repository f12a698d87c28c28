import type { CustomField } from '@foyer/schema/validation';

export const fieldTypeLabels: Record<CustomField['type'], string> = {
  text: 'Text',
  number: 'Number',
  date: 'Date',
  choice: 'Choice',
  boolean: 'Yes / no',
};

/** The colors offered when creating a tag: those of the built-in tags and a few more. */
export const tagPalette = [
  '#b45309',
  '#0891b2',
  '#15803d',
  '#7c3aed',
  '#1d4ed8',
  '#64748b',
  '#db2777',
  '#0f766e',
  '#c026d3',
  '#65a30d',
  '#dc2626',
  '#991b1b',
  '#ea580c',
  '#4f46e5',
];

/** The options textarea as a list: one per line, trimmed, blanks and repeats dropped. */
export function optionLines(text: string): string[] {
  const seen = new Set<string>();
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !seen.has(l) && (seen.add(l), true));
}

/**
 * The position changes that put `fields` (in their current order) into the order with the field
 * at `from` moved to `to`: every field whose index differs from its position gets its index, so
 * the order is dense and unambiguous afterwards.
 */
export function reorder(fields: CustomField[], from: number, to: number): { id: string; position: number }[] {
  const next = [...fields];
  const [moved] = next.splice(from, 1);
  if (!moved) return [];
  next.splice(to, 0, moved);
  return next.flatMap((f, i) => (f.position === i ? [] : [{ id: f.id, position: i }]));
}
