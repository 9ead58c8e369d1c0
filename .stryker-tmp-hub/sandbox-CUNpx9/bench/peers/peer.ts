/** A server under test, started fresh by the harness for every scenario run. */
// @ts-nocheck

export interface PublishRequest {
  path: string;
  contentType: string;
  body: string;
}

export interface RunningPeer {
  readonly name: string;
  readonly port: number;
  /** The root process; RSS and CPU are summed over it and its descendants. */
  readonly pid: number;
  /** More root processes of the same server (cluster nodes, Redis). */
  readonly otherPids?: readonly number[];
  /** Ports the streams are spread over (default: `port`, which also takes publishes). */
  readonly streamPorts?: readonly number[];
  /** Path of a stream on one topic. */
  streamPath(topic: string): string;
  /** Header line that resumes a stream after `lastEventId`, or undefined if the server cannot resume. */
  resumeHeader(lastEventId: string): string | undefined;
  publishRequest(topic: string, data: string): PublishRequest;
  /** The event id from a publish response body, when the server reports it. */
  publishedId(status: number, body: string): string | undefined;
  stop(): Promise<void>;
}

export interface PeerStartOptions {
  /** Where the peer may keep files; removed by the harness afterwards. */
  tmpDir: string;
  /** Write a V8 CPU profile here (Node peers only). */
  cpuProfileDir?: string | undefined;
}

export interface PeerDefinition {
  readonly name: string;
  readonly supportsResume: boolean;
  start(options: PeerStartOptions): Promise<RunningPeer>;
}

/**
 * The HTTP shape shared by ssehub and the two Node peers: `GET /events?topic=`,
 * `POST /publish` with `{"topic","data"}` answering `{"id"}`.
 */
export const jsonPublishApi = {
  streamPath: (topic: string) => `/events?topic=${encodeURIComponent(topic)}`,
  publishRequest: (topic: string, data: string): PublishRequest => ({
    path: '/publish',
    contentType: 'application/json',
    body: JSON.stringify({ topic, data }),
  }),
  publishedId: (_status: number, body: string) => (JSON.parse(body) as { id?: string }).id,
} satisfies Pick<RunningPeer, 'streamPath' | 'publishRequest' | 'publishedId'>;
