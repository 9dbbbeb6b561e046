// Owns the field descriptors the config schema is made of, and the type that a schema resolves to.

export type FieldKind = "string" | "int" | "bool" | "strings" | "float";

interface FieldBase<K extends FieldKind, T> {
  readonly kind: K;
  readonly default: T;
  readonly usage: string;
}
export interface StringField extends FieldBase<"string", string> {
  readonly oneOf?: readonly string[];
  readonly secret?: boolean;
  /** A Nakama-style insecure default worth a warning at start. */
  readonly insecureDefault?: boolean;
}
export interface IntField extends FieldBase<"int", number> {
  readonly min?: number;
  readonly max?: number;
}
export interface FloatField extends FieldBase<"float", number> {
  readonly min?: number;
}
export type BoolField = FieldBase<"bool", boolean>;
export type StringsField = FieldBase<"strings", readonly string[]>;
export type Field = StringField | IntField | BoolField | StringsField | FloatField;

export interface Section {
  readonly [key: string]: Field | Section;
}

export function isField(v: Field | Section): v is Field {
  return typeof (v as Field).kind === "string" && "usage" in v;
}

type FieldValue<F> = F extends FieldBase<FieldKind, infer T> ? T : never;
/** The frozen, typed config a schema describes. */
export type ConfigOf<S> = {
  readonly [K in keyof S]: S[K] extends Field ? FieldValue<S[K]> : ConfigOf<S[K]>;
};

export const str = (def: string, usage: string, extra: Partial<StringField> = {}): StringField => ({
  kind: "string", default: def, usage, ...extra,
});
export const int = (def: number, usage: string, extra: Partial<IntField> = {}): IntField => ({
  kind: "int", default: def, usage, min: 0, ...extra,
});
export const float = (def: number, usage: string, extra: Partial<FloatField> = {}): FloatField => ({
  kind: "float", default: def, usage, ...extra,
});
export const bool = (def: boolean, usage: string): BoolField => ({ kind: "bool", default: def, usage });
export const strs = (def: readonly string[], usage: string): StringsField => ({ kind: "strings", default: def, usage });

/** Every dotted key of a schema with its field, in declaration order. */
export function flattenSchema(s: Section, prefix = ""): Array<[string, Field]> {
  const out: Array<[string, Field]> = [];
  for (const [k, v] of Object.entries(s)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (isField(v)) out.push([key, v]);
    else out.push(...flattenSchema(v, key));
  }
  return out;
}
