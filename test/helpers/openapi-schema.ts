/**
 * OpenAPI 3.0 to the JSON Schema ajv reads: `nullable` becomes a null alternative,
 * refs point into the document (added to ajv as `doc`), and every object with declared
 * properties is closed, so an undeclared field in an answer fails.
 */
export function jsonSchema(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(jsonSchema);
  if (node === null || typeof node !== 'object') return node;
  const { nullable, example, properties, ...rest } = node as Record<string, unknown>;
  void example;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(rest)) {
    if (key === '$ref') out.$ref = (value as string).replace(/^#/, 'doc#');
    else out[key] = key === 'enum' || key === 'required' ? value : jsonSchema(value);
  }
  if (properties) {
    out.properties = Object.fromEntries(Object.entries(properties as Record<string, unknown>).map(([name, schema]) => [name, jsonSchema(schema)]));
    if (out.additionalProperties === undefined) out.additionalProperties = false;
  }
  return nullable === true ? { anyOf: [{ type: 'null' }, out] } : out;
}
