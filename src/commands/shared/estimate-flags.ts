// Flag texts of the cost estimate (issue 14), kept apart from estimate.ts so that the eagerly loaded def files stay small.
/** --max-cost USD and --region, shared by tune and render tune. */
export const MAX_COST_FLAG = ['--max-cost <usd>', 'refuse (exit 2, nothing created) when the high cost estimate is above USD'] as const;
export const REGION_FLAG = ['--region <name>', 'Azure region for prices, e.g. eastus (default: the cluster nodes\' topology.kubernetes.io/region)'] as const;
