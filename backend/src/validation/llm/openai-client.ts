import OpenAI, { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import type { LlmConfig } from '../../platform/config.ts';
import { LlmCallError, type LlmClient, type LlmCompletion, type LlmRequest } from '../ports.ts';

/**
 * The `LlmClient` adapter for any OpenAI-compatible Chat Completions server, through the official SDK
 * pointed at `LLM_BASE_URL`. One call is one HTTP request: the SDK's own retries are off, because
 * retries, backoff and the circuit breaker are ours (shared policy, counted in our metrics).
 */
export class OpenAiLlmClient implements LlmClient {
  readonly model: string;
  readonly #client: OpenAI;
  readonly #structuredOutput: LlmConfig['structuredOutput'];

  constructor(config: LlmConfig) {
    this.model = config.model;
    this.#structuredOutput = config.structuredOutput;
    this.#client = new OpenAI({
      baseURL: config.baseUrl,
      // Local servers (Ollama, llama.cpp) ignore the key, but the SDK insists on one.
      apiKey: config.apiKey ?? 'not-needed',
      maxRetries: 0,
      timeout: config.timeoutMs,
    });
  }

  async complete(
    request: LlmRequest,
    options: { timeoutMs: number; signal?: AbortSignal | undefined },
  ): Promise<LlmCompletion> {
    try {
      const completion = await this.#client.chat.completions.create(
        {
          model: this.model,
          messages: request.messages,
          temperature: request.temperature,
          ...this.#responseFormat(request),
        },
        { timeout: options.timeoutMs, maxRetries: 0, ...(options.signal ? { signal: options.signal } : {}) },
      );
      const choice = completion.choices?.[0];
      const usage = completion.usage;
      return {
        content: choice?.message?.content ?? null,
        refusal: choice?.message?.refusal ?? null,
        finishReason: choice?.finish_reason ?? null,
        usage: usage
          ? { promptTokens: usage.prompt_tokens ?? 0, completionTokens: usage.completion_tokens ?? 0 }
          : null,
      };
    } catch (error) {
      throw classify(error);
    }
  }

  #responseFormat(request: LlmRequest) {
    switch (this.#structuredOutput) {
      case 'json_schema':
        return {
          response_format: {
            type: 'json_schema' as const,
            json_schema: {
              name: request.responseSchema.name,
              schema: request.responseSchema.schema,
              strict: true,
            },
          },
        };
      case 'json_object':
        return { response_format: { type: 'json_object' as const } };
      case 'none':
        return {};
    }
  }
}

function classify(error: unknown): LlmCallError {
  if (error instanceof LlmCallError) return error;
  if (error instanceof APIUserAbortError)
    return new LlmCallError('aborted', 'The call was aborted.', { cause: error });
  if (error instanceof APIConnectionTimeoutError)
    return new LlmCallError('timeout', 'The LLM server did not answer in time.', { cause: error });
  if (error instanceof APIConnectionError)
    return new LlmCallError('network', `Could not reach the LLM server: ${rootMessage(error)}.`, {
      cause: error,
    });
  if (error instanceof APIError && typeof error.status === 'number') {
    const status = error.status;
    const message = `The LLM server answered HTTP ${status}${error.message ? `: ${truncate(error.message, 300)}` : ''}.`;
    if (status === 429)
      return new LlmCallError('rate_limited', message, {
        status,
        retryAfterMs: retryAfterMs(error.headers),
        cause: error,
      });
    // 408 (request timeout) and 409 (conflict) are worth retrying, as the SDK itself would.
    if (status >= 500 || status === 408 || status === 409)
      return new LlmCallError('server_error', message, { status, cause: error });
    return new LlmCallError('rejected', message, { status, cause: error });
  }
  return new LlmCallError('network', `The LLM call failed: ${rootMessage(error)}.`, { cause: error });
}

/** `retry-after-ms` (OpenAI) or `retry-after` in seconds or as an HTTP date. */
export function retryAfterMs(headers: Headers | undefined): number | null {
  if (!headers) return null;
  const ms = Number(headers.get('retry-after-ms'));
  if (headers.get('retry-after-ms') !== null && Number.isFinite(ms) && ms >= 0) return Math.round(ms);
  const value = headers.get('retry-after');
  if (value === null) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.round(seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}

function rootMessage(error: unknown): string {
  let current = error;
  for (let depth = 0; depth < 5 && current instanceof Error && current.cause instanceof Error; depth++)
    current = current.cause;
  return current instanceof Error ? current.message : String(current);
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
