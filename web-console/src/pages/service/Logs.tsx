// Follows the service's logs (GET …/logs?follow=true, NDJSON) while the tab is open; changing a
// filter restarts the stream.
import { useEffect, useRef, useState } from 'preact/hooks';
import { CONSOLE_HEADERS, checkUnauthorized, errorOf, messageOf, paths } from '../../api';
import { ErrorText } from '../../components/Status';
import { clockTime } from '../../format';
import type { LogLine } from '../../types';

const MAX_LINES = 2000;
const FILTER_DELAY_MS = 300;

interface Filters {
  grep: string;
  version: string;
  instance: string;
  since: string;
}

type Shown = LogLine & { seq: number };

export function Logs({ env, svc }: { env: string; svc: string }) {
  const [filters, setFilters] = useState<Filters>({ grep: '', version: '', instance: '', since: '' });
  const applied = useDebounced(filters, FILTER_DELAY_MS);
  const { lines, error, following } = useLogStream(env, svc, applied);
  const list = useAutoScroll(lines);

  const filter = (key: keyof Filters, label: string, placeholder: string) => (
    <div class="field">
      <label for={`log-${key}`}>{label}</label>
      <input
        id={`log-${key}`}
        data-test={`log-${key}`}
        placeholder={placeholder}
        value={filters[key]}
        onInput={(e) => setFilters({ ...filters, [key]: e.currentTarget.value })}
      />
    </div>
  );

  return (
    <>
      <form class="filters" role="search" onSubmit={(e) => e.preventDefault()}>
        {filter('grep', 'Contains', 'text (case-sensitive)')}
        {filter('version', 'Version', 'e.g. 3')}
        {filter('instance', 'Instance', 'instance id')}
        {filter('since', 'Since', '10m, 2h or an ISO time')}
      </form>
      <ErrorText message={error} test="logs-error" />
      <p class="muted" role="status">
        {following ? 'Following' : 'Not following'} · {lines.length} {lines.length === 1 ? 'line' : 'lines'}
        {lines.length === MAX_LINES && ` (the newest ${MAX_LINES})`}
      </p>
      <ol class="logs" data-test="logs" ref={list} tabIndex={0} aria-label="Log lines">
        {lines.length === 0 && <li class="muted">No lines yet.</li>}
        {lines.map((line) => (
          <li key={line.seq} data-test="log-line" class={`log-${line.error ? 'error' : line.stream}`}>
            <time>{clockTime(line.time)}</time> <span class="log-instance">{line.instance ?? line.node}</span>{' '}
            <span class="log-stream">{line.error ? 'error' : line.stream}</span> <span class="log-text">{line.error ?? line.text}</span>
          </li>
        ))}
      </ol>
    </>
  );
}

function useDebounced<T>(value: T, delayMs: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setSettled(value), delayMs);
    return () => clearTimeout(timer);
  }, [value]);
  return settled;
}

function logsUrl(env: string, svc: string, filters: Filters): string {
  const query = new URLSearchParams({ limit: '200', follow: 'true' });
  for (const [key, value] of Object.entries(filters)) if (value.trim() !== '') query.set(key, value.trim());
  return `${paths.service(env, svc)}/logs?${query}`;
}

/** Reads the NDJSON body as it arrives, keeping the newest MAX_LINES; aborts when filters change or on leaving. */
function useLogStream(env: string, svc: string, filters: Filters) {
  const [lines, setLines] = useState<Shown[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [following, setFollowing] = useState(false);

  useEffect(() => {
    const abort = new AbortController();
    let seq = 0;
    setLines([]);
    setError(null);
    const follow = async () => {
      const url = logsUrl(env, svc, filters);
      const res = await fetch(url, { headers: CONSOLE_HEADERS, credentials: 'same-origin', signal: abort.signal });
      checkUnauthorized(res.status, 'GET', url);
      if (!res.ok || !res.body) throw await errorOf(res);
      setFollowing(true);
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let pending = '';
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        pending += decoder.decode(value, { stream: true });
        const complete = pending.split('\n');
        pending = complete.pop() ?? '';
        const parsed = complete.filter((l) => l.trim() !== '').map((l) => ({ ...(JSON.parse(l) as LogLine), seq: seq++ }));
        if (parsed.length > 0) setLines((shown) => [...shown, ...parsed].slice(-MAX_LINES));
      }
    };
    follow()
      .catch((e) => {
        if (!abort.signal.aborted) setError(messageOf(e));
      })
      .finally(() => {
        if (!abort.signal.aborted) setFollowing(false);
      });
    return () => abort.abort();
  }, [env, svc, filters]);

  return { lines, error, following };
}

/** Keeps the list scrolled to its end while the reader is at the end. */
function useAutoScroll(lines: unknown[]) {
  const list = useRef<HTMLOListElement>(null);
  const atEnd = useRef(true);
  useEffect(() => {
    const el = list.current;
    if (!el) return;
    const onScroll = () => {
      atEnd.current = el.scrollHeight - el.scrollTop - el.clientHeight < 24;
    };
    el.addEventListener('scroll', onScroll);
    return () => el.removeEventListener('scroll', onScroll);
  }, []);
  useEffect(() => {
    const el = list.current;
    if (el && atEnd.current) el.scrollTop = el.scrollHeight;
  }, [lines]);
  return list;
}
