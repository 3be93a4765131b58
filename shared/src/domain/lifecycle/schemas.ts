/**
 * JSON Schemas (TypeBox) of the moves' request bodies, derived from the move
 * table's fields: the API validates and documents with these, so a field's
 * rule is written once.
 */
import { Type, type TObject, type TSchema } from '@sinclair/typebox';
import { MOVES, type Field, type MoveName } from './moves';
import { Code, Text } from '../text';

function fieldSchema(f: Field): TSchema {
  switch (f.kind) {
    case 'text':
      return Text(f.required ? { minLength: 1, maxLength: f.max } : { maxLength: f.max });
    case 'enum':
      return Type.Union(f.options.map((o) => Type.Literal(o)));
    case 'staff':
      return Code({ description: 'staff code from the roster' });
    case 'case':
      return Type.String({ format: 'uuid', description: 'case id' });
    case 'minutes':
      return Type.Integer({ minimum: 1, maximum: f.max, description: 'working minutes (clock minutes for urgent cases)' });
    case 'approve':
      return Type.Boolean();
  }
}

/** The body schema of a move's route. */
export function moveBodySchema(name: MoveName): TObject {
  const props: Record<string, TSchema> = {};
  for (const [k, f] of Object.entries(MOVES[name].fields) as [string, Field][]) {
    // A field shown only for some choice is optional to the schema; the move's own check requires it then.
    props[k] = f.required && !f.when ? fieldSchema(f) : Type.Optional(fieldSchema(f));
  }
  return Type.Object(props, { additionalProperties: false });
}
