// The rendering API other commands import (kaito tune / kaito deploy use exactly these).
export { renderTuning } from './tuning.js';
export { renderInference } from './inference.js';
export { tuneInputFromFlags, deployInputFromFlags, FlagProblems, type TuneFlags, type DeployFlags, type FlagContext, type Parsed } from './flags.js';
export { objectsToYAML, objectsToJSON, objectFileName, canonical } from './serialize.js';
export { renderedProblems } from './check.js';
export * from './types.js';
