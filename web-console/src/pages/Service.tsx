// #/environments/{env}/services/{svc}[/{tab}]: one service, in tabs. The environment's events
// stream is followed here, so every tab sees the same live state and the scaling history survives
// switching tabs.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import type { ReadyPoint } from '../components/InstancesChart';
import { ErrorText } from '../components/Status';
import { useEnvironmentState, useLoad } from '../hooks';
import { links, SERVICE_TABS, type ServiceTab } from '../router';
import type { EnvironmentState } from '../types';
import { Invoke } from './service/Invoke';
import { Logs } from './service/Logs';
import { Overview } from './service/Overview';
import { Scaling } from './service/Scaling';
import { Versions } from './service/Versions';

const HISTORY_SECONDS = 600;

interface Props {
  env: string;
  svc: string;
  tab: ServiceTab;
}

export function ServicePage({ env, svc, tab }: Props) {
  const { state, problem } = useEnvironmentState(env);
  const fetched = useLoad(() => api.service(env, svc), [env, svc]);
  const service = state?.services.find((s) => s.name === svc) ?? fetched.data;
  const history = useReadyHistory(state, svc);

  return (
    <section>
      <h1>
        {svc} <span class="muted">in {env}</span>
      </h1>
      <ErrorText message={fetched.error ?? problem} />
      <nav class="tabs" aria-label="Service">
        {SERVICE_TABS.map((t) => (
          <a key={t} href={links.service(env, svc, t)} data-test={`tab-${t}`} aria-current={t === tab ? 'page' : undefined}>
            {t[0].toUpperCase() + t.slice(1)}
          </a>
        ))}
      </nav>
      <div class="tab-panel">
        {tab === 'overview' && <Overview env={env} svc={svc} service={service} state={state} />}
        {tab === 'versions' && <Versions env={env} svc={svc} service={service} onChanged={fetched.reload} />}
        {tab === 'invoke' && <Invoke env={env} svc={svc} />}
        {tab === 'logs' && <Logs env={env} svc={svc} />}
        {tab === 'scaling' && <Scaling svc={svc} state={state} history={history} />}
      </div>
    </section>
  );
}

/** The service's ready instances at each state event, over the last ten minutes. */
function useReadyHistory(state: EnvironmentState | undefined, svc: string): ReadyPoint[] {
  const [history, setHistory] = useState<ReadyPoint[]>([]);
  useEffect(() => {
    if (!state) return;
    const time = Date.parse(state.at) / 1000;
    const ready = (state.instances[svc] ?? []).filter((i) => i.state === 'ready').length;
    setHistory((points) => [...points.filter((p) => p.time > time - HISTORY_SECONDS && p.time < time), { time, ready }]);
  }, [state]);
  return history;
}
