// #/environments/{env}: the environment's services, live from its events stream.
import { ErrorText, Loading } from '../components/Status';
import { millis, rate } from '../format';
import { useEnvironmentState } from '../hooks';
import { links } from '../router';
import type { EnvironmentState, Instance, Service, VersionStatus } from '../types';

export function EnvironmentPage({ env }: { env: string }) {
  const { state, problem } = useEnvironmentState(env);
  return (
    <section>
      <div class="page-head">
        <h1>{env}</h1>
        <a class="button" href={links.deploy(env)} data-test="deploy-link">
          Deploy
        </a>
      </div>
      <ErrorText message={problem} />
      {state === undefined ? (
        !problem && <Loading />
      ) : state.services.length === 0 ? (
        <p class="empty" data-test="empty">
          No services yet: run <code>lever deploy</code> in a service folder, or{' '}
          <a href={links.deploy(env)}>deploy one here</a>.
        </p>
      ) : (
        <ServiceTable env={env} state={state} />
      )}
    </section>
  );
}

function ServiceTable({ env, state }: { env: string; state: EnvironmentState }) {
  return (
    <div class="table-wrap">
      <table data-test="services">
        <thead>
          <tr>
            <th scope="col">Service</th>
            <th scope="col" class="num">
              Live version
            </th>
            <th scope="col">Instances</th>
            <th scope="col">By node</th>
            <th scope="col" class="num">
              Load
            </th>
            <th scope="col" class="num">
              Calls/s
            </th>
            <th scope="col" class="num">
              Errors/s
            </th>
            <th scope="col" class="num">
              p50
            </th>
            <th scope="col" class="num">
              p99
            </th>
          </tr>
        </thead>
        <tbody>
          {state.services.map((service) => (
            <ServiceRow
              key={service.name}
              env={env}
              service={service}
              instances={state.instances[service.name] ?? []}
              status={liveStatus(state.versions, service)}
            />
          ))}
        </tbody>
      </table>
    </div>
  );
}

const liveStatus = (versions: VersionStatus[], service: Service) =>
  versions.find((v) => v.service === service.name && v.version === service.liveVersion);

interface RowProps {
  env: string;
  service: Service;
  instances: Instance[];
  status: VersionStatus | undefined;
}

function ServiceRow({ env, service, instances, status }: RowProps) {
  const count = (state: Instance['state']) => instances.filter((i) => i.state === state).length;
  const ready = count('ready');
  const starting = count('starting');
  const draining = count('draining');
  return (
    <tr data-test="service-row" data-name={service.name}>
      <th scope="row">
        <a href={links.service(env, service.name)}>{service.name}</a>
        {service.private && <span class="tag">private</span>}
      </th>
      <td class="num" data-test="live-version">
        {service.liveVersion}
      </td>
      <td>
        <span data-test="instances-ready">{ready}</span> ready
        {starting > 0 && <span class="muted"> · {starting} starting</span>}
        {draining > 0 && <span class="muted"> · {draining} draining</span>}
      </td>
      <td>{byNode(instances)}</td>
      <td class="num">{status ? status.load.toFixed(2) : '—'}</td>
      <td class="num" data-test="calls-per-second">
        {rate(status?.ratePerSecond)}
      </td>
      <td class={status && status.errorsPerSecond > 0 ? 'num error' : 'num'}>{rate(status?.errorsPerSecond)}</td>
      <td class="num">{millis(status?.latencyP50Seconds)}</td>
      <td class="num">{millis(status?.latencyP99Seconds)}</td>
    </tr>
  );
}

/** "n1: 2, n2: 1" — how many instances each node runs. */
function byNode(instances: Instance[]): string {
  const counts = new Map<string, number>();
  for (const i of instances) counts.set(i.node, (counts.get(i.node) ?? 0) + 1);
  return [...counts].map(([node, n]) => `${node}: ${n}`).join(', ') || '—';
}
