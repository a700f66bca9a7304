// The inference port, for in-process users (`kaito demo`, benchmarks): connect to a workspace, chat,
// or run the local OpenAI-compatible proxy.
export { ChatClient } from './client.js';
export { connect, type Connection, type ConnectOptions, type Via } from './connect.js';
export { startProxy, type ProxyOptions, type RunningProxy } from './proxy-server.js';
export { EndpointTransport } from './endpoint.js';
export type { Transport } from './transport.js';
export { ServiceProxyTransport } from './service-proxy.js';
export { PortForwardTransport } from './port-forward.js';
export { chooseModel } from './models.js';
export { ChatSession } from './session.js';
export type { ChatMessage, ChatResult, ModelInfo, SamplingParams } from './types.js';
