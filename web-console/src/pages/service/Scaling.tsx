// The autoscaler's decisions for this service and its ready instances over the last ten minutes
// (both from the environment's events stream).
import { Empty, Loading } from '../../components/Status';
import { InstancesChart, type ReadyPoint } from '../../components/InstancesChart';
import { dateTime } from '../../format';
import type { EnvironmentState } from '../../types';

interface Props {
  svc: string;
  state: EnvironmentState | undefined;
  history: ReadyPoint[];
}

export function Scaling({ svc, state, history }: Props) {
  if (!state) return <Loading />;
  const decisions = state.decisions.filter((d) => d.service === svc);
  return (
    <>
      <h2>Ready instances, last 10 minutes</h2>
      <InstancesChart points={history} />
      <h2>Decisions</h2>
      {decisions.length === 0 ? (
        <Empty>No scaling decisions for {svc} yet.</Empty>
      ) : (
        <div class="table-wrap">
          <table data-test="decisions">
            <thead>
              <tr>
                <th scope="col">At</th>
                <th scope="col" class="num">
                  Version
                </th>
                <th scope="col">Instances</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {decisions.map((d, i) => (
                <tr key={`${d.at}-${i}`} data-test="decision-row">
                  <td>{dateTime(d.at)}</td>
                  <td class="num">{d.version}</td>
                  <td>
                    {d.from < 0 ? 'none yet' : d.from} → {d.to}
                  </td>
                  <td>{d.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
