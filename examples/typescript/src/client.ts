// A minimal typed GraphQL client over fetch: the documents are graphql-codegen's
// TypedDocumentNodes, so variables and results are checked against schema.graphql.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { print } from 'graphql';

export interface GraphQLError {
  message: string;
  extensions?: { code?: string; [key: string]: unknown };
}

export class RequestFailed extends Error {
  constructor(readonly errors: GraphQLError[]) {
    super(errors.map((e) => `[${e.extensions?.code ?? '?'}] ${e.message}`).join('; '));
  }
}

export function client(url: string, token?: string) {
  return async function execute<R, V>(document: TypedDocumentNode<R, V>, variables: V): Promise<R> {
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query: print(document), variables }),
    });
    const body = (await response.json()) as { data?: R; errors?: GraphQLError[] };
    if (body.errors?.length || !body.data) throw new RequestFailed(body.errors ?? []);
    return body.data;
  };
}
