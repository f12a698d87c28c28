import type { MentionOptions } from '@tiptap/extension-mention';
import type { SuggestionKeyDownProps, SuggestionProps } from '@tiptap/suggestion';
import type { StaffMember } from '@foyer/schema/validation';

type Item = StaffMember;
type Props = SuggestionProps<Item, { id: string; label: string }>;

/**
 * The @-mention picker: the organization's staff whose name starts (or has a word starting) with
 * what was typed, in a small listbox under the caret. ↑/↓ move, Enter or Tab picks, Esc closes.
 * Plain DOM: Tiptap drives its life cycle (start, update, key down, exit) outside Svelte.
 */
export function mentionSuggestion(staff: () => StaffMember[]): MentionOptions['suggestion'] {
  return {
    char: '@',
    items: ({ query }) => {
      const q = query.toLowerCase();
      return staff()
        .filter(
          (s) =>
            !q ||
            s.name
              .toLowerCase()
              .split(/\s+/)
              .some((w) => w.startsWith(q)) ||
            s.name.toLowerCase().startsWith(q),
        )
        .slice(0, 8);
    },
    render: () => {
      let list: HTMLUListElement | null = null;
      let props: Props | null = null;
      let active = 0;

      const draw = () => {
        if (!list || !props) return;
        list.replaceChildren();
        if (!props.items.length) {
          const empty = document.createElement('li');
          empty.className = 'px-3 py-2 text-sm text-muted';
          empty.textContent = 'No colleague by that name';
          list.append(empty);
        }
        props.items.forEach((item, i) => {
          const li = document.createElement('li');
          li.id = `mention-option-${i}`;
          li.setAttribute('role', 'option');
          li.setAttribute('aria-selected', String(i === active));
          li.className = `cursor-pointer rounded-md px-3 py-1.5 text-sm ${i === active ? 'bg-primary-soft text-primary-soft-fg' : ''}`;
          li.textContent = item.name;
          li.addEventListener('mousedown', (e) => {
            e.preventDefault();
            pick(i);
          });
          list!.append(li);
        });
        const rect = props.clientRect?.();
        if (rect) {
          list.style.left = `${rect.left + window.scrollX}px`;
          list.style.top = `${rect.bottom + window.scrollY + 4}px`;
        }
      };
      const pick = (i: number) => {
        const item = props?.items[i];
        if (item) props!.command({ id: item.id, label: item.name });
      };

      return {
        onStart: (p: Props) => {
          props = p;
          active = 0;
          list = document.createElement('ul');
          list.setAttribute('role', 'listbox');
          list.setAttribute('aria-label', 'Mention a colleague');
          list.dataset.testid = 'mention-list';
          list.className = 'card absolute z-50 min-w-48 p-1 shadow-pop';
          document.body.append(list);
          draw();
        },
        onUpdate: (p: Props) => {
          props = p;
          active = Math.min(active, Math.max(0, p.items.length - 1));
          draw();
        },
        onKeyDown: ({ event }: SuggestionKeyDownProps) => {
          const count = props?.items.length ?? 0;
          if (event.key === 'Escape') {
            list?.remove();
            list = null;
            return true;
          }
          if (!count) return false;
          if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
            active = (active + (event.key === 'ArrowDown' ? 1 : -1) + count) % count;
            draw();
            return true;
          }
          if (event.key === 'Enter' || event.key === 'Tab') {
            pick(active);
            return true;
          }
          return false;
        },
        onExit: () => {
          list?.remove();
          list = null;
          props = null;
        },
      };
    },
  };
}
