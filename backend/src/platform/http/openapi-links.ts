/**
 * OpenAPI links: how a response feeds the next request. They document the API's workflows (create a
 * term, then read, edit, relate or delete it) and let a stateful client or fuzzer chain real ids instead
 * of guessing them.
 */

interface Link {
  operationId: string;
  parameters: Record<string, string>;
  description: string;
}

type LinkTable = Record<string, Record<string, Record<string, Link>>>;

const createdTermId = '$response.body#/id';

/** operationId → response status → links. */
export const openApiLinks: LinkTable = {
  createTerm: {
    201: {
      GetTerm: {
        operationId: 'getTerm',
        parameters: { 'path.id': createdTermId },
        description: 'Read the term just created.',
      },
      UpdateTerm: {
        operationId: 'updateTerm',
        parameters: { 'path.id': createdTermId, 'header.if-match': '$response.header.ETag' },
        description: 'Edit the term just created, at the version it was created with.',
      },
      DeleteTerm: {
        operationId: 'deleteTerm',
        parameters: { 'path.id': createdTermId },
        description: 'Delete the term just created.',
      },
      CreateRelation: {
        operationId: 'createRelation',
        parameters: { 'path.id': createdTermId },
        description: 'Relate the term just created to another one.',
      },
      ListRelations: {
        operationId: 'listRelations',
        parameters: { 'path.id': createdTermId },
        description: 'The relations of the term just created.',
      },
      RelatedTerms: {
        operationId: 'relatedTerms',
        parameters: { 'path.id': createdTermId },
        description: 'Traverse the graph from the term just created.',
      },
      ValidateTerm: {
        operationId: 'validateTerm',
        parameters: { 'path.id': createdTermId },
        description: 'Validate the term just created.',
      },
      ListValidations: {
        operationId: 'listValidations',
        parameters: { 'path.id': createdTermId },
        description: 'The validation history of the term just created.',
      },
    },
  },
  getTerm: {
    200: {
      UpdateTerm: {
        operationId: 'updateTerm',
        parameters: { 'path.id': '$response.body#/id', 'header.if-match': '$response.header.ETag' },
        description: 'Edit the term at the version just read.',
      },
    },
  },
  createRelation: {
    201: {
      DeleteRelation: {
        operationId: 'deleteRelation',
        parameters: { 'path.id': '$response.body#/source/id', 'path.relationId': '$response.body#/id' },
        description: 'Remove the relation just created.',
      },
    },
  },
};

interface Operation {
  operationId?: string;
  responses?: Record<string, { links?: Record<string, unknown> }>;
}

/** Adds the links above to the document, failing loudly if one points at an operation that is gone. */
export function addOpenApiLinks<T extends object>(document: T): T {
  const paths = (document as { paths?: Record<string, Record<string, Operation>> }).paths;
  const operations = new Map<string, Operation>();
  for (const methods of Object.values(paths ?? {}))
    for (const operation of Object.values(methods))
      if (operation.operationId) operations.set(operation.operationId, operation);
  for (const [operationId, byStatus] of Object.entries(openApiLinks)) {
    const operation = operations.get(operationId);
    for (const [status, links] of Object.entries(byStatus)) {
      const response = operation?.responses?.[status];
      if (!response) throw new Error(`OpenAPI link source ${operationId} ${status} does not exist`);
      for (const link of Object.values(links))
        if (!operations.has(link.operationId))
          throw new Error(`OpenAPI link from ${operationId} targets unknown operation ${link.operationId}`);
      response.links = { ...response.links, ...links };
    }
  }
  return document;
}
