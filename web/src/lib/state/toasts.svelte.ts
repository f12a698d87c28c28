export type ToastKind = 'success' | 'error' | 'info';
/** `download`: the link is a file (an export), fetched by the browser rather than the app's router. */
export type Toast = { id: number; kind: ToastKind; message: string; href?: string; linkText?: string; download?: boolean };

/** Short-lived notices ("Customer created"), announced through a polite live region. */
class Toasts {
  items = $state<Toast[]>([]);
  #next = 1;

  push(message: string, options: { kind?: ToastKind; href?: string; linkText?: string; download?: boolean; timeout?: number } = {}) {
    const { kind = 'success', timeout = kind === 'error' ? 8000 : 5000, ...link } = options;
    const id = this.#next++;
    this.items = [...this.items, { id, kind, message, ...link }].slice(-4);
    if (typeof window !== 'undefined' && timeout > 0) setTimeout(() => this.dismiss(id), timeout);
    return id;
  }

  dismiss(id: number) {
    this.items = this.items.filter((t) => t.id !== id);
  }
}

export const toasts = new Toasts();
