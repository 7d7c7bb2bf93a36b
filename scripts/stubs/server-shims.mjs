// Stands in, in the bundle only, for the MCP SDK server's Node shims, whose default JSON Schema
// validator is AJV: the SDK makes one only to check elicitation answers and JSON-Schema tool
// inputs, which hubgate does not use, and loading AJV is a fifth of a stdio session's start. A
// Server that is ever asked to validate says so instead of guessing.
import process from 'node:process';

export class DefaultJsonSchemaValidator {
  getValidator() {
    throw new Error(
      'hubgate is built without the SDK JSON Schema validator (AJV): nothing it serves asks for one',
    );
  }
}

export { process };
