// Loading, error and empty states, the same on every page.
import type { ComponentChildren } from 'preact';

export const Loading = () => <p class="muted" role="status">Loading…</p>;

export function ErrorText({ message, test }: { message: string | null; test?: string }) {
  if (!message) return null;
  return (
    <p class="error" role="alert" data-test={test}>
      {message}
    </p>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return (
    <p class="empty" data-test="empty">
      {children}
    </p>
  );
}
