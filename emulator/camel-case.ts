/**
 * Wire fields are snake_case, service inputs camelCase: a service's input type is the schema's
 * output with its keys renamed by this type, so no input interface repeats a schema.
 */
export type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}` ? `${Head}${Capitalize<CamelCase<Tail>>}` : S;

export type CamelKeys<T> = { [K in keyof T as K extends string ? CamelCase<K> : K]: T[K] };
