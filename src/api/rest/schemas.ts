import { type Static, Type } from '@sinclair/typebox';
import { ENVIRONMENT_TYPES, type EnvironmentType } from '../../keystore/model.js';

export const ProjectParams = Type.Object({ project: Type.String() });
export type ProjectParams = Static<typeof ProjectParams>;

export const CreateProjectBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  description: Type.Optional(Type.String({ maxLength: 10_000 })),
});
export type CreateProjectBody = Static<typeof CreateProjectBody>;

// An enum, not a union of literals: the validation message then lists nothing but "allowed values".
const EnvironmentTypeSchema = Type.Unsafe<EnvironmentType>({ type: 'string', enum: [...ENVIRONMENT_TYPES] });

export const CreateEnvironmentBody = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 200 }),
  type: Type.Optional(EnvironmentTypeSchema),
  description: Type.Optional(Type.String({ maxLength: 10_000 })),
});
export type CreateEnvironmentBody = Static<typeof CreateEnvironmentBody>;

export const Project = Type.Object({
  name: Type.String(),
  description: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});

export const Environment = Type.Object({
  project: Type.String(),
  name: Type.String(),
  type: EnvironmentTypeSchema,
  description: Type.String(),
  createdAt: Type.String({ format: 'date-time' }),
});

export const ProjectList = Type.Object({ items: Type.Array(Project) });
export const EnvironmentList = Type.Object({ items: Type.Array(Environment) });

export const ErrorResponse = Type.Object({ error: Type.String(), message: Type.String() });
