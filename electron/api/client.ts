/**
 * The caller's side of the contract, independent of how calls travel: the
 * renderer builds it on Electron IPC (through the preload) or on HTTP, and
 * gets the same typed, validated client either way.
 */
import {
  ApiError,
  CallResultSchema,
  events,
  isEventName,
  methods,
  type EventName,
  type EventPayload,
  type MethodInput,
  type MethodName,
  type MethodOutput,
} from './contract.js';

/** What a transport has to provide: one request/response call and one event feed. */
export interface ApiTransport {
  call(method: MethodName, input: unknown): Promise<unknown>;
  subscribe(listener: (event: string, payload: unknown) => void): () => void;
}

export interface ApiClient {
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
}

export function createApiClient(transport: ApiTransport): ApiClient {
  return {
    async call(method, input) {
      const result = CallResultSchema.parse(await transport.call(method, input));
      if (!result.ok) throw new ApiError(result.error.code, result.error.message, result.error.field);
      return methods[method].output.parse(result.value) as never;
    },
    on(event, listener) {
      return transport.subscribe((name, payload) => {
        if (name !== event || !isEventName(name)) return;
        const parsed = events[name].safeParse(payload);
        if (parsed.success) listener(parsed.data as never);
      });
    },
  };
}
