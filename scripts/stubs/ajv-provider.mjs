// Stands in, in the bundle only, for the MCP SDK's AJV validator: the SDK's Server makes one for
// checking elicitation answers, which hubgate does not ask for, and loading AJV is a fifth of a
// stdio session's start. A Server that is ever asked to validate says so instead of guessing.
export class AjvJsonSchemaValidator {
  getValidator() {
    throw new Error(
      'hubgate is built without the SDK JSON Schema validator (AJV): nothing it serves asks for one',
    );
  }
}
