// The kept versions: roll back to one, or split calls between several.
import { useEffect, useState } from 'preact/hooks';
import { api, messageOf } from '../../api';
import { Empty, ErrorText, Loading } from '../../components/Status';
import { dateTime } from '../../format';
import { useLoad } from '../../hooks';
import type { Service, Version } from '../../types';

interface Props {
  env: string;
  svc: string;
  service: Service | undefined;
  onChanged: () => void;
}

export function Versions({ env, svc, service, onChanged }: Props) {
  // Read again whenever the live state says the service changed (a version went live, started, failed).
  const versions = useLoad(
    () => api.versions(env, svc),
    [env, svc, service?.liveVersion, service?.startingVersion, service?.failedVersion, service?.updatedAt],
  );
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const act = async (what: () => Promise<Service>, done: string) => {
    setError(null);
    setNotice(null);
    try {
      await what();
      setNotice(done);
      versions.reload();
      onChanged();
    } catch (e) {
      setError(messageOf(e));
    }
  };
  const rollback = (version: number) =>
    act(() => api.rollback(env, svc, version), `Version ${version} is starting; it goes live once its instances are ready.`);
  const setTraffic = (shares: { version: number; percent: number }[]) =>
    act(
      () => api.setTraffic(env, svc, shares),
      shares.length === 0 ? 'Every call goes to the live version again.' : 'Traffic split saved.',
    );

  if (versions.data === undefined) return versions.loading ? <Loading /> : <ErrorText message={versions.error} />;
  if (versions.data.length === 0) return <Empty>No versions.</Empty>;
  const splittable = versions.data.filter((v) => v.state !== 'failed');
  return (
    <>
      <ErrorText message={error ?? versions.error} test="versions-error" />
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      <VersionTable versions={versions.data} onRollback={rollback} />
      <h2>Traffic split</h2>
      <TrafficForm versions={splittable} current={service?.traffic ?? []} onSave={setTraffic} />
    </>
  );
}

function VersionTable({ versions, onRollback }: { versions: Version[]; onRollback: (version: number) => void }) {
  return (
    <div class="table-wrap">
      <table data-test="versions">
        <thead>
          <tr>
            <th scope="col" class="num">
              Version
            </th>
            <th scope="col">State</th>
            <th scope="col">Deployed</th>
            <th scope="col">By</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {versions.map((v) => (
            <tr key={v.version} data-test="version-row" data-version={v.version} data-state={v.state}>
              <td class="num">{v.version}</td>
              <td>
                <span class={`state state-${v.state}`}>{v.state}</span>
                {v.live && <strong class="tag">live</strong>}
                {v.startFailure && <div class="error">{v.startFailure}</div>}
              </td>
              <td>{dateTime(v.deployedAt)}</td>
              <td>{v.deployedBy ?? '—'}</td>
              <td class="row-actions">
                {!v.live && v.state === 'kept' && (
                  <button type="button" data-test="rollback" onClick={() => onRollback(v.version)}>
                    Roll back to this
                  </button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

interface TrafficProps {
  versions: Version[];
  current: { version: number; percent: number }[];
  onSave: (shares: { version: number; percent: number }[]) => void;
}

/** A percent per kept version; the versions given a share must add up to 100. */
function TrafficForm({ versions, current, onSave }: TrafficProps) {
  const initial = () => Object.fromEntries(current.map((s) => [s.version, String(s.percent)]));
  const [percents, setPercents] = useState<Record<number, string>>(initial);
  useEffect(() => setPercents(initial()), [JSON.stringify(current)]);

  const shares = versions
    .map((v) => ({ version: v.version, percent: Number(percents[v.version] || 0) }))
    .filter((s) => s.percent > 0);
  const total = shares.reduce((sum, s) => sum + s.percent, 0);

  const submit = (e: Event) => {
    e.preventDefault();
    onSave(shares);
  };
  return (
    <form class="traffic" data-test="traffic" onSubmit={submit}>
      <p class="muted">Split calls between 2 to 4 versions, 1-99% each, adding up to 100%. The largest share is live.</p>
      <div class="traffic-inputs">
        {versions.map((v) => (
          <label key={v.version}>
            v{v.version}
            <input
              type="number"
              min={0}
              max={99}
              step={1}
              inputMode="numeric"
              data-test="traffic-percent"
              data-version={v.version}
              value={percents[v.version] ?? ''}
              onInput={(e) => setPercents({ ...percents, [v.version]: e.currentTarget.value })}
            />
            %
          </label>
        ))}
      </div>
      <p class={total === 100 ? 'muted' : 'error'}>Total: {total}%</p>
      <div class="actions">
        <button type="submit" data-test="save-traffic">
          Save split
        </button>
        <button type="button" data-test="clear-traffic" onClick={() => onSave([])}>
          Clear split
        </button>
      </div>
    </form>
  );
}
