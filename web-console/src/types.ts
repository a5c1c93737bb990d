// The JSON shapes of the control plane's REST API (docs/contracts.md, docs/console.md).

export interface Session {
  name: string;
  scope: string;
  expiresAt: string;
}

export interface Environment {
  name: string;
  serviceCount: number;
  createdAt: string;
}

export interface TrafficShare {
  version: number;
  percent: number;
}

export interface Service {
  environment: string;
  name: string;
  description: string | null;
  private: boolean;
  liveVersion: number;
  startingVersion: number;
  failedVersion: number;
  startFailure: string | null;
  traffic: TrafficShare[];
  createdAt: string;
  updatedAt: string;
}

export type VersionState = 'live' | 'starting' | 'failed' | 'kept';

export interface Version {
  environment: string;
  service: string;
  version: number;
  live: boolean;
  state: VersionState;
  startFailure: string | null;
  deployedAt: string;
  description: string | null;
  deployedBy: string | null;
}

export type InstanceState = 'starting' | 'ready' | 'draining';

export interface Instance {
  node: string;
  version: number;
  instanceId: string | null;
  state: InstanceState;
  startedAt: string;
  ageSeconds: number;
  inFlight: number;
  rssBytes: number;
}

export interface VersionStatus {
  environment: string;
  service: string;
  version: number;
  instances: number;
  target: number;
  load: number;
  inFlight: number;
  ratePerSecond: number;
  errorsPerSecond: number;
  latencySeconds: number;
  latencyP50Seconds: number;
  latencyP99Seconds: number;
  startFailure: string | null;
}

export interface Decision {
  at: string;
  environment: string;
  service: string;
  version: number;
  from: number;
  to: number;
  reason: string;
}

export interface EnvironmentState {
  at: string;
  environment: string;
  services: Service[];
  instances: Record<string, Instance[]>;
  versions: VersionStatus[];
  decisions: Decision[];
}

export interface LogLine {
  time: number;
  node: string;
  env?: string;
  service?: string;
  version?: number;
  instance?: string;
  stream?: 'stdout' | 'stderr' | 'lever';
  text?: string;
  error?: string;
}

export interface ConsoleSettings {
  ingressUrl: string;
}
