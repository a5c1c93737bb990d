// The service's fields and its instances on every node (fetched once, then from the events stream).
import { api } from '../../api';
import { Empty, ErrorText, Loading } from '../../components/Status';
import { bytes, dateTime, duration } from '../../format';
import { useLoad } from '../../hooks';
import type { EnvironmentState, Instance, Service } from '../../types';

interface Props {
  env: string;
  svc: string;
  service: Service | undefined;
  state: EnvironmentState | undefined;
}

export function Overview({ env, svc, service, state }: Props) {
  const fetched = useLoad(() => api.instances(env, svc), [env, svc]);
  const instances = state ? (state.instances[svc] ?? []) : fetched.data;
  return (
    <>
      {service ? <ServiceFields service={service} /> : <Loading />}
      <h2>Instances</h2>
      {!state && <ErrorText message={fetched.error} />}
      {instances === undefined ? (
        <Loading />
      ) : instances.length === 0 ? (
        <Empty>No instances run now: the service starts one on its next call.</Empty>
      ) : (
        <InstanceTable instances={instances} />
      )}
    </>
  );
}

function ServiceFields({ service }: { service: Service }) {
  const traffic = service.traffic.map((t) => `v${t.version}: ${t.percent}%`).join(', ');
  return (
    <dl class="fields">
      <dt>Description</dt>
      <dd>{service.description || '—'}</dd>
      <dt>Live version</dt>
      <dd>{service.liveVersion}</dd>
      <dt>Starting version</dt>
      <dd>{service.startingVersion || '—'}</dd>
      {service.failedVersion > 0 && (
        <>
          <dt>Failed version</dt>
          <dd class="error">
            {service.failedVersion}
            {service.startFailure && `: ${service.startFailure}`}
          </dd>
        </>
      )}
      <dt>Traffic</dt>
      <dd>{traffic || 'all to the live version'}</dd>
      <dt>Private</dt>
      <dd>{service.private ? 'yes (callable only from inside the cluster)' : 'no'}</dd>
      <dt>Created</dt>
      <dd>{dateTime(service.createdAt)}</dd>
      <dt>Updated</dt>
      <dd>{dateTime(service.updatedAt)}</dd>
    </dl>
  );
}

function InstanceTable({ instances }: { instances: Instance[] }) {
  return (
    <div class="table-wrap">
      <table data-test="instances">
        <thead>
          <tr>
            <th scope="col">Node</th>
            <th scope="col" class="num">
              Version
            </th>
            <th scope="col">Instance</th>
            <th scope="col">State</th>
            <th scope="col" class="num">
              Age
            </th>
            <th scope="col" class="num">
              In flight
            </th>
            <th scope="col" class="num">
              Memory
            </th>
          </tr>
        </thead>
        <tbody>
          {instances.map((i, index) => (
            <tr key={i.instanceId ?? `starting-${i.node}-${index}`} data-test="instance-row" data-state={i.state}>
              <td>{i.node}</td>
              <td class="num">{i.version}</td>
              <td>
                <code>{i.instanceId ?? '(starting)'}</code>
              </td>
              <td>
                <span class={`state state-${i.state}`}>{i.state}</span>
              </td>
              <td class="num">{duration(i.ageSeconds)}</td>
              <td class="num">{i.inFlight}</td>
              <td class="num">{bytes(i.rssBytes)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
