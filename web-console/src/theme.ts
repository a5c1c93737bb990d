// Light and dark themes: the system's (prefers-color-scheme) until the user picks one with the
// toggle; the pick is kept in localStorage under "lever-theme", the only thing the console stores.
export type Theme = 'light' | 'dark';

const KEY = 'lever-theme';
const systemDark = () => window.matchMedia('(prefers-color-scheme: dark)').matches;

function storedTheme(): Theme | null {
  const value = localStorage.getItem(KEY);
  return value === 'light' || value === 'dark' ? value : null;
}

export const currentTheme = (): Theme => storedTheme() ?? (systemDark() ? 'dark' : 'light');

/**
 * Puts the theme on <html data-theme>, which app.css reads, and keeps following the system's until
 * the user picks one.
 */
export function applyTheme(): void {
  document.documentElement.dataset.theme = currentTheme();
  window.matchMedia('(prefers-color-scheme: dark)').addEventListener('change', () => {
    document.documentElement.dataset.theme = currentTheme();
  });
}

export function setTheme(theme: Theme): void {
  localStorage.setItem(KEY, theme);
  document.documentElement.dataset.theme = theme;
}
