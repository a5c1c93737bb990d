// Small hooks shared by the pages: loading a resource, and an environment's live state.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, messageOf, paths } from './api';
import type { EnvironmentState } from './types';

export interface Loaded<T> {
  data: T | undefined;
  error: string | null;
  loading: boolean;
  reload: () => void;
}

/** Calls load when deps change (and on reload()), keeping the last data while a reload runs. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [generation, setGeneration] = useState(0);
  useEffect(() => {
    let current = true;
    setLoading(true);
    load().then(
      (value) => {
        if (!current) return;
        setData(value);
        setError(null);
        setLoading(false);
      },
      (e) => {
        if (!current) return;
        setError(messageOf(e));
        setLoading(false);
      },
    );
    return () => {
      current = false;
    };
  }, [...deps, generation]);
  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  return { data, error, loading, reload };
}

export interface LiveState {
  state: EnvironmentState | undefined;
  problem: string | null;
}

/**
 * Follows GET /api/v1/environments/{env}/events (event "state", docs/console.md) while mounted. The
 * browser reconnects by itself after a network error; a refused stream (404, 401) closes it, and
 * then the environment is read once to learn why.
 */
export function useEnvironmentState(env: string): LiveState {
  const [state, setState] = useState<EnvironmentState>();
  const [problem, setProblem] = useState<string | null>(null);
  useEffect(() => {
    setState(undefined);
    setProblem(null);
    const source = new EventSource(paths.events(env));
    source.addEventListener('state', (e) => {
      setState(JSON.parse((e as MessageEvent<string>).data));
      setProblem(null);
    });
    source.onerror = () => {
      if (source.readyState !== EventSource.CLOSED) {
        setProblem('Live updates interrupted; reconnecting…');
        return;
      }
      api.environment(env).then(
        () => setProblem('Live updates stopped; reload the page to try again.'),
        (e) => setProblem(messageOf(e)),
      );
    };
    return () => source.close();
  }, [env]);
  return { state, problem };
}
