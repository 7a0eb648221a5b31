/**
 * Success bodies. A2: both Apinizer generations' markers (`status` and `success`) on every answer, and
 * `resultCount` equal to the list length on every list (there is no pagination, §1.4).
 */
export interface ListEnvelope<T> {
  status: 'SUCCESS';
  success: true;
  resultList: T[];
  resultCount: number;
}

export const listEnvelope = <T>(items: T[]): ListEnvelope<T> => ({
  status: 'SUCCESS',
  success: true,
  resultList: items,
  resultCount: items.length,
});

/** §3.7 / §3.8: an import's success, with what it left aside only when there is something to say. */
export interface ImportEnvelope {
  status: 'SUCCESS';
  success: true;
  unresolvedReferences?: string[];
}

export const importEnvelope = (unresolved: readonly string[]): ImportEnvelope =>
  unresolved.length > 0
    ? { status: 'SUCCESS', success: true, unresolvedReferences: [...unresolved] }
    : { status: 'SUCCESS', success: true };

export type DeploymentAction = 'deploy' | 'undeploy';

/**
 * A4: the union of OLD's `{success,message,environmentResults}` and the OpenAPI's `{detail,detailList}`, so a
 * client written against either finds its fields. The store has no gateways to push to: a committed write
 * is in effect in every listed environment, so each environment reports success.
 */
export interface DeploymentResult {
  success: boolean;
  message: string;
  environmentResults: { environmentName: string; success: boolean; message: string }[];
  detail: string;
  detailList: { envName: string; success: boolean; detail: string }[];
}

export interface DeploymentEnvelope {
  status: 'SUCCESS';
  success: true;
  deploymentResult: DeploymentResult;
}

const wording = {
  deploy: { overall: 'Deployment completed successfully', each: 'Deployed successfully' },
  undeploy: { overall: 'Undeployment completed successfully', each: 'Undeployed successfully' },
} as const;

export function deploymentEnvelope(action: DeploymentAction, environments: readonly string[]): DeploymentEnvelope {
  const w = wording[action];
  return {
    status: 'SUCCESS',
    success: true,
    deploymentResult: {
      success: true,
      message: w.overall,
      environmentResults: environments.map((environmentName) => ({ environmentName, success: true, message: w.each })),
      detail: w.overall,
      detailList: environments.map((envName) => ({ envName, success: true, detail: w.each })),
    },
  };
}
