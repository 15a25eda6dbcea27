// Apollo Client's persisted-query link against a live jixiao, as a front-end sends it.
//
//   node tests/browser/apollo.mjs apq BASE_URL       # automatic persisted queries
//   node tests/browser/apollo.mjs trusted BASE_URL   # a server started with the manifest below,
//                                                    # JIXIAO_TRUSTED_DOCUMENTS_ONLY=true
//   node tests/browser/apollo.mjs manifest FILE      # writes that manifest (codegen's format)
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { print } from 'graphql';

const LISTED = gql`
  query Listed {
    reports(first: 5) {
      totalCount
      nodes {
        id
        unitName
      }
    }
  }
`;
const UNLISTED = gql`
  query Unlisted {
    reports(first: 1) {
      totalCount
    }
  }
`;
const sha256 = (text) => createHash('sha256').update(text).digest('hex');

const [mode, target] = process.argv.slice(2);
const fail = (message) => {
  console.error(`apollo ${mode}: ${message}`);
  process.exitCode = 1;
};

if (mode === 'manifest') {
  // What graphql-codegen's client preset writes with persistedDocuments: true: the document
  // as the client sends it (Apollo's cache adds __typename to every selection).
  const text = print(new InMemoryCache().transformDocument(LISTED));
  writeFileSync(target, JSON.stringify({ [sha256(text)]: text }, null, 2));
  process.exit(0);
}

/** A client whose every request body is recorded. */
function client(base) {
  const sent = [];
  const fetchAndRecord = async (url, options) => {
    sent.push(JSON.parse(options.body));
    return fetch(url, options);
  };
  const link = new PersistedQueryLink({ sha256 }).concat(
    new HttpLink({ uri: `${base}/graphql`, fetch: fetchAndRecord }),
  );
  return { apollo: new ApolloClient({ link, cache: new InMemoryCache() }), sent };
}

const hashOnly = (body) => !body.query && body.extensions?.persistedQuery?.sha256Hash;

if (mode === 'apq') {
  const first = client(target);
  const a = await first.apollo.query({ query: LISTED, fetchPolicy: 'network-only' });
  if (!a.data?.reports?.nodes?.some((n) => n.unitName.includes('云溪区'))) {
    fail(`first answer: ${JSON.stringify(a)}`);
  }
  // Hash only, PERSISTED_QUERY_NOT_FOUND, then hash and query.
  if (first.sent.length !== 2 || !hashOnly(first.sent[0]) || !first.sent[1].query) {
    fail(`expected the hash, then the query: ${JSON.stringify(first.sent)}`);
  }
  const second = client(target);
  const b = await second.apollo.query({ query: LISTED, fetchPolicy: 'network-only' });
  if (second.sent.length !== 1 || !hashOnly(second.sent[0])) {
    fail(`a registered hash is answered at once: ${JSON.stringify(second.sent)}`);
  }
  if (b.data?.reports?.totalCount !== a.data?.reports?.totalCount) fail('answers differ');
} else if (mode === 'trusted') {
  const c = client(target);
  const a = await c.apollo.query({ query: LISTED, fetchPolicy: 'network-only' });
  if (c.sent.length !== 1 || !hashOnly(c.sent[0])) {
    fail(`a listed document is known from the first request: ${JSON.stringify(c.sent)}`);
  }
  if (!(a.data?.reports?.totalCount >= 1)) fail(`listed answer: ${JSON.stringify(a)}`);
  let refused = null;
  try {
    await c.apollo.query({ query: UNLISTED, fetchPolicy: 'network-only' });
  } catch (e) {
    refused = e;
  }
  const codes = JSON.stringify(refused?.errors ?? refused?.graphQLErrors ?? refused?.result ?? String(refused));
  if (!refused || !codes.includes('DOCUMENT_NOT_TRUSTED')) {
    fail(`an unlisted document is refused with DOCUMENT_NOT_TRUSTED: ${codes}`);
  }
} else {
  console.error('usage: node apollo.mjs apq|trusted BASE_URL | manifest FILE');
  process.exit(2);
}
if (!process.exitCode) console.log(`apollo ${mode}: ok`);
